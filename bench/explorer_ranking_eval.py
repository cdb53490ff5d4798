"""Held-out evaluation of the similar-contracts ranking (docs/explorer-ranking.md, docs/benchmarks.md).

Corpus: the 10,193 real 2019 contracts of ../shared/data/decp/real/decp-rama-2019, imported with the real
pipeline. 10 % of the contracts that have a CPV code (seeded draw) are held out; the explorer index is built on the
other 90 %. For each held-out contract we ask for similar contracts from its object, amount and département only
(its CPV code is *not* given: that is what the ranking must recover) and measure the share of the top 10 whose
CPV class (first 4 digits) equals the held-out contract's. Variants: the full ranking, text only (no CPV
inference, no amount, no place, no nature), and the same with the held-out contract's own buyer excluded from
the results (buyers often publish near-identical lots, which flatters the score); the full ranking with the lots
of one consultation grouped (as the pages show it); the share of the full ranking's top 10 in the held-out
contract's nature. Chance level = expected share for 10 contracts drawn at random from the index.
Business cases (CASES: school catering, cleaning, building works, IT): share of the top 10 (lots grouped) in the
right CPV class and nature, with and without the nature of the need, and whether the first suggested code is right.

    .venv/bin/python bench/explorer_ranking_eval.py [--workdir /tmp/explorer-eval]
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import polars as pl


REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
REAL = REPO.parent / "shared" / "data" / "decp" / "real" / "decp-rama-2019"


# Business cases (issue 17): needs as buyers write them, the CPV prefixes that are "the right class" for each
# and the nature expected. Share of the top 10 (lots grouped, as the page shows them) in the right class and in
# the right nature, and whether the first suggested CPV code is in the right class; with and without the nature.
CASES = {
    "restauration scolaire": [
        ("Fourniture de repas pour la restauration scolaire", ("5552",), "services"),
        ("Restauration scolaire", ("5552",), "services"),
        ("Livraison de repas en liaison froide pour les écoles", ("5552",), "services"),
    ],
    "nettoyage": [
        ("Nettoyage des locaux administratifs", ("9091", "9090"), "services"),
        ("Prestations de nettoyage des bâtiments communaux", ("9091", "9090"), "services"),
        ("Entretien ménager des écoles", ("9091", "9090"), "services"),
    ],
    "travaux de bâtiment": [
        ("Travaux de réhabilitation d'un groupe scolaire", ("452", "453", "454"), "travaux"),
        ("Construction d'un gymnase", ("452", "453", "454"), "travaux"),
        ("Travaux de rénovation énergétique de la mairie", ("452", "453", "454"), "travaux"),
    ],
    "informatique": [
        ("Acquisition de matériel informatique", ("302", "48"), "fournitures"),
        ("Maintenance du parc informatique", ("5031", "5032", "72"), "services"),
        ("Prestations d'infogérance des systèmes informatiques", ("72",), "services"),
    ],
}


def _cases(index, rank):
    from pilote.contracts.search import guidance
    from pilote.contracts.search.ranking import group_lots

    out = {}
    for case, queries in CASES.items():
        result = {}
        for label, use_nature in (("avec_nature", True), ("sans_nature", False)):
            share_class, share_nature, first_ok = [], [], []
            for objet, prefixes, nature in queries:
                ranked = rank(index, objet=objet, limit=80, use_nature=use_nature)
                top = [g[0] for g in group_lots(ranked.to_dicts(), 10)]
                codes = [r["code_cpv"] or "" for r in top]
                share_class.append(sum(c.startswith(prefixes) for c in codes) / max(len(codes), 1))
                share_nature.append(sum(r["cpv_nature"] == nature for r in top) / max(len(top), 1))
                if use_nature:
                    suggestions = guidance.suggest_cpv(objet)
                    first_ok.append(bool(suggestions) and suggestions[0]["code"].startswith(prefixes))
            result[label] = {
                "part_top10_bonne_classe": round(sum(share_class) / len(share_class), 3),
                "part_top10_bonne_nature": round(sum(share_nature) / len(share_nature), 3),
            }
            if use_nature:
                result["premier_cpv_suggere_juste"] = f"{sum(first_ok)}/{len(first_ok)}"
        out[case] = result
    return out


def _segmented(train_dir: Path, share: float) -> None:
    """The index of train_dir as a monthly update makes it: an index built whole on a stock generation (train_dir
    without `share` of its contracts, drawn at random), then updated for those contracts (added) and for as many
    again as a fifth of them drawn from the stock (changed: re-indexed in the delta, deleted from the main)."""
    from pilote.contracts.search import build as index_build, segments
    from pilote.decp import store

    gens = train_dir.parent / "generations"
    shutil.rmtree(gens, ignore_errors=True)
    stock, new = gens / "stock", gens / "mensuelle"
    for directory in (stock, new):
        directory.mkdir(parents=True)
        (directory / "manifest.json").write_text("{}", encoding="utf-8")
    uids = sorted(pl.read_parquet(train_dir / "contrats.parquet")["contrat_uid"].to_list())
    rng = random.Random(7)
    added = set(rng.sample(uids, int(len(uids) * share)))
    changed = rng.sample(sorted(set(uids) - added), int(len(uids) * share / 5))
    for path in train_dir.glob("*.parquet"):
        shutil.copy(path, new / path.name)
        frame = pl.read_parquet(path)
        frame.filter(~pl.col("contrat_uid").is_in(list(added))).write_parquet(stock / path.name)
    index_build.build_index(stock)
    etat = [store.ADDED] * len(added) + [store.CHANGED] * len(changed)
    pl.DataFrame({"contrat_uid": sorted(added) + changed, "etat": etat}).write_parquet(new / store.CHANGES)
    (new / store.CHANGES_META).write_text(json.dumps({"base": "stock"}), encoding="utf-8")
    segments.MAX_SHARE = 1.0  # the eval measures the approximation at the share asked for
    reason = segments.update_index(new)
    if reason is not None:
        raise SystemExit(reason)
    for path in new.glob("explorer_*"):
        os.replace(path, train_dir / path.name)
    # the segment file's src_row and the shared files are valid in train_dir too: same contrats.parquet


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "explorer-eval"))
    parser.add_argument("--share", type=float, default=0.1)
    # the draw of the held-out contracts: one draw of ~1,000 queries moves the headline share by ±2 points
    # (45.7-49.7 % over the draws 2026-2030 with the same code), so `make bench` averages five
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--segmente",
        type=float,
        default=0.0,
        help="share of the indexed contracts that reach the index as a monthly update (a delta segment over an "
        "index built whole on the others, plus a fifth of that share listed as changed): the segmented index's "
        "approximated statistics against the whole build's",
    )
    args = parser.parse_args()
    workdir = Path(args.workdir)
    os.environ["PILOTE_DATA_DIR"] = str(workdir / "data")
    import django

    django.setup()
    from pilote.contracts.search import build as index_build, index as explorer_index
    from pilote.contracts.search.nature import cpv_nature
    from pilote.contracts.search.ranking import group_lots, rank
    from pilote.decp import store, tables
    from pilote.decp.importer import run_import

    data_dir = workdir / "data"
    if store.current_generation_dir(data_dir) is None:
        run_import(sorted(str(p) for p in REAL.glob("*.json")), data_dir=data_dir)
    gen = store.current_generation_dir(data_dir)
    contrats = tables.scan(gen, "contrats").collect()
    with_cpv = contrats.filter(pl.col("code_cpv").is_not_null() & pl.col("objet").is_not_null())
    uids = sorted(with_cpv["contrat_uid"].to_list())
    held = set(random.Random(args.seed).sample(uids, int(len(uids) * args.share)))
    train_dir = workdir / "train"
    train_dir.mkdir(parents=True, exist_ok=True)
    contrats.filter(~pl.col("contrat_uid").is_in(list(held))).write_parquet(train_dir / "contrats.parquet")
    for table in ("titulaires", *index_build.CHILD_TABLES):
        if tables.parts(gen, table).exists():
            tables.scan(gen, table).collect().filter(~pl.col("contrat_uid").is_in(list(held))).write_parquet(
                train_dir / f"{table}.parquet"
            )
    if args.segmente:
        _segmented(train_dir, args.segmente)
    else:
        index_build.build_index(train_dir)
    ix = explorer_index._read(train_dir, "eval")
    print(json.dumps({"segments": ix.meta.get("segments")}), file=sys.stderr)
    test = index_build._docs_frame(gen).filter(pl.col("contrat_uid").is_in(list(held)))
    class_freq = Counter(ix.filter(pl.lit(True))["cpv_classe"].drop_nulls().to_list())  # deleted docs left out
    n_index = ix.size

    variants = {
        "complet": {"use_amount": True, "infer_cpv": True, "place": True, "nature": True},
        "complet_sans_nature": {"use_amount": True, "infer_cpv": True, "place": True, "nature": False},
        "texte_seul": {"use_amount": False, "infer_cpv": False, "place": False, "nature": False},
    }
    scores = {f"{v}{suffix}": [] for v in variants for suffix in ("", "_autre_acheteur")}
    scores["complet_lots_groupes"] = []
    same_nature = {"complet": [], "complet_sans_nature": []}
    chance = []
    for row in test.iter_rows(named=True):
        cls = row["code_cpv"][:4]
        chance.append(class_freq.get(cls, 0) / n_index)
        for name, v in variants.items():
            ranked = rank(
                ix,
                objet=row["objet"],
                montant=row["montant"] if not row["montant_anomalie"] else None,
                departement=row["departement"] if v["place"] else None,
                limit=80,
                use_amount=v["use_amount"],
                infer_cpv=v["infer_cpv"],
                use_nature=v["nature"],
            )
            for suffix, frame in (
                ("", ranked),
                ("_autre_acheteur", ranked.filter(pl.col("acheteur_id") != row["acheteur_id"])),
            ):
                top = frame.head(10)["cpv_classe"].to_list()
                if top:
                    scores[f"{name}{suffix}"].append(sum(c == cls for c in top) / len(top))
            if name in ("complet", "complet_sans_nature"):
                natures = ranked.head(10)["cpv_nature"].to_list()
                if natures:
                    same_nature[name].append(sum(n == cpv_nature(row["code_cpv"]) for n in natures) / len(natures))
            if name == "complet":  # as the page shows them: one result per consultation, its lots grouped
                groups = group_lots(ranked.to_dicts(), 10)
                if groups:
                    scores["complet_lots_groupes"].append(sum(g[0]["cpv_classe"] == cls for g in groups) / len(groups))
    out = {
        "cas_metier": _cases(explorer_index.load(), rank),
        "index": n_index,
        "held_out": test.height,
        "chance_top10_same_class": round(sum(chance) / len(chance), 3),
        **{f"{k}_share_top10_same_nature": round(sum(v) / len(v), 3) for k, v in same_nature.items()},
        **{k: {"queries": len(v), "share_top10_same_class": round(sum(v) / len(v), 3)} for k, v in scores.items()},
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
