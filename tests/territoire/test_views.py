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
    page = client.post(url + "decision/", {"retenue": "oui", "montant": "30000", "voie": "subvention", "motifs": "Utile"},
                       follow=True).content.decode()  # fmt: skip
    assert "limite l&#x27;aide à 10\u202f000 €" in page
    assert not Decision.objects.filter(application=first).exists()
    client.post(url + "decision/", {"retenue": "oui", "montant": "10000", "voie": "subvention", "motifs": "Utile"})
    assert Decision.objects.get(application=first).amount == Decimal(10000)
    page = client.get(f"/o/{org_a.slug}/territoire/fil/appels/{call.pk}/").content.decode()
    assert "loi 2000-321" in page
    assert "abondement selon la règle « un pour un, plafonné par initiative » : 10" in page
    csv = client.get(f"/o/{org_a.slug}/territoire/subventions-scdl.csv").content.decode()
    assert "Recyclerie du Bocage" in csv
    assert client.get(f"/public/{org_a.slug}/fil/").status_code == 404
    call.pool.is_public = True
    call.pool.save()
    assert "Recyclerie du Bocage" in client.get(f"/public/{org_a.slug}/fil/").content.decode()


@pytest.mark.django_db
def test_fund_forms_from_pool_to_milestone(client, org_a, members_a):
    client.force_login(members_a[Role.APPUI])
    base = f"/o/{org_a.slug}/territoire/fil/"
    client.post(base + "nouveau-fonds/", {"name": "Pacte", "matching_rule": "plafonne", "cap_per_initiative": "50000",
                                          "cap_per_contributor": "80000", "is_public": "on"})  # fmt: skip
    pool = org_a.fund_pools.get()
    page = client.post(base + f"fonds/{pool.pk}/apports/", {"contributor": "Mécène", "amount": "90000"}, follow=True)
    assert "plafonne l&#x27;apport" in page.content.decode()
    client.post(base + f"fonds/{pool.pk}/apports/", {"contributor": "Région", "amount": "80000", "is_public": "on"})
    response = client.post(base + f"fonds/{pool.pk}/appels/", {
        "title": "Appel 2027", "themes": ["solidarites"], "eligibility": "Associations", "opens_on": "2027-01-10",
        "closes_on": "2027-03-31", "criteria": "Utilité ; 2\nFaisabilité ; 1"})  # fmt: skip
    call = pool.calls.get()
    assert response.status_code == 302
    assert [c["code"] for c in call.criteria] == ["utilite", "faisabilite"]
    url = f"{base}appels/{call.pk}/"
    bad = client.post(url + "candidatures/", {"carrier_name": "X", "carrier_id": "W12", "title": "t", "summary": "s",
                                              "budget": "10", "cofunding": "0", "requested": "5"}, follow=True)  # fmt: skip
    assert "RNA" in bad.content.decode()
    assert not call.applications.exists()
    client.post(url + "candidatures/", {"carrier_name": "Recyclerie", "carrier_id": "W141000001", "commune_code": "14118",
                                        "title": "Recyclerie", "summary": "Réemploi", "budget": "60000",
                                        "cofunding": "30000", "cofunders": "20 000\n10000,00 €",
                                        "requested": "30000", "from_carrier": "on"})  # fmt: skip
    application = call.applications.get()
    assert application.contributions() == [Decimal(20000), Decimal(10000)]
    assert application.carrier.sources.filter(kind="fil").exists()
    client.post(url + "forums/", {"held_on": "2027-04-10", "place": "Caen", "agenda": "Pitchs", "minutes": "Public",
                                  "pitchs": [application.pk]})  # fmt: skip
    assert call.forums.get().pitches.count() == 1
    client.post(url + "comite/", {"name": "Mme Lien", "conflicts": [application.carrier_id]})
    assert call.committee.get().conflicts.count() == 1
    client.post(f"{base}candidatures/{application.pk}/decision/",
                {"retenue": "oui", "montant": "30000", "voie": "subvention", "motifs": "Utile"})  # fmt: skip
    decision = Decision.objects.get(application=application)
    client.post(f"{base}decisions/{decision.pk}/jalons/", {"label": "Ouverture", "due_on": "2027-09-01",
                                                           "payment": "15000"})  # fmt: skip
    assert decision.milestones.count() == 1
    page = client.get(url).content.decode()
    assert "Mme Lien" in page
    assert "Ouverture" in page
    assert "Public" in page
