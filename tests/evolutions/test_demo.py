"""The demo of the register: a contract of the Région with two signed modifications and a third proposal that the
register stops at the cap (recorded only as non-conforming, with its justification)."""

from django.test import Client

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
