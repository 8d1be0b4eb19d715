"""The minutes of MDT meetings as PDF (ReportLab only here; no Qt, no database).

The meeting service assembles a :class:`tumorboard.domain.minutes.Minutes`; this package turns it
into a document and knows nothing of where the data came from.
"""

from __future__ import annotations

import hashlib

from tumorboard.reports.minutes_pdf import render_minutes

__all__ = ["minutes_sha256", "render_minutes"]


def minutes_sha256(pdf: bytes) -> str:
    """The hex SHA-256 of a rendered PDF: what sign-off records and a copy quotes."""
    return hashlib.sha256(pdf).hexdigest()
