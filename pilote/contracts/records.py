"""One contract as the store holds it: its row of `contrats` and its rows in the child tables (titulaires,
modifications, acts of subcontracting, published copies), read by position through the search index (one row
group, not a scan of 1.6 M rows)."""

import polars as pl

from pilote.contracts import semantics
from pilote.contracts.search.index import Index
from pilote.decp import store
from pilote.decp.cleaning.rules import RULES


def _table(index: Index, name: str, uid: str) -> list[dict]:
    """Rows of a child table for one contract: from the index's sorted copy (one row group read), else by
    scanning the generation's table."""
    path = index.directory / f"explorer_{name}.parquet"
    if not path.exists():
        path = store.table_path(name)
    if path is None or not path.exists():
        return []
    return pl.scan_parquet(path).filter(pl.col("contrat_uid") == uid).collect().to_dicts()


def _contract_row(index: Index, uid: str) -> dict | None:
    doc = index.docs.filter(pl.col("contrat_uid") == uid)
    path = store.table_path("contrats")
    if doc.height == 0 or path is None or not path.exists():
        return None
    rows = pl.scan_parquet(path).slice(int(doc["src_row"][0]), 1).collect().to_dicts()
    if not rows or rows[0]["contrat_uid"] != uid:
        return None
    return rows[0] | {"departement": doc["departement"][0]}


def contract(index: Index, uid: str) -> dict | None:
    """Everything the store knows about one contract, or None when the uid is unknown."""
    row = _contract_row(index, uid)
    if row is None:
        return None
    flags = [
        {
            "code": code,
            "label": RULES[code].label if code in RULES else code,
            "kind": RULES.get(code) and RULES[code].kind,
        }
        for code in dict.fromkeys(row.get("qualite") or [])
    ]
    titulaires = sorted(_table(index, "titulaires", uid), key=lambda t: (t["modification_id"] is not None, t["rang"]))
    modifications = sorted(_table(index, "modifications", uid), key=lambda m: m["rang"])
    sous_traitance = sorted(
        _table(index, "actes_sous_traitance", uid), key=lambda a: (a["est_modification"], a["rang"])
    )
    copies = sorted(
        _table(index, "copies", uid), key=lambda c: (not c["retenue"], str(c.get("date_derniere_publication") or ""))
    )
    final = next((m["montant"] for m in reversed(modifications) if m.get("montant") is not None), None)
    return {
        "row": row,
        "flags": flags,
        "titulaires": titulaires,
        "modifications": modifications,
        "sous_traitance": sous_traitance,
        "copies": copies,
        "montant_final": final,  # semantics: the last amount a modification states
        "cpv_label": semantics.cpv_labels().get(row.get("code_cpv") or "", ""),
    }
