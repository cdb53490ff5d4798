"""`manage.py purge_files`: delete the temporary files (census files never confirmed, exports never
downloaded) older than PILOTE_FILE_RETENTION_HOURS, on demand: the task worker (`manage.py worker`, run by
`serve`) already does it at its start and every 24 hours."""

from django.core.management.base import BaseCommand

from pilote.core import retention


class Command(BaseCommand):
    help = (
        "Supprime les fichiers temporaires (dépôts non confirmés, exports) plus anciens que la durée de conservation."
    )

    def handle(self, *args, **options):
        removed = retention.purge_expired()
        hours = retention.retention_seconds() / 3600
        self.stdout.write(f"{removed} fichier(s) temporaire(s) de plus de {hours:g} h supprimé(s).")
