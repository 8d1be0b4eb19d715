"""The application-wide change notice: every service of the app announces what an action changed
here, and every window or view that shows one of those things refreshes itself from it. No
window forwards another window's signals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from tumorboard.domain.changes import Changes
from tumorboard.services.notice import ignore


class ChangeNotice(QObject):
    changed = Signal(object)
    """Emitted with the ``Changes`` of one committed action (from any thread: Qt queues it to
    the receivers' thread)."""

    def publish(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)

    def wire(self, *services: Any) -> None:
        """Let services that announce to nobody yet announce here."""
        for service in services:
            if service is not None and getattr(service, "notify", None) is ignore:
                service.notify = self.publish
