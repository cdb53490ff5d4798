"""The demo content exists after `prepare_demo`, is labelled as demo, and a second run creates nothing."""

import pytest

from pilote.annuaire import queries
from pilote.annuaire.demo import prepare_demo
from pilote.annuaire.models import Lesson, Module, Person
from pilote.core.demo import prepare_demo as prepare_core_demo
from pilote.core.models import Organisation


@pytest.mark.django_db
def test_demo_is_complete_labelled_and_idempotent():
    prepare_core_demo()
    created = prepare_demo()
    region = Organisation.objects.get(slug="region-normandie")
    assert Person.objects.filter(organisation=region).count() >= 5
    assert all(p.is_demo for p in Person.objects.all())
    assert Lesson.objects.filter(is_demo=True).count() == 3
    assert Module.objects.filter(is_demo=True, qualifies_reservist=True).exists()
    assert len(queries.sourcing_checklist(region)) == 6
    assert Person.objects.get(email="acheteur@demo.pilote.test").user.email == "acheteur@demo.pilote.test"
    assert queries.search_people(region, skill="egalim")
    assert created
    assert prepare_demo() == []
