"""Enumerations of the case document (tumorboard.case/1), named as the clinic names them."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class MenopausalStatus(StrEnum):
    PRE = "pre"
    PERI = "peri"
    POST = "post"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"


class Her2Ihc(StrEnum):
    ZERO = "0"
    ONE_PLUS = "1+"
    TWO_PLUS = "2+"
    THREE_PLUS = "3+"


class Her2Ish(StrEnum):
    AMPLIFIED = "amplified"
    NOT_AMPLIFIED = "not_amplified"
    EQUIVOCAL = "equivocal"


class GermlineBrca(StrEnum):
    BRCA1 = "BRCA1"
    BRCA2 = "BRCA2"
    NEGATIVE = "negative"
    UNKNOWN = "unknown"


class MutationStatus(StrEnum):
    """Result of a tumour mutation test (ESR1; PIK3CA, AKT1 or PTEN), tissue or ctDNA."""

    DETECTED = "detected"
    NOT_DETECTED = "not_detected"
    UNKNOWN = "unknown"


class TnmBasis(StrEnum):
    CLINICAL = "clinical"
    PATHOLOGICAL = "pathological"


T_CATEGORIES: tuple[str, ...] = (
    "TX", "T0", "Tis", "T1mi", "T1", "T1a", "T1b", "T1c", "T2", "T3",
    "T4", "T4a", "T4b", "T4c", "T4d",
)
N_CATEGORIES: tuple[str, ...] = (
    "NX", "N0", "N1mi", "N1", "N1a", "N1b", "N1c", "N2", "N2a", "N2b",
    "N3", "N3a", "N3b", "N3c",
)
M_CATEGORIES: tuple[str, ...] = ("M0", "M1")


class PrimarySymptom(StrEnum):
    ULCERATION = "ulceration"
    BLEEDING = "bleeding"
    FUNGATION = "fungation"
    PAIN = "pain"
    INFECTION = "infection"
    IMPENDING_COMPLICATION = "impending_complication"


class Organ(StrEnum):
    BONE = "bone"
    LIVER = "liver"
    LUNG = "lung"
    PLEURA = "pleura"
    BRAIN = "brain"
    DISTANT_LYMPH_NODE = "distant_lymph_node"
    ADRENAL = "adrenal"
    SKIN_SOFT_TISSUE = "skin_soft_tissue"
    PERITONEUM = "peritoneum"
    OTHER = "other"


class BoneSite(StrEnum):
    VERTEBRA = "vertebra"
    FEMUR = "femur"
    TIBIA = "tibia"
    PELVIS = "pelvis"
    HUMERUS = "humerus"
    RIB = "rib"
    STERNUM = "sternum"
    SCAPULA = "scapula"
    CLAVICLE = "clavicle"
    SKULL = "skull"
    OTHER = "other"


class StagingModality(StrEnum):
    FDG_PET_CT = "fdg_pet_ct"
    CT = "ct"
    BONE_SCAN = "bone_scan"
    MRI = "mri"
    ULTRASOUND = "ultrasound"
    XRAY = "xray"


class TherapyKind(StrEnum):
    SYSTEMIC = "systemic"
    BONE_MODIFYING = "bone_modifying"
    SURGERY = "surgery"
    RADIOTHERAPY = "radiotherapy"
    ABLATION = "ablation"


class TherapyClass(StrEnum):
    ENDOCRINE = "endocrine"
    CDK46_INHIBITOR = "cdk46_inhibitor"
    CHEMOTHERAPY = "chemotherapy"
    ANTI_HER2 = "anti_her2"
    ADC = "adc"
    PARP_INHIBITOR = "parp_inhibitor"
    IMMUNOTHERAPY = "immunotherapy"
    OVARIAN_SUPPRESSION = "ovarian_suppression"
    OTHER = "other"


class TherapySetting(StrEnum):
    NEOADJUVANT = "neoadjuvant"
    ADJUVANT = "adjuvant"
    METASTATIC = "metastatic"


class BoneAgent(StrEnum):
    DENOSUMAB = "denosumab"
    ZOLEDRONIC_ACID = "zoledronic_acid"
    PAMIDRONATE = "pamidronate"
    OTHER = "other"


class LocalTarget(StrEnum):
    PRIMARY = "primary"
    METASTASIS = "metastasis"


class TargetSite(StrEnum):
    """Where a RECIST target lesion is: a response of the primary is not a response of the metastases."""

    PRIMARY = "primary"
    REGIONAL_NODE = "regional_node"
    DISTANT = "distant"


class NonTargetResponse(StrEnum):
    """Non-target lesion response recorded at one RECIST assessment."""

    CR = "CR"
    NON_CR_NON_PD = "non-CR/non-PD"
    PD = "PD"
    NE = "NE"
    NONE = "none"


# The words for the receptor status the engine derives, in one place for the worklist, the
# screens and the minutes: (short form kept in the worklist's subtype column, words for reading).
HR_WORDS: dict[str, tuple[str, str]] = {"positive": ("HR+", "HR+"), "negative": ("HR-", "HR−"),
                                        "unknown": ("HR?", "HR unknown")}
HER2_WORDS: dict[str, tuple[str, str]] = {
    "positive": ("HER2+", "HER2+"), "low": ("HER2-low", "HER2-low"), "zero": ("HER2-0", "HER2-0"),
    "equivocal": ("HER2 equiv.", "HER2 equivocal"), "unknown": ("HER2?", "HER2 unknown")}


def subtype_label(hormone_receptor: str, her2: str) -> str:
    """"HR+/HER2-low": the worklist's subtype (stored with the case, filtered on)."""
    return f"{HR_WORDS[hormone_receptor][0]}/{HER2_WORDS[her2][0]}"


def subtype_words(hormone_receptor: object, her2: object) -> str:
    """"HR+ / HER2-low" for reading; anything unknown says so."""
    hr = HR_WORDS.get(str(hormone_receptor), HR_WORDS["unknown"])[1]
    return f"{hr} / {HER2_WORDS.get(str(her2), HER2_WORDS['unknown'])[1]}"


# The subtypes the worklist filter offers (the combinations a board sees most).
SUBTYPE_FILTERS = [subtype_label(hr, her2) for hr, her2 in (
    ("positive", "zero"), ("positive", "low"), ("positive", "positive"), ("negative", "positive"),
    ("negative", "zero"), ("negative", "low"))]
