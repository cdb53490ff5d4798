"""The in-kind export validates against the shipped SCDL subventions 2.1.1 schema (frictionless), custom checks
of the schema (SIRET keys, SIRET or RNA) included."""

import pytest
from stdnum.fr import siret as stdnum_siret

from pilote.communs import scdl, services
from tests.communs import helpers


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not helpers.SCDL_SCHEMA.exists(), reason="shared SCDL schema not present"),
]


def _approved(org, actor, initiative, day):
    start, end = helpers.slot(day=day, hours=4)
    booking = services.do_request_booking(
        helpers.room(org, actor, name=f"Salle {day}"),
        initiative,
        starts_at=start,
        ends_at=end,
        purpose="atelier",
        actor=actor,
    )
    return services.do_approve_booking(booking, actor=actor)


def test_export_validates_against_the_schema(org_a, tmp_path):
    actor = helpers.manager(org_a)
    association = helpers.initiative(org_a, actor, name="Repair café", siret="73282932000074")
    collectif = helpers.initiative(org_a, actor, name="Jardin", rna="W123456789")
    for init in (association, collectif):
        helpers.grant(init, actor, 50)
    _approved(org_a, actor, association, 3)
    _approved(org_a, actor, collectif, 4)
    text = scdl.export_csv(org_a, 2026)
    report = helpers.validate_scdl(text, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 3
    rows = [dict(zip(scdl.HEADER, line.split(";"), strict=True)) for line in lines[1:]]
    assert {r["nature"] for r in rows} == {"aide en nature"}
    assert {r["montant"] for r in rows} == {"100.00"}  # 4 hours × 25 €
    for row in rows:  # the schema's custom checks
        assert stdnum_siret.is_valid(row["idAttribuant"])
        assert row["idBeneficiaire"] or row["rnaBeneficiaire"]
        assert not row["idBeneficiaire"] or stdnum_siret.is_valid(row["idBeneficiaire"])


def test_a_wrong_row_fails_validation(tmp_path):
    """The validation can fail: a nature outside the enum and an RNA of the wrong shape are reported."""
    row = [
        "Org",
        "21060004500392",
        "2026-01-01",
        "",
        "X",
        "",
        "123",
        "objet",
        "10",
        "en nature",
        "c",
        "2026-01-01",
        "",
        "non",
        "1",
        "",
    ]
    report = helpers.validate_scdl(scdl.csv_text(scdl.HEADER, [row]), tmp_path)
    assert not report.valid
    fields = {error[0] for error in report.flatten(["fieldName"])}
    assert {"nature", "rnaBeneficiaire"} <= fields
