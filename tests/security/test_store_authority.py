"""The audit's attack on the national store (issue 15): organisation A's support service imports a record with
B's buyer SIRET, an existing contract id and a later publication date. It must be rejected (its reason in the
run's report), B's figures must not move, and a steward's national import wins over what an organisation
publishes of its own contracts, both versions staying visible with their provenance."""

import json
from html import unescape

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.core.enums import Role
from pilote.core.models import BuyerEntity
from pilote.decp import provenance, store
from pilote.decp.models import ImportRun
from pilote.decp.pipeline import run_import
from pilote.decp.services import do_receive_import
from pilote.decp.tasks import execute_import_run


SIRET_A = "21590350100017"
SIRET_B = "21620041600017"


def record(siret, contract_id, *, montant, published, objet="Entretien des espaces verts", titulaire="38012986600016"):
    return {
        "id": contract_id,
        "acheteur": {"id": siret},
        "nature": "Marché",
        "objet": objet,
        "codeCPV": "77310000",
        "procedure": "Appel d'offres ouvert",
        "dureeMois": 12,
        "dateNotification": "2024-03-01",
        "datePublicationDonnees": published,
        "montant": montant,
        "formePrix": "Forfaitaire",
        "lieuExecution": {"code": "59350", "typeCode": "Code postal"},
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": titulaire}}],
    }


def decp_file(path, *records):
    path.write_text(json.dumps({"marches": {"marche": list(records)}}), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def contracts():
    return pl.read_parquet(store.table_path("contrats"))


def copies():
    return pl.read_parquet(store.table_path("copies"))


@pytest.fixture
def national(tmp_path):
    """The national source: one contract of B, one of A."""
    run_import(
        [
            decp_file(
                tmp_path / "consolide.json",
                record(SIRET_B, "2024B001", montant=48000, published="2024-03-05"),
                record(SIRET_A, "2024A007", montant=12000, published="2024-03-05"),
            )
        ],
        prepare=False,
    )
    return tmp_path


def org_run(organisation, path, user):
    run = ImportRun.objects.create(source=str(path), organisation=organisation, actor=user)
    execute_import_run(run.pk)
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_organisation_cannot_rewrite_another_buyers_contract(national, org_a, org_b, members_a):
    BuyerEntity.objects.filter(organisation=org_a).delete()
    BuyerEntity.objects.create(organisation=org_a, siret=SIRET_A)
    BuyerEntity.objects.create(organisation=org_b, siret=SIRET_B)
    before = contracts().filter(pl.col("acheteur_id") == SIRET_B).to_dicts()
    attack = decp_file(
        national / "attaque.json",
        record(SIRET_B, "2024B001", montant=999_999_999, published="2025-06-01", objet="Objet remplacé",
               titulaire="55208131766522"),
        record(SIRET_B, "2025B999", montant=5_000_000, published="2025-06-01"),  # a new contract for B
    )  # fmt: skip
    run = org_run(org_a, attack, members_a[Role.APPUI])
    assert run.status == ImportRun.Status.SUCCEEDED, run.message
    assert run.report["rejected"] == 2
    assert run.report["stored"] == 0
    # B's contracts are exactly as the national source published them: nothing added, nothing changed
    assert contracts().filter(pl.col("acheteur_id") == SIRET_B).to_dicts() == before
    assert copies().filter(pl.col("cle_acheteur") == SIRET_B).height == 1
    # the reason is in the run's rejects, in French, naming the record
    rejets = pl.read_parquet(store.table_path("rejets")).filter(pl.col("import_run") == run.report["import_run"])
    assert rejets.height == 2
    message = rejets.filter(pl.col("extrait").str.contains("2024B001"))["message"][0]
    assert "« 2024B001 »" in message
    assert SIRET_B in message
    assert "Organisation A" in message
    assert "n'est pas une entité acheteuse" in message


@pytest.mark.django_db
def test_national_version_wins_and_both_versions_are_kept(national, org_a, members_a):
    BuyerEntity.objects.create(organisation=org_a, siret=SIRET_A)
    own = decp_file(
        national / "a.json",
        record(
            SIRET_A, "2024A007", montant=15000, published="2025-01-10", objet="Entretien des espaces verts (lot 2)"
        ),
        record(SIRET_A, "2024A008", montant=3000, published="2025-01-10"),  # not in the national source
    )
    run = org_run(org_a, own, members_a[Role.APPUI])
    assert run.report["rejected"] == 0, run.message
    rows = {r["id"]: r for r in contracts().filter(pl.col("acheteur_id") == SIRET_A).to_dicts()}
    assert rows["2024A007"]["montant"] == 12000  # the national version, though A's is later
    assert rows["2024A008"]["montant"] == 3000  # A's own contract the national source lacks: A's version
    versions = copies().filter(pl.col("cle_id") == "2024A007").sort("provenance")
    assert versions.select("provenance", "retenue").rows() == [
        ("national", True),
        (f"organisation:{org_a.pk}", False),
    ]
    # a later national republication still wins over A (A's version stays in `copies` and `publications`)
    run_import([decp_file(national / "maj.json", record(SIRET_A, "2024A007", montant=12500, published="2025-02-01"))],
               prepare=False)  # fmt: skip
    assert contracts().filter(pl.col("id") == "2024A007")["montant"].to_list() == [12500]
    kept = pl.read_parquet(store.table_path("publications"))
    assert kept.filter(pl.col("provenance") == f"organisation:{org_a.pk}")["montant"].sort().to_list() == [3000, 15000]


@pytest.mark.django_db
def test_organisation_importing_the_national_file_first_does_not_block_the_stewards(tmp_path, org_a, members_a):
    """The store skips files already imported: an organisation importing the consolidated file first (its
    records kept, the rest rejected) must not make the stewards' import of that file a no-op."""
    BuyerEntity.objects.create(organisation=org_a, siret=SIRET_A)
    path = decp_file(
        tmp_path / "consolide.json",
        record(SIRET_B, "2024B001", montant=48000, published="2024-03-05"),
        record(SIRET_A, "2024A007", montant=12000, published="2024-03-05"),
    )
    org_run(org_a, path, members_a[Role.APPUI])
    report = run_import([path], prepare=False)
    assert report["statut"] == "ok"
    assert report["read"] == 2
    assert sorted(contracts()["acheteur_id"].to_list()) == sorted([SIRET_A, SIRET_B])
    assert copies().filter(pl.col("provenance") == "national").height == 2


@pytest.mark.django_db
def test_only_stewards_import_a_national_source(client, org_a, members_a, django_capture_on_commit_callbacks):
    appui = members_a[Role.APPUI]
    with pytest.raises(PermissionDenied):
        do_receive_import(org_a, url="https://exemple.fr/decp.json", national=True, actor=appui)
    # the form has no « nationale » field for a non-steward: a forged field is ignored, the run is A's
    client.force_login(appui)
    content = json.dumps({"marches": {"marche": [record(SIRET_B, "X1", montant=1, published="2025-01-01")]}})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{org_a.slug}/donnees/", {"fichier": SimpleUploadedFile("n.json", content.encode()),
                                                  "nationale": "on"})  # fmt: skip
    run = ImportRun.objects.get()
    assert run.organisation == org_a
    assert run.report["rejected"] == 1
    assert run.report["stored"] == 0


@pytest.mark.django_db
def test_steward_imports_a_national_source_from_the_page(client, org_a, members_a, django_capture_on_commit_callbacks):
    steward = members_a[Role.APPUI]
    steward.is_data_steward = True
    steward.save()
    client.force_login(steward)
    assert "Source nationale" in unescape(client.get(f"/o/{org_a.slug}/donnees/").content.decode())
    content = json.dumps({"marches": {"marche": [record(SIRET_B, "X1", montant=1000, published="2025-01-01")]}})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/{org_a.slug}/donnees/", {"fichier": SimpleUploadedFile("n.json", content.encode()), "nationale": "on"}
        )
    run = ImportRun.objects.get()
    assert run.organisation is None
    assert run.report["stored"] == 1, run.message
    assert client.get(response["Location"]).status_code == 200
    assert copies()["provenance"].to_list() == [provenance.NATIONAL]


@pytest.mark.django_db
def test_contract_page_shows_both_versions(national, client, org_a, members_a, settings):
    from pilote.decp.steps.prepare import prepare as prepare_generation

    BuyerEntity.objects.create(organisation=org_a, siret=SIRET_A)
    own = decp_file(national / "a.json", record(SIRET_A, "2024A007", montant=15000, published="2025-01-10"))
    org_run(org_a, own, members_a[Role.APPUI])
    prepare_generation(store.current_generation_dir(), enabled=True)  # the search index the page reads
    uid = copies().filter(pl.col("cle_id") == "2024A007")["contrat_uid"][0]
    client.force_login(members_a[Role.AGENT])
    page = unescape(client.get(f"/o/{org_a.slug}/explorer/contrats/{uid}/").content.decode())
    assert "publié par la source nationale" in page
    assert "importé par Organisation A" in page
    assert "Autre version, importée par Organisation A" in page
    assert "montant 15\u202f000\u202f€" in page  # A's version, shown
    assert "Montant initial HT (à la notification)</dt><dd>12\u202f000\u202f€" in page  # the retained (national) one


@pytest.mark.django_db
def test_stewards_are_named_by_the_command(members_a):
    from io import StringIO

    from django.core.management import call_command

    person = members_a[Role.ADMIN]
    call_command("decp", "gestionnaires", "ajouter", person.email.upper(), stdout=StringIO())
    person.refresh_from_db()
    assert person.is_data_steward
    out = StringIO()
    call_command("decp", "gestionnaires", "liste", stdout=out)
    assert out.getvalue().split() == [person.email]
    call_command("decp", "gestionnaires", "retirer", person.email, stdout=StringIO())
    person.refresh_from_db()
    assert not person.is_data_steward


@pytest.mark.django_db
def test_demo_support_person_is_a_steward():
    from pilote.decp.services import DEMO_STEWARD, prepare_demo
    from tests.core.factories import UserFactory

    person = UserFactory(email=DEMO_STEWARD)
    assert prepare_demo() == [f"gestionnaire des données nationales : {DEMO_STEWARD}"]
    assert prepare_demo() == []  # idempotent
    person.refresh_from_db()
    assert person.is_data_steward
