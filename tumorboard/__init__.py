"""tumorboard: a desktop application for cancer multidisciplinary team (MDT) meetings."""

__version__ = "0.4.0"
