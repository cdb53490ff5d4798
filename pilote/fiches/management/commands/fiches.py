"""`manage.py fiches relances`: e-mail the support services about fiches visa whose review is overdue (meant
for a daily scheduled run; a second run the same day sends nothing)."""

from django.core.management.base import BaseCommand

from pilote.fiches.services import do_send_overdue_reminders


class Command(BaseCommand):
    help = "Tâches des fiches visa (relances des instructions en retard)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("relances", help="relancer les services d'appui pour les fiches en retard d'instruction")

    def handle(self, *args, **options):
        sent = do_send_overdue_reminders()
        self.stdout.write(f"Relances envoyées : {sent} organisation(s).")
