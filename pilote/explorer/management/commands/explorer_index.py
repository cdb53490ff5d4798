"""`manage.py explorer_index`: build the full-text index of the current DECP generation when it lacks one
(a generation published by an older version: imports prepare it before publishing). Idempotent."""

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
        index.ensure_built()
        loaded = index.load()
        self.stdout.write(
            f"Index de l'explorateur prêt : {loaded.size} contrats, {len(loaded.terms)} termes "
            f"({loaded.directory}, {time.monotonic() - started:.1f} s)."
        )
