"""`manage.py explorer_index`: build the explorer's full-text index of the current DECP generation now (into the
lazy cache), instead of on the first search after an import. Idempotent: does nothing when it already exists."""

import time

from django.core.management.base import BaseCommand

from pilote.contracts.search import index
from pilote.decp import store


class Command(BaseCommand):
    help = "Construit l'index de recherche de l'explorateur pour les données DECP actuelles."

    def handle(self, *args, **options):
        generation = store.current_generation_dir()
        if generation is None:
            self.stdout.write("Aucune donnée DECP importée : rien à indexer.")
            return
        started = time.monotonic()
        loaded = index.load()
        self.stdout.write(
            f"Index de l'explorateur prêt : {loaded.size} contrats, {len(loaded.terms)} termes "
            f"({loaded.directory}, {time.monotonic() - started:.1f} s)."
        )
