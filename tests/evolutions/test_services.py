import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pilote.clauses.models import Clause
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.evolutions import decp, services
from pilote.evolutions.legal import Ground
from pilote.evolutions.models import Modification, Status
from tests.evolutions import helpers


@pytest.fixture
def buyer(members_a):
    return members_a[Role.ACHETEUR]


def test_the_register_stops_a_proposal_over_the_cumulated_de_minimis(org_a, buyer):
    reg = helpers.register(org_a, buyer, awarded_by_cao=False)
    for amount in (48000, 52000):
        services.do_sign_modification(helpers.propose(reg, buyer, amount), actor=buyer)
    with pytest.raises(ValidationError) as error:
        helpers.propose(reg, buyer, 30000)  # 130 000 ≥ 15 % of 800 000
    assert "R. 2194-8" in str(error.value)
    assert reg.modifications.count() == 2
    # recorded as non-conforming only with a justification, and never signed
    with pytest.raises(ValidationError, match="justification"):
        helpers.propose(reg, buyer, 30000, nonconforming=True)
    kept = helpers.propose(reg, buyer, 30000, nonconforming=True, justification="Pour mémoire.")
    assert kept.status == Status.NON_CONFORME
    assert kept.issues[0]["code"] == "faible_montant"
    with pytest.raises(ValidationError):
        services.do_sign_modification(kept, actor=buyer)


def test_bad_input_is_refused_in_french(org_a, buyer):
    reg = helpers.register(org_a, buyer)
    with pytest.raises(ValidationError) as error:
        helpers.propose(reg, buyer, 1000, dated=dt.date(2024, 1, 1))
    assert "avant la notification du marché" in str(error.value.message_dict["dated"])
    with pytest.raises(ValidationError) as error:
        helpers.propose(reg, buyer, 1000, ground=Ground.INCONNU)
    assert "ground" in error.value.message_dict
    with pytest.raises(ValidationError):
        helpers.propose(reg, buyer, -900000, ground=Ground.NON_SUBSTANTIELLE)
    assert not Modification.objects.exists()


def test_signature_needs_the_cao_opinion_above_five_percent(org_a, buyer):
    reg = helpers.register(org_a, buyer)  # a commune's contract awarded by its CAO
    mod = helpers.propose(reg, buyer, 60000, ground=Ground.SUPPLEMENTAIRES)
    with pytest.raises(ValidationError, match="Commission d'appel d'offres"):
        services.do_sign_modification(mod, actor=buyer)
    services.do_record_opinion(mod, actor=buyer, body="cao", verdict="favorable", given_on=dt.date(2025, 8, 20),
                               text="Avis favorable.")  # fmt: skip
    signed = services.do_sign_modification(mod, actor=buyer)
    assert signed.status == Status.SIGNEE
    assert AuditEvent.objects.filter(verb="evolutions.modification_signee").count() == 1


def test_the_decp_block_validates_against_the_official_schema(org_a, buyer):
    reg = helpers.register(org_a, buyer, awarded_by_cao=False)
    first = services.do_sign_modification(helpers.propose(reg, buyer, 40000, new_duration=20), actor=buyer)
    block = services.do_publish_modification(first, actor=buyer, published_on=dt.date(2025, 9, 10))
    assert block == {"modification": {"id": 1, "dateNotificationModification": "2025-09-01",
                                      "datePublicationDonneesModification": "2025-09-10", "montant": 840000.0,
                                      "dureeMois": 20}}  # fmt: skip
    assert decp.errors(block) == []
    assert decp.errors({"modification": {"id": 0, "dateNotificationModification": "2025-09-01"}})  # id ≥ 1, dates
    with pytest.raises(ValidationError):
        services.do_publish_modification(first, actor=buyer, published_on=dt.date(2025, 8, 1))


def test_a_clause_is_saved_in_the_library_and_its_activation_proposes_a_modification(org_a, buyer):
    reg = helpers.register(org_a, buyer, awarded_by_cao=False)
    with pytest.raises(ValidationError) as error:
        services.do_create_evolution_clause(org_a, actor=buyer, register=reg, **helpers.clause_fields(measure=""))
    assert "measure" in error.value.message_dict
    assert not Clause.objects.filter(organisation=org_a).exists()
    clause = services.do_create_evolution_clause(org_a, actor=buyer, register=reg, **helpers.clause_fields())
    assert clause.library_clause.organisation == org_a
    assert "R. 2194-1" in clause.library_clause.text
    mod = services.do_activate_clause(clause, actor=buyer, register=reg, amount_delta=Decimal("50000"),
                                      dated=dt.date(2025, 10, 1), description="BT01 +6 %")  # fmt: skip
    assert (mod.ground, mod.clause, mod.status) == (Ground.CLAUSE, clause, Status.PROPOSEE)
    services.do_sign_modification(mod, actor=buyer)
    with pytest.raises(ValidationError, match="plafond"):  # 50 000 + 20 000 > 8 % of 800 000
        services.do_activate_clause(clause, actor=buyer, register=reg, amount_delta=Decimal("20000"),
                                    dated=dt.date(2025, 11, 1), description="BT01 +3 %")  # fmt: skip


def test_a_jury_opinion_names_a_jury_of_the_organisation(org_a, org_b, buyer, members_b):
    from tests.strategie.matrix import _jury

    reg = helpers.register(org_a, buyer, awarded_by_cao=False)
    clause = services.do_create_evolution_clause(org_a, actor=buyer, register=reg,
                                                 **helpers.clause_fields(trigger="jury", jury_opinion=True))  # fmt: skip
    mod = services.do_activate_clause(clause, actor=buyer, register=reg, amount_delta=Decimal("1000"),
                                      dated=dt.date(2025, 10, 1), description="Demande du jury")  # fmt: skip
    with pytest.raises(ValidationError, match="Jury citoyen"):
        services.do_sign_modification(mod, actor=buyer)
    with pytest.raises(ValidationError):
        services.do_record_opinion(mod, actor=buyer, body="jury", jury=_jury(org_b), verdict="favorable",
                                   given_on=dt.date(2025, 9, 1), text="x")  # fmt: skip
    services.do_record_opinion(mod, actor=buyer, body="jury", jury=_jury(org_a), verdict="reserves",
                               given_on=dt.date(2025, 9, 1), text="Suivre l'effet sur le prix.")  # fmt: skip
    assert services.do_sign_modification(mod, actor=buyer).status == Status.SIGNEE
