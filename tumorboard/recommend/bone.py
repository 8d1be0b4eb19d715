"""Bone health: bone-modifying agent, dental evaluation before it, orthopaedic evaluation."""

from __future__ import annotations

from tumorboard.domain.vocab import TherapyKind
from tumorboard.recommend.criteria import counsel
from tumorboard.recommend.facts import CaseFacts
from tumorboard.recommend.result import BoneHealth, Counsel
from tumorboard.recommend.ruleset import Ruleset
from tumorboard.recommend.texts import fill, humanise, join_words, show_date


def bone_health(f: CaseFacts, rs: Ruleset) -> BoneHealth:
    as_of = f.as_of
    has_bone = bool(f.bone_lesions)
    in_place = [th for th in f.case.therapies
                if th.kind is TherapyKind.BONE_MODIFYING and th.start <= as_of
                and (th.end is None or th.end >= as_of)]
    if in_place:
        agent = "in_place"
    elif has_bone:
        agent = "indicated"
    else:
        agent = "not_indicated"
    dental_date = f.case.dental_evaluation_date
    if dental_date is not None and dental_date <= as_of:
        dental = "done"
    elif has_bone:
        dental = "pending"
    else:
        dental = "not_needed"
    required, advisory = f.orthopaedic_required_sites, f.orthopaedic_advisory_sites
    ortho = "required" if required else "advisory" if advisory else "not_needed"

    spec = rs.bone_health
    # The most recently started agent; ties broken by name so the order of entry never matters.
    current = max(in_place, key=lambda th: (th.start, th.agent or "")) if in_place else None
    notes = [
        Counsel("bone_modifying_agent", fill(
            str(spec["bone_modifying_agent"][agent]),
            agent=humanise(current.agent.value) if current and current.agent else "agent",
            start=show_date(current.start if current else None)),
            tuple(spec["bone_modifying_agent"]["references"])),
        Counsel("dental_evaluation", fill(str(spec["dental_evaluation"][dental]),
                                          date=show_date(dental_date)),
                tuple(spec["dental_evaluation"]["references"])),
        Counsel("orthopaedic_evaluation", fill(
            str(spec["orthopaedic_evaluation"][ortho]),
            sites=join_words(list(required or advisory))),
            tuple(spec["orthopaedic_evaluation"]["references"])),
    ]
    if agent != "not_indicated":
        notes.append(counsel(rs, "bma_schedule"))
    if has_bone:
        notes.append(counsel(rs, "bone_single_fraction"))
    return BoneHealth(agent, dental, ortho, tuple(notes))
