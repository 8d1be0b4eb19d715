"""The PDF minutes, read back with pypdf: content and order, page furniture, pseudonymisation,
fonts, metadata, determinism and size."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from minutes_samples import (
    BOARD,
    DEVIATION_TEXT,
    DOCUMENT_ID,
    EXAMPLE_NAMES,
    EXAMPLE_PEOPLE,
    QUORUM_OVERRIDE,
    SIGNS_TEXT,
    example,
    examples_available,
    sample_minutes,
)
from pypdf import PdfReader

from tumorboard.domain.meeting import AgendaTriage
from tumorboard.domain.minutes import CaseIdentity, Minutes, MinutesCase
from tumorboard.recommend import default_ruleset
from tumorboard.reports import minutes_sha256, render_minutes

pytestmark = pytest.mark.skipif(not examples_available(),
                                reason="worked examples not beside the project (../shared/examples)")

COPY_HASH = "5f" * 32


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace made single spaces (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def squash(words: str) -> str:
    return " ".join(words.split())


@pytest.fixture(scope="module")
def signed_pdf() -> bytes:
    return render_minutes(sample_minutes(3))


@pytest.fixture(scope="module")
def signed_text(signed_pdf: bytes) -> str:
    return " ".join(pages_text(signed_pdf))


def test_meeting_facts_and_disclaimer_are_printed(signed_text: str) -> None:
    m = sample_minutes(3)
    for words in (BOARD, "Tuesday 10 June 2025", "2025-06-10", "13:00", m.place, m.video_link,
                  f"Chair {m.chair}", DOCUMENT_ID, squash(m.disclaimer)):
        assert words and words in signed_text, words


def test_attendance_lists_every_member_and_the_quorum(signed_text: str) -> None:
    assert "Quorum: met" in signed_text
    for name, discipline, _ in EXAMPLE_PEOPLE:
        assert name in signed_text
        assert discipline.label in signed_text


def test_quorum_not_met_names_the_missing_discipline_and_the_override() -> None:
    text = " ".join(pages_text(render_minutes(sample_minutes(2, quorum_met=False))))
    assert "NOT MET — missing: Pathology" in text
    assert "absent" in text
    assert "Decided without quorum." in text and squash(QUORUM_OVERRIDE) in text


def test_each_discussed_case_shows_summary_recommendation_and_decision(signed_text: str) -> None:
    m = sample_minutes(3)
    for case in m.discussed:
        assert case.identity.label in signed_text
        assert case.recommendation is not None and case.decision is not None
        for key in ("primary_tumour", "metastasis_directed_therapy"):
            assert squash(case.recommendation[key]["label"]) in signed_text
        assert squash(case.decision.text) in signed_text
        assert case.summary is not None and case.summary.subtype in signed_text
    assert f"Ruleset ombc version {default_ruleset().version}" in signed_text
    assert "Concordant with the guideline recommendation: yes" in signed_text
    assert "Deviation from the guideline recommendation — reason: Patient preference" in signed_text
    assert squash(DEVIATION_TEXT) in signed_text
    assert "Dr. Søren Ødegård" in signed_text and "Book SBRT planning CT and contouring" in signed_text
    assert "Implementation check due: 2025-09-10" in signed_text
    assert "✓" in signed_text  # criteria marks


def test_counselling_ids_print_as_the_engines_text(signed_text: str) -> None:
    rec = example("v01").recommendation
    first = rec["primary_tumour"]["counselling"][0]
    assert squash(first["text"])[:80] in signed_text
    assert first["id"] not in signed_text


def test_sections_come_in_the_documents_order(signed_text: str) -> None:
    m = sample_minutes(3)
    marks = ["Decision support.", "Attendance and quorum", "Agenda", m.discussed[0].identity.label + " Clinical",
             "Listed, not discussed Listed for the record", "Carried over to the next meeting Not reached",
             "Amendments Corrections", "Sign-off Signed off by", "References Evidence cited"]
    where = [signed_text.find(mark) for mark in marks]
    assert -1 not in where, dict(zip(marks, where, strict=True))
    assert where == sorted(where)
    assert "Tuesday 17 June 2025" in signed_text  # carried over to


def test_listed_and_carried_over_cases_are_named_with_their_clinician(signed_text: str) -> None:
    m = sample_minutes(3)
    assert m.listed_not_discussed and m.carried_over
    for case in (*m.listed_not_discussed, *m.carried_over):
        assert case.identity.label in signed_text
    assert "standard of care" in signed_text


def test_amendment_is_listed_and_the_original_stays(signed_text: str) -> None:
    m = sample_minutes(3)
    amendment = m.amendments[0]
    assert squash(amendment.change) in signed_text
    assert amendment.reason in signed_text and "2025-06-11 09:12 UTC" in signed_text
    assert "see Amendments (1)" in signed_text
    # The amended case's original decision text is still printed in its section.
    assert m.cases[1].decision is not None and squash(m.cases[1].decision.text) in signed_text


def test_every_page_has_header_and_footer(signed_pdf: bytes) -> None:
    pages = pages_text(signed_pdf)
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert DOCUMENT_ID in page and "tumorboard 0.2.0" in page
        assert "MDT meeting of 2025-06-10" in page and "Minutes" in page
        assert "DRAFT" not in page and "COPY" not in page


def test_signed_minutes_say_who_signed_when(signed_text: str) -> None:
    assert "Signed off by Dr. Zoë Łukasiewicz-Müller" in signed_text
    assert "2025-06-10 16:03 UTC" in signed_text


def test_unsigned_minutes_are_marked_draft_on_every_page() -> None:
    pages = pages_text(render_minutes(sample_minutes(2, signed=False)))
    for page in pages:
        assert "DRAFT" in page and "NOT SIGNED — draft" in page
    assert "Signed off by" not in " ".join(pages)


def test_a_copy_quotes_the_signed_hash_on_page_one_and_every_header() -> None:
    pages = pages_text(render_minutes(sample_minutes(2, copy_of_sha256=COPY_HASH)))
    line = f"Copy of the signed minutes, SHA-256 {COPY_HASH}"
    assert pages[0].count(line) >= 2  # the header and the title block
    for page in pages:
        assert "COPY" in page and line in page


@pytest.mark.parametrize("signed", [True, False])
def test_pseudonymised_minutes_name_no_patient(signed: bool) -> None:
    pdf = render_minutes(sample_minutes(len(EXAMPLE_NAMES), pseudonymised=True, signed=signed))
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(pages_text(pdf)) + " " + " ".join(str(v) for v in (reader.metadata or {}).values())
    assert "Case 1 (pseudonymised)" in text
    for name in EXAMPLE_NAMES:
        for identifier in example(name).patient_identifiers:
            assert identifier not in text, identifier
        # Nor in the raw file (an uncompressed string, an outline or an annotation).
        for identifier in example(name).patient_identifiers:
            assert identifier.encode() not in pdf


def test_identified_minutes_do_name_the_patient(signed_text: str) -> None:
    """The check above can fail: the same identifiers are found when the minutes are not pseudonymised."""
    assert all(i in signed_text for i in example("v01").patient_identifiers)


def test_accented_names_and_signs_survive(signed_text: str) -> None:
    for name, _, _ in EXAMPLE_PEOPLE:
        assert name in signed_text
    assert squash(SIGNS_TEXT) in signed_text
    for sign in ("≤", "≥", "µ", "×", "Ł", "ø"):
        assert sign in signed_text


def test_fonts_are_embedded(signed_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(signed_pdf))
    seen = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            seen.add(str(font["/BaseFont"]).split("+")[-1])
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= seen


def test_metadata(signed_pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(signed_pdf)).metadata
    assert meta is not None
    assert meta.title == f"{BOARD} — minutes of 2025-06-10"
    assert meta.author == BOARD
    assert meta.creator == "tumorboard 0.2.0"
    assert meta.subject and "2025-06-10" in meta.subject
    assert DOCUMENT_ID in str(meta.get("/Keywords"))
    assert str(meta.get("/CreationDate")).startswith("D:20250610154200")


def test_same_minutes_same_bytes(signed_pdf: bytes) -> None:
    again = render_minutes(sample_minutes(3))
    assert again == signed_pdf
    assert minutes_sha256(again) == hashlib.sha256(signed_pdf).hexdigest()


def test_same_bytes_in_another_process_with_another_hash_seed(signed_pdf: bytes) -> None:
    """The hash recorded at sign-off must be reproducible by a later run of the program."""
    here = Path(__file__).resolve().parent
    code = ("import sys, hashlib; from minutes_samples import sample_minutes; "
            "from tumorboard.reports import render_minutes; "
            "sys.stdout.write(hashlib.sha256(render_minutes(sample_minutes(3))).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(here)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         check=True)
    assert out.stdout == minutes_sha256(signed_pdf)


def test_different_generation_time_changes_only_the_dates() -> None:
    m = sample_minutes(1)
    later = dataclasses.replace(m, generated_at=datetime(2025, 6, 11, 8, 0, tzinfo=UTC))
    assert render_minutes(later) != render_minutes(m)


@pytest.mark.slow
def test_forty_case_meeting() -> None:
    m = sample_minutes(40, pseudonymised=True)
    pdf = render_minutes(m)
    assert len(pdf) < 3 * 1024 * 1024
    pages = pages_text(pdf)
    assert len(pages) > 40
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    text = " ".join(pages)
    for case in m.cases:
        assert case.identity.label in text


def test_user_text_is_printed_not_parsed() -> None:
    m = sample_minutes(1, listed=0, carried=0)
    case = m.cases[0]
    assert case.decision is not None
    odd = "Dose <b>not</b> & 'escalated' > 2 cycles"
    decided = dataclasses.replace(case, decision=dataclasses.replace(case.decision, text=odd))
    text = " ".join(pages_text(render_minutes(dataclasses.replace(m, cases=(decided,)))))
    assert odd in text


def test_a_case_without_recommendation_decision_or_drawing_still_prints() -> None:
    m = sample_minutes(1, listed=0, carried=0, amended=False)
    bare = MinutesCase(position=1, identity=CaseIdentity("Case 1 (pseudonymised)", True),
                       triage=AgendaTriage.FOR_DISCUSSION, question=None, presenter=None,
                       responsible_clinician=None, discussed=True, carried_over_from=date(2025, 6, 3),
                       summary=None, recommendation=None, decision=None, case=None, as_of=date(2025, 6, 10))
    text = " ".join(pages_text(render_minutes(dataclasses.replace(m, cases=(bare,)))))
    assert "No guideline recommendation: the case could not be evaluated." in text
    assert "No decision recorded for this case." in text
    assert "No clinical summary recorded." in text
    assert "carried over from 2025-06-03" in text


def test_an_empty_meeting_renders() -> None:
    empty = Minutes(document_id="MDT-EMPTY", board="Empty board", day=date(2026, 1, 2), start=None, place=None,
                    video_link=None, chair=None, attendees=(), quorum_required=(), quorum_missing=(),
                    cases=(), carried_over_to=None)
    text = " ".join(pages_text(render_minutes(empty)))
    assert "No cases on the agenda." in text
    assert "Page 1 of 1" in text and "MDT-EMPTY" in text and "NOT SIGNED — draft" in text


def test_free_text_naming_a_patient_is_redacted_when_pseudonymised() -> None:
    """A clinician may type the name, record number or birth date into a decision or an amendment."""
    m = sample_minutes(2, pseudonymised=True)
    case = m.cases[0]
    assert case.decision is not None
    leaky = "Discussed with synthetic v01 (SYN-V01, born 22.11.1976) and her partner."
    named = dataclasses.replace(case, question="Mrs Synthetic V01: surgery?",
                                decision=dataclasses.replace(case.decision, text=leaky))
    amendment = dataclasses.replace(m.amendments[0], change="Record SYN-V05 corrected")
    pseudo = dataclasses.replace(m, cases=(named, *m.cases[1:]), amendments=(amendment,))
    text = " ".join(pages_text(render_minutes(pseudo)))
    for identifier in ("Synthetic V01", "SYN-V01", "22.11.1976", "1976-11-22", "SYN-V05"):
        assert identifier.lower() not in text.lower()
    assert "Discussed with [redacted] ([redacted], born [redacted]) and her partner." in text
    assert "Mrs [redacted]: surgery?" in text and "Record [redacted] corrected" in text
    # Identified minutes are printed as typed.
    plain = " ".join(pages_text(render_minutes(dataclasses.replace(pseudo, pseudonymised=False))))
    assert leaky in plain


def test_the_trial_eligibility_checklist_is_printed_under_the_metastasis_directed_verdict(
        signed_text: str) -> None:
    m = sample_minutes(3)
    for case in m.discussed:
        assert case.recommendation is not None
        for c in case.recommendation["metastasis_directed_therapy"]["eligibility"]:
            assert squash(c["label"]) in signed_text, c["id"]
    assert "Trial eligibility (NRG-BR002, SABR-COMET) How the case compares with the trials" in signed_text
    first = signed_text.index("Trial eligibility (NRG-BR002, SABR-COMET)")
    assert signed_text.rfind("Metastasis-directed therapy", 0, first) > signed_text.rfind("Bone health", 0, first)


def test_references_that_are_not_verified_evidence_say_so(signed_text: str) -> None:
    assert "(convention, not evidence)" in signed_text  # the founding care algorithm, the app's rules
    assert "(secondary source)" in signed_text


def test_a_decision_made_under_1_0_0_prints_its_own_output_and_says_so() -> None:
    m = sample_minutes(1, listed=0, carried=0)
    case = m.discussed[0]
    assert case.recommendation is not None
    old = dict(case.recommendation, ruleset={"id": "ombc", "version": "1.0.0", "title": "x"})
    old["metastasis_directed_therapy"] = {k: v for k, v in old["metastasis_directed_therapy"].items()
                                          if k != "eligibility"}
    text = " ".join(pages_text(render_minutes(dataclasses.replace(
        m, cases=(dataclasses.replace(case, recommendation=old), *m.cases[1:])))))
    assert "Ruleset ombc version 1.0.0" in text
    assert "As recorded with the decision under ruleset ombc 1.0.0 (this app has 1.1.0)" in text
    assert "Trial eligibility" not in text
