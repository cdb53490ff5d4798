"""The directory: adding people (duplicates refused clearly), searching by skill, segment and organisation
whatever the accents and case, and what a person's page shows."""

import pytest
from django.core.exceptions import ValidationError

from pilote.annuaire import queries, services
from pilote.annuaire.models import Person
from pilote.core.enums import Role
from tests.annuaire import factories


pytestmark = pytest.mark.django_db


def test_duplicate_person_is_refused_with_french_message(client, org_a, members_a):
    factories.person(org_a, first_name="Léa", last_name="Martin", email="lea.martin@exemple.fr")
    client.force_login(members_a[Role.APPUI])
    response = client.post(
        f"/o/{org_a.slug}/annuaire/personnes/nouvelle/",
        {"first_name": "Léa", "last_name": "Martin", "email": "LEA.Martin@exemple.fr", "skills_text": "énergie"},
    )
    assert response.status_code == 200
    assert "Léa Martin figure déjà dans l&#x27;annuaire" in response.content.decode()
    assert Person.objects.filter(organisation=org_a).count() == 1
    # Nothing half-saved: the skill typed in the refused form was not attached to anybody.
    assert not Person.objects.filter(skills__name="énergie").exists()


def test_same_person_may_be_listed_by_two_organisations(org_a, org_b):
    factories.person(org_a, email="commun@exemple.fr")
    factories.person(org_b, email="commun@exemple.fr")
    assert Person.objects.filter(email="commun@exemple.fr").count() == 2


def test_search_by_skill_ignores_accents_and_case(client, org_a, members_a):
    factories.person(org_a, last_name="Énergéticienne", skills_text="Rénovation énergétique, Sourçage")
    factories.person(org_a, last_name="Juriste", skills_text="Marchés de travaux")
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/annuaire/", {"skill": "RENOVATION ENERGETIQUE"}).content.decode()
    assert "Énergéticienne" in page
    assert "Juriste" not in page
    assert "1 personne" in page


def test_search_by_segment_and_by_organisation(org_a, org_b):
    energie = factories.segment("energie")
    in_a = factories.person(org_a, segments=[energie])
    factories.person(org_a)
    partner = factories.person(org_b, segments=[energie], share_with_partners=True)
    found = queries.search_people(org_a, segment="energie et FLUIDES")
    assert found == [in_a, partner]  # own organisation's people first
    assert queries.search_people(org_a, organisation_name="organisation b") == [partner]


def test_free_text_search_matches_every_word(org_a):
    factories.person(org_a, first_name="Hélène", last_name="Dupré", job_title="Acheteuse travaux")
    factories.person(org_a, first_name="Hélène", last_name="Roux", job_title="Juriste")
    assert [p.last_name for p in queries.search_people(org_a, q="helene ACHETEUSE")] == ["Dupré"]


def test_segment_of_another_organisation_is_refused(org_a, org_b):
    from pilote.clauses.models import Segment

    own_of_b = Segment.objects.create(organisation=org_b, code="propre-b", label="Segment propre à B")
    with pytest.raises(ValidationError) as error:
        factories.person(org_a, segments=[own_of_b])
    assert "n'est pas disponible" in str(error.value)
    assert not Person.objects.filter(organisation=org_a).exists()


def test_availability_end_before_start_is_refused(org_a):
    from datetime import date

    with pytest.raises(ValidationError) as error:
        factories.person(org_a, available_from=date(2027, 3, 1), available_until=date(2027, 2, 1))
    assert "La fin de disponibilité doit suivre son début." in str(error.value)


def test_person_page_shows_contact_training_and_lessons(client, org_a, members_a):
    person = factories.person(org_a, phone="02 35 00 00 00", skills_text="Clauses sociales")
    factories.lesson(org_a, title="Insertion dans la propreté urbaine", contacts=[person])
    client.force_login(members_a[Role.ELU])
    page = client.get(f"/o/{org_a.slug}/annuaire/personnes/{person.pk}/").content.decode()
    assert "02 35 00 00 00" in page
    assert "Clauses sociales" in page
    assert "Insertion dans la propreté urbaine" in page
    assert "Aucune formation enregistrée." in page


def test_own_entry_is_linked_to_an_entry_made_before_the_account(org_a, members_a):
    agent = members_a[Role.AGENT]
    made_by_support = factories.person(org_a, email=agent.email.upper())
    assert services.do_ensure_own_entry(org_a, user=agent) == made_by_support
    made_by_support.refresh_from_db()
    assert made_by_support.user == agent


def test_only_the_person_changes_their_consent(client, org_a, members_a):
    acheteur = members_a[Role.ACHETEUR]
    entry = services.do_ensure_own_entry(org_a, user=acheteur)
    energie = factories.segment("energie")
    client.force_login(members_a[Role.APPUI])
    url = f"/o/{org_a.slug}/annuaire/personnes/{entry.pk}/modifier/"
    form = {
        "first_name": "Bruno",
        "last_name": "Achat",
        "email": acheteur.email,
        "segments": [energie.pk],
        "share_with_partners": "on",  # ignored: the field is disabled for the support team
    }
    assert client.post(url, form).status_code == 302
    entry.refresh_from_db()
    assert entry.last_name == "Achat"
    assert list(entry.segments.all()) == [energie]
    assert entry.share_with_partners is False
    with pytest.raises(ValidationError, match="peut modifier son accord"):
        services.do_update_person(entry, actor=members_a[Role.APPUI], share_with_partners=True)
    services.do_update_person(entry, actor=acheteur, share_with_partners=True)
    entry.refresh_from_db()
    assert entry.share_with_partners is True
