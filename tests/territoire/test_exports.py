"""The published files validate against the shipped national schemas (frictionless, Table Schema constraints)."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from frictionless import Resource, Schema, validate

from pilote.core.models import BuyerEntity
from pilote.territoire import exports, fund, services
from pilote.territoire.parsing import read_rows
from tests.territoire import helpers
from tests.territoire.test_imports import _text


SCHEMAS = Path(__file__).resolve().parents[2] / "pilote" / "territoire" / "data" / "schemas"


def report(text: str, schema: str):
    descriptor = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    resource = Resource(data=text.encode("utf-8"), format="csv", schema=Schema.from_descriptor(descriptor))
    return validate(resource)


def errors(result) -> list:
    return result.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.django_db
def test_schemes_export_validates_and_reimports(org_a, members_a):
    actor = next(iter(members_a.values()))
    rows = [r for r in read_rows(_text("dispositifs-transition-ecologique.csv")) if len(r["description"]) <= 5000]
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows[:40])
    services.do_import(org_a, actor=actor, layout="dispositifs", text=buffer.getvalue(), filename="d.csv")
    text = exports.schemes_text(org_a)
    result = report(text, "dispositif-aide-0.2.0.json")
    assert result.valid, errors(result)[:5]
    assert len(read_rows(text)) == 40
    # the validator can fail: a broken geography is caught
    broken = text.replace("PAYS-99100", "France", 1)
    assert not report(broken, "dispositif-aide-0.2.0.json").valid


@pytest.mark.django_db
def test_fund_subsidies_export_validates_against_scdl(org_a, members_a):
    actor = next(iter(members_a.values()))
    BuyerEntity.objects.create(organisation=org_a, siret="20005340300057")
    call = helpers.call(org_a, actor)
    one, two = helpers.carriers(org_a)
    fund.do_decide(helpers.application(call, actor, one, cofunding=Decimal(30000)), actor=actor, selected=True, reasons="Utile",
                   amount=Decimal(30000), route="subvention", on=dt.date(2027, 5, 2))  # fmt: skip
    fund.do_decide(helpers.application(call, actor, two, from_carrier=False), actor=actor, selected=True,
                   reasons="Besoin", amount=Decimal(20000), route="achat_innovant", on=dt.date(2027, 5, 2))  # fmt: skip
    text = exports.scdl_text(org_a)
    rows = read_rows(text)
    assert [r["nomBeneficiaire"] for r in rows] == ["Recyclerie du Bocage"]  # the purchase is not a subsidy
    assert rows[0]["rnaBeneficiaire"] == "W141000001"
    assert rows[0]["pourcentageSubvention"] == "0.5000"
    result = report(text, "scdl-subventions-2.1.1.json")
    assert result.valid, errors(result)[:5]
    assert rows[0]["idAttribuant"] == org_a.buyer_entities.order_by("pk").first().siret
    assert not report(text.replace(";non;", ";peut-être;", 1), "scdl-subventions-2.1.1.json").valid
