"""Importing case documents: validated, then stored in batches, all of a case or nothing.

Part of ``CaseService`` (services/cases.py), which mixes it in; its own module because importing
is one use case with its own rules (batches, updates that keep what meetings recorded, refusals
that name the file and the field, disk faults that stop the import and say how far it got).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from datetime import date

from tumorboard.casedoc import InvalidCaseDocument, case_from_document, case_to_document, load_case_document
from tumorboard.collection_pause import collection_after_batch
from tumorboard.domain.case import Case
from tumorboard.domain.changes import Changes
from tumorboard.domain.users import Permission
from tumorboard.domain.workflow import WorkflowStatus
from tumorboard.recommend.readiness import ReadinessSettings
from tumorboard.services.access import check
from tumorboard.services.acting import Acting
from tumorboard.services.audit import field_changes, removals
from tumorboard.services.derived import derive
from tumorboard.services.settings import settings_from
from tumorboard.store import DatabaseReadOnly, DiskFailure, DiskFull, RecordExists, StoreError
from tumorboard.store.unit_of_work import UnitOfWork

IMPORT_BATCH = 500
# Faults of the disk, not of a case: an import stops at the first (tests/integration/test_faults.py).
_DISK_FAULTS = (DiskFull, DiskFailure, DatabaseReadOnly)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What became of one file: created, updated or refused (with the problems, each naming its field)."""

    source: str
    mrn: str | None
    action: str  # "created" | "updated" | "refused"
    problems: tuple[str, ...] = ()
    refusal: str = ""  # "exists" (an update was not asked), "would_remove" (a replace was not asked)


def readiness_of(uow: UnitOfWork) -> ReadinessSettings:
    return settings_from(uow.settings.all()).readiness


class CaseImport(Acting):
    """``CaseService``'s import; ``today`` is the service's clock."""

    today: Callable[[], date]

    def import_documents(self, sources: Sequence[tuple[str, bytes]], *, update: bool = False,
                         replace: bool = False,
                         progress: Callable[[int, int], bool] | None = None) -> list[ImportOutcome]:
        """Validate and store each document: all of a case or nothing, file by file.

        New cases are written in batches (one transaction per batch of up to IMPORT_BATCH); a
        batch the database refuses is retried case by case, so one bad case never costs the
        others. Existing record numbers go one by one: an update keeps the MDT discussions that
        meetings recorded, and one that would remove anything else is refused unless ``replace``."""
        with self.db.reading() as uow:
            check(uow, self.user, Permission.EDIT_CASES)
        outcomes: list[ImportOutcome | None] = [None] * len(sources)
        parsed: list[tuple[int, str, Case]] = []
        for first in range(0, len(sources), IMPORT_BATCH):
            with collection_after_batch():
                for i in range(first, min(first + IMPORT_BATCH, len(sources))):
                    name, data = sources[i]
                    try:
                        doc = load_case_document(data)
                    except InvalidCaseDocument as exc:
                        outcomes[i] = ImportOutcome(name, None, "refused",
                                                    tuple(str(p) for p in exc.problems))
                        continue
                    parsed.append((i, name, case_from_document(doc)))
        changes = Changes()
        for start in range(0, len(parsed), IMPORT_BATCH):
            if progress is not None and not progress(start, len(parsed)):
                for i, name, case in parsed[start:]:  # cancelled: say so for every file not stored
                    outcomes[i] = ImportOutcome(name, case.patient.mrn, "refused",
                                                ("not imported: the import was cancelled",))
                break
            try:
                with collection_after_batch():
                    batch = self._import_batch(parsed[start:start + IMPORT_BATCH], update, replace)
            except _DISK_FAULTS as exc:  # not about one case: the import stops, and says how far it got
                stored = sum(1 for o in outcomes if o is not None and o.action != "refused")
                if not stored:
                    raise
                raise type(exc)(f"{exc}; {stored} of {len(sources)} file(s) were stored before it "
                                "happened (`tumorboard import` again stores the rest)") from None
            for i, outcome in batch:
                outcomes[i] = outcome
            changes = changes | self.last_changes
        if progress is not None:
            progress(len(parsed), len(parsed))
        self.last_changes = changes
        return [o for o in outcomes if o is not None]

    def _import_batch(self, batch: list[tuple[int, str, Case]], update: bool,
                      replace: bool) -> list[tuple[int, ImportOutcome]]:
        today = self.today()
        results: list[tuple[int, ImportOutcome]] = []
        with self.db.reading() as uow:
            existing = uow.cases.existing_mrns([c.patient.mrn for _, _, c in batch])
        new: list[tuple[int, str, Case]] = []
        one_by_one: list[tuple[int, str, Case]] = []
        seen: set[str] = set()
        for item in batch:
            mrn = item[2].patient.mrn
            (one_by_one if mrn in existing or mrn in seen else new).append(item)
            seen.add(mrn)
        changes = Changes()
        try:
            if new:
                with self._action(Permission.EDIT_CASES) as uow:
                    readiness = readiness_of(uow)
                    taken = uow.cases.existing_mrns([c.patient.mrn for _, _, c in new])
                    if taken:  # another program added one since the look above: one by one
                        raise RecordExists(", ".join(sorted(taken)))
                    uow.cases.add_many(
                        [(case, WorkflowStatus.REFERRED.value, derive(case, today, readiness=readiness))
                         for _, _, case in new], self.actor)
                    uow.audit_created("import", "case", [
                        (case.patient.mrn, case_to_document(case)) for _, _, case in new])
                changes = self.last_changes
                results.extend((i, ImportOutcome(name, case.patient.mrn, "created")) for i, name, case in new)
        except _DISK_FAULTS:
            raise  # the disk, not a case: retrying case by case would fail each one the same way
        except StoreError:
            one_by_one = new + one_by_one  # find the case the database refused; keep the others
        for i, name, case in sorted(one_by_one):
            try:
                results.append((i, self._store_imported(name, case, update, replace)))
                changes = changes | self.last_changes
            except _DISK_FAULTS:
                raise
            except StoreError as exc:
                results.append((i, ImportOutcome(name, case.patient.mrn, "refused", (f"database: {exc}",))))
        self.last_changes = changes
        return results

    def _store_imported(self, name: str, case: Case, update: bool, replace: bool) -> ImportOutcome:
        mrn = case.patient.mrn
        outcome = ImportOutcome(name, mrn, "refused")
        try:
            with self._action(Permission.EDIT_CASES) as uow:
                readiness = readiness_of(uow)
                if not uow.cases.exists(mrn):
                    uow.cases.add(case, WorkflowStatus.REFERRED.value,
                                  derive(case, self.today(), readiness=readiness), self.actor)
                    uow.audit_created("import", "case", [(mrn, case_to_document(case))])
                    outcome = ImportOutcome(name, mrn, "created")
                elif not update:
                    return ImportOutcome(name, mrn, "refused", (
                        f"/patient/mrn: a case with record number {mrn} already exists; "
                        "use --update to replace its clinical content",), "exists")
                else:
                    before = uow.cases.get(mrn)
                    # MDT discussions a meeting recorded are facts of the record, not of the file.
                    held = set(uow.meetings.discussion_days(mrn))
                    case = dataclass_replace(case, mdt_discussions=tuple(
                        sorted({*case.mdt_discussions, *held})))
                    lost = removals(case_to_document(before.case), case_to_document(case))
                    if lost and not replace:
                        return ImportOutcome(name, mrn, "refused", tuple(
                            f"{path}: the update would remove {value}; import with --replace to remove it"
                            for path, value in lost), "would_remove")
                    derived = derive(case, self.today(), before.staging_date, before.next_meeting, readiness)
                    uow.cases.update(case, derived, self.actor, None)
                    uow.audit("import-update", "case", mrn,
                              field_changes(case_to_document(before.case), case_to_document(case)))
                    outcome = ImportOutcome(name, mrn, "updated")
        except RecordExists as exc:  # another program added the MRN between check and insert
            return ImportOutcome(name, mrn, "refused", (f"/patient/mrn: {exc}",))
        return outcome
