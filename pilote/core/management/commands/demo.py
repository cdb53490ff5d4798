"""`manage.py demo`: demo organisations and one account per role, then each app's demo content (registered
with `pilote.core.demos.register_demo` in the app's AppConfig.ready). Demo mode only; idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilote.core.demo import DEMO_PASSWORD, USERS
from pilote.core.demos import demos


class Command(BaseCommand):
    help = "Prépare les organisations et les comptes de démonstration (mode démonstration uniquement)."

    def handle(self, *args, **options):
        if not settings.PILOTE_DEMO:
            raise CommandError("Le mode démonstration n'est pas activé (PILOTE_DEMO=1) : rien n'a été créé.")
        if settings.PRODUCTION:
            raise CommandError("Les comptes de démonstration sont interdits en production.")
        created = []
        for prepare_demo in demos():
            created += prepare_demo()
        self.stdout.write(
            f"Démonstration : {len(created)} élément(s) créé(s)." if created else "Démonstration déjà prête."
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        for email, _first, _last, role in USERS:
            self.stdout.write(f"  {email:<28} {role.label}")
