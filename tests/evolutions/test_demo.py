"""The demo of the register: a contract of the Région with two signed modifications and a third proposal that the
register stops at the cap (recorded only as non-conforming, with its justification)."""

from django.test import Client
from django.urls import reverse

from pilote.core.demo import prepare_demo as prepare_core
from pilote.core.models import User
from pilote.evolutions import decp, demo
from pilote.evolutions.models import Register, Status


def test_demo_register_stops_the_third_modification_at_the_cap(db):
    prepare_core()
    assert demo.prepare_demo()
    assert demo.prepare_demo() == []  # idempotent
    register = Register.objects.get(title=demo.TITLE)
    assert register.organisation.slug == "region-normandie"
    mods = list(register.modifications.order_by("rank"))
    assert [m.status for m in mods] == [Status.SIGNEE, Status.SIGNEE, Status.NON_CONFORME]
    assert mods[2].issues[0]["code"] == "faible_montant"
    assert all(decp.errors(decp.block(m)) == [] for m in mods[:2])
    assert register.evolution_clauses.count() == 1
    client = Client()
    client.force_login(User.objects.get(email="acheteur@demo.pilote.test"))
    page = client.get(f"/o/region-normandie/evolutions/registres/{register.pk}/").content.decode()
    assert "Enregistrée non conforme" in page
    assert "R. 2194-8" in page


def test_the_rehearsal_is_listed_once_in_the_training_catalogue(db):
    from pilote.annuaire.models import Module
    from pilote.evolutions import theatre

    prepare_core()
    demo.prepare_demo()
    module = Module.objects.get(organisation__slug="region-normandie", title=theatre.REHEARSAL_MODULE)
    buyer = User.objects.get(email="acheteur@demo.pilote.test")
    assert theatre.do_list_rehearsal_in_catalogue(module.organisation, actor=buyer) == module
    assert Module.objects.filter(title=theatre.REHEARSAL_MODULE).count() == 1
    client = Client()
    client.force_login(buyer)
    page = client.get(reverse("annuaire:catalogue", kwargs={"slug": "region-normandie"})).content.decode()
    assert "Répétition du théâtre des négociations" in page
