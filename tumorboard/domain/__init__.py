"""The clinic's vocabulary: plain frozen dataclasses and enums, no Qt, no SQLAlchemy."""
