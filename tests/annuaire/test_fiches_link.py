"""Links with the fiches visa: a person's page lists the fiches they wrote; a lesson cites fiches of its own
organisation only."""

import pytest
from django.core.exceptions import ValidationError

from pilote.annuaire import services
from pilote.annuaire.models import Lesson
from pilote.core.enums import Role
from tests.annuaire import factories
from tests.fiches.factories import make_fiche


pytestmark = pytest.mark.django_db


def test_person_page_lists_fiches_they_worked_on(client, org_a, members_a):
    agent = members_a[Role.AGENT]
    fiche = make_fiche(org_a, author=agent, objet="Entretien des espaces verts des lycées")
    person = services.do_ensure_own_entry(org_a, user=agent)
    client.force_login(members_a[Role.APPUI])
    page = client.get(f"/o/{org_a.slug}/annuaire/personnes/{person.pk}/").content.decode()
    assert "Entretien des espaces verts des lycées" in page
    assert f"/o/{org_a.slug}/fiches/{fiche.pk}/" in page


def test_lesson_cites_fiches_of_its_organisation_only(org_a, org_b):
    own = make_fiche(org_a)
    other = make_fiche(org_b)
    lesson = factories.lesson(org_a, fiches=[own])
    assert list(lesson.fiches.all()) == [own]
    with pytest.raises(ValidationError, match="n'appartient pas à l'organisation"):
        factories.lesson(org_a, title="Avec une fiche d'ailleurs", fiches=[other])
    assert not Lesson.objects.filter(title="Avec une fiche d'ailleurs").exists()
