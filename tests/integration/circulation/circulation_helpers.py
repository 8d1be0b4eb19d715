"""What the circulation tests share: the demo database they run on, reading PDFs back, a free port."""

from __future__ import annotations

import io
import socket
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from tumorboard.domain.users import User
from tumorboard.services.meetings import MeetingService
from tumorboard.store import Database

ADMIN = "demo-admin"


@dataclass
class Demo:
    db: Database
    path: Path
    chair: User
    admin: User
    signed: int
    planned: int

    def meetings(self) -> MeetingService:
        return MeetingService(self.db, user=self.chair)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    """Extracted text with line breaks as spaces: a wrapped sentence reads whole."""
    return " ".join(text.split())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
