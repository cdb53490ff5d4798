"""Held-out evaluation of the similar-contracts ranking (docs/explorer-ranking.md, docs/benchmarks.md).

Corpus: the 10,193 real 2019 contracts of ../shared/data/decp/real/decp-rama-2019, imported with the real
pipeline. 10 % of the contracts that have a CPV code (seeded draw) are held out; the explorer index is built on the
other 90 %. For each held-out contract we ask for similar contracts from its object, amount and département only
(its CPV code is *not* given: that is what the ranking must recover) and measure the share of the top 10 whose
CPV class (first 4 digits) equals the held-out contract's. Variants: the full ranking, text only (no CPV
inference, no amount, no place), and the same with the held-out contract's own buyer excluded from the results
(buyers often publish near-identical lots, which flatters the score). Chance level = expected share for 10
contracts drawn at random from the index.

    .venv/bin/python bench/explorer_ranking_eval.py [--workdir /tmp/explorer-eval]
"""

import argparse
import json
import os
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

import polars as pl


REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
REAL = REPO.parent / "shared" / "data" / "decp" / "real" / "decp-rama-2019"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "explorer-eval"))
    parser.add_argument("--share", type=float, default=0.1)
    args = parser.parse_args()
    workdir = Path(args.workdir)
    os.environ["PILOTE_DATA_DIR"] = str(workdir / "data")
    import django

    django.setup()
    from pilote.contracts.search import index as explorer_index
    from pilote.contracts.search.ranking import rank
    from pilote.decp import store
    from pilote.decp.importer import run_import

    data_dir = workdir / "data"
    if store.current_generation_dir(data_dir) is None:
        run_import(sorted(str(p) for p in REAL.glob("*.json")), data_dir=data_dir)
    gen = store.current_generation_dir(data_dir)
    contrats = pl.read_parquet(gen / "contrats.parquet")
    with_cpv = contrats.filter(pl.col("code_cpv").is_not_null() & pl.col("objet").is_not_null())
    uids = sorted(with_cpv["contrat_uid"].to_list())
    held = set(random.Random(2026).sample(uids, int(len(uids) * args.share)))
    train_dir = workdir / "train"
    train_dir.mkdir(parents=True, exist_ok=True)
    contrats.filter(~pl.col("contrat_uid").is_in(list(held))).write_parquet(train_dir / "contrats.parquet")
    for table in ("titulaires", *explorer_index.CHILD_TABLES):
        if (gen / f"{table}.parquet").exists():
            pl.read_parquet(gen / f"{table}.parquet").filter(~pl.col("contrat_uid").is_in(list(held))).write_parquet(
                train_dir / f"{table}.parquet"
            )
    explorer_index.build_index(train_dir)
    ix = explorer_index._read(train_dir, "eval")
    test = explorer_index._docs_frame(gen).filter(pl.col("contrat_uid").is_in(list(held)))
    class_freq = Counter(ix.docs["cpv_classe"].drop_nulls().to_list())
    n_index = ix.size

    variants = {
        "complet": {"use_amount": True, "infer_cpv": True, "place": True},
        "texte_seul": {"use_amount": False, "infer_cpv": False, "place": False},
    }
    scores = {f"{v}{suffix}": [] for v in variants for suffix in ("", "_autre_acheteur")}
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
                limit=50,
                use_amount=v["use_amount"],
                infer_cpv=v["infer_cpv"],
            )
            for suffix, frame in (
                ("", ranked),
                ("_autre_acheteur", ranked.filter(pl.col("acheteur_id") != row["acheteur_id"])),
            ):
                top = frame.head(10)["cpv_classe"].to_list()
                if top:
                    scores[f"{name}{suffix}"].append(sum(c == cls for c in top) / len(top))
    out = {
        "index": n_index,
        "held_out": test.height,
        "chance_top10_same_class": round(sum(chance) / len(chance), 3),
        **{k: {"queries": len(v), "share_top10_same_class": round(sum(v) / len(v), 3)} for k, v in scores.items()},
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
