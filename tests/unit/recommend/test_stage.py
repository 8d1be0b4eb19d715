"""stage.ajcc8_anatomic: the AJCC 8th anatomic table of reference-tables.md §5, as the contract applies it.

Contract: "from the initial t/n/m by the AJCC 8th anatomic table. M1 -> IV whatever t/n; N3 with M0 ->
IIIC whatever t; otherwise TX or NX -> null, and so is any combination that the table does not list
(T0 N0, Tis with nodes). A later recurrence does not change it."
Table footnotes: "T1 includes T1mi"; "In the IIA rows, N1 excludes N1mi"; implementation note:
"T2/T3/T4 with N1mi fall in the N1 rows (IIB / IIIA / IIIB)".
"""

from __future__ import annotations

import pytest
from rec_casekit import bone, evaluate, make_case

ALL_T = ["TX", "T0", "Tis", "T1mi", "T1", "T1a", "T1b", "T1c", "T2", "T3", "T4", "T4a", "T4b", "T4c", "T4d"]
ALL_N = ["NX", "N0", "N1mi", "N1", "N1a", "N1b", "N1c", "N2", "N2a", "N2b", "N3", "N3a", "N3b", "N3c"]

T1_ANY = ["T1mi", "T1", "T1a", "T1b", "T1c"]   # "T1 includes T1mi"
T4_ANY = ["T4", "T4a", "T4b", "T4c", "T4d"]
N1_MACRO = ["N1", "N1a", "N1b", "N1c"]          # "N1 excludes N1mi" (IIA rows)
N2_ANY = ["N2", "N2a", "N2b"]
N3_ANY = ["N3", "N3a", "N3b", "N3c"]

# (stage, T categories, N categories): one entry per row of the table with M0, subcategories expanded.
TABLE_ROWS: list[tuple[str, list[str], list[str]]] = [
    ("0", ["Tis"], ["N0"]),
    ("IA", T1_ANY, ["N0"]),
    ("IB", ["T0"], ["N1mi"]),
    ("IB", T1_ANY, ["N1mi"]),
    ("IIA", ["T0"], N1_MACRO),
    ("IIA", T1_ANY, N1_MACRO),
    ("IIA", ["T2"], ["N0"]),
    ("IIB", ["T2"], N1_MACRO),
    ("IIB", ["T3"], ["N0"]),
    ("IIIA", ["T0"], N2_ANY),
    ("IIIA", T1_ANY, N2_ANY),
    ("IIIA", ["T2"], N2_ANY),
    ("IIIA", ["T3"], N1_MACRO),
    ("IIIA", ["T3"], N2_ANY),
    ("IIIB", T4_ANY, ["N0"]),
    ("IIIB", T4_ANY, N1_MACRO),
    ("IIIB", T4_ANY, N2_ANY),
]
# Implementation note: the N1mi footnote only re-routes T0/T1; T2/T3/T4 with N1mi use the N1 rows.
N1MI_ROWS: list[tuple[str, list[str], list[str]]] = [
    ("IIB", ["T2"], ["N1mi"]),
    ("IIIA", ["T3"], ["N1mi"]),
    ("IIIB", T4_ANY, ["N1mi"]),
]


def expand(rows: list[tuple[str, list[str], list[str]]]) -> list[tuple[str, str, str]]:
    return [(t, n, stage) for stage, ts, ns in rows for t in ts for n in ns]


def expected_m0(t: str, n: str) -> str | None:
    if n in N3_ANY:
        return "IIIC"
    table = {(t_, n_): stage for t_, n_, stage in expand(TABLE_ROWS + N1MI_ROWS)}
    return table.get((t, n))


def stage_of(t: str, n: str, m: str) -> str | None:
    out = evaluate(make_case(tumour={"t": t, "n": n, "m": m}), "2025-06-10")
    stage: str | None = out["stage"]["ajcc8_anatomic"]
    return stage


def test_the_expanded_table_has_no_overlapping_rows() -> None:
    cells = [(t, n) for t, n, _ in expand(TABLE_ROWS + N1MI_ROWS)]
    assert len(cells) == len(set(cells))


@pytest.mark.parametrize(("t", "n", "stage"), expand(TABLE_ROWS), ids=lambda v: str(v))
def test_every_table_row_with_m0(t: str, n: str, stage: str) -> None:
    assert stage_of(t, n, "M0") == stage


@pytest.mark.parametrize(("t", "n", "stage"), expand(N1MI_ROWS), ids=lambda v: str(v))
def test_t2_t3_t4_with_n1mi_fall_in_the_n1_rows(t: str, n: str, stage: str) -> None:
    assert stage_of(t, n, "M0") == stage


@pytest.mark.parametrize("t", ALL_T)
@pytest.mark.parametrize("n", N3_ANY)
def test_n3_with_m0_is_iiic_whatever_t(t: str, n: str) -> None:
    assert stage_of(t, n, "M0") == "IIIC"


@pytest.mark.parametrize("t", ALL_T)
@pytest.mark.parametrize("n", ALL_N)
def test_m1_is_iv_whatever_t_and_n(t: str, n: str) -> None:
    assert stage_of(t, n, "M1") == "IV"


@pytest.mark.parametrize("n", [n for n in ALL_N if n not in N3_ANY])
def test_tx_without_n3_or_m1_is_null(n: str) -> None:
    assert stage_of("TX", n, "M0") is None


@pytest.mark.parametrize("t", ALL_T)
def test_nx_with_m0_is_null(t: str) -> None:
    assert stage_of(t, "NX", "M0") is None


def test_t0_n0_is_null() -> None:
    assert stage_of("T0", "N0", "M0") is None


@pytest.mark.parametrize("n", ["N1mi", *N1_MACRO, *N2_ANY])
def test_tis_with_nodes_is_null(n: str) -> None:
    assert stage_of("Tis", n, "M0") is None


@pytest.mark.parametrize("t", ALL_T)
@pytest.mark.parametrize("n", ALL_N)
def test_whole_m0_grid_is_the_table_or_null(t: str, n: str) -> None:
    """Every T x N with M0: a listed cell gives its stage, an unlisted one gives null."""
    assert stage_of(t, n, "M0") == expected_m0(t, n)


@pytest.mark.parametrize(("t", "n", "stage"), [("T2", "N0", "IIA"), ("T1c", "N1mi", "IB"), ("Tis", "N0", "0")])
def test_a_later_recurrence_does_not_change_the_initial_stage(t: str, n: str, stage: str) -> None:
    doc = make_case(tumour={"t": t, "n": n, "m": "M0", "diagnosis_date": "2019-03-01"},
                    metastatic={"diagnosis_date": "2025-02-01", "lesions": [bone("vertebra"), bone("femur")]})
    assert evaluate(doc, "2025-06-10")["stage"]["ajcc8_anatomic"] == stage
