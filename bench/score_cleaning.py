"""Score the DECP cleaning against the answer key of the synthetic corpus (shared/bench/decp_synth.py --truth).

For every injected defect (`defects[]` of a key line) it checks, on the cleaned outputs, whether the value was
restored to the key's `clean` value ("corrigé") or the record / titulaire carries a quality code concerning that
field ("signalé"); the share of injected defects corrected or flagged is given per defect code and overall
(target ≥ 0.99). Records are joined on (`tableau`, `position`) = the key's (`array`, `pos`).

Usage: score(truth_path, contrats, titulaires[, modifications]) -> dict; prints a table.
As a script: python bench/score_cleaning.py CORPUS.json TRUTH.jsonl (reads the corpus with pilote's reader).
"""

import datetime
import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import polars as pl


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pilote.decp.cleaning import RULES


# Key path (without list indices) -> cleaned column of the contrats table.
_CONTRAT_PATHS = {
    "id": "id",
    "acheteur.id": "acheteur_id",
    "autoriteConcedante.id": "acheteur_id",
    "acheteur.nom": "acheteur_nom",
    "autoriteConcedante.nom": "acheteur_nom",
    "acheteur": "acheteur_id",
    "nature": "nature",
    "objet": "objet",
    "codeCPV": "code_cpv",
    "procedure": "procedure",
    "techniques.technique": "techniques",
    "modalitesExecution.modaliteExecution": "modalites_execution",
    "idAccordCadre": "id_accord_cadre",
    "marcheInnovant": "marche_innovant",
    "ccag": "ccag",
    "offresRecues": "offres_recues",
    "attributionAvance": "attribution_avance",
    "tauxAvance": "taux_avance",
    "typeGroupementOperateurs": "type_groupement_operateurs",
    "sousTraitanceDeclaree": "sous_traitance_declaree",
    "lieuExecution.code": "lieu_execution_code",
    "lieuExecution.typeCode": "lieu_execution_type_code",
    "dureeMois": "duree_mois",
    "dateNotification": "date_notification",
    "dateSignature": "date_notification",
    "datePublicationDonnees": "date_publication_donnees",
    "dateDebutExecution": "date_debut_execution",
    "montant": "montant",
    "valeurGlobale": "montant",
    "montantSubventionPublique": "montant_subvention_publique",
    "typesPrix.typePrix": "types_prix",
    "formePrix": "forme_prix",
    "origineUE": "origine_ue",
    "origineFrance": "origine_france",
    "considerationsSociales.considerationSociale": "considerations_sociales",
    "considerationsEnvironnementales.considerationEnvironnementale": "considerations_environnementales",
    "titulaires": "titulaire_id",
    "concessionnaires": "titulaire_id",
}
_EXTRA = {"_type", "source", "uid", "uuid"}
_TIT = re.compile(
    r"^(titulaires|concessionnaires)\[(\d+)\](?:\.(?:titulaire|concessionnaire))?\.(id|typeIdentifiant)$"
)
_INDEX = re.compile(r"\[(\d+)\]")
_TIT_COLS = {"id": "titulaire_id", "typeIdentifiant": "type_identifiant"}


def _fields_of(code: str) -> set[str]:
    rule = RULES.get(code)
    return {f.strip() for f in rule.field.split(",")} if rule else set()


def _codes_for(column: str) -> set[str]:
    return {code for code in RULES if column in _fields_of(code)}


def _same(cleaned, clean) -> bool:
    """The cleaned value equals the key's canonical value (dates as ISO, numbers with tolerance)."""
    if clean == "<absent>":
        return cleaned is None
    if cleaned is None or clean is None:
        return cleaned is None and clean is None
    if isinstance(cleaned, datetime.date):
        return cleaned.isoformat() == clean
    if isinstance(clean, bool) or isinstance(cleaned, bool):
        return cleaned == clean
    if isinstance(clean, int | float) and isinstance(cleaned, int | float):
        return math.isclose(float(cleaned), float(clean), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(cleaned, list) and isinstance(clean, list):
        return list(cleaned) == list(clean)
    return str(cleaned) == str(clean)


def _defect_lines(truth_path: Path):
    with open(truth_path, encoding="utf-8") as fh:
        for line in fh:
            if '"defects": []' in line or '"defects":[]' in line:
                continue
            rec = json.loads(line)
            if rec.get("defects"):
                yield rec


def score(
    truth_path: Path,
    contrats: pl.DataFrame,
    titulaires: pl.DataFrame,
    modifications: pl.DataFrame | None = None,
    *,
    quiet: bool = False,
) -> dict:
    """Share of injected defects corrected or flagged, per defect code and overall (see module docstring)."""
    lines = list(_defect_lines(Path(truth_path)))
    wanted = pl.DataFrame(
        {"tableau": [r["array"] for r in lines], "position": [r["pos"] for r in lines]},
        schema={"tableau": pl.String, "position": pl.Int64},
    ).unique()
    cols = [c for c in contrats.columns if not c.endswith("_brut")]
    rows = contrats.select(cols).join(wanted, on=["tableau", "position"], how="semi")
    by_pos = {(r["tableau"], r["position"]): r for r in rows.iter_rows(named=True)}
    keys = {r["record_key"]: k for k, r in by_pos.items()}
    tits = titulaires.filter(pl.col("record_key").is_in(list(keys)) & pl.col("modification_id").is_null())
    tit_rows = {(keys[t["record_key"]], t["rang"]): t for t in tits.iter_rows(named=True)}
    mod_rows = {}
    if modifications is not None:
        mods = modifications.filter(pl.col("record_key").is_in(list(keys)))
        mod_rows = {(m["record_key"], m["rang"]): m for m in mods.iter_rows(named=True)}
    stats = defaultdict(lambda: {"injectes": 0, "corriges": 0, "signales": 0, "non_traites": 0})
    not_found = not_scored = 0
    examples = defaultdict(list)
    for rec in lines:
        row = by_pos.get((rec["array"], rec["pos"]))
        for d in rec["defects"]:
            code, path = d["code"], d["path"]
            if row is None:
                not_found += 1
                continue
            quality = set(row["qualite"] or [])
            m = _TIT.match(path)
            if m:
                column = _TIT_COLS[m.group(3)]
                trow = tit_rows.get(((rec["array"], rec["pos"]), int(m.group(2))))
                value = trow[column] if trow else None
                quality = quality | set((trow or {}).get("qualite") or [])
                relevant = _codes_for(column) | _codes_for("titulaire_id")
            elif path.startswith("modifications"):
                not_scored += 1  # modification dates: scored only if the modifications frame is given
                if modifications is None:
                    continue
                column = (
                    "date_notification_modification"
                    if "Notification" in path
                    else "date_publication_donnees_modification"
                )
                mrow = mod_rows.get((row["record_key"], int(_INDEX.findall(path)[0])))
                value, relevant = (mrow or {}).get(column), _codes_for(column)
                quality = quality | set((mrow or {}).get("qualite") or [])
                not_scored -= 1
            elif path in _EXTRA:
                column, value, relevant = None, None, {"champs_hors_schema"}
            else:
                base = _INDEX.sub("", path)
                column = _CONTRAT_PATHS.get(base)
                if column is None:
                    not_scored += 1
                    continue
                value = row.get(column)
                relevant = _codes_for(column)
                idx = _INDEX.findall(path)
                if idx and isinstance(value, list) and column not in ("titulaire_id",):
                    pos = int(idx[-1])
                    value = value[pos] if pos < len(value) else None
            s = stats[code]
            s["injectes"] += 1
            clean = d["clean"]
            if column == "code_cpv" and isinstance(clean, str) and re.fullmatch(r"\d{8}-\d", clean):
                clean = clean[:8]  # the key keeps the check digit as written; the cleaned code never has it
            if column is not None and clean is not None and _same(value, clean):
                s["corriges"] += 1
            elif quality & relevant:
                s["signales"] += 1
            else:
                s["non_traites"] += 1
                if len(examples[code]) < 3:
                    examples[code].append(
                        {"path": path, "written": d["written"], "clean": d["clean"], "got": str(value)}
                    )
    total = sum(s["injectes"] for s in stats.values())
    handled = sum(s["corriges"] + s["signales"] for s in stats.values())
    for s in stats.values():
        s["part"] = (s["corriges"] + s["signales"]) / s["injectes"] if s["injectes"] else 1.0
    result = {
        "par_code": dict(sorted(stats.items())),
        "injectes": total,
        "traites": handled,
        "part": handled / total if total else 1.0,
        "introuvables": not_found,
        "non_evalues": not_scored,
        "exemples_non_traites": dict(examples),
    }
    if not quiet:
        print_table(result)
    return result


def print_table(result: dict) -> None:
    print(f"{'défaut':28} {'injectés':>9} {'corrigés':>9} {'signalés':>9} {'manqués':>8} {'part':>7}")
    for code, s in result["par_code"].items():
        print(
            f"{code:28} {s['injectes']:9d} {s['corriges']:9d} {s['signales']:9d} {s['non_traites']:8d} {s['part']:7.2%}"
        )
    print(
        f"{'TOTAL':28} {result['injectes']:9d} {'':>9} {'':>9} {result['injectes'] - result['traites']:8d} {result['part']:7.2%}"
    )
    print(f"enregistrements introuvables : {result['introuvables']}, défauts non évalués : {result['non_evalues']}")


def main(argv: list[str]) -> None:
    from pilote.decp.cleaning import (
        clean_contrats,
        clean_modifications,
        clean_titulaires,
        flag_amount_outliers,
        flag_titulaires_absents,
    )
    from pilote.decp.readers.flatten import Flattener
    from pilote.decp.readers.json_reader import iter_records_ijson

    corpus, truth = Path(argv[0]), Path(argv[1])
    flat = Flattener(import_run="score", source="synth", fichier=corpus.name, sha256="", fmt="decp-2022-json")
    for key, (tableau, position, rec) in enumerate(iter_records_ijson(corpus, name=corpus.name)):
        flat.add(rec, key=key, position=position, tableau=tableau)
    raw = flat.frames()
    today = datetime.date(2026, 11, 22)
    contrats = clean_contrats(raw["contrats"], today=today)
    titulaires = clean_titulaires(raw["titulaires"])
    contrats = flag_amount_outliers(flag_titulaires_absents(contrats, titulaires))
    score(truth, contrats, titulaires, clean_modifications(raw["modifications"], today=today))


if __name__ == "__main__":
    main(sys.argv[1:])
