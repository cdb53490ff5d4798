"""One contract as the store holds it: its row of `contrats` and its rows in the child tables (titulaires,
modifications, acts of subcontracting, published copies), read by position through the search index (one row
group, not a scan of 1.6 M rows). Each copy says who published it (pilote.decp.provenance): the national source,
or an organisation that imported its own version (kept in `publications`; the national version is retained)."""

import polars as pl

from pilote.contracts import semantics
from pilote.contracts.search.index import Index
from pilote.core.models import Organisation
from pilote.decp import provenance, store, tables
from pilote.decp.cleaning.rules import RULES


def _table(index: Index, name: str, uid: str) -> list[dict]:
    """Rows of a child table for one contract: from the index's sorted copy (one row group read), else by
    scanning the generation's table."""
    path = index.child_table(name, uid)
    if path.exists():
        rows = pl.scan_parquet(path)
    else:
        generation_dir = store.current_generation_dir()
        if generation_dir is None or not tables.parts(generation_dir, name).exists():
            return []
        rows = tables.scan(generation_dir, name)
    return rows.filter(pl.col("contrat_uid") == uid).collect().to_dicts()


def _contract_row(index: Index, uid: str) -> dict | None:
    doc = index.row_of(uid)
    generation_dir = store.current_generation_dir()
    if doc is None or generation_dir is None or not tables.parts(generation_dir, "contrats").exists():
        return None
    row = tables.read_row(generation_dir, "contrats", int(doc["src_row"]))
    if row is None or row["contrat_uid"] != uid:
        return None
    return row | {"departement": doc["departement"]}


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
    _with_publishers(copies)
    final = next((m["montant"] for m in reversed(modifications) if m.get("montant") is not None), None)
    return {
        "row": row,
        "flags": flags,
        "titulaires": titulaires,
        "modifications": modifications,
        "sous_traitance": sous_traitance,
        "copies": copies,
        # an organisation's own version that the national version overrides: shown beside it, counted nowhere
        "other_versions": [c for c in copies if not c["retenue"] and not c["national"]],
        "montant_final": final,  # semantics: the last amount a modification states
        "cpv_label": semantics.cpv_labels().get(row.get("code_cpv") or "", ""),
    }


def _with_publishers(copies: list[dict]) -> None:
    """Each copy gets `national`, `publie_par` (« source nationale » or the organisation's name) and, for an
    organisation's copy, `version`: the fields it published (from `publications`)."""
    ids = {provenance.organisation_id(c.get("provenance")) for c in copies} - {None}
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    published = {}
    path = store.table_path("publications")
    if ids and path is not None and path.exists():
        runs = [str(c["import_run"]) for c in copies]
        rows = pl.scan_parquet(path).filter(pl.col("import_run").is_in(runs)).collect().to_dicts()
        published = {(r["import_run"], r["record_key"]): r for r in rows}
    for copy in copies:
        organisation = provenance.organisation_id(copy.get("provenance"))
        copy["national"] = organisation is None
        copy["publie_par"] = (
            "source nationale" if organisation is None else names.get(organisation, "une organisation")
        )
        copy["version"] = published.get((str(copy["import_run"]), copy["record_key"]))
