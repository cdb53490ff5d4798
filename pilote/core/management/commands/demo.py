"""`manage.py demo`: demo organisations and one account per role (demo mode only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilote.core.demo import DEMO_PASSWORD, USERS, prepare_demo


class Command(BaseCommand):
    help = "Prépare les organisations et les comptes de démonstration (mode démonstration uniquement)."

    def handle(self, *args, **options):
        if not settings.PILOTE_DEMO:
            raise CommandError("Le mode démonstration n'est pas activé (PILOTE_DEMO=1) : rien n'a été créé.")
        if settings.PRODUCTION:
            raise CommandError("Les comptes de démonstration sont interdits en production.")
        created = prepare_demo()
        self.stdout.write(
            f"Démonstration : {len(created)} élément(s) créé(s)." if created else "Démonstration déjà prête."
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for email, _first, _last, role in USERS:
            self.stdout.write(f"  {email:<28} {role.label}")
