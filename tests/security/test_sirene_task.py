"""Big SIRENE extracts and lists of inclusive structures are imported by a background task whose parsing runs in
a child process under a memory and CPU limit (pilote.explorer.tasks, pilote.core.sandbox): a big file becomes the
organisation's extract, a hostile one ends as a failed import with a French reason and the previous extract
stays, the staged upload is deleted, and no other organisation reaches the import's page."""

import random
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.contracts import sirene
from pilote.contracts.models import InclusionList, SireneExtract, SireneName
from pilote.core.enums import Role
from pilote.core.uploads import private_storage
from pilote.explorer import tasks
from pilote.explorer.services import do_import_sirene_extract


pytestmark = pytest.mark.django_db
ROWS = 30_000  # about 1 MB: far above the inline threshold


def big_extract(rows=ROWS) -> bytes:
    lines = (b"%014d;Entreprise %d;PME;69123\n" % (10**13 + i, i) for i in range(rows))
    return b"siret;nom;categorieEntreprise;codeCommuneEtablissement\n" + b"".join(lines)


@pytest.fixture
def appui(client, members_a, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(members_a[Role.APPUI])
    return members_a[Role.APPUI]


@pytest.fixture
def previous(org_a, members_a):
    return do_import_sirene_extract(
        organisation=org_a, filename="ancien.csv", raw=b"siren;nom\n111111111;ANCIEN\n", actor=members_a[Role.APPUI]
    )


def upload(client, org, raw, name="sirene.csv", page="sirene"):
    response = client.post(f"/o/{org.slug}/explorer/{page}/", {"fichier": SimpleUploadedFile(name, raw)})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"], response["Location"].rstrip("/").rsplit("/", 1)[1]


def staged_files(token):
    storage = private_storage("explorer")
    return sorted(name for name in storage.listdir("")[1] if name.startswith(token))


def test_a_big_extract_is_imported_by_the_task_and_becomes_the_organisations_extract(client, org_a, appui, previous):
    from django_tasks import default_task_backend

    location, token = upload(client, org_a, big_extract())
    # The request did not parse the file: it staged it and enqueued its import.
    assert [r.args for r in default_task_backend.results] == [[token]]
    assert SireneName.objects.get().name == "ANCIEN"
    assert "import en cours" in client.get(location).content.decode()
    assert client.get(location, headers={"HX-Request": "true"}).content.decode().count("every 1s") == 1

    assert tasks.run_import(token) == "done"
    assert client.get(location, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    page = client.get(location, follow=True)
    assert f"Extrait importé : {ROWS} établissements" in unescape(page.content.decode())
    extract = SireneExtract.objects.filter(organisation=org_a).first()  # the current one
    assert (extract.filename, extract.rows, extract.with_categorie, extract.with_departement) == (
        "sirene.csv", ROWS, ROWS, ROWS,
    )  # fmt: skip
    assert SireneName.objects.filter(organisation=org_a).count() == ROWS
    assert not SireneName.objects.filter(name="ANCIEN").exists()
    assert f"{token}.bin" not in staged_files(token)  # the upload is not kept once processed


HOSTILE = {
    "a field past the csv module's limit": b"siret;nom\n12345678901234;" + b"a" * 200_000 + b"\n",
    "random bytes": bytes(random.Random(15).getrandbits(8) for _ in range(300_000)),
}


@pytest.mark.parametrize("label", list(HOSTILE))
def test_a_hostile_file_ends_as_a_failed_import_and_the_previous_extract_stays(label, org_a, members_a, previous):
    token = tasks.stage(
        HOSTILE[label], kind="sirene", organisation=org_a, user=members_a[Role.APPUI], filename="piege.csv"
    )
    assert tasks.run_import(token) == "failed"
    message = tasks.outcome(token)["message"]
    assert message.startswith("« piege.csv » : ")  # the file is named
    assert any(word in message for word in ("Ligne ", "introuvable", "Aucune")), message  # and why, in French
    assert SireneExtract.objects.get() == previous
    assert SireneName.objects.get().name == "ANCIEN"
    assert f"{token}.bin" not in staged_files(token)


def test_a_field_past_the_limit_is_refused_naming_the_file_and_the_line_on_the_page(client, org_a, appui, previous):
    location, token = upload(client, org_a, HOSTILE["a field past the csv module's limit"], name="trop-long.csv")
    assert tasks.run_import(token) == "failed"
    page = unescape(client.get(location, follow=True).content.decode())
    assert "« trop-long.csv » : Ligne 2 : le fichier n'est pas un CSV lisible" in page
    assert SireneName.objects.get().name == "ANCIEN"


def test_a_child_past_its_memory_limit_fails_the_import_not_the_worker(org_a, members_a, previous, monkeypatch):
    monkeypatch.setattr(sirene, "MEMORY_BYTES", 150 * 1024 * 1024)
    token = tasks.stage(
        big_extract(300_000), kind="sirene", organisation=org_a, user=members_a[Role.APPUI], filename="gros.csv"
    )
    assert tasks.run_import(token) == "failed"
    assert tasks.outcome(token)["message"] == (
        "« gros.csv » : Le fichier est refusé : sa lecture demanderait trop de mémoire."
    )
    assert SireneName.objects.get().name == "ANCIEN"


def test_a_big_inclusion_list_goes_through_the_same_task(client, org_a, appui):
    rows = b"".join(b"%s;ACI;Structure %d\n" % (siret(i).encode(), i) for i in range(6_000))
    location, token = upload(client, org_a, b"siret;type;nom\n" + rows, page="structures-inclusives")
    assert tasks.run_import(token) == "done"
    assert "Liste importée : 6000 structures." in unescape(client.get(location, follow=True).content.decode())
    assert InclusionList.objects.get(organisation=org_a).rows == 6000


def siret(i: int) -> str:
    """A valid SIRET: a valid SIREN (Luhn) then an establishment number, the whole valid too."""
    from stdnum import luhn

    siren = f"{10**7 + i:08d}"
    siren += luhn.calc_check_digit(siren)
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


def test_another_organisation_cannot_see_the_import_page(client, org_a, org_b, members_a, members_b, appui):
    location, token = upload(client, org_a, big_extract(5_000))
    tasks.run_import(token)
    client.force_login(members_b[Role.APPUI])
    assert client.get(location).status_code == 404  # A's page, for a member of B
    # B's own page with A's token: sent back to the upload page, nothing said about A's import.
    response = client.get(f"/o/{org_b.slug}/explorer/imports/sirene/{token}/", follow=True)
    text = unescape(response.content.decode())
    assert "Cet import a expiré ou n'existe pas" in text
    assert "Extrait importé" not in text
    # Nor with the other kind's page.
    client.force_login(members_a[Role.APPUI])
    response = client.get(f"/o/{org_a.slug}/explorer/imports/inclusion/{token}/", follow=True)
    assert "Cet import a expiré ou n'existe pas" in unescape(response.content.decode())


def test_a_small_file_stays_in_the_request_and_enqueues_nothing(client, org_a, appui):
    from django_tasks import default_task_backend

    response = client.post(
        f"/o/{org_a.slug}/explorer/sirene/", {"fichier": SimpleUploadedFile("petit.csv", b"siren;nom\n222222222;B\n")}
    )
    assert response["Location"] == f"/o/{org_a.slug}/explorer/sirene/"
    assert default_task_backend.results == []
    assert SireneName.objects.get().name == "B"
    assert not (Path(private_storage("explorer").location)).exists()  # nothing staged


def test_a_big_inclusion_list_with_a_bad_line_is_refused_naming_it(client, org_a, appui):
    rows = [f"{siret(i)};ACI;Structure {i}\n" for i in range(6_000)]
    rows[4321] = "12345;ACI;Faux\n"  # line 4323 of the file (after the header)
    location, token = upload(
        client, org_a, ("siret;type;nom\n" + "".join(rows)).encode(), name="liste.csv", page="structures-inclusives"
    )
    assert tasks.run_import(token) == "failed"
    page = unescape(client.get(location, follow=True).content.decode())
    assert "« liste.csv » : Rien n'a été importé : corrigez le fichier. Ligne 4323 :" in page
    assert not InclusionList.objects.exists()


def test_a_task_that_failed_without_its_outcome_ends_the_polling_with_a_french_message(client, org_a, appui, previous):
    import dataclasses

    from django_tasks import TaskResultStatus, default_task_backend

    location, _token = upload(client, org_a, big_extract(5_000), name="coupe.csv")
    assert client.get(location, headers={"HX-Request": "true"}).content.decode().count("every 1s") == 1
    # The worker died in a way that left no outcome file, and django-tasks recorded the task as failed.
    results = default_task_backend.results
    results[0] = dataclasses.replace(results[0], status=TaskResultStatus.FAILED)
    assert client.get(location, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    page = unescape(client.get(location, follow=True).content.decode())
    assert "« coupe.csv » n'a pas pu être importé : rien n'a été modifié." in page
    assert SireneName.objects.get().name == "ANCIEN"
