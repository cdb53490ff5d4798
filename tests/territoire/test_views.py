"""The territory's pages: the map with its table and findings, imports refused with the row named, the fund's
call page with scoring blocked by a declared conflict, the decision, the exports and the public page."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.core.enums import Role
from pilote.territoire import fund
from pilote.territoire.models import Actor, Decision
from tests.territoire import helpers


@pytest.mark.django_db
def test_map_page_import_and_refusal(client, org_a, members_a):
    client.force_login(members_a[Role.ACHETEUR])
    text = "nom,siret,rna,code_insee,typologie,thematiques\nCafé,,W141000001,14118,ASSO,solidarites\n"
    response = client.post(f"/o/{org_a.slug}/territoire/import/", {"layout": "inclusion",
                           "fichier": SimpleUploadedFile("di.csv", text.encode())}, follow=True)  # fmt: skip
    assert "1 acteur(s) importé(s)" in response.content.decode()
    bad = text + "Autre,,,99999,ASSO,\n"
    response = client.post(f"/o/{org_a.slug}/territoire/import/", {"layout": "inclusion",
                           "fichier": SimpleUploadedFile("di.csv", bad.encode())}, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "Ligne 3" in page
    assert "99999" in page
    assert Actor.objects.filter(organisation=org_a).count() == 1
    page = client.get(f"/o/{org_a.slug}/territoire/").content.decode()
    assert 'data-spec="carte-spec"' in page
    assert "Caen" in page
    assert "n&#x27;a reçu ni subvention" in page


@pytest.mark.django_db
def test_call_page_conflict_decision_exports(client, org_a, members_a):
    actor = members_a[Role.ACHETEUR]
    client.force_login(actor)
    call = helpers.call(org_a, actor)
    one, _two = helpers.carriers(org_a)
    first = helpers.application(call, actor, one)
    member = fund.do_add_member(call, actor=actor, name="M. Lié", conflicts=[one])
    url = f"/o/{org_a.slug}/territoire/fil/candidatures/{first.pk}/"
    page = client.post(url + "notes/", {"membre": member.pk, "utilite": 5, "faisabilite": 5}, follow=True)
    assert "conflit d&#x27;intérêts" in page.content.decode()
    assert not first.scores.exists()
    client.post(url + "decision/", {"retenue": "oui", "montant": "30000", "voie": "subvention", "motifs": "Utile"})
    assert Decision.objects.get(application=first).amount == Decimal(30000)
    page = client.get(f"/o/{org_a.slug}/territoire/fil/appels/{call.pk}/").content.decode()
    assert "loi 2000-321" in page
    csv = client.get(f"/o/{org_a.slug}/territoire/subventions-scdl.csv").content.decode()
    assert "Recyclerie du Bocage" in csv
    assert client.get(f"/public/{org_a.slug}/fil/").status_code == 404
    call.pool.is_public = True
    call.pool.save()
    assert "Recyclerie du Bocage" in client.get(f"/public/{org_a.slug}/fil/").content.decode()
