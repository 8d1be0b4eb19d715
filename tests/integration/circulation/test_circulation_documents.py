"""The agenda, the outcome letters and the attendance record, rendered for real and read back
with pypdf: what each must say, and (pseudonymised) that no patient is named."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from circulation_helpers import Demo, flat, pdf_text
from pypdf import PdfReader

from tumorboard.domain.meeting import MeetingError
from tumorboard.domain.referral import Referral
from tumorboard.services.agenda import AgendaService
from tumorboard.services.attendance import AttendanceService
from tumorboard.services.cases import CaseService
from tumorboard.services.circulation_settings import CirculationSettingsService, Letterhead
from tumorboard.services.letters import LetterService


def _patients(d: Demo, meeting_id: int) -> list[tuple[str, str | None, date]]:
    cases = CaseService(d.db, user=d.chair)
    out = []
    for item in d.meetings().get(meeting_id).agenda:
        p = cases.get(item.mrn).case.patient
        out.append((p.mrn, p.name, p.birth_date))
    return out


def test_the_agenda_names_the_meeting_each_case_its_readiness_and_the_reviews_requested(demo: Demo) -> None:
    meeting = demo.meetings().get(demo.planned)
    first, second = meeting.agenda[0], meeting.agenda[1]
    demo.meetings().update_agenda_item(demo.planned, second.mrn, question="Resect the liver lesion?",
                                       presenter="Dr Kwame Mensah", imaging_review=True)
    demo.meetings().update_agenda_item(demo.planned, first.mrn, question=first.question,
                                       presenter=first.presenter, pathology_review=True)
    agenda = AgendaService(demo.db, user=demo.chair).agenda(demo.planned)
    lines = {x.identity.mrn: x for x in agenda.lines}
    assert lines[second.mrn].imaging_review_requested and not lines[second.mrn].pathology_review_requested
    assert lines[first.mrn].pathology_review_requested and not lines[first.mrn].imaging_review_requested
    text = flat(pdf_text(AgendaService(demo.db, user=demo.chair).render(demo.planned)))
    assert "Agenda of the multidisciplinary tumour board" in text
    assert meeting.board.name in text and meeting.day.isoformat() in text and meeting.start_time in text
    assert f"Chair {meeting.chair}" in text and "Seminar room 2" in text and "video.example.org" in text
    assert "Decision support." in text
    for mrn, name, _ in _patients(demo, demo.planned):
        assert f"{name} (MRN {mrn}" in text
    assert "Resect the liver lesion?" in text
    assert text.count("Imaging review requested") == 1 and text.count("Pathology review requested") == 1
    stale = [x for x in agenda.lines if not x.ready]
    assert stale, "the demo's upcoming meeting has cases with stale or missing items"
    problem = next(r for r in stale[0].readiness if r.state != "present")
    assert "NOT READY" in text and f"{problem.state.upper()} {problem.label} — {problem.detail}" in text


def test_the_agenda_lists_the_cases_not_for_discussion_with_their_clinician(demo: Demo) -> None:
    text = flat(pdf_text(AgendaService(demo.db, user=demo.chair).render(demo.signed)))
    listed = [a for a in demo.meetings().get(demo.signed).agenda if a.triage == "listed_not_discussed"]
    assert listed
    assert "Listed, not for discussion" in text
    for item in listed:
        assert f"{item.name} (MRN {item.mrn}" in text and (item.responsible_clinician or "") in text


def test_a_pseudonymised_agenda_names_no_patient_even_in_a_typed_question(demo: Demo) -> None:
    item = demo.meetings().get(demo.planned).agenda[0]
    patients = _patients(demo, demo.planned)
    mrn, name, born = patients[0]
    demo.meetings().update_agenda_item(demo.planned, item.mrn, presenter=item.presenter,
                                       question=f"{name} ({mrn}, born {born:%d.%m.%Y}) asks about surgery")
    pdf = AgendaService(demo.db, user=demo.chair).render(demo.planned, pseudonymise=True)
    text = pdf_text(pdf)
    assert "Case 1" in text and "asks about surgery" in text and "Pseudonymised" in text
    for mrn, name, born in patients:
        assert mrn not in text and (name or "@@") not in text and born.isoformat() not in text
        assert f"{born:%d.%m.%Y}" not in text


def test_the_agenda_of_an_unknown_meeting_is_refused_by_name(demo: Demo) -> None:
    with pytest.raises(MeetingError, match=r"^meeting: no meeting with id 999"):
        AgendaService(demo.db, user=demo.chair).agenda(999)


def test_saving_the_agenda_is_an_audited_export(demo: Demo) -> None:
    AgendaService(demo.db, user=demo.chair).export(demo.planned, pseudonymise=True)
    with demo.db.reading() as uow:
        rows = [e for e in uow.audit_log.history("meeting", str(demo.planned)) if e.field == "agenda" and e.action == "export"]
    assert len(rows) == 1 and rows[0].actor == demo.chair.username
    assert rows[0].new_value == "pseudonymised agenda to a file"


def test_letters_are_refused_before_sign_off(demo: Demo) -> None:
    with pytest.raises(MeetingError, match="the meeting is planned: writing outcome letters is refused"):
        LetterService(demo.db, user=demo.chair).outcome_letters(demo.planned)
    with pytest.raises(MeetingError, match=r"^meeting: no meeting with id 999"):
        LetterService(demo.db, user=demo.chair).outcome_letters(999)


def test_one_letter_per_discussed_case_says_what_the_board_decided_and_who_signed(demo: Demo) -> None:
    CirculationSettingsService(demo.db, user=demo.admin).save(
        Letterhead("Breast Centre, Example Hospital", "1 Hospital Road\nExampletown", "+44 20 7946 0000"))
    meeting = demo.meetings().get(demo.signed)
    decided = [a for a in meeting.agenda if a.decision is not None]
    written = LetterService(demo.db, user=demo.chair).write_letters(demo.signed)
    assert [w.mrn for w in written] == [a.mrn for a in decided]
    for letter, item in zip(written, decided, strict=True):
        assert item.decision is not None
        text = flat(pdf_text(letter.pdf))
        assert "Breast Centre, Example Hospital" in text and "1 Hospital Road" in text and "+44 20 7946 0000" in text
        assert f"Outcome of the {meeting.board.name}" in text and item.mrn in text and (item.name or "") in text
        assert flat(item.decision.text) in text and (item.question or "") in text
        for action in json.loads(item.decision.actions_json):
            assert action["owner"] in text and action["due"] in text
        if item.decision.patient_preferences:
            assert flat(item.decision.patient_preferences) in text
        assert "Decision support." in text and meeting.signed_by in text and "Amended decision" not in text
    with demo.db.reading() as uow:
        entries = [e for e in uow.audit_log.history("meeting", str(demo.signed))
                   if e.field and e.field.endswith("/letter")]
    assert len(entries) == len(written)


def test_a_letter_for_an_amended_decision_says_so(demo: Demo) -> None:
    item = next(a for a in demo.meetings().get(demo.signed).agenda if a.decision is not None)
    demo.meetings().amend(demo.signed, item.mrn, "text", "Letrozole with ribociclib; denosumab deferred.",
                          "Denosumab was deferred, not started")
    letters = {w.mrn: w for w in LetterService(demo.db, user=demo.chair).write_letters(demo.signed)}
    text = flat(pdf_text(letters[item.mrn].pdf))
    assert letters[item.mrn].amended and "Amended decision." in text
    assert "denosumab deferred" in text and "Denosumab was deferred, not started" in text
    others = [w for mrn, w in letters.items() if mrn != item.mrn]
    assert others and all(not w.amended and "Amended decision" not in pdf_text(w.pdf) for w in others)


def test_the_attendance_record_lists_the_meetings_attended_in_the_period(demo: Demo) -> None:
    meeting = demo.meetings().get(demo.signed)
    service = AttendanceService(demo.db, user=demo.chair)
    report = service.report(meeting.chair.upper(), meeting.day - timedelta(days=1), meeting.day)
    assert report.member == meeting.chair and [m.day for m in report.meetings] == [meeting.day]
    assert report.meetings[0].minutes is not None and report.meetings[0].role == "chair"
    pdf = service.render(meeting.chair, meeting.day, meeting.day)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # one page to hand in for CPD
    text = flat(pdf_text(pdf))
    assert meeting.chair in text and meeting.day.isoformat() in text and meeting.board.name in text
    assert service.report(meeting.chair, meeting.day + timedelta(days=1), meeting.day + timedelta(days=9)) \
        .meetings == ()
    # The planned meeting lists the chair too, but nobody attended it yet.
    planned = demo.meetings().get(demo.planned).day
    assert service.report(meeting.chair, planned, planned).meetings == ()


def test_the_attendance_record_refuses_an_unknown_member_and_a_backward_period(demo: Demo) -> None:
    service = AttendanceService(demo.db, user=demo.chair)
    with pytest.raises(MeetingError, match=r"^member: nobody called 'Dr Nobody'"):
        service.report("Dr Nobody", date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(MeetingError, match=r"^to: 2026-01-01 is before the start of the period"):
        service.report("Dr Ana Sánchez", date(2026, 12, 31), date(2026, 1, 1))


def test_the_letter_goes_to_the_referrer_named_on_the_case_with_a_copy_to_the_gp(demo: Demo) -> None:
    cases = CaseService(demo.db, user=demo.chair)
    decided = [a.mrn for a in demo.meetings().get(demo.signed).agenda if a.decision is not None]
    cases.save_referral(decided[0], Referral(referring_clinician="Dr Rhea Ferrer", gp_name="Dr Gail Porter",
                                             gp_address="Health Centre\n2 Market Street\nExampletown"))
    cases.save_referral(decided[1], Referral(gp_name="Dr Gail Porter",
                                             gp_address="Health Centre\n2 Market Street\nExampletown"))
    cases.save_referral(decided[2], Referral())  # the demo records one for every case: take it away
    letters = {w.mrn: w for w in LetterService(demo.db, user=demo.chair).write_letters(demo.signed)}
    first = flat(pdf_text(letters[decided[0]].pdf))
    assert letters[decided[0]].recipient == "Dr Rhea Ferrer"
    assert "Dear Dr Rhea Ferrer," in first and "Copy to the general practitioner: Dr Gail Porter" in first
    second = flat(pdf_text(letters[decided[1]].pdf))
    assert letters[decided[1]].recipient == "Dr Gail Porter"
    assert "Dr Gail Porter Health Centre 2 Market Street Exampletown" in second and "Dear Dr Gail Porter," in second
    assert "No referrer or GP is recorded" in pdf_text(letters[decided[2]].pdf)
