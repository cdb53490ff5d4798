"""`manage.py communs_relances`: one reminder per late return of the ressource-o-thèque (run it daily)."""

from django.core.management.base import BaseCommand

from pilote.communs import services


class Command(BaseCommand):
    help = "Relance les emprunteurs de la ressource-o-thèque dont le retour est en retard."

    def handle(self, *args, **options):
        sent = services.do_send_reminders()
        self.stdout.write(f"{sent} relance(s) envoyée(s).")
