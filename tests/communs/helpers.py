"""Builders for the ressource-o-thèque tests."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from frictionless import Resource, Schema, formats

from pilote.communs import ledger, services
from pilote.communs.models import ResourceKind
from pilote.core.enums import Role
from tests.core.factories import MembershipFactory


# The SCDL subventions 2.1.1 schema shipped with the shared data (see its SOURCES.md).
SCDL_SCHEMA = Path(__file__).resolve().parents[3] / "shared/data/territoire/scdl-subventions/schema.json"


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


def validate_scdl(text: str, tmp_path):
    """Frictionless validation of an export against the schema's fields (its custom checks are in the tests)."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    descriptor = json.loads(SCDL_SCHEMA.read_text(encoding="utf-8"))
    schema = Schema.from_descriptor({"fields": descriptor["fields"]})
    resource = Resource(
        path="export.csv",
        basepath=str(tmp_path),
        schema=schema,
        encoding="utf-8-sig",
        control=formats.CsvControl(delimiter=";"),
    )
    return resource.validate()
