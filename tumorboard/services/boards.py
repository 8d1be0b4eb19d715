"""Boards are explicit: created, listed, renamed and staffed on purpose, never made up from a typo.

An unknown board name is refused with the closest existing names."""

from __future__ import annotations

import difflib

from tumorboard.domain.changes import Changes
from tumorboard.domain.meeting import DEFAULT_QUORUM, BoardRole, Discipline, MeetingError
from tumorboard.domain.users import Permission, User
from tumorboard.services.access import check
from tumorboard.services.meeting_input import no_nul
from tumorboard.services.notice import Notify, ignore
from tumorboard.store import Database, RecordExists, RecordNotFound
from tumorboard.store.meeting_records import BoardRecord
from tumorboard.store.unit_of_work import UnitOfWork


def find_board(uow: UnitOfWork, name: str) -> BoardRecord:
    """The board of that name (any letter case), or MeetingError naming the closest ones."""
    board = uow.meetings.board(name)
    if board is not None:
        return board
    names = [b.name for b in uow.meetings.boards()]
    close = difflib.get_close_matches(name.strip(), names, n=3, cutoff=0.5)
    if not close:
        close = [n for n in names if n.lower().startswith(name.strip()[:3].lower())][:3]
    hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
    known = f"; the boards are: {', '.join(names)}" if names and not close else ""
    create = ("; there is no board yet: create one first (`tumorboard boards create NAME`)"
              if not names else "")
    raise MeetingError(f"board: no board named {name!r}{hint}{known}{create}")


class BoardService:
    def __init__(self, db: Database, actor: str = "local user", *, user: User | None = None,
                 notify: Notify = ignore) -> None:
        self.db = db
        self.user = user
        self.actor = user.username if user else actor
        self.notify = notify

    def list(self) -> list[BoardRecord]:
        with self.db.reading() as uow:
            return uow.meetings.boards()

    def get(self, name: str) -> BoardRecord:
        with self.db.reading() as uow:
            return find_board(uow, name)

    def create(self, name: str, site: str = "breast") -> tuple[BoardRecord, Changes]:
        """A new board with its tumour site's default quorum; a name already taken is refused."""
        no_nul(name)
        if not name.strip():
            raise MeetingError("name: the board needs a name (for example \"Breast MDT\")")
        if site not in DEFAULT_QUORUM:
            raise MeetingError(f"site: no default quorum is known for {site!r}; known: "
                               + ", ".join(sorted(DEFAULT_QUORUM)))
        with self.db.unit_of_work(self.actor) as uow:
            check(uow, self.user, Permission.PLAN_MEETINGS)
            if uow.meetings.board(name) is not None:
                raise MeetingError(f"name: a board named {name.strip()!r} exists already")
            quorum = [d.value for d in Discipline if d in DEFAULT_QUORUM[site]]
            board = uow.meetings.add_board(name, site, quorum)
            uow.audit("create", "board", board.id, [
                ("name", None, board.name), ("site", None, site), ("quorum", None, quorum)])
            changes = uow.commit()
        self.notify(changes)
        return board, changes

    def rename(self, name: str, new_name: str) -> tuple[BoardRecord, Changes]:
        """A new name for the board; past minutes keep the name they were signed with."""
        no_nul(new_name)
        if not new_name.strip():
            raise MeetingError("new name: the board needs a name")
        with self.db.unit_of_work(self.actor) as uow:
            check(uow, self.user, Permission.PLAN_MEETINGS)
            board = find_board(uow, name)
            other = uow.meetings.board(new_name)
            if other is not None and other.id != board.id:
                raise MeetingError(f"new name: a board named {other.name!r} exists already")
            before = uow.meetings.rename_board(board.id, new_name)
            uow.audit("rename", "board", board.id, [("name", before, new_name.strip())])
            renamed = uow.meetings.board(new_name)
            assert renamed is not None
            changes = uow.commit()
        self.notify(changes)
        return renamed, changes

    def add_member(self, board: str, name: str, discipline: Discipline,
                   role: BoardRole = BoardRole.MEMBER) -> Changes:
        with self.db.unit_of_work(self.actor) as uow:
            check(uow, self.user, Permission.PLAN_MEETINGS)
            add_member_in(uow, board, name, discipline, role)
            changes = uow.commit()
        self.notify(changes)
        return changes


def add_member_in(uow: UnitOfWork, board: str, name: str, discipline: Discipline,
                  role: BoardRole) -> BoardRecord:
    no_nul(name)
    if not name.strip():
        raise MeetingError("name: a board member needs a name")
    record = find_board(uow, board)
    try:
        uow.meetings.add_member(record.id, name.strip(), discipline.value, role.value)
    except RecordExists as exc:
        raise MeetingError(f"name: {exc}") from None
    uow.audit("add-member", "board", record.id, [
        ("member", None, f"{name.strip()} ({discipline.value}, {role.value})")])
    return record


def remove_member_in(uow: UnitOfWork, board: str, name: str) -> BoardRecord:
    record = find_board(uow, board)
    try:
        uow.meetings.remove_member(record.id, name.strip())
    except RecordNotFound as exc:
        raise MeetingError(f"name: {exc}") from None
    uow.audit("remove-member", "board", record.id, [("member", name.strip(), None)])
    return record
