"""ORM mapping (SQLAlchemy 2.x typed declarative). Schema changes go through Alembic only.

A case row carries the clinical content of the case document v1 plus workflow fields, and a few
denormalised columns the worklist sorts and filters on (kept current by the case service on every
save) so that the worklist is one indexed SELECT.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class MetaRow(Base):
    """Facts about the database itself (e.g. the oldest app version that can open it)."""

    __tablename__ = "tumorboard_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class PatientRow(Base):
    __tablename__ = "patients"
    id: Mapped[int] = mapped_column(primary_key=True)
    mrn: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(16))
    menopausal_status: Mapped[str | None] = mapped_column(String(16))
    ecog: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 of the row's content (store/checksums.py, revision 0009), checked on every read.
    checksum: Mapped[str | None] = mapped_column(String(64))
    cases: Mapped[list[CaseRow]] = relationship(back_populates="patient")


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(24), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(64))
    staging_date: Mapped[date | None] = mapped_column(Date)
    next_meeting: Mapped[date | None] = mapped_column(Date)

    # Tumour and biology at diagnosis
    tumour_diagnosis_date: Mapped[date] = mapped_column(Date)
    histology: Mapped[str | None] = mapped_column(String(200))
    grade: Mapped[int | None] = mapped_column(Integer)
    er_percent: Mapped[float | None] = mapped_column(Float)
    pr_percent: Mapped[float | None] = mapped_column(Float)
    her2_ihc: Mapped[str | None] = mapped_column(String(4))
    her2_ish: Mapped[str | None] = mapped_column(String(16))
    germline_brca: Mapped[str | None] = mapped_column(String(16))
    tnm_basis: Mapped[str | None] = mapped_column(String(16))
    t: Mapped[str] = mapped_column(String(8))
    n: Mapped[str] = mapped_column(String(8))
    m: Mapped[str] = mapped_column(String(4))
    primary_intact: Mapped[bool] = mapped_column(Boolean)
    primary_symptoms: Mapped[str] = mapped_column(String(200), default="")  # comma-separated
    complete_clearance_feasible: Mapped[bool | None] = mapped_column(Boolean)
    # Biomarkers added with ruleset 1.1 (revision 0006); null = not recorded.
    pdl1_cps: Mapped[float | None] = mapped_column(Float)
    esr1: Mapped[str | None] = mapped_column(String(16))
    pik3ca_pathway: Mapped[str | None] = mapped_column(String(16))

    # The referral (revision 0010; domain/referral.py): administrative, outside the case document.
    referral_date: Mapped[date | None] = mapped_column(Date)
    referring_clinician: Mapped[str | None] = mapped_column(String(200))
    gp_name: Mapped[str | None] = mapped_column(String(200))
    gp_address: Mapped[str | None] = mapped_column(Text)

    # Metastatic disease
    metastatic_diagnosis_date: Mapped[date | None] = mapped_column(Date)
    current_state_date: Mapped[date | None] = mapped_column(Date)
    diffuse: Mapped[bool | None] = mapped_column(Boolean)
    visceral_crisis: Mapped[bool | None] = mapped_column(Boolean)
    staging_modalities: Mapped[str] = mapped_column(String(200), default="")  # comma-separated
    biopsy_done: Mapped[bool | None] = mapped_column(Boolean)
    prior_polymetastatic: Mapped[bool | None] = mapped_column(Boolean)
    prior_oligometastatic: Mapped[bool | None] = mapped_column(Boolean)
    cord_compression_symptoms: Mapped[bool | None] = mapped_column(Boolean)
    dental_evaluation_date: Mapped[date | None] = mapped_column(Date)

    # RECIST baseline (null baseline date = no RECIST record)
    recist_baseline_date: Mapped[date | None] = mapped_column(Date)
    recist_non_targets: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of strings

    # Denormalised for the worklist; recomputed on every save.
    subtype: Mapped[str] = mapped_column(String(40), default="")
    stage: Mapped[str | None] = mapped_column(String(8))
    distant_lesion_count: Mapped[int] = mapped_column(Integer, default=0)
    window_opens: Mapped[date | None] = mapped_column(Date)
    window_closes: Mapped[date | None] = mapped_column(Date)
    window_assessed: Mapped[bool] = mapped_column(Boolean, default=False)
    latest_response: Mapped[str | None] = mapped_column(String(16))
    next_due: Mapped[date | None] = mapped_column(Date)
    missing_items: Mapped[str] = mapped_column(String(400), default="")
    # SHA-256 of the row's content (store/checksums.py, revision 0009), checked on every read.
    checksum: Mapped[str | None] = mapped_column(String(64))

    patient: Mapped[PatientRow] = relationship(back_populates="cases")
    lesions: Mapped[list[LesionRow]] = relationship(
        order_by="LesionRow.position", cascade="all, delete-orphan")
    therapies: Mapped[list[TherapyRow]] = relationship(
        order_by="TherapyRow.position", cascade="all, delete-orphan")
    targets: Mapped[list[RecistTargetRow]] = relationship(
        order_by="RecistTargetRow.position", cascade="all, delete-orphan")
    assessments: Mapped[list[RecistAssessmentRow]] = relationship(
        order_by="RecistAssessmentRow.position", cascade="all, delete-orphan")
    discussions: Mapped[list[MdtDiscussionRow]] = relationship(
        order_by="MdtDiscussionRow.position", cascade="all, delete-orphan")

    __table_args__ = (
        # The worklist's filters, each read in next-due order from its own index (revision 0011
        # added ``id``, so PostgreSQL needs no sort for ties either; 0014 ``patient_id`` last, so
        # a text filter looks at each case's patient without reading the case's row).
        Index("ix_cases_status_next_due", "status", "next_due", "id", "patient_id"),
        Index("ix_cases_next_due", "next_due", "id", "patient_id"),
        Index("ix_cases_subtype_next_due", "subtype", "next_due", "id", "patient_id"),
        Index("ix_cases_status_subtype_next_due", "status", "subtype", "next_due", "id", "patient_id"),
        # The cases of the patients a text filter found, filtered and in order, from the index.
        Index("ix_cases_patient_next_due", "patient_id", "next_due", "id", "status", "subtype"),
    )


class CaseStatusCountRow(Base):
    """How many cases are in each workflow status, kept by triggers on ``cases`` (revision 0011):
    the dashboard's counts are read without counting a million rows."""

    __tablename__ = "case_status_counts"
    status: Mapped[str] = mapped_column(String(24), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer)


class _CaseChild:
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # SHA-256 of the row's content (store/checksums.py, revision 0009), checked on every read.
    checksum: Mapped[str | None] = mapped_column(String(64))


class LesionRow(_CaseChild, Base):
    __tablename__ = "lesions"
    organ: Mapped[str] = mapped_column(String(32))
    bone_site: Mapped[str | None] = mapped_column(String(16))
    site: Mapped[str | None] = mapped_column(String(200))
    size_mm: Mapped[float | None] = mapped_column(Float)
    detected: Mapped[date | None] = mapped_column(Date)


class TherapyRow(_CaseChild, Base):
    __tablename__ = "therapies"
    kind: Mapped[str] = mapped_column(String(16))
    regimen: Mapped[str | None] = mapped_column(String(200))
    classes: Mapped[str] = mapped_column(String(200), default="")  # comma-separated
    setting: Mapped[str | None] = mapped_column(String(16))
    line: Mapped[int | None] = mapped_column(Integer)
    agent: Mapped[str | None] = mapped_column(String(24))
    target: Mapped[str | None] = mapped_column(String(16))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)


class RecistTargetRow(_CaseChild, Base):
    __tablename__ = "recist_targets"
    name: Mapped[str] = mapped_column(String(200))
    organ: Mapped[str | None] = mapped_column(String(60))
    site: Mapped[str | None] = mapped_column(String(16))  # primary, regional_node, distant
    nodal: Mapped[bool] = mapped_column(Boolean)
    baseline_mm: Mapped[float] = mapped_column(Float)


class RecistAssessmentRow(_CaseChild, Base):
    __tablename__ = "recist_assessments"
    date: Mapped[date] = mapped_column(Date)
    target_mm: Mapped[str] = mapped_column(Text)  # JSON list, one value (or null) per target
    non_target: Mapped[str] = mapped_column(String(16))
    new_lesions: Mapped[bool] = mapped_column(Boolean)


class MdtDiscussionRow(_CaseChild, Base):
    __tablename__ = "mdt_discussions"
    date: Mapped[date] = mapped_column(Date)


class AuditRow(Base):
    """Who changed what and when; written in the same transaction as the change."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    # "json": old and new values are JSON documents (revision 0005 on); "text": written before.
    encoding: Mapped[str] = mapped_column(String(8), server_default="text")
    # The hash chain (revision 0007, store/audit_chain.py): position, the previous row's hash, this
    # one's. None only where a row was forged outside tumorboard.
    seq: Mapped[int | None] = mapped_column(Integer, index=True, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


# -- MDT meetings (revision 0003). A signed meeting, its attendance, agenda and decisions are
# read-only in the database itself: triggers refuse UPDATE and DELETE once meetings.signed_at is set.


class BoardRow(Base):
    __tablename__ = "boards"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    site: Mapped[str] = mapped_column(String(32))
    quorum: Mapped[str] = mapped_column(String(400))  # comma-separated disciplines
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    members: Mapped[list[BoardMemberRow]] = relationship(order_by="BoardMemberRow.id",
                                                          cascade="all, delete-orphan")


class BoardMemberRow(Base):
    __tablename__ = "board_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    discipline: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (UniqueConstraint("board_id", "name"),)


class MeetingRow(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="RESTRICT"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", local time of the board
    place: Mapped[str | None] = mapped_column(String(200))
    video_link: Mapped[str | None] = mapped_column(String(400))
    chair: Mapped[str | None] = mapped_column(String(200))
    # planned -> in_progress -> closed -> signed (domain.meeting_state; triggers of revision 0005)
    state: Mapped[str] = mapped_column(String(16), server_default="planned")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(64))
    quorum_override_by: Mapped[str | None] = mapped_column(String(200))
    quorum_override_reason: Mapped[str | None] = mapped_column(Text)
    quorum_override_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    carried_over_to_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    signed_by: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))
    minutes_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)  # the signed document itself
    # The canonical JSON of the minutes the signed PDF was rendered from (revision 0008): copies
    # are rendered from it, never from today's rows.
    minutes_snapshot: Mapped[str | None] = mapped_column(Text)
    minutes_snapshot_sha256: Mapped[str | None] = mapped_column(String(64))
    board: Mapped[BoardRow] = relationship(foreign_keys=[board_id])
    attendance: Mapped[list[AttendanceRow]] = relationship(order_by="AttendanceRow.id",
                                                            cascade="all, delete-orphan")
    agenda: Mapped[list[AgendaItemRow]] = relationship(order_by="AgendaItemRow.position",
                                                        foreign_keys="AgendaItemRow.meeting_id",
                                                        cascade="all, delete-orphan")


class AttendanceRow(Base):
    __tablename__ = "attendance"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    discipline: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("meeting_id", "name"),)


class AgendaItemRow(Base):
    __tablename__ = "agenda_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    triage: Mapped[str] = mapped_column(String(24))
    question: Mapped[str | None] = mapped_column(Text)
    presenter: Mapped[str | None] = mapped_column(String(200))
    responsible_clinician: Mapped[str | None] = mapped_column(String(200))
    discussed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Asked for while planning (revision 0013): the radiologist / pathologist prepare the case.
    imaging_review_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    pathology_review_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    carried_over_from_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(64))
    case: Mapped[CaseRow] = relationship()
    decision: Mapped[DecisionRow | None] = relationship(back_populates="agenda_item", uselist=False)
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)


class DecisionRow(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="RESTRICT"),
                                                unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    concordant: Mapped[bool] = mapped_column(Boolean)
    deviation_reason: Mapped[str | None] = mapped_column(String(32))
    deviation_text: Mapped[str | None] = mapped_column(Text)
    actions: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{description, owner, due}]
    patient_preferences: Mapped[str | None] = mapped_column(Text)
    counselling_delivered: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of texts
    quorum_override: Mapped[str | None] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(Text)  # the engine's full output (JSON) at that moment
    ruleset_id: Mapped[str] = mapped_column(String(32))
    ruleset_version: Mapped[str] = mapped_column(String(32))
    follow_up_due: Mapped[date | None] = mapped_column(Date, index=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # SHA-256 of the row's content (store/checksums.py, revision 0009), checked on every read.
    checksum: Mapped[str | None] = mapped_column(String(64))
    agenda_item: Mapped[AgendaItemRow] = relationship(back_populates="decision")


class ReplacedDecisionRow(Base):
    """A decision the board replaced before sign-off, kept whole (append-only, revision 0005)."""

    __tablename__ = "replaced_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    replaced_version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)  # JSON: every field of the decision as it was
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)


class ImplementationCheckRow(Base):
    """Whether a decision was carried out; recorded weeks after the (signed) meeting, so it lives
    outside the signed decision row."""

    __tablename__ = "implementation_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    checked_by: Mapped[str] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AmendmentRow(Base):
    """A correction to a signed meeting: the original stays, the amendment says what and why."""

    __tablename__ = "amendments"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class UserRow(Base):
    """A local account (revision 0004). The password is stored only as an argon2id hash."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    discipline: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class SigningKeyRow(Base):
    """A chair's signing key (revision 0008): a self-signed certificate naming the chair and the
    private key as encrypted PKCS#8. Never deleted; retired once when replaced."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the DER certificate
    certificate_pem: Mapped[str] = mapped_column(Text)
    private_key_pem: Mapped[str] = mapped_column(Text)
    kdf: Mapped[str] = mapped_column(String(200))  # how the key's passphrase derives from the password
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ActionCompletionRow(Base):
    """An action of a board decision marked done (revision 0012). The actions live in the decision
    row, which sign-off makes immutable, so completion is its own append-only table: one row per
    action at most, never changed or deleted (triggers)."""

    __tablename__ = "action_completions"
    __table_args__ = (UniqueConstraint("decision_id", "action_index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"), index=True)
    action_index: Mapped[int] = mapped_column(Integer)  # 0-based position in the decision's actions
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
class MemberAddressRow(Base):
    """The e-mail address of a person named on boards' lists (revision 0013)."""

    __tablename__ = "member_addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(64))


class SentMessageRow(Base):
    """One document sent to one person, by SMTP or written as an .eml file (revision 0013)."""

    __tablename__ = "sent_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"), index=True)
    document: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(254))
    via: Mapped[str] = mapped_column(String(8))
    attachment: Mapped[str] = mapped_column(String(200))
    attachment_sha256: Mapped[str] = mapped_column(String(64))
    pseudonymised: Mapped[bool] = mapped_column(Boolean)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_by: Mapped[str] = mapped_column(String(64))
