"""Score the amount screening against the answer key of the synthetic corpus (shared/bench/decp_synth.py --truth).

Generates a corpus (or reuses one), imports it with pilote's pipeline into a scratch store (no preparations), then
compares the retained contracts with the key:

- exclusions: a retained contract's amount is *excluded* when it is null or carries a rule of kind "signalement"
  about `montant` alone (what the read side leaves out of sums, `contracts.semantics.unusable_amount_codes`);
  it is *unknowable* when the key says the retained record's amount was replaced by an absurd value
  (`montant_absurd`: 0, 1, 999 999 999, 1e17, 123 456 789, ×1000, ÷1000). Precision and recall of the
  exclusions against the unknowable amounts (and recall per kind of absurd value);
- national totals per notification year: the sum of the usable amounts of the retained contracts against the
  sum of the key's true initial amounts (`clean.montant`, `valeurGlobale` for concessions) of one record per
  contract (`dup == "original"`); and the same sum without the amounts "à vérifier" (`ecart_sans_a_verifier_pct`);
- "à vérifier": how many retained amounts carry a rule of kind "a_verifier", and how many of them are true;
- the unit slips (×1000, ÷1000) left in sums, broken down by the evidence the store holds about their contract
  (other copies and what they state, modifications, actes de sous-traitance, procedure, statistical flag): which
  honest proofs could still catch them (`restants`).

Usage: python bench/score_amounts.py [--n 50000] [--seed 42] [--corpus C.json --truth T.jsonl] [--json OUT]
       python bench/score_amounts.py --truth T.jsonl --store DATA_DIR   (a store where the corpus is imported)
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl


ROOT = Path(__file__).resolve().parents[1]
SYNTH = ROOT.parent / "shared" / "bench" / "decp_synth.py"
sys.path.insert(0, str(ROOT))


def generate(n, seed, out_dir):
    corpus, truth = out_dir / f"synth-{n}-{seed}.json", out_dir / f"synth-{n}-{seed}.truth.jsonl"
    if not corpus.exists():
        subprocess.run(
            [
                sys.executable,
                str(SYNTH),
                "--n",
                str(n),
                "--seed",
                str(seed),
                "--out",
                str(corpus),
                "--truth",
                str(truth),
            ],
            check=True,
        )
    return corpus, truth


def load_key(truth):
    rows = []
    with open(truth, encoding="utf-8") as fh:
        for line in fh:
            k = json.loads(line)
            clean = k["clean"]
            conc = k["kind"] == "concession"
            absurd = [d for d in k["defects"] if d["code"] == "montant_absurd"]
            true_amount = clean.get("valeurGlobale") if conc else clean.get("montant")
            rows.append(
                {
                    "tableau": k["array"],
                    "position": k["pos"],
                    "group": k["group"],
                    "original": k["dup"] == "original",
                    "annee_vraie": int((clean.get("dateSignature") if conc else clean.get("dateNotification"))[:4]),
                    "montant_vrai": float(true_amount) if true_amount is not None else None,
                    "inconnaissable": bool(absurd),
                    "ecrit": str(absurd[0]["written"]) if absurd else None,
                }
            )
    return pl.DataFrame(rows, infer_schema_length=None)


def import_corpus(corpus, data_dir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from pilote.decp.pipeline import run_import

    start = time.perf_counter()
    report = run_import([corpus], data_dir=data_dir, prepare=False)
    return report, time.perf_counter() - start


def absurd_kind(written):
    if written is None:
        return None
    v = float(written)
    if v in (0.0, 1.0):
        return "0 ou 1"
    if v in (999999999.0, 123456789.0):
        return "bouche-trou"
    if v >= 1e10:
        return "> 1e10"
    return "×1000 ou ÷1000"


def _near(a, b, tol=0.005):
    return ((a - b).abs() <= tol * b.abs()).fill_null(False)


def slips_left(key, contrats, gen_dir):
    """The ×1000 / ÷1000 slips of the key still in sums, by the evidence the store holds about their contract."""
    from pilote.contracts.semantics import unusable_amount_codes
    from pilote.decp import tables

    c = pl.col
    unusable = list(unusable_amount_codes())
    slips = (
        contrats.select("tableau", "position", "contrat_uid", "montant", "procedure", "qualite")
        .join(key.select("tableau", "position", "montant_vrai", "ecrit"), on=["tableau", "position"])
        .filter(c("ecrit").is_not_null() & ~c("qualite").list.set_intersection(unusable).list.len().gt(0))
        .filter(c("montant") > 1)
        .with_columns(
            pl.when(c("montant") > c("montant_vrai")).then(pl.lit("×1000")).otherwise(pl.lit("÷1000")).alias("sens")
        )
        .filter(
            _near(c("montant") / c("montant_vrai"), pl.lit(1000.0), 0.01)
            | _near(c("montant") * 1000, c("montant_vrai"), 0.01)
        )
    )
    copies = (
        tables.scan(gen_dir, "copies")
        .select("contrat_uid", "retenue", "cle_montant")
        .collect()
        .filter(~c("retenue"))
        .join(slips.select("contrat_uid", "montant_vrai"), on="contrat_uid")
        .group_by("contrat_uid")
        .agg(
            pl.len().alias("copies"),
            _near(c("cle_montant"), c("montant_vrai")).sum().alias("copies_vraies"),
        )
    )
    mods = (
        tables.scan(gen_dir, "modifications")
        .select("contrat_uid", "montant")
        .collect()
        .join(slips.select("contrat_uid"), on="contrat_uid")
        .group_by("contrat_uid")
        .agg(pl.len().alias("modifications"), c("montant").is_not_null().sum().alias("modifications_montant"))
    )
    actes = (
        tables.scan(gen_dir, "actes_sous_traitance")
        .select("contrat_uid", "montant", "est_modification")
        .collect()
        .join(slips.select("contrat_uid"), on="contrat_uid")
        .group_by("contrat_uid")
        .agg(pl.len().alias("actes"), c("montant").max().alias("acte_max"))
    )
    d = (
        slips.join(copies, on="contrat_uid", how="left")
        .join(mods, on="contrat_uid", how="left")
        .join(actes, on="contrat_uid", how="left")
        .with_columns(
            pl.col("copies", "copies_vraies", "modifications", "modifications_montant", "actes").fill_null(0)
        )
        .with_columns(
            c("qualite").list.set_intersection(["montant_atypique", "montant_faible"]).list.len().gt(0).alias("stat"),
            (c("acte_max") > c("montant")).fill_null(False).alias("acte_depasse"),
        )
    )

    def count(frame, by):
        return {str(k): n for k, n in frame.group_by(by).len().sort(by).iter_rows()}

    out = {}
    for sens, part in d.partition_by("sens", as_dict=True).items():
        out[sens[0]] = {
            "n": part.height,
            "montant_ecrit": float(part["montant"].sum()),
            "montant_vrai": float(part["montant_vrai"].sum()),
            "drapeau_statistique": int(part["stat"].sum()),
            "autres_copies": count(part.with_columns(c("copies").clip(0, 3)), "copies"),
            "copies_au_vrai_montant": count(part.with_columns(c("copies_vraies").clip(0, 3)), "copies_vraies"),
            "modifications_avec_montant": count(
                part.with_columns(c("modifications_montant").clip(0, 3)), "modifications_montant"
            ),
            "actes_sous_traitance": count(part.with_columns(c("actes").clip(0, 3)), "actes"),
            "acte_superieur_au_montant": int(part["acte_depasse"].sum()),
            "par_procedure": count(part, "procedure"),
            "sans_aucune_autre_trace": part.filter(
                (c("copies_vraies") == 0) & (c("modifications_montant") == 0) & ~c("acte_depasse")
            ).height,
        }
    return out


def score(key, contrats):
    from pilote.contracts.semantics import unusable_amount_codes
    from pilote.decp.cleaning import RULES

    unusable = list(unusable_amount_codes())
    review = [code for code, rule in RULES.items() if rule.kind == "a_verifier" and rule.field == "montant"]
    c = contrats.select(
        "tableau",
        "position",
        "montant",
        pl.col("date_notification").dt.year().alias("annee"),
        (pl.col("montant").is_null() | pl.col("qualite").list.set_intersection(unusable).list.len().gt(0)).alias(
            "exclu"
        ),
        pl.col("qualite").list.set_intersection(review).list.len().gt(0).alias("a_verifier"),
    ).join(key, on=["tableau", "position"], how="left")
    tp = c.filter(pl.col("exclu") & pl.col("inconnaissable")).height
    excluded = c.filter("exclu").height
    unknowable = c.filter("inconnaissable").height
    per_kind = (
        c.filter("inconnaissable")
        .with_columns(pl.col("ecrit").map_elements(absurd_kind, return_dtype=pl.String).alias("nature"))
        .group_by("nature")
        .agg(pl.len().alias("n"), pl.col("exclu").sum().alias("exclus"))
        .sort("nature")
    )
    usable = c.filter(~pl.col("exclu"))
    # the sum without the amounts "à vérifier" too: where the truth lies when they are all right or all wrong
    product = usable.group_by("annee").agg(
        pl.col("montant").sum().alias("pilote"),
        pl.col("montant").filter(~pl.col("a_verifier")).sum().alias("pilote_sans_a_verifier"),
    )
    truth = (
        key.filter("original")
        .group_by(pl.col("annee_vraie").alias("annee"))
        .agg(pl.col("montant_vrai").sum().alias("cle"), pl.len().alias("contrats"))
    )
    years = (
        truth.join(product, on="annee", how="left")
        .with_columns(
            ((pl.col("pilote") / pl.col("cle") - 1) * 100).round(2).alias("ecart_pct"),
            ((pl.col("pilote_sans_a_verifier") / pl.col("cle") - 1) * 100).round(2).alias("ecart_sans_a_verifier_pct"),
        )
        .sort("annee")
    )
    to_review = c.filter("a_verifier")
    return {
        "contrats": c.height,
        "exclus": excluded,
        "inconnaissables": unknowable,
        "precision": round(tp / excluded, 4) if excluded else None,
        "rappel": round(tp / unknowable, 4) if unknowable else None,
        "par_nature": per_kind.to_dicts(),
        "a_verifier": to_review.height,
        "a_verifier_vrais": to_review.filter(~pl.col("inconnaissable").fill_null(False)).height,
        "exclus_vrais_montant": float(
            c.filter(pl.col("exclu") & ~pl.col("inconnaissable").fill_null(False))["montant_vrai"].sum()
        ),
        "annees": years.to_dicts(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--corpus")
    ap.add_argument("--truth")
    ap.add_argument("--json")
    ap.add_argument("--store", help="PILOTE_DATA_DIR where the corpus was already imported (no import)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="score-amounts-"))
    data_dir, report, seconds = Path(args.store) if args.store else work / "data", None, None
    truth = Path(args.truth) if args.truth else None
    if not args.store:
        if args.corpus:
            corpus = Path(args.corpus)
        else:
            corpus, truth = generate(args.n, args.seed, work)
        report, seconds = import_corpus(corpus, data_dir)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
    from pilote.decp import store, tables

    contrats = tables.scan(store.current_generation_dir(data_dir), "contrats").collect()
    key = load_key(truth)
    result = score(key, contrats)
    result["restants"] = slips_left(key, contrats, store.current_generation_dir(data_dir))
    if report is not None:
        result["import_s"] = round(seconds, 1)
        result["rapport"] = {k: report[k] for k in ("read", "stored", "duplicates", "rejected")}
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
