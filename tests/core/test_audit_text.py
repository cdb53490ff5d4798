"""The audit log and the guide history read in French sentences, never codes or Python dicts."""

import pytest

from pilote.clauses.models import Segment
from pilote.clauses.services import do_save_guide
from pilote.core.audit import CoreVerb
from pilote.core.audit_text import describe_payload
from pilote.core.enums import Role
from pilote.core.models import Membership
from pilote.core.services import do_change_role, do_update_organisation


N = "\u202f"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"role": "acheteur"}, ["Rôle : Acheteur"]),
        ({"avant": "agent", "apres": "admin"}, ["Avant : Agent (prescripteur)", "Après : Administrateur"]),
        ({"name": ["Ville A", "Ville B"]}, ["Nom : « Ville A » → « Ville B »"]),
        ({"is_public": [False, True]}, ["Vue publique : « non » → « oui »"]),
        ({"date_limite": "2027-01-31", "annee": 2027}, ["Date limite : 31/01/2027", "Année : 2027"]),
        (
            {"modifications": {"montant_estime": ["3E+5", "300000.50"]}},
            [f"Modifications — montant estime : « 3E+5 » → « 300{N}000,50 »"],
        ),
        ({"sirets": ["21760540900019", "22760540900019"]}, ["SIRET : 21760540900019, 22760540900019"]),
        ({"fiches": [3, 4]}, ["Fiches : 3, 4"]),
        ({"cible": "0.25"}, ["Cible : 0,25"]),
        ({}, []),
    ],
)
def test_payloads_read_as_french_lines(payload, expected):
    assert describe_payload(payload) == expected


def test_a_long_payload_is_cut_with_a_count():
    lines = describe_payload({f"champ_{n}": n for n in range(15)})
    assert len(lines) == 13
    assert lines[-1] == "… et 3 autres détails"


@pytest.mark.django_db
def test_the_journal_shows_sentences_not_dicts(client, org_a, members_a):
    admin = members_a[Role.ADMIN]
    do_change_role(Membership.objects.get(user=members_a[Role.ELU]), role=Role.ACHETEUR, actor=admin)
    do_update_organisation(org_a, actor=admin, sirets=org_a.sirets, name="Ville nouvelle", kind=org_a.kind)
    client.force_login(admin)
    html = client.get(f"/o/{org_a.slug}/journal/").content.decode()
    assert "<li>Avant : Élu / lecteur</li>" in html
    assert "<li>Après : Acheteur</li>" in html
    assert "<li>Nom : « Organisation A » → « Ville nouvelle »</li>" in html
    assert "{&#x27;" not in html
    assert CoreVerb.MEMBRE_ROLE_MODIFIE.value not in html


@pytest.mark.django_db
def test_the_guide_history_names_fields_in_french(client, org_a, members_a):
    segment = Segment.objects.create(code="test-nettoyage", label="Nettoyage")
    appui = members_a[Role.APPUI]
    do_save_guide(org_a, segment, actor=appui, fields={"summary": "Enjeux", "pitfalls": "Aucun"})
    do_save_guide(org_a, segment, actor=appui, fields={"summary": "Enjeux revus", "pitfalls": "Le prix seul"})
    client.force_login(appui)
    html = client.get(f"/o/{org_a.slug}/guides/{segment.code}/").content.decode()
    assert "enjeux du segment, pièges à éviter" in html
    assert "summary" not in html
