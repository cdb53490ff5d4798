"""Builders for the ressource-o-thèque tests."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pilote.communs import ledger, services
from pilote.communs.models import ResourceKind
from pilote.core.enums import Role
from tests.core.factories import MembershipFactory


def manager(organisation):
    return MembershipFactory(organisation=organisation, role=Role.APPUI).user


def initiative(organisation, actor, name="Jardin partagé des Lilas", **fields):
    return services.do_create_initiative(organisation, actor=actor, name=name, **fields)


def room(organisation, actor, name="Salle polyvalente", **fields):
    values = {
        "kind": ResourceKind.SALLE,
        "theme": "Equipement social et d'animation",
        "capacity": 40,
        "valuation_rate": Decimal("25.00"),
        "credit_price": 2,
    }
    return services.do_create_resource(organisation, actor=actor, name=name, **(values | fields))


def tool(organisation, actor, name="Nettoyeur haute pression", **fields):
    values = {
        "kind": ResourceKind.MATERIEL,
        "share_class": "outillage",
        "condition": "bon état",
        "valuation_rate": Decimal("30.00"),
        "credit_price": 5,
        "purchase_value_eur": Decimal("450"),
    }
    return services.do_create_resource(organisation, actor=actor, name=name, **(values | fields))


def grant(init, actor, amount=100):
    return ledger.do_grant_credits(
        init,
        amount=amount,
        body="comite",
        reference="CC-2026-01",
        decided_on=dt.date(2026, 3, 1),
        reasons="Soutien au démarrage du jardin",
        actor=actor,
    )


def slot(day=10, hour=9, hours=2, month=3, year=2026):
    start = dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())
    return start, start + dt.timedelta(hours=hours)
