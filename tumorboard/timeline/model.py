"""What the case timeline shows, in clinical words: therapies, events, window, assessments (no Qt).

The recommendation dict may be ``None`` or partial (an older engine, a case being edited): every
field read from it is optional here, so the timeline degrades to what the case itself says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tumorboard.domain.case import Case, Therapy
from tumorboard.domain.due import WINDOW_WORDS  # the header and the minutes say the same
from tumorboard.domain.vocab import TherapyKind

# Lanes from top to bottom; local therapies share one lane family so the timeline stays short.
ROW_SYSTEMIC, ROW_BONE, ROW_LOCAL = "Systemic", "Bone", "Local"
ROW_OF_KIND = {TherapyKind.SYSTEMIC: ROW_SYSTEMIC, TherapyKind.BONE_MODIFYING: ROW_BONE,
               TherapyKind.SURGERY: ROW_LOCAL, TherapyKind.RADIOTHERAPY: ROW_LOCAL,
               TherapyKind.ABLATION: ROW_LOCAL}
SHORT_KIND = {TherapyKind.SURGERY: "Surgery", TherapyKind.RADIOTHERAPY: "RT",
              TherapyKind.ABLATION: "Ablation"}
CLASS_WORDS = {"cdk46_inhibitor": "CDK4/6 inhibitor", "anti_her2": "anti-HER2", "adc": "ADC",
               "parp_inhibitor": "PARP inhibitor"}

# Response code -> (badge text, plain words). Badges carry letters so colour is never the only cue.
RESPONSES: dict[str, tuple[str, str]] = {
    "CR": ("CR", "complete response"),
    "PR": ("PR", "partial response"),
    "SD": ("SD", "stable disease"),
    "non-CR/non-PD": ("NN", "non-CR/non-PD"),
    "PD": ("PD", "progressive disease"),
    "NE": ("NE", "not evaluable"),
}
BASELINE_BADGE = "BL"


def humanise(value: str) -> str:
    """``before_window`` -> ``before window``; enums shown to clinicians read as words."""
    return value.replace("_", " ")


def _iso(value: object) -> date | None:
    """A date from the recommendation document, or None when absent or malformed."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def duration_words(start: date, end: date) -> str:
    days = (end - start).days
    if days < 62:
        return f"{days} day{'s' if days != 1 else ''}"
    months = round(days / 30.44)
    if months < 24:
        return f"{months} months"
    return f"{months // 12} y {months % 12} mo"


@dataclass(frozen=True, slots=True)
class TherapySpan:
    row: str
    kind: str  # TherapyKind value: picks the colour
    label: str
    start: date
    end: date | None
    planned: bool
    ongoing: bool
    details: str
    began_earlier: bool = False  # started before the part of the course drawn (minutes only)


@dataclass(frozen=True, slots=True)
class Event:
    day: date
    kind: str  # "diagnosis" or "mdt": picks the marker shape
    label: str
    details: str


@dataclass(frozen=True, slots=True)
class WindowSpan:
    opens: date
    closes: date
    status: str
    label: str
    details: str


@dataclass(frozen=True, slots=True)
class Assessment:
    day: date
    response: str  # RESPONSES key, or "baseline"
    badge: str
    details: str


@dataclass(frozen=True, slots=True)
class TimelineModel:
    today: date
    therapies: tuple[TherapySpan, ...]
    events: tuple[Event, ...]
    window: WindowSpan | None
    assessments: tuple[Assessment, ...]

    def dates(self) -> list[date]:
        """Every date that must be visible on the axis."""
        days = [self.today]
        for t in self.therapies:
            days += [t.start] + ([t.end] if t.end else [])
        days += [e.day for e in self.events] + [a.day for a in self.assessments]
        if self.window:
            days += [self.window.opens, self.window.closes]
        return days


def therapy_label(t: Therapy) -> str:
    """The words on the bar: the regimen, else the agent or the kind of local treatment."""
    name = t.regimen or (humanise(t.agent.value) if t.agent else None)
    if t.kind in SHORT_KIND:
        where = f" ({t.target.value})" if t.target else ""
        return f"{SHORT_KIND[t.kind]}: {name}" if name else f"{SHORT_KIND[t.kind]}{where}"
    return name or humanise(t.kind.value)


def _therapy_span(t: Therapy, today: date) -> TherapySpan:
    label = therapy_label(t)
    planned = t.start > today
    ongoing = not planned and (t.end is None or t.end > today)
    what = [f"{humanise(t.kind.value).capitalize()} therapy"]
    if t.setting:
        what.append(t.setting.value)
    if t.line:
        what.append(f"line {t.line}")
    if t.target:
        what.append(f"target: {t.target.value}")
    lines = [label, " · ".join(what)]
    if t.classes:
        lines.append("Classes: " + ", ".join(CLASS_WORDS.get(c.value, humanise(c.value)) for c in t.classes))
    if planned:
        until = f" until {t.end.isoformat()}" if t.end else ""
        lines.append(f"Planned: starts {t.start.isoformat()}{until}")
    elif t.end is None:
        lines.append(f"{t.start.isoformat()} → ongoing ({duration_words(t.start, today)} so far)")
    else:
        lines.append(f"{t.start.isoformat()} → {t.end.isoformat()} ({duration_words(t.start, t.end)})")
    return TherapySpan(ROW_OF_KIND[t.kind], t.kind.value, label, t.start, t.end, planned, ongoing,
                       "\n".join(lines))


def _events(case: Case) -> list[Event]:
    tumour, met = case.tumour, case.metastatic
    tnm = f"{tumour.t} {tumour.n} {tumour.m}"
    events: list[Event] = []
    if met.diagnosis_date == tumour.diagnosis_date:
        # Synchronous de novo stage IV: one marker, not two drawn on top of each other.
        events.append(Event(tumour.diagnosis_date, "diagnosis", "Dx + M1",
                            f"Primary and metastatic diagnosis: {tumour.diagnosis_date.isoformat()}\n"
                            f"{tnm}"))
    else:
        events.append(Event(tumour.diagnosis_date, "diagnosis", "Dx",
                            f"Primary diagnosis: {tumour.diagnosis_date.isoformat()}\n{tnm}"))
        if met.diagnosis_date:
            events.append(Event(met.diagnosis_date, "diagnosis", "M1",
                                f"Metastatic diagnosis: {met.diagnosis_date.isoformat()}"))
    for number, day in enumerate(sorted(case.mdt_discussions), start=1):
        events.append(Event(day, "mdt", "MDT", f"MDT discussion {number}: {day.isoformat()}"))
    return events


def _window(rec: Mapping[str, Any], therapies: list[TherapySpan]) -> WindowSpan | None:
    w = rec.get("response_window")
    if not isinstance(w, Mapping):
        return None
    opens, closes, start = _iso(w.get("opens")), _iso(w.get("closes")), _iso(w.get("therapy_start"))
    if opens is None or closes is None:
        return None
    status = str(w.get("status") or "unknown")
    regimen = w.get("therapy_regimen") or next(
        (t.label for t in therapies if t.row == ROW_SYSTEMIC and t.start == start), None)
    anchor = f"{regimen}, " if regimen else ""
    started = f"started {start.isoformat()}" if start else "start not recorded"
    details = (f"Response window (3–6 months) of {anchor}{started}\n"
               f"Opens {opens.isoformat()}, closes {closes.isoformat()}\n"
               f"Status: {WINDOW_WORDS.get(status, humanise(status))}")
    return WindowSpan(opens, closes, status, f"Response window: {WINDOW_WORDS.get(status, humanise(status))}",
                      details)


def _percent(value: object) -> str | None:
    return f"{value:+.1f}%" if isinstance(value, int | float) else None


def _assessments(case: Case, rec: Mapping[str, Any]) -> list[Assessment]:
    out: list[Assessment] = []
    if case.recist is not None:
        n = len(case.recist.targets)
        base = sum(t.baseline_mm for t in case.recist.targets)
        size = f"{n} target lesion{'s' if n != 1 else ''}, sum {base:g} mm" if n else "no target lesions"
        out.append(Assessment(case.recist.baseline_date, "baseline", BASELINE_BADGE,
                              f"RECIST baseline: {case.recist.baseline_date.isoformat()}\n{size}"))
    recist = rec.get("recist")
    points = recist.get("timepoints") if isinstance(recist, Mapping) else None
    for tp in points if isinstance(points, list) else []:
        day = _iso(tp.get("date")) if isinstance(tp, Mapping) else None
        if day is None:
            continue  # a malformed timepoint cannot be placed; the panel still lists the rest
        overall = str(tp.get("overall") or "NE")
        badge, words = RESPONSES.get(overall, ("?", humanise(overall)))
        lines = [f"RECIST assessment: {day.isoformat()}", f"Overall response: {overall} ({words})"]
        if tp.get("target"):
            lines.append(f"Target lesions: {tp['target']}")
        if tp.get("sum_mm") is not None:
            changes = [f"{c} from {what}" for c, what in
                       ((_percent(tp.get("change_from_baseline_pct")), "baseline"),
                        (_percent(tp.get("change_from_nadir_pct")), "nadir")) if c]
            lines.append(f"Sum {tp['sum_mm']:g} mm" + (f" ({', '.join(changes)})" if changes else ""))
        out.append(Assessment(day, overall if overall in RESPONSES else "NE", badge, "\n".join(lines)))
    return out


def build_model(case: Case, recommendation: Mapping[str, Any] | None, today: date) -> TimelineModel:
    """The timeline's content for ``case`` as of ``today`` (the meeting date)."""
    rec: Mapping[str, Any] = recommendation if isinstance(recommendation, Mapping) else {}
    therapies = [_therapy_span(t, today) for t in sorted(case.therapies, key=lambda t: t.start)]
    return TimelineModel(today, tuple(therapies), tuple(_events(case)), _window(rec, therapies),
                         tuple(_assessments(case, rec)))


def describe(model: TimelineModel | None) -> str:
    """One paragraph saying what the drawing shows (screen readers, tests)."""
    if model is None:
        return "No case open"
    bits = [e.details.splitlines()[0] for e in model.events]
    if bits and bits[0].startswith("Primary"):
        # "Primary diagnosed ..." reads better than the tooltip title as the opening words.
        bits[0] = bits[0].replace("Primary diagnosis:", "Primary diagnosed").replace(
            "Primary and metastatic diagnosis:", "Primary diagnosed (with metastases)")
    for t in model.therapies:
        state = "planned from" if t.planned else "from"
        until = f" to {t.end.isoformat()}" if t.end else (" ongoing" if t.ongoing else "")
        bits.append(f"{t.label} {state} {t.start.isoformat()}{until}")
    if model.window:
        w = model.window
        bits.append(f"response window {w.opens.isoformat()} to {w.closes.isoformat()} "
                    f"({WINDOW_WORDS.get(w.status, humanise(w.status))})")
    for a in model.assessments:
        if a.response != "baseline":
            bits.append(f"RECIST {a.day.isoformat()} {a.response}")
    bits.append(f"today {model.today.isoformat()}")
    return "; ".join(bits)
