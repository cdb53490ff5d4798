"""The support service uploads a real DECP file from the data page and reads the import report."""

import re
from pathlib import Path

from playwright.sync_api import expect

from pilote.core.demo import prepare_demo


REAL_2022 = (
    Path(__file__).resolve().parents[2].parent
    / "shared/data/decp/real/megalis-2024/decp-59920013600241-2024-07-09-01.json"
)


def test_appui_uploads_a_file_and_reads_the_report(page, login, screenshot, settings):
    # The task runs in the request's commit here; in production the background worker runs it and the page polls.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PILOTE_DEMO = True
    prepare_demo()
    login("appui@demo.pilote.test", "pilote-demo")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Données").click()
    page.get_by_label("Fichier DECP").set_input_files(str(REAL_2022))
    page.get_by_label("Nom de la source").fill("megalis")
    page.get_by_role("button", name="Lancer l'import").click()
    page.wait_for_selector("text=Statut : terminé")
    table = page.get_by_role("table", name="Bilan de l'import (lus = stockés + doublons + rejetés)")
    expect(table.get_by_role("row", name="Enregistrements lus")).to_have_text(re.compile(r"\s5\s*$"))
    screenshot("import-decp-rapport")
