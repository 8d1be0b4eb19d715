"""The data snapshot of signed minutes: every field of a :class:`Minutes` as canonical JSON.

Sign-off keeps it with the meeting (its SHA-256 in the audit row of the sign-off); copies of the
signed minutes are rendered from it, never from today's rows, so a patient renamed after sign-off
still reads as signed. ``minutes_from_snapshot(snapshot_json(m))`` renders to the same bytes as
``m``; each case travels as a case document v1 (casedoc), the recommendation as it was stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from tumorboard.casedoc import case_from_document, case_to_document
from tumorboard.domain.meeting import (
    AgendaTriage,
    DecisionAction,
    DecisionCategory,
    DeviationReason,
    Discipline,
)
from tumorboard.domain.minutes import (
    Amendment,
    AttendeeLine,
    CaseIdentity,
    ClinicalSummary,
    Minutes,
    MinutesCase,
    RecordedDecision,
    SignOff,
)

FORMAT = "tumorboard-minutes-snapshot-v1"


class SnapshotError(ValueError):
    """A stored snapshot that cannot be read back (damaged, or of an unknown format)."""


def canonical(document: dict[str, Any]) -> str:
    """One spelling of a document: sorted keys, no spaces, UTF-8 (as the audit chain hashes)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_json(m: Minutes) -> str:
    return canonical(_minutes(m))


def minutes_from_snapshot(text: str) -> Minutes:
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise SnapshotError("not a minutes snapshot of a format this tumorboard reads")
        return _read_minutes(doc)
    except SnapshotError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise SnapshotError(f"the stored snapshot cannot be read ({type(exc).__name__}: {exc})") from None


def as_copy(signed: Minutes, sha256: str, amendments: tuple[Amendment, ...], *,
            pseudonymise: bool = False) -> Minutes:
    """The signed minutes as a copy: marked with the signed PDF's hash, the amendments made since
    sign-off appended (they are not in the snapshot), pseudonymised on request. Amendments name
    the case as the signed minutes do (``case_label`` is the signed label)."""
    sign_off = replace(signed.sign_off, minutes_sha256=sha256) if signed.sign_off else None
    copy = replace(signed, copy_of_sha256=sha256, sign_off=sign_off, amendments=amendments)
    if not pseudonymise:
        return copy
    labels = {c.identity.label: f"Case {c.position}" for c in copy.cases}
    return replace(
        copy, pseudonymised=True,
        cases=tuple(replace(c, identity=CaseIdentity(f"Case {c.position}", True)) for c in copy.cases),
        amendments=tuple(replace(a, case_label=labels.get(a.case_label, a.case_label) if a.case_label
                                 else None) for a in copy.amendments))


# -- writing ------------------------------------------------------------------------------------
def _iso(value: date | time | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _minutes(m: Minutes) -> dict[str, Any]:
    return {
        "format": FORMAT, "document_id": m.document_id, "board": m.board, "day": _iso(m.day),
        "start": _iso(m.start), "place": m.place, "video_link": m.video_link, "chair": m.chair,
        "attendees": [{"name": a.name, "discipline": a.discipline.value, "role": a.role, "present": a.present}
                      for a in m.attendees],
        "quorum_required": [d.value for d in m.quorum_required],
        "quorum_missing": [d.value for d in m.quorum_missing],
        "cases": [_case(c) for c in m.cases], "carried_over_to": _iso(m.carried_over_to),
        "amendments": [{"at": _iso(a.at), "by": a.by, "reason": a.reason, "case_label": a.case_label,
                        "change": a.change} for a in m.amendments],
        "sign_off": None if m.sign_off is None else {
            "signed_by": m.sign_off.signed_by, "signed_at": _iso(m.sign_off.signed_at),
            "minutes_sha256": m.sign_off.minutes_sha256, "audit_head": m.sign_off.audit_head,
            "certificate_sha256": m.sign_off.certificate_sha256},
        "copy_of_sha256": m.copy_of_sha256, "pseudonymised": m.pseudonymised, "app_version": m.app_version,
        "generated_at": _iso(m.generated_at), "disclaimer": m.disclaimer,
    }


def _case(c: MinutesCase) -> dict[str, Any]:
    i, s, d = c.identity, c.summary, c.decision
    return {
        "position": c.position,
        "identity": {"label": i.label, "pseudonymised": i.pseudonymised, "mrn": i.mrn, "name": i.name,
                     "birth_date": _iso(i.birth_date)},
        "triage": c.triage.value, "question": c.question, "presenter": c.presenter,
        "responsible_clinician": c.responsible_clinician, "discussed": c.discussed,
        "carried_over_from": _iso(c.carried_over_from),
        "summary": None if s is None else {
            "age": s.age, "subtype": s.subtype, "stage": s.stage,
            "metastatic_sites": list(s.metastatic_sites),
            "distant_lesions": s.distant_lesions, "current_therapy": s.current_therapy,
            "latest_response": s.latest_response, "window": s.window},
        # Through JSON once: the engine's document may hold tuples, which JSON keeps as lists.
        "recommendation": json.loads(json.dumps(c.recommendation)) if c.recommendation is not None else None,
        "decision": None if d is None else {
            "category": d.category.value, "text": d.text, "concordant": d.concordant,
            "deviation_reason": d.deviation_reason.value if d.deviation_reason else None,
            "deviation_text": d.deviation_text,
            "actions": [{"description": a.description, "owner": a.owner, "due": _iso(a.due)}
                        for a in d.actions],
            "patient_preferences": d.patient_preferences,
            "counselling_delivered": list(d.counselling_delivered),
            "quorum_override": d.quorum_override, "recorded_by": d.recorded_by,
            "recorded_at": _iso(d.recorded_at), "follow_up_due": _iso(d.follow_up_due)},
        "case": case_to_document(c.case) if c.case is not None else None,
        "as_of": _iso(c.as_of),
    }


# -- reading ------------------------------------------------------------------------------------
def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _read_minutes(d: dict[str, Any]) -> Minutes:
    s = d["sign_off"]
    day = date.fromisoformat(d["day"])
    return Minutes(
        document_id=d["document_id"], board=d["board"], day=day,
        start=time.fromisoformat(d["start"]) if d["start"] is not None else None, place=d["place"],
        video_link=d["video_link"], chair=d["chair"],
        attendees=tuple(AttendeeLine(a["name"], Discipline(a["discipline"]), a["role"], a["present"])
                        for a in d["attendees"]),
        quorum_required=tuple(Discipline(v) for v in d["quorum_required"]),
        quorum_missing=tuple(Discipline(v) for v in d["quorum_missing"]),
        cases=tuple(_read_case(c) for c in d["cases"]), carried_over_to=_day(d["carried_over_to"]),
        amendments=tuple(Amendment(datetime.fromisoformat(a["at"]), a["by"], a["reason"], a["case_label"],
                                   a["change"]) for a in d["amendments"]),
        sign_off=None if s is None else SignOff(s["signed_by"], datetime.fromisoformat(s["signed_at"]),
                                                s["minutes_sha256"], s["audit_head"],
                                                s["certificate_sha256"]),
        copy_of_sha256=d["copy_of_sha256"], pseudonymised=d["pseudonymised"], app_version=d["app_version"],
        generated_at=_moment(d["generated_at"]), disclaimer=d["disclaimer"])


def _read_case(c: dict[str, Any]) -> MinutesCase:
    i, s, d = c["identity"], c["summary"], c["decision"]
    return MinutesCase(
        position=c["position"],
        identity=CaseIdentity(i["label"], i["pseudonymised"], i["mrn"], i["name"], _day(i["birth_date"])),
        triage=AgendaTriage(c["triage"]), question=c["question"], presenter=c["presenter"],
        responsible_clinician=c["responsible_clinician"], discussed=c["discussed"],
        carried_over_from=_day(c["carried_over_from"]),
        summary=None if s is None else ClinicalSummary(
            s["age"], s["subtype"], s["stage"], tuple(s["metastatic_sites"]), s["distant_lesions"],
            s["current_therapy"], s["latest_response"], s["window"]),
        recommendation=c["recommendation"],
        decision=None if d is None else RecordedDecision(
            category=DecisionCategory(d["category"]), text=d["text"], concordant=d["concordant"],
            deviation_reason=DeviationReason(d["deviation_reason"]) if d["deviation_reason"] else None,
            deviation_text=d["deviation_text"],
            actions=tuple(DecisionAction(a["description"], a["owner"], _day(a["due"])) for a in d["actions"]),
            patient_preferences=d["patient_preferences"],
            counselling_delivered=tuple(d["counselling_delivered"]), quorum_override=d["quorum_override"],
            recorded_by=d["recorded_by"], recorded_at=datetime.fromisoformat(d["recorded_at"]),
            follow_up_due=_day(d["follow_up_due"])),
        case=case_from_document(c["case"]) if c["case"] is not None else None,
        as_of=date.fromisoformat(c["as_of"]))
