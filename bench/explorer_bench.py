"""Explorer benchmark: index build time and size, search / similar / buyer / supplier latency on a corpus of
1.6 M contracts, and the baselines the issue cites (brute-force scan of the objects, prepared lowercase
column). Results go in the "Explorer" section of docs/benchmarks.md.

Corpus: the 10,193 real 2019 contracts of ../shared/data/decp/real/decp-rama-2019 imported with the real
pipeline, then replicated to 1.6 M rows (each copy gets its own uid, a buyer drawn from 26,000 SIRETs, titulaires
from 190,000, a date over 2019-2025 and the amount × a random factor), so the vocabulary and the object lengths
are real and the posting lists have the size they would have nationally. The real national file could not be
downloaded here (no network).

    .venv/bin/python bench/explorer_bench.py [--rows 1600000] [--workdir /tmp/explorer-bench]
"""

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import polars as pl


REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
REAL = REPO.parent / "shared" / "data" / "decp" / "real" / "decp-rama-2019"


def setup_django(data_dir):
    os.environ["PILOTE_DATA_DIR"] = str(data_dir)
    import django

    django.setup()


def real_store(workdir: Path) -> Path:
    from pilote.decp import store
    from pilote.decp.importer import run_import

    data_dir = workdir / "real"
    if store.current_generation_dir(data_dir) is None:
        run_import(sorted(str(p) for p in REAL.glob("*.json")), data_dir=data_dir)
    return store.current_generation_dir(data_dir)


def scaled_generation(real_gen: Path, workdir: Path, rows: int) -> Path:
    """A fake store generation of `rows` contracts (contrats + titulaires only: what the index reads)."""
    base = workdir / f"scaled-{rows}" / "decp"
    gen = base / "generations" / "bench"
    if (gen / "manifest.json").exists():
        return gen
    gen.mkdir(parents=True, exist_ok=True)
    contrats = pl.read_parquet(real_gen / "contrats.parquet")
    titulaires = pl.read_parquet(real_gen / "titulaires.parquet")
    n = contrats.height
    copies = -(-rows // n)
    rng = random.Random(2026)
    buyers = [f"{rng.randrange(10**13, 10**14)}" for _ in range(26_000)]
    suppliers = [f"{rng.randrange(10**13, 10**14)}" for _ in range(190_000)]
    parts, tparts = [], []
    for k in range(copies):
        take = min(n, rows - k * n)
        if take <= 0:
            break
        c = contrats.head(take)
        seed = pl.int_range(0, take, eager=True) + k * n
        days = (seed * 7919 % 2555).cast(pl.Int32)
        c = c.with_columns(
            (pl.col("contrat_uid") + f"#{k}").alias("contrat_uid"),
            pl.Series("acheteur_id", [buyers[(i * 31 + k) % len(buyers)] for i in range(take)])
            if k
            else pl.col("acheteur_id"),
            (pl.lit(__import__("datetime").date(2019, 1, 1)) + pl.duration(days=days)).alias("date_notification")
            if k
            else pl.col("date_notification"),
            (pl.col("montant") * (0.5 + (seed % 100) / 100)).alias("montant") if k else pl.col("montant"),
        )
        parts.append(c)
        t = titulaires.join(contrats.head(take).select("contrat_uid"), on="contrat_uid")
        if k:
            t = t.with_columns(
                (pl.col("contrat_uid") + f"#{k}").alias("contrat_uid"),
                pl.Series("titulaire_id", [suppliers[(i * 17 + k) % len(suppliers)] for i in range(t.height)]),
            )
        tparts.append(t)
    pl.concat(parts).write_parquet(gen / "contrats.parquet")
    pl.concat(tparts).write_parquet(gen / "titulaires.parquet")
    for table in ("modifications", "actes_sous_traitance", "copies"):  # read by the index build: empty here
        if (real_gen / f"{table}.parquet").exists():
            pl.read_parquet(real_gen / f"{table}.parquet").head(0).write_parquet(gen / f"{table}.parquet")
    (gen / "manifest.json").write_text(json.dumps({"generation": "bench", "counts": {}}))
    (base / "CURRENT").write_text("bench\n")
    return gen


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def timed(fn, items):
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - t) * 1000)
    return {
        "n": len(out),
        "p50_ms": round(pct(out, 50), 1),
        "p95_ms": round(pct(out, 95), 1),
        "max_ms": round(max(out), 1),
    }


def pages(buyers, suppliers, uids, words, needs):
    """Server time of whole pages (view + template) through Django's test client, on a throw-away database."""
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from pilote.core.enums import Role
    from tests.core.factories import MembershipFactory, OrganisationFactory

    # Not setup_test_environment(): its template instrumentation would inflate the measured render times.
    override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False).enable()
    call_command("migrate", verbosity=0)
    from pilote.core.models import Membership, Organisation

    org = Organisation.objects.filter(slug="bench").first() or OrganisationFactory(slug="bench", name="Bench")
    existing = Membership.objects.filter(organisation=org).first()
    user = existing.user if existing else MembershipFactory(organisation=org, role=Role.AGENT).user
    client = Client()
    client.force_login(user)

    def get(url, params=None):
        response = client.get(url, params)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")

    base = "/o/bench/explorer/"
    from urllib.parse import quote

    return {
        "page_search": timed(lambda q: get(base, {"q": q}), words),
        "page_buyer": timed(lambda s: get(f"{base}acheteurs/{s}/"), buyers[:30]),
        "page_supplier": timed(lambda s: get(f"{base}titulaires/{s}/"), suppliers[:30]),
        "page_contract": timed(lambda u: get(f"{base}contrats/{quote(u, safe='')}/"), uids[:15]),
        "page_need": timed(
            lambda r: get(f"{base}preparer/", {"objet": r[0] or "travaux", "departement": r[3] or ""}), needs
        ),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_600_000)
    parser.add_argument("--skip-build", action="store_true", help="reuse the index built by a previous run")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "explorer-bench"))
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    setup_django(workdir / f"scaled-{args.rows}")
    from pilote.contracts.filters import parse_filters
    from pilote.contracts.search import guidance, index, query as queries
    from pilote.explorer import profiles

    results = {"rows": args.rows}
    gen = scaled_generation(real_store(workdir), workdir, args.rows)
    if not args.skip_build:
        for f in index.FILES:
            (gen / f).unlink(missing_ok=True)
        t = time.perf_counter()
        index.build_index(gen)
        results["build_s"] = round(time.perf_counter() - t, 1)
    results["meta"] = json.loads((gen / "explorer_index.json").read_text())
    results["files_mb"] = {f: round((gen / f).stat().st_size / 1e6, 1) for f in index.FILES if f.endswith(".parquet")}
    t = time.perf_counter()
    ix = index.load()
    results["load_s"] = round(time.perf_counter() - t, 1)
    results["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    results["in_memory_mb"] = round((ix.docs.estimated_size() + ix.postings.estimated_size()) / 1e6)

    rng = random.Random(7)
    objets = [o for o in ix.docs["objet"].head(10_193).to_list() if o]
    queries_list = []
    for o in rng.sample(objets, 300):
        words = [w for w in o.split() if len(w) > 3]
        if words:
            queries_list.append(" ".join(words[: rng.randint(1, 3)]))
    queries_list += ["restauration scolaire", "travaux de voirie", "nettoyage des locaux", "fourniture de carburant"]
    national, _ = parse_filters({"perimetre": "national"})
    year, _ = parse_filters({"perimetre": "national", "annee": "2019", "cpv": "45"})
    ix.match(["voir"])  # warm-up
    results["search"] = timed(lambda q: queries.search(ix, q=q, filters=national), queries_list)
    results["search_filtered"] = timed(lambda q: queries.search(ix, q=q, filters=year), queries_list[:100])
    results["search_sorted_amount"] = timed(
        lambda q: queries.search(ix, q=q, filters=national, sort="montant_desc"), queries_list[:100]
    )
    sample = ix.docs.head(10_193).sample(100, seed=3)
    needs = [r for r in sample.select("objet", "code_cpv", "montant", "departement").iter_rows() if r[0]]
    results["similar"] = timed(
        lambda r: guidance.similar_contracts(objet=r[0], code_cpv=r[1], montant=r[2], departement=r[3]), needs
    )
    results["similar_text_only"] = timed(lambda r: guidance.similar_contracts(objet=r[0]), needs[:50])
    results["price_reference"] = timed(lambda r: guidance.price_reference(objet=r[0], code_cpv=r[1]), needs[:50])
    results["potential_suppliers"] = timed(
        lambda r: guidance.potential_suppliers(code_cpv=r[1], departement=r[3]), needs[:50]
    )
    buyers = ix.docs["acheteur_id"].drop_nulls().unique().sample(50, seed=1).to_list()
    results["buyer_page_data"] = timed(lambda s: profiles.buyer(ix, s), buyers)
    suppliers = ix.docs["titulaire_ids"].explode().drop_nulls().unique().sample(50, seed=1).to_list()
    results["supplier_page_data"] = timed(lambda s: profiles.supplier(ix, s), suppliers)
    uids = sample["contrat_uid"].head(20).to_list()
    results["contract_page_data"] = timed(lambda u: profiles.contract(ix, u), uids)

    results.update(pages(buyers, suppliers, uids, queries_list[:50], needs[:20]))

    # Baselines of the issue: scan every object for the words (no index).
    objet = ix.docs.select("objet")
    folded = objet.select(
        pl.col("objet").str.to_lowercase().str.normalize("NFKD").str.replace_all(r"\p{Mn}", "").alias("f")
    )
    results["baseline_scan_lowercase_contains"] = timed(
        lambda q: objet.filter(pl.col("objet").str.to_lowercase().str.contains(q.lower(), literal=True)).height,
        queries_list[:30],
    )
    results["baseline_prepared_folded_column"] = timed(
        lambda q: folded.filter(pl.col("f").str.contains(q.lower(), literal=True)).height, queries_list[:30]
    )
    results["max_rss_mb_end"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
