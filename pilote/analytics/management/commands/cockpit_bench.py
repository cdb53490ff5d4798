"""`manage.py cockpit_bench`: server time of the cockpit on a store scaled up from the current generation.

The current generation (e.g. the demo import) is replicated `--copies` times into a separate data directory
(new contrat_uid per copy; buyers renamed in every copy but one in `--keep-every`, so that one organisation
keeps a realistic volume), then the organisation view, the national view and a filtered contract list are
timed, cold (query cache emptied) and warm. Figures go to docs/benchmarks.md ("Cockpit").
"""

import os
import resource
import statistics
import time
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from pilote.analytics import charts, cockpit, duck, queries
from pilote.analytics.filters import parse_filters
from pilote.decp import store


class Command(BaseCommand):
    help = "Mesure le temps serveur du cockpit sur un entrepôt DECP agrandi (banc d'essai)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", required=True, help="répertoire de données du banc (sera écrit)")
        parser.add_argument("--copies", type=int, default=115)
        parser.add_argument("--keep-every", type=int, default=4)
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *, dir, copies, keep_every, runs, **_):
        source = store.current_generation_dir()
        if source is None:
            raise CommandError("Aucune génération DECP : lancez d'abord `manage.py decp demo`.")
        target = Path(dir)
        started = time.perf_counter()
        n, buyer = self._scale(source, target, copies, keep_every)
        self.stdout.write(f"Entrepôt : {n} contrats écrits en {time.perf_counter() - started:.1f} s ({target})")
        settings.PILOTE_DATA_DIR = target
        from pilote.core.models import Organisation
        from pilote.core.services import do_create_organisation

        organisation = Organisation.objects.filter(slug="banc-cockpit").first() or do_create_organisation(
            name="Banc d'essai du cockpit", kind="region", sirets=[buyer], actor=None, slug="banc-cockpit"
        )
        started = time.perf_counter()
        duck.ensure_tables(queries.cockpit_tables(store.current_generation_dir()))
        self.stdout.write(f"Tables du cockpit (une fois par génération) : {time.perf_counter() - started:.2f} s")
        org_filters, _ = parse_filters({}, organisation)
        nat_filters, _ = parse_filters({"perimetre": "national"}, organisation)
        list_filters, _ = parse_filters({"annee": "2024"}, organisation)
        volume = cockpit.overview(org_filters, organisation)["values"]["nb_contrats"].valeur
        self.stdout.write(f"Organisation mesurée : SIRET {buyer}, {volume} contrats")
        cases = [
            ("vue d'une organisation", lambda: self._page(org_filters, organisation)),
            ("vue nationale", lambda: self._page(nat_filters, None)),
            ("liste filtrée (50 contrats)", lambda: cockpit.contracts(list_filters, "offre_unique", organisation)),
        ]
        for label, func in cases:
            for mode in ("froid", "chaud"):
                times = []
                for _ in range(runs):
                    if mode == "froid":
                        cache.clear()
                    t0 = time.perf_counter()
                    func()
                    times.append(1000 * (time.perf_counter() - t0))
                times.sort()
                p95 = times[max(0, round(0.95 * len(times)) - 1)]
                self.stdout.write(
                    f"{label:<28} {mode:<6} médiane {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"
                )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"Mémoire maximale du processus : {rss:.0f} Mio ; cœurs : {os.cpu_count()}")

    def _page(self, filters, organisation):
        data = cockpit.build(filters, organisation, with_peers=organisation is not None)
        context = {"organisation": organisation, "filters": filters, "data": data, "public": True}
        context["charts"] = [
            {"target": k, "script_id": f"spec-{k}", "spec": s} for k, s in charts.cockpit_charts(data).items()
        ]
        return render_to_string("analytics/_cockpit_content.html", context)

    def _scale(self, source, target, copies, keep_every):
        gen_id = f"banc-{copies}"
        out = store.decp_dir(target) / "generations" / gen_id
        contrats = pl.read_parquet(source / "contrats.parquet")
        buyer = contrats.group_by("acheteur_id").len().sort("len", descending=True).drop_nulls()["acheteur_id"][0]
        if not (out / "manifest.json").exists():
            out.mkdir(parents=True, exist_ok=True)
            frames = {t: pl.read_parquet(source / f"{t}.parquet") for t in store.TABLES}
            scaled = {t: [] for t in store.TABLES}
            for i in range(copies):
                suffix = pl.lit(f"#{i}")
                for table, frame in frames.items():
                    if "contrat_uid" not in frame.columns or frame.is_empty():
                        continue
                    piece = frame.with_columns(pl.col("contrat_uid") + suffix)
                    if table == "contrats" and i % keep_every:
                        # Other copies belong to other (invented) buyers: same shape, another SIRET.
                        piece = piece.with_columns(
                            (pl.lit(f"{i:03d}") + pl.col("acheteur_id").str.slice(3)).alias("acheteur_id")
                        )
                    scaled[table].append(piece)
            counts = {}
            for table in store.TABLES:
                frame = pl.concat(scaled[table]) if scaled[table] else frames[table]
                frame.write_parquet(out / f"{table}.parquet", row_group_size=122_880)
                counts[table] = frame.height
            (out / "manifest.json").write_text(f'{{"generation": "{gen_id}", "counts": {counts}}}'.replace("'", '"'))
            (store.decp_dir(target) / "CURRENT").write_text(gen_id + "\n")
        n = pl.scan_parquet(out / "contrats.parquet").select(pl.len()).collect().item()
        return n, buyer
