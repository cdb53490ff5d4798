"""`manage.py demo`: demo organisations and one account per role, then each app's demo content
(an app provides it with a `demo.py` exposing `prepare_demo() -> list[str]`). Demo mode only; idempotent."""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilote.core.demo import DEMO_PASSWORD, USERS


class Command(BaseCommand):
    help = "Prépare les organisations et les comptes de démonstration (mode démonstration uniquement)."

    def handle(self, *args, **options):
        if not settings.PILOTE_DEMO:
            raise CommandError("Le mode démonstration n'est pas activé (PILOTE_DEMO=1) : rien n'a été créé.")
        if settings.PRODUCTION:
            raise CommandError("Les comptes de démonstration sont interdits en production.")
        created = []
        # core first: the other apps' demo content belongs to the demo organisations and people.
        names = ["pilote.core"] + [
            c.name for c in apps.get_app_configs() if c.name.startswith("pilote.") and c.name != "pilote.core"
        ]
        for name in names:
            try:
                module = importlib.import_module(f"{name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{name}.demo":
                    raise
                continue
            if hasattr(module, "prepare_demo"):
                created += module.prepare_demo()
        self.stdout.write(
            f"Démonstration : {len(created)} élément(s) créé(s)." if created else "Démonstration déjà prête."
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for email, _first, _last, role in USERS:
            self.stdout.write(f"  {email:<28} {role.label}")
