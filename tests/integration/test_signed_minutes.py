"""Signed minutes that verify on their own (issue 14, item 2), on SQLite and PostgreSQL.

- Sign-off keeps the data snapshot the PDF was rendered from; copies render from it (a patient
  renamed after sign-off still reads as signed), byte-identical from one render to the next.
- The signed PDF carries a PAdES signature by the chair's key (opened with the chair's password),
  which pyHanko's validator accepts; one changed byte is caught (`minutes --verify` exit 5).
- `db verify` catches a replaced snapshot and a signed PDF whose signature no longer validates.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pg_roles import owner_connection
from prepared_databases import PreparedDatabases, Template, filled
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import text

from tumorboard.cli import main
from tumorboard.domain.meeting import BoardRole, DecisionCategory, Discipline, MeetingError
from tumorboard.domain.users import Role, User
from tumorboard.reports import render_minutes
from tumorboard.services.accounts import AccountService
from tumorboard.services.boards import BoardService
from tumorboard.services.cases import CaseService
from tumorboard.services.integrity import verify_record
from tumorboard.services.meetings import DecisionInput, MeetingService
from tumorboard.services.minutes_snapshot import minutes_from_snapshot, snapshot_json
from tumorboard.store import Database

DAY = date(2025, 6, 10)
PASSWORD = "chair's long password"
CHAIR = "Dr Carla Chair"
MEMBERS = [(CHAIR, Discipline.BREAST_SURGERY, BoardRole.CHAIR),
           ("Dr Onc", Discipline.MEDICAL_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Rad", Discipline.RADIATION_ONCOLOGY, BoardRole.MEMBER),
           ("Dr Img", Discipline.RADIOLOGY, BoardRole.MEMBER),
           ("Dr Path", Discipline.PATHOLOGY, BoardRole.MEMBER)]


class Setup:
    def __init__(self, db: Database, chair: User, coordinator: User, mid: int, mrns: list[str]) -> None:
        self.db, self.chair, self.coordinator, self.mid, self.mrns = db, chair, coordinator, mid, mrns

    def meetings(self, user: User | None = None) -> MeetingService:
        return MeetingService(self.db, user=user or self.chair, today=lambda: DAY)


def _close(db: Database, example_files: list[Path]) -> tuple[User, User, int, list[str]]:
    accounts = AccountService(db)
    admin = accounts.create_first_admin("admin", "Administrator", "admin's long password")
    chair = accounts.create_user(admin, "carla", CHAIR, Discipline.BREAST_SURGERY, Role.CHAIR, PASSWORD)
    coordinator = accounts.create_user(admin, "cora", "Ms Cora Ordinator", None, Role.COORDINATOR,
                                       "coordinator's password")
    cases = CaseService(db, user=coordinator, today=lambda: DAY)
    mrns = [o.mrn for o in cases.import_documents([(f.name, f.read_bytes()) for f in example_files]) if o.mrn]
    boards = BoardService(db, user=coordinator)
    boards.create("Breast MDT")
    for name, discipline, role in MEMBERS:
        boards.add_member("Breast MDT", name, discipline, role)
    meetings = MeetingService(db, user=chair, today=lambda: DAY)
    mid = meetings.create_meeting("Breast MDT", DAY, "08:00", chair=CHAIR)
    meetings.add_cases(mid, mrns[:2])
    meetings.start(mid)
    for name, *_ in MEMBERS:
        meetings.set_attendance(mid, name, True)
    for mrn in mrns[:2]:
        meetings.record_decision(mid, mrn, DecisionInput(DecisionCategory.SYSTEMIC_THERAPY,
                                                         f"Letrozole and ribociclib for {mrn}", True))
    meetings.close(mid)
    return chair, coordinator, mid, mrns[:2]


def _sign(db: Database, example_files: list[Path]) -> tuple[User, User, int, list[str]]:
    made = _close(db, example_files)
    Setup(db, *made).meetings().sign_off(made[2], CHAIR, password=PASSWORD)
    return made


EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"  # as example_files
CLOSED = Template("closed-meeting", filled(lambda db: _close(db, sorted(EXAMPLES.glob("*.case.json")))))
SIGNED = Template("signed-meeting", filled(lambda db: _sign(db, sorted(EXAMPLES.glob("*.case.json")))))


@pytest.fixture
def db_template(request: pytest.FixtureRequest) -> Template[tuple[User, User, int, list[str]]] | None:
    """The tests of the closed or signed meeting on SQLite start from a copy of it, built (and
    signed off, with the chair's key made and the PDF rendered and signed) once per session."""
    if "closed" not in request.fixturenames:
        return None
    request.getfixturevalue("example_files")  # skips, as before, where the examples are not
    return SIGNED if "signed" in request.fixturenames else CLOSED


@pytest.fixture
def closed(db: Database, db_template: Template[tuple[User, User, int, list[str]]] | None,
           prepared: PreparedDatabases, example_files: list[Path]) -> Setup:
    """Accounts (an administrator, a chair, a coordinator) and a closed meeting with two decisions
    (for the tests that take ``signed``, on SQLite, a copy of it signed already)."""
    if db_template is not None and db.url.startswith("sqlite"):
        return Setup(db, *prepared.made(db_template))  # the database is a copy of it (the db fixture)
    return Setup(db, *_close(db, example_files))


@pytest.fixture
def signed(closed: Setup, db_template: Template[tuple[User, User, int, list[str]]] | None) -> Setup:
    if db_template is not SIGNED or not closed.db.url.startswith("sqlite"):
        closed.meetings().sign_off(closed.mid, CHAIR, password=PASSWORD)
    return closed


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _certificates(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT certificate_pem FROM signing_keys"))]


def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _verify_cli(capsys: pytest.CaptureFixture[str], db: Database, path: Path) -> tuple[int, str, str]:
    os.environ["TUMORBOARD_PASSWORD"] = PASSWORD
    try:
        code = main(["minutes", "--verify", str(path), "--database", db.url, "--user", "carla"])
    finally:
        del os.environ["TUMORBOARD_PASSWORD"]
    out, err = capsys.readouterr()
    return code, out, err


# -- PAdES ---------------------------------------------------------------------------------------
def test_the_signed_pdf_carries_a_pades_signature_that_pyhanko_validates(signed: Setup) -> None:
    from asn1crypto import pem, x509

    pdf = signed.meetings().signed_original(signed.mid)
    roots = [x509.Certificate.load(pem.unarmor(c.encode())[2]) for c in _certificates(signed.db)]
    assert len(roots) == 1
    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(embedded) == 1
    status = validate_pdf_signature(embedded[0], signer_validation_context=ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"))
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == CHAIR
    assert embedded[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES baseline
    # The key and the certificate are kept per chair; the private key only encrypted.
    (username, private), = _rows(signed.db, "SELECT username, private_key_pem FROM signing_keys")
    assert username == "carla" and str(private).startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert PASSWORD.encode() not in pdf


def test_minutes_verify_accepts_the_signed_original_and_catches_a_changed_byte(
        signed: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = signed.meetings().signed_original(signed.mid)
    original = tmp_path / "signed.pdf"
    original.write_bytes(pdf)
    code, out, err = _verify_cli(capsys, signed.db, original)
    assert code == 0, out + err
    assert f"meeting: {signed.mid} (Breast MDT, 2025-06-10)" in out and f"signed off by: {CHAIR}" in out
    assert "PAdES signature by Dr Carla Chair" in out and "verified" in out

    changed = bytearray(pdf)
    at = len(pdf) // 3  # inside the signed range: the rendered minutes
    changed[at] ^= 0x01
    forged = tmp_path / "changed.pdf"
    forged.write_bytes(bytes(changed))
    code, out, _ = _verify_cli(capsys, signed.db, forged)
    assert code == 5 and "NOT VERIFIED" in out
    assert "is not the hash of any signed minutes in this database" in out
    assert "signature by Dr Carla Chair: the document was changed after it was signed" in out

    # The signature checked on its own also fails (the digest of the signed bytes).
    result = signed.meetings().verify_minutes(bytes(changed))
    assert not result.ok

    garbage = tmp_path / "not-a-pdf.pdf"
    garbage.write_bytes(b"hello, world")
    code, out, err = _verify_cli(capsys, signed.db, garbage)
    assert code == 2 and "not a PDF file" in err and out == ""
    code, _, err = _verify_cli(capsys, signed.db, tmp_path / "missing.pdf")
    assert code == 2 and "cannot read the file" in err


def test_a_wrong_chair_password_is_refused_with_nothing_written(closed: Setup) -> None:
    before = _rows(closed.db, "SELECT count(*) FROM audit_log")
    with pytest.raises(MeetingError, match="password: wrong password for carla; the minutes were not signed"):
        closed.meetings().sign_off(closed.mid, CHAIR, password="not the chair's password")
    with pytest.raises(MeetingError, match="password: signing the minutes needs your password"):
        closed.meetings().sign_off(closed.mid, CHAIR)
    assert _rows(closed.db, "SELECT count(*) FROM audit_log") == before
    assert _rows(closed.db, "SELECT count(*) FROM signing_keys") == [(0,)]
    assert _rows(closed.db, f"SELECT state, minutes_pdf, minutes_snapshot FROM meetings WHERE id = {closed.mid}") \
        == [("closed", None, None)]
    # A coordinator is refused for the role before any password is asked.
    with pytest.raises(Exception, match="may not sign off"):
        closed.meetings(closed.coordinator).sign_off(closed.mid, "Ms Cora Ordinator", password="x")


def test_the_cli_signs_with_the_password_the_chair_signed_in_with(
        closed: Setup, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUMORBOARD_PASSWORD", PASSWORD)
    code = main(["meetings", "sign", str(closed.mid), "--chair", CHAIR, "--database", closed.db.url,
                 "--user", "carla"])
    out, err = capsys.readouterr()
    assert code == 0, err
    digest = out.strip()
    assert _rows(closed.db, f"SELECT minutes_sha256 FROM meetings WHERE id = {closed.mid}") == [(digest,)]
    (audit,), = _rows(closed.db, "SELECT new_value FROM audit_log WHERE action = 'sign-off' "
                                 "AND field = 'signing_certificate'")
    (fingerprint,), = _rows(closed.db, "SELECT fingerprint FROM signing_keys")
    assert json.loads(str(audit)) == fingerprint


def test_a_key_made_under_an_earlier_password_is_replaced_and_still_verifies(
        closed: Setup, example_files: list[Path]) -> None:
    first = closed.meetings().sign_off(closed.mid, CHAIR, password=PASSWORD)
    admin = AccountService(closed.db).authenticate("admin", "admin's long password")
    AccountService(closed.db).set_password(admin, "carla", "a new long password")
    # A second meeting, signed under the new password: a new key; the old one is retired, kept.
    meetings = closed.meetings()
    later = meetings.create_meeting("Breast MDT", DAY, "12:00", chair=CHAIR)
    meetings.start(later)
    meetings.set_attendance(later, CHAIR, True)
    meetings.record_quorum_override(later, CHAIR, "urgent")
    meetings.close(later)
    meetings.sign_off(later, CHAIR, password="a new long password")
    keys = _rows(closed.db, "SELECT username, retired_at IS NOT NULL FROM signing_keys ORDER BY id")
    assert keys == [("carla", True), ("carla", False)]
    assert meetings.verify_minutes(first.pdf).ok
    assert meetings.verify_minutes(meetings.signed_original(later)).ok
    assert verify_record(closed.db).ok


# -- the snapshot and the copies -----------------------------------------------------------------
def test_a_copy_after_a_rename_shows_the_signed_name_and_the_signed_content(signed: Setup) -> None:
    meetings = signed.meetings()
    cases = CaseService(signed.db, user=signed.chair, today=lambda: DAY)
    mrn = signed.mrns[0]
    stored = cases.get(mrn)
    signed_name = stored.case.patient.name
    assert signed_name
    renamed = replace(stored.case, patient=replace(stored.case.patient, name="Renamed After-Signoff"))
    cases.save(renamed, stored.version)
    assert cases.get(mrn).case.patient.name == "Renamed After-Signoff"

    original = meetings.signed_original(signed.mid)
    copy = meetings.render_minutes(signed.mid)
    copy_text, original_text = _text(copy), _text(original)
    assert signed_name in copy_text and "Renamed After-Signoff" not in copy_text
    digest = meetings.get(signed.mid).minutes_sha256
    assert digest is not None and "COPY" in copy_text and digest in copy_text.replace("\n", "")
    # Identical content apart from the copy marking: the same lines, plus the copy's.
    copy_lines = [line for line in copy_text.splitlines()
                  if "COPY" not in line and "Copy of the signed minutes" not in line
                  and "This document" not in line and digest not in line]
    # (the page header's "Minutes" reads "COPY" on a copy)
    assert {line for line in original_text.splitlines() if line not in copy_lines} <= {"Minutes"}
    # The copy verifies (it names a signed hash that exists and is that content rendered again).
    result = meetings.verify_minutes(copy)
    assert result.ok and result.kind == "copy" and result.meeting_id == signed.mid, result.failed
    pseudonymised = meetings.render_minutes(signed.mid, pseudonymise=True)
    assert signed_name not in _text(pseudonymised) and "Renamed" not in _text(pseudonymised)
    assert meetings.verify_minutes(pseudonymised).ok


def test_two_renders_of_an_unchanged_snapshot_are_byte_identical(signed: Setup) -> None:
    meetings = signed.meetings()
    first = meetings.render_minutes(signed.mid)
    assert meetings.render_minutes(signed.mid) == first
    assert meetings.render_minutes(signed.mid, pseudonymise=True) == \
        meetings.render_minutes(signed.mid, pseudonymise=True)
    # The snapshot is exactly what the signed PDF was rendered from: rendered again, it gives the
    # signed file's first revision byte for byte (the PAdES signature is an incremental update).
    (snapshot,), = _rows(signed.db, f"SELECT minutes_snapshot FROM meetings WHERE id = {signed.mid}")
    minutes = minutes_from_snapshot(str(snapshot))
    assert snapshot_json(minutes) == snapshot
    rendered = render_minutes(minutes)
    assert meetings.signed_original(signed.mid)[:len(rendered)] == rendered


def test_amendments_after_sign_off_show_on_copies_as_amendments(signed: Setup) -> None:
    meetings = signed.meetings()
    before = meetings.render_minutes(signed.mid)
    meetings.amend(signed.mid, signed.mrns[0], "text", "Letrozole alone", "typing error")
    copy = meetings.render_minutes(signed.mid)
    words = _text(copy)
    assert "Amendments" in words and "Reason: typing error" in words and "corrected to" in words
    assert f"Letrozole and ribociclib for {signed.mrns[0]}" in words  # the signed text stays
    assert meetings.verify_minutes(copy).ok
    assert meetings.verify_minutes(before).ok  # a copy made before the amendment still verifies


def test_an_altered_copy_does_not_verify(signed: Setup) -> None:
    meetings = signed.meetings()
    copy = bytearray(meetings.render_minutes(signed.mid))
    copy[len(copy) // 2] ^= 0x01
    result = meetings.verify_minutes(bytes(copy))
    assert not result.ok and result.kind == "copy"
    assert "is not the signed minutes rendered again" in " ".join(result.failed)


def test_the_snapshot_cannot_be_changed_after_sign_off(signed: Setup) -> None:
    with pytest.raises(Exception, match=r"read-only record|meeting state"), signed.db.engine.begin() as conn:
        conn.execute(text(f"UPDATE meetings SET minutes_snapshot = '{{}}' WHERE id = {signed.mid}"))
    with pytest.raises(Exception, match="read-only record"), signed.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM signing_keys"))
    with pytest.raises(Exception, match="read-only record"), signed.db.engine.begin() as conn:
        conn.execute(text("UPDATE signing_keys SET certificate_pem = 'forged'"))


# -- db verify -----------------------------------------------------------------------------------
def _drop_signed_guard(db: Database) -> None:
    """As someone who owns the tables (anyone with the SQLite file; the schema's owner on
    PostgreSQL: the app's own role may not drop a trigger)."""
    with owner_connection(db.url) as conn:
        if db.url.startswith("sqlite"):
            for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                             "AND tbl_name = 'meetings'")).all():
                conn.execute(text(f"DROP TRIGGER {name}"))
        else:
            conn.execute(text("DROP TRIGGER meetings_signed ON meetings"))
            conn.execute(text("DROP TRIGGER meetings_state ON meetings"))


def test_db_verify_catches_a_replaced_snapshot(signed: Setup) -> None:
    assert verify_record(signed.db).ok, [str(f) for f in verify_record(signed.db).findings]
    (snapshot,), = _rows(signed.db, f"SELECT minutes_snapshot FROM meetings WHERE id = {signed.mid}")
    forged = str(snapshot).replace(CHAIR, "Dr Someone Else")
    _drop_signed_guard(signed.db)
    import hashlib

    with signed.db.engine.begin() as conn:  # the snapshot alone, then with a matching hash
        conn.execute(text("UPDATE meetings SET minutes_snapshot = :s WHERE id = :i"),
                     {"s": forged, "i": signed.mid})
    found = [str(f) for f in verify_record(signed.db).findings]
    assert any("the stored data snapshot does not match its SHA-256" in f for f in found), found
    with signed.db.engine.begin() as conn:
        conn.execute(text("UPDATE meetings SET minutes_snapshot_sha256 = :h WHERE id = :i"),
                     {"h": hashlib.sha256(forged.encode()).hexdigest(), "i": signed.mid})
    found = [str(f) for f in verify_record(signed.db).findings]
    assert any("not the one the audit trail recorded at sign-off (the snapshot and its hash were replaced)"
               in f for f in found), found
    assert any("trigger" in f for f in found)  # the dropped guard is named too


def test_db_verify_catches_a_signed_pdf_whose_signature_no_longer_validates(signed: Setup) -> None:
    import hashlib

    pdf = bytearray(signed.meetings().signed_original(signed.mid))
    pdf[len(pdf) // 3] ^= 0x01
    _drop_signed_guard(signed.db)
    with signed.db.engine.begin() as conn:  # the PDF and its hash replaced together
        conn.execute(text("UPDATE meetings SET minutes_pdf = :p, minutes_sha256 = :h WHERE id = :i"),
                     {"p": bytes(pdf), "h": hashlib.sha256(pdf).hexdigest(), "i": signed.mid})
    found = [str(f) for f in verify_record(signed.db).findings]
    assert any("signature does not validate: the document was changed after it was signed" in f
               for f in found), found
