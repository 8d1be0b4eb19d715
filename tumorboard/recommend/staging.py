"""AJCC 8th edition anatomic stage group of breast cancer from the initial T, N and M.

Table and notes: reference-tables.md §5 (Hortobagyi et al., AJCC Cancer Staging Manual 8th ed.).
"""

from __future__ import annotations


def _t_group(t: str) -> str | None:
    if t in ("T1mi", "T1", "T1a", "T1b", "T1c"):
        return "T1"  # T1 includes T1mi
    if t.startswith("T4"):
        return "T4"
    if t in ("T0", "Tis", "T2", "T3"):
        return t
    return None  # TX


def _n_group(n: str) -> str | None:
    if n == "N1mi":
        return "N1mi"
    if n.startswith("N1"):
        return "N1"
    if n.startswith("N2"):
        return "N2"
    if n.startswith("N3"):
        return "N3"
    if n == "N0":
        return "N0"
    return None  # NX


_TABLE: dict[tuple[str, str], str] = {
    ("Tis", "N0"): "0",
    ("T1", "N0"): "IA",
    ("T0", "N1mi"): "IB",
    ("T1", "N1mi"): "IB",
    ("T0", "N1"): "IIA",
    ("T1", "N1"): "IIA",
    ("T2", "N0"): "IIA",
    ("T2", "N1"): "IIB",
    ("T3", "N0"): "IIB",
    ("T0", "N2"): "IIIA",
    ("T1", "N2"): "IIIA",
    ("T2", "N2"): "IIIA",
    ("T3", "N1"): "IIIA",
    ("T3", "N2"): "IIIA",
    ("T4", "N0"): "IIIB",
    ("T4", "N1"): "IIIB",
    ("T4", "N2"): "IIIB",
}


def ajcc8_anatomic_stage(t: str, n: str, m: str) -> str | None:
    """Stage group, or None for TX/NX and for combinations the table does not list (T0 N0, Tis N+)."""
    if m == "M1":
        return "IV"
    tg, ng = _t_group(t), _n_group(n)
    if ng == "N3":
        return "IIIC"
    if tg is None or ng is None:
        return None
    if ng == "N1mi" and tg in ("T2", "T3", "T4"):
        # The N1mi footnote re-routes only T0/T1; larger tumours fall in the N1 rows (§5 notes).
        ng = "N1"
    return _TABLE.get((tg, ng))
