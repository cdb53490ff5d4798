"""`manage.py cockpit_bench`: server time of the cockpit on a store scaled up from the current generation.

The current generation (e.g. the demo import) is replicated `--copies` times into a separate data directory
(new contrat_uid per copy; buyers renamed in every copy but one in `--keep-every`, so that one organisation
keeps a realistic volume), then the organisation view, the national view and a filtered contract list are
timed, cold (query cache emptied) and warm. Figures go to docs/benchmarks.md ("Cockpit").
"""

import json
import os
import resource
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from pilote.analytics import charts, cockpit
from pilote.analytics.warm import warm_cockpit, warm_organisations
from pilote.contracts import db as duck, figures, lookups
from pilote.contracts.filters import parse_filters
from pilote.contracts.prepared import write_prepared_file
from pilote.core.models import Organisation
from pilote.core.services import do_create_organisation
from pilote.decp.scaled import write_scaled_generation
from pilote.decp.store import current_generation_dir


class Command(BaseCommand):
    help = "Mesure le temps serveur du cockpit sur un entrepôt DECP agrandi (banc d'essai)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="répertoire de données du banc (sera écrit)")
        parser.add_argument(
            "--store",
            help="répertoire de données d'un entrepôt déjà importé (ex. celui de `make bench`), mesuré tel quel",
        )
        parser.add_argument("--siret", help="SIRET de l'organisation mesurée (par défaut : l'acheteur le plus actif)")
        parser.add_argument("--copies", type=int, default=115)
        parser.add_argument("--keep-every", type=int, default=4)
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--detail", action="store_true", help="temps froid de chaque partie de la page")
        parser.add_argument("--json", dest="json_out", help="écrit aussi les résultats dans ce fichier JSON")

    def handle(
        self, *, dir, store: str | None = None, siret=None, copies, keep_every, runs, detail=False, json_out=None, **_
    ):
        results = {"runs": runs, "cases": []}
        if store:
            target = Path(store)
            settings.PILOTE_DATA_DIR = target
            gen = current_generation_dir()
            if gen is None:
                raise CommandError(f"Aucune génération DECP dans {target}.")
            n = lookups.count_contracts()
            buyer = siret or lookups.busiest_buyer()
            if not (gen / duck.PREPARED_DB).exists():
                started = time.perf_counter()
                write_prepared_file(gen)
                duck.database.reset()
                results["prepare_s"] = round(time.perf_counter() - started, 1)
                # the file just written is flushed now, not by the kernel in the middle of the measures
                os.sync()
                self.stdout.write(f"Table du cockpit écrite en {results['prepare_s']} s")
            self.stdout.write(f"Entrepôt : {n} contrats ({target})")
        else:
            if not dir:
                raise CommandError("Indiquez --dir (entrepôt agrandi à écrire) ou --store (entrepôt existant).")
            source = current_generation_dir()
            if source is None:
                raise CommandError("Aucune génération DECP : lancez d'abord `manage.py decp demo`.")
            target = Path(dir)
            started = time.perf_counter()
            n, buyer = write_scaled_generation(source, target, copies, keep_every)
            buyer = siret or buyer
            self.stdout.write(f"Entrepôt : {n} contrats écrits en {time.perf_counter() - started:.1f} s ({target})")
            settings.PILOTE_DATA_DIR = target
        organisation = Organisation.objects.filter(slug="banc-cockpit").first() or do_create_organisation(
            name="Banc d'essai du cockpit", kind="region", sirets=[buyer], actor=None, slug="banc-cockpit"
        )
        if organisation.sirets != [buyer]:
            organisation.buyer_entities.all().delete()
            organisation.buyer_entities.create(siret=buyer)
        started = time.perf_counter()
        figures.ensure_cockpit_tables()
        self.stdout.write(f"Tables du cockpit (une fois par génération) : {time.perf_counter() - started:.2f} s")
        org_filters, _ = parse_filters({}, organisation)
        nat_filters, _ = parse_filters({"perimetre": "national"}, organisation)
        list_filters, _ = parse_filters({"annee": "2024"}, organisation)
        volume = figures.overview(org_filters, organisation)["values"]["nb_contrats"].valeur
        self.stdout.write(f"Organisation mesurée : SIRET {buyer}, {volume} contrats")
        results.update(contracts=n, organisation_contracts=volume)
        if detail:
            self._detail(org_filters, nat_filters, organisation)
        other_filters, _ = parse_filters({"perimetre": "national", "annee": "2025", "nature": "Marché"}, organisation)
        cases = [
            ("organisation", "froid", lambda: self._page(org_filters, organisation)),
            ("nationale", "froid", lambda: self._page(nat_filters, organisation)),
            ("nationale 2025 marchés", "froid", lambda: self._page(other_filters, organisation)),
            ("pairs + référence nationale", "froid", lambda: cockpit.peers(org_filters, organisation)),
            (
                "liste (50, 2024, 1 offre)",
                "froid",
                lambda: figures.contracts(list_filters, "offre_unique", organisation),
            ),
            ("organisation", "préparée", lambda: self._page(org_filters, organisation)),
            ("nationale", "préparée", lambda: self._page(nat_filters, organisation)),
        ]
        # A web worker serves its pages from a process that has served one before: template engine and compiled
        # templates, DuckDB connection and its catalogue. That first page's cost (once per worker, at boot) is
        # measured here on its own, not mixed into the cold views' percentiles (a view nobody asked since the
        # import, in a worker that has served another: the query cache is emptied before each run).
        cache.clear()
        started = time.perf_counter()
        self._page(org_filters, organisation)
        results["first_page_ms"] = round(1000 * (time.perf_counter() - started), 1)
        self.stdout.write(f"Première page du processus (organisation) : {results['first_page_ms']} ms")
        warmed = False
        for label, mode, func in cases:
            if mode == "préparée" and not warmed:
                cache.clear()
                started = time.perf_counter()
                warm_cockpit()
                warm_organisations()  # what the task enqueued by warm_cockpit does, in the worker
                results["warm_s"] = round(time.perf_counter() - started, 1)
                self.stdout.write(f"Vues préparées après import : {results['warm_s']} s")
                warmed = True
            times = []
            for _ in range(runs):
                if mode == "froid":
                    cache.clear()
                t0 = time.perf_counter()
                func()
                times.append(1000 * (time.perf_counter() - t0))
            in_order = [round(t, 1) for t in times]
            times.sort()
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            median = statistics.median(times)
            self.stdout.write(f"{label:<28} {mode:<9} médiane {median:7.1f} ms   p95 {p95:7.1f} ms")
            results["cases"].append(
                {
                    "label": label,
                    "mode": mode,
                    "median_ms": round(median, 1),
                    "p95_ms": round(p95, 1),
                    "runs_ms": in_order,
                }
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"Mémoire maximale du processus : {rss:.0f} Mio ; cœurs : {os.cpu_count()}")
        results["rss_mb"] = round(rss)
        if json_out:
            Path(json_out).write_text(json.dumps(results, ensure_ascii=False, indent=2))

    def _page(self, filters, organisation):
        # as the cockpit view does: the peers' national column is a second request (measured on its own)
        data = cockpit.build(filters, organisation, with_peers=organisation is not None, peers_national=False)
        context = {"organisation": organisation, "filters": filters, "data": data, "public": True}
        context["charts"] = [
            {"target": k, "script_id": f"spec-{k}", "spec": s} for k, s in charts.cockpit_charts(data).items()
        ]
        return render_to_string("analytics/_cockpit_content.html", context)

    def _detail(self, org_filters, nat_filters, organisation):
        """Cold time of each part of the page (cumulated per cockpit function, query cache emptied)."""
        parts = ["overview", "breakdowns", "suppliers", "concentration", "evolution", "flags", "contracts",
                 "targets", "peers"]  # fmt: skip
        spent = {}
        # each part is called from the page (cockpit) or from another figure (figures): wrapped in both
        modules = (cockpit, figures)
        originals = {(m, name): getattr(m, name) for m in modules for name in parts if hasattr(m, name)}

        def timed(name, func):
            def wrapper(*args, **kwargs):
                t0 = time.perf_counter()
                try:
                    return func(*args, **kwargs)
                finally:
                    spent[name] = spent.get(name, 0.0) + 1000 * (time.perf_counter() - t0)

            return wrapper

        try:
            for (module, name), func in originals.items():
                setattr(module, name, timed(name, func))
            for label, filters, org in (
                ("organisation", org_filters, organisation),
                ("national", nat_filters, organisation),
            ):
                for _ in range(3):
                    spent.clear()
                    cache.clear()
                    self._page(filters, org)
                line = "  ".join(f"{k} {v:.0f}" for k, v in sorted(spent.items(), key=lambda kv: -kv[1]))
                self.stdout.write(f"détail {label} (ms, cumulés, imbriqués) : {line}")
        finally:
            for (module, name), func in originals.items():
                setattr(module, name, func)
