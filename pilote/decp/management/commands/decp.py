"""`manage.py decp import|status|export|demo|gestionnaires`: the DECP pipeline from the command line.

gestionnaires liste|ajouter|retirer [EMAIL]: the platform's data stewards (decision 0011).

rebuild [--json] [--sans-preparations]: a new generation recomputed from every copy of the current one.

import PATH_OR_URL... [--source NAME] [--format F] [--json] (a national import, the operator's): progress bar (tqdm, stderr), then a French summary
(or one JSON object with --json). Exit status non-zero with a French message naming the file and position
when an input cannot be imported; the store is then exactly as before.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from pilote.core.priority import lower_priority
from pilote.decp import store
from pilote.decp.errors import ImportFailed


class Command(BaseCommand):
    help = "Données essentielles de la commande publique (DECP) : import, état, export, démo."
    # A data command, run by a schedule: the system checks load every URL module and template engine (0.36 s of a
    # 15 s monthly import at 1.6 M); they run at deployment (`check --deploy`), at each server start and in tests.
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="importer des fichiers ou adresses DECP")
        imp.add_argument("inputs", nargs="+", metavar="CHEMIN_OU_URL")
        imp.add_argument("--source", help="nom de la source (par défaut : nom du fichier)")
        imp.add_argument("--format", dest="fmt", help="forcer le format (json, 2019, xml, csv, parquet…)")
        imp.add_argument("--json", action="store_true", help="afficher le rapport en un objet JSON")
        imp.add_argument("--workers", type=int, default=None, help="processus de lecture (défaut : 2)")
        imp.add_argument(
            "--sans-preparations",
            dest="skip_hooks",
            action="store_true",
            help="publier les données sans leurs préparations (cockpit, recherche) : elles se feront à la première "
            "utilisation",
        )
        rebuild = sub.add_parser(
            "rebuild", help="reconstruire la génération courante à partir de toutes ses copies (identité complète)"
        )
        rebuild.add_argument("--json", action="store_true", help="afficher le rapport en un objet JSON")
        rebuild.add_argument("--sans-preparations", dest="skip_hooks", action="store_true")
        stewards = sub.add_parser(
            "gestionnaires", help="gestionnaires des données nationales (seuls à importer les sources nationales)"
        )
        stewards.add_argument("operation", choices=["liste", "ajouter", "retirer"])
        stewards.add_argument("email", nargs="?", help="adresse e-mail de la personne")
        sub.add_parser("status", help="état du stock DECP")
        exp = sub.add_parser("export", help="exporter les contrats")
        exp.add_argument("--format", dest="fmt", choices=["parquet", "csv", "xlsx"], default="csv")
        exp.add_argument("--output", "-o", help="fichier de sortie")
        exp.add_argument("--acheteur", help="SIRET de l'acheteur")
        exp.add_argument("--annee", type=int, help="année de notification")
        exp.add_argument("--cpv", help="début du code CPV (ex. 45)")
        demo = sub.add_parser("demo", help="importer les données de démonstration (idempotent)")
        demo.add_argument("--synthetiques", type=int, default=None, help="nombre de contrats synthétiques")
        demo.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        actions = {
            "import": self.do_import,
            "rebuild": self.do_rebuild,
            "status": self.do_status,
            "export": self.do_export,
            "demo": self.do_demo,
            "gestionnaires": self.do_stewards,
        }
        if action in ("import", "rebuild"):
            lower_priority()  # the web keeps the processor while the corpus is processed
        try:
            return actions[action](**options)
        except ImportFailed as exc:
            raise CommandError(exc.french()) from exc
        except (OSError, MemoryError) as exc:  # a full disk, no memory: a French reason, not a traceback
            from pilote.decp.tasks import failure_message

            raise CommandError(failure_message(exc)) from exc

    # -- import ----------------------------------------------------------------------------------------------
    def do_import(self, *, inputs, source=None, fmt=None, json=False, workers=None, skip_hooks=False, **_):
        hooks = not skip_hooks
        report = self.run(inputs, source=source, fmt=fmt, workers=workers, prepare=hooks, after_publish=hooks)
        self.print_report(report, as_json=json)
        for problem in report.get("apres_publication", []):
            self.stderr.write(problem)

    def do_rebuild(self, *, json=False, skip_hooks=False, **_):
        """A full rebuild of the current generation (identity over every copy): what the incremental imports must
        equal (decision 0021)."""
        from json import dumps as to_json  # `json` is the option's name here

        from pilote.decp.pipeline import run_rebuild

        report = run_rebuild(prepare=not skip_hooks, after_publish=not skip_hooks)
        if json:
            self.stdout.write(to_json(report, ensure_ascii=False))
        else:
            self.stdout.write(
                f"Génération reconstruite : {report['generation']} ({report['totals']['contrats']} contrats)"
            )
        for problem in report.get("apres_publication", []):
            self.stderr.write(problem)

    def run(self, inputs, **kwargs):
        from tqdm import tqdm

        from pilote.decp.pipeline import run_import

        with tqdm(total=1000, desc="Import DECP", unit="‰", file=sys.stderr, leave=False, disable=None) as bar:

            def progress(fraction, message):
                bar.set_description_str(message[:60])
                bar.update(max(0, int(fraction * 1000) - bar.n))

            return run_import(inputs, progress=progress, **kwargs)

    def print_report(self, report, *, as_json):
        from pilote.decp.tasks import summary_fr

        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        self.stdout.write(summary_fr(report))
        if report.get("contrats_sans_ligne"):
            uids = report["contrats_sans_ligne"]
            self.stderr.write(
                f"Attention : {len(uids)} contrat(s) sans ligne enregistrée (une copie non retenue séparée d'un "
                f"contrat stocké ; l'entrepôt ne garde que les copies retenues) : {', '.join(uids[:20])}"
            )
        for skipped in report.get("skipped", []):
            self.stdout.write(f"  déjà importé : {skipped['fichier']}")
        for f in report.get("files", []):
            self.stdout.write(f"  {f['fichier']} ({f['format']}) : {f['read']} lus, {f['rejected']} rejetés")
        if report.get("duplicates_by_source"):
            self.stdout.write("  doublons par source : " + ", ".join(
                f"{k} {v}" for k, v in report["duplicates_by_source"].items()
            ))  # fmt: skip
        if report.get("flagged"):
            top = list(report["flagged"].items())[:10]
            self.stdout.write("  règles appliquées (enregistrements) : " + ", ".join(f"{k} {v}" for k, v in top))

    # -- data stewards ----------------------------------------------------------------------------------------
    def do_stewards(self, *, operation, email=None, **_):
        """The platform's data stewards: a role above organisations, given here (or in the admin), never by an
        organisation's administrator."""
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        if operation == "liste":
            for person in users.filter(is_data_steward=True).order_by("email"):
                self.stdout.write(person.email)
            return
        if not email:
            raise CommandError("Indiquez l'adresse e-mail de la personne.")
        person = users.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(f"Aucun compte pour « {email} ».")
        person.is_data_steward = operation == "ajouter"
        person.save(update_fields=["is_data_steward"])
        state = "est désormais" if person.is_data_steward else "n'est plus"
        self.stdout.write(f"{person.email} {state} gestionnaire des données nationales.")

    # -- status ----------------------------------------------------------------------------------------------
    def do_status(self, **_):
        manifest = store.current_manifest()
        if manifest is None:
            self.stdout.write("Aucune donnée DECP importée.")
            return
        self.stdout.write(f"Génération courante : {manifest['generation']} (créée le {manifest['created']})")
        for table, count in manifest["counts"].items():
            self.stdout.write(f"  {table} : {count} lignes")
        self.stdout.write(f"  fichiers importés : {len(manifest['inputs'])}")
        for run in manifest.get("runs", [])[-5:]:
            self.stdout.write(
                f"  import {run['import_run']} : {run['read']} lus, {run['stored']} nouveaux, "
                f"{run['duplicates']} doublons, {run['rejected']} rejetés"
            )

    # -- export ----------------------------------------------------------------------------------------------
    def do_export(self, *, fmt, output=None, acheteur=None, annee=None, cpv=None, **_):
        from pilote.decp.export import default_export_name, export

        output = output or default_export_name(fmt)
        rows = export(output, fmt=fmt, acheteur=acheteur, annee=annee, cpv=cpv)
        self.stdout.write(f"{rows} contrats exportés dans {output}")

    # -- demo ------------------------------------------------------------------------------------------------
    def do_demo(self, *, synthetiques=None, json=False, **_):
        from pilote.decp.demo import demo_inputs
        from pilote.decp.hooks import run_after_publish

        report, changed = None, None
        for inputs, source in demo_inputs(count=synthetiques):
            report = self.run(inputs, source=source)
            if report.get("statut") != "deja_importe":
                changed = report
            if not json:
                self.print_report(report, as_json=False)
        if changed is not None:
            # once, after the last demo import (each import prepared its own generation): cache warming
            for problem in run_after_publish(changed):
                self.stderr.write(problem)
        if json and report is not None:
            self.print_report(report, as_json=True)
