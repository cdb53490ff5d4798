"""The local innovation fund: caps and remaining amount, conflicts of interest, legal route before the decision,
contract routes handed to a draft fiche visa, SCDL export of the subsidies validated against the schema."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pilote.fiches.models import Fiche
from pilote.territoire import fund, rules
from pilote.territoire.models import Decision, MatchingRule
from tests.territoire import helpers


def test_matching_rules():
    cap = Decimal(1000)
    assert rules.matched(MatchingRule.UN_POUR_UN, [Decimal(600), Decimal(700)], cap) == Decimal(1300)
    assert rules.matched(MatchingRule.PLAFONNE, [Decimal(600), Decimal(700)], cap) == cap
    # quadratic: four gifts of 100 weigh more than one of 400
    many = rules.matched(MatchingRule.QUADRATIQUE, [Decimal(100)] * 4, cap)
    one = rules.matched(MatchingRule.QUADRATIQUE, [Decimal(400)], cap)
    assert many == cap  # (4 × 10)² − 400 = 1 200, capped at 1 000
    assert one == 0
    assert rules.matched(MatchingRule.QUADRATIQUE, [Decimal(100)] * 4, Decimal(5000)) == Decimal(1200)


def test_routes_follow_the_law():
    on = dt.date(2027, 5, 1)
    subsidy = rules.routes(from_carrier=True, amount=Decimal(30000), on=on)[0]
    assert subsidy["open"]
    assert "convention" in subsidy["why"]
    assert not rules.routes(from_carrier=False, amount=Decimal(30000), on=on)[0]["open"]
    with pytest.raises(ValidationError) as refused:
        rules.check_route("subvention", from_carrier=False, amount=Decimal(1000), on=on)
    assert "9-1" in str(refused.value)
    with pytest.raises(ValidationError):
        rules.check_route("achat_innovant", from_carrier=True, amount=Decimal(150000), on=on)


@pytest.mark.django_db
def test_contribution_cap_and_pool_remaining(org_a, members_a):
    actor = next(iter(members_a.values()))
    call = helpers.call(org_a, actor, cap=Decimal(60000))
    with pytest.raises(ValidationError) as refused:
        fund.do_add_contribution(call.pool, actor=actor, contributor="Mécène", amount=Decimal(60000))
    assert "plafonne l'apport" in str(refused.value)
    one, two = helpers.carriers(org_a)
    first = helpers.application(call, actor, one, cofunding=Decimal(55000), cofunders=[Decimal(45000), Decimal(10000)])
    second = helpers.application(call, actor, two, cofunding=Decimal(40000))
    fund.do_decide(first, actor=actor, selected=True, reasons="Utile", amount=Decimal(55000), route="subvention")
    assert fund.remaining(call.pool) == Decimal(35000)
    with pytest.raises(ValidationError) as refused:
        fund.do_decide(second, actor=actor, selected=True, reasons="Utile", amount=Decimal(40000), route="subvention")
    assert "n'a plus que" in str(refused.value)
    call2 = helpers.call(org_a, actor, cap=Decimal(10000))
    with pytest.raises(ValidationError) as refused:
        fund.do_decide(helpers.application(call2, actor, one, cofunding=Decimal(20000)), actor=actor, selected=True, reasons="x",
                       amount=Decimal(20000), route="subvention")  # fmt: skip
    assert "plafonne l'aide" in str(refused.value)


@pytest.mark.django_db
def test_conflict_of_interest_blocks_scoring(org_a, members_a):
    actor = next(iter(members_a.values()))
    call = helpers.call(org_a, actor)
    one, two = helpers.carriers(org_a)
    app_one = helpers.application(call, actor, one)
    member = fund.do_add_member(call, actor=actor, name="Mme Lien", conflicts=[one])
    with pytest.raises(ValidationError) as refused:
        fund.do_score(app_one, actor=actor, member=member, values={"utilite": 5, "faisabilite": 5})
    assert "conflit d'intérêts" in str(refused.value)
    assert not app_one.scores.exists()
    app_two = helpers.application(call, actor, two)
    fund.do_score(app_two, actor=actor, member=member, values={"utilite": 4, "faisabilite": 1})
    assert fund.weighted_score(app_two) == pytest.approx((2 * 4 + 1) / 3, abs=0.01)


@pytest.mark.django_db
def test_innovative_purchase_creates_a_draft_fiche(org_a, members_a):
    actor = next(iter(members_a.values()))
    call = helpers.call(org_a, actor)
    _, two = helpers.carriers(org_a)
    application = helpers.application(call, actor, two, from_carrier=False)
    with pytest.raises(ValidationError):
        fund.do_decide(application, actor=actor, selected=True, reasons="r", amount=Decimal(30000), route="subvention")
    decision = fund.do_decide(application, actor=actor, selected=True, reasons="Besoin de la Région",
                              amount=Decimal(30000), route="achat_innovant")  # fmt: skip
    fiche = Fiche.objects.get(pk=decision.fiche_id)
    assert fiche.status == "brouillon"
    assert fiche.montant_estime == Decimal(30000)
    assert two.name in fiche.besoin
    fund.do_add_milestone(decision, actor=actor, label="Prototype", due_on=dt.date(2027, 9, 1), payment=Decimal(20000))
    with pytest.raises(ValidationError):
        fund.do_add_milestone(decision, actor=actor, label="Fin", due_on=dt.date(2027, 12, 1), payment=Decimal(20000))


@pytest.mark.django_db
def test_call_serves_strategy_objectives_and_schemes_are_a_strategy_link_kind(org_a, org_b, members_a):
    from pilote.strategie import links
    from pilote.territoire import services
    from tests.strategie import helpers as strategy_helpers

    actor = next(iter(members_a.values()))
    objective, *_indicators = strategy_helpers.objective(org_a, actor)
    call = helpers.call(org_a, actor)
    call2 = fund.do_open_call(org_a, actor=actor, pool=call.pool, title="Appel lié", objectives=[objective],
                              eligibility="Tous", opens_on=dt.date(2027, 1, 1), closes_on=dt.date(2027, 2, 1),
                              criteria=helpers.CRITERIA)  # fmt: skip
    assert list(call2.objectives.all()) == [objective]
    kind = links.kind("dispositif")
    scheme = services.do_add_scheme(org_a, actor=actor, row={
        "id": "3f2b8c1e-1111-4222-8333-944455556666", "titre": "Aide aux recycleries", "description": "Réemploi",
        "eligibilite": "Associations", "types_aides": "financement", "porteurs": '[{"nom": "Région", "roles": []}]',
        "cibles": "associations", "eligibilite_geographique": "REG-28", "date_mise_a_jour": "2026-12-01T00:00:00Z",
    })  # fmt: skip
    assert kind.resolve(org_a, scheme.uid) == "Dispositif : Aide aux recycleries"
    with pytest.raises(ValidationError):
        kind.resolve(org_b, scheme.uid)


def _pool(org, actor, rule, *, per_initiative=Decimal(20000), per_contributor=Decimal(5000)):
    pool = fund.do_create_pool(org, actor=actor, name=f"Fonds {rule}", matching_rule=rule,
                               cap_per_initiative=per_initiative, cap_per_contributor=per_contributor)  # fmt: skip
    for contributor in ("Région", "Département", "Banque", "Fondation", "Métropole", "Mutuelle"):
        fund.do_add_contribution(pool, actor=actor, contributor=contributor, amount=per_contributor)
    return pool


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "cofunders", "allowed"),
    [
        # one for one: 3 000 + 4 000 raised, matched euro for euro
        (MatchingRule.UN_POUR_UN, ["3000", "4000"], Decimal(7000)),
        # one for one, but each co-funder counts up to the 5 000 € cap per contributor: 5 000 + 1 000
        (MatchingRule.UN_POUR_UN, ["9000", "1000"], Decimal(6000)),
        # capped: 6 × 4 000 = 24 000 raised, the fund adds at most its 20 000 € cap per initiative
        (MatchingRule.PLAFONNE, ["4000", "4000", "4000", "4000", "4000", "4000"], Decimal(20000)),
        # quadratic: four gifts of 900 → (4 × 30)² − 3 600 = 10 800
        (MatchingRule.QUADRATIQUE, ["900", "900", "900", "900"], Decimal(10800)),
        # quadratic: one gift alone is not matched at all
        (MatchingRule.QUADRATIQUE, ["3600"], Decimal(0)),
    ],
)
def test_matching_rule_limits_the_grant(org_a, members_a, rule, cofunders, allowed):
    actor = members_a[next(iter(members_a))]
    pool = _pool(org_a, actor, rule)
    call = helpers.call(org_a, actor)
    call.pool = pool
    call.save()
    one, _two = helpers.carriers(org_a)
    amounts = [Decimal(c) for c in cofunders]
    application = helpers.application(call, actor, one, cofunding=sum(amounts), cofunders=amounts,
                                      requested=Decimal(1000))  # fmt: skip
    assert rules.grant_limit(pool, application.contributions()) == allowed
    with pytest.raises(ValidationError) as refused:
        fund.do_decide(
            application, actor=actor, selected=True, reasons="Utile", amount=allowed + 1, route="subvention"
        )
    message = " ".join(refused.value.messages)
    assert pool.get_matching_rule_display() in message
    assert rules.euros(allowed) in message
    assert rules.euros(pool.cap_per_initiative) in message
    assert not Decision.objects.filter(application=application).exists()
    if allowed:
        decision = fund.do_decide(application, actor=actor, selected=True, reasons="Utile", amount=allowed,
                                  route="subvention")  # fmt: skip
        assert decision.amount == allowed


@pytest.mark.django_db
def test_matching_rule_does_not_limit_a_purchase_and_cofunders_must_add_up(org_a, members_a):
    actor = members_a[next(iter(members_a))]
    call = helpers.call(org_a, actor)
    one, two = helpers.carriers(org_a)
    purchase = helpers.application(call, actor, two, from_carrier=False, cofunding=Decimal(0))
    decision = fund.do_decide(purchase, actor=actor, selected=True, reasons="Besoin de la Région",
                              amount=Decimal(30000), route="achat_innovant")  # fmt: skip
    assert decision.fiche_id
    with pytest.raises(ValidationError) as refused:
        helpers.application(call, actor, one, cofunding=Decimal(5000), cofunders=[Decimal(1000)])
    assert "cofunders" in refused.value.message_dict


@pytest.mark.django_db
def test_milestone_report_and_done_flag(client, org_a, members_a):
    from pilote.core.enums import Role

    actor = members_a[Role.APPUI]
    client.force_login(actor)
    call = helpers.call(org_a, actor)
    one, _two = helpers.carriers(org_a)
    decision = fund.do_decide(helpers.application(call, actor, one), actor=actor, selected=True, reasons="Utile",
                              amount=Decimal(10000), route="subvention")  # fmt: skip
    milestone = fund.do_add_milestone(decision, actor=actor, label="Ouverture", due_on=dt.date(2027, 9, 1),
                                      payment=Decimal(5000))  # fmt: skip
    url = f"/o/{org_a.slug}/territoire/fil/jalons/{milestone.pk}/"
    page = client.get(f"/o/{org_a.slug}/territoire/fil/appels/{call.pk}/").content.decode()
    assert 'data-confirm="Marquer le jalon « Ouverture » comme atteint' in page
    # done without a report, or without the confirmation: refused, nothing changed
    page = client.post(url, {"atteint": "oui", "confirmation": "oui", "compte_rendu": " "}, follow=True)
    assert "sans compte rendu" in page.content.decode()
    client.post(url, {"atteint": "oui", "compte_rendu": "Local ouvert"})
    milestone.refresh_from_db()
    assert (milestone.done, milestone.report) == (False, "")
    client.post(url, {"compte_rendu": "Travaux en cours"})
    milestone.refresh_from_db()
    assert (milestone.done, milestone.report) == (False, "Travaux en cours")
    client.post(url, {"atteint": "oui", "confirmation": "oui", "compte_rendu": "Local ouvert le 1er septembre"})
    milestone.refresh_from_db()
    assert (milestone.done, milestone.report) == (True, "Local ouvert le 1er septembre")
    # the report can still be completed; the milestone stays done
    client.post(url, {"compte_rendu": "Local ouvert ; 40 visiteurs"})
    milestone.refresh_from_db()
    assert milestone.done
    assert "40 visiteurs" in milestone.report
    with pytest.raises(ValidationError):
        fund.do_follow_milestone(milestone, actor=actor, report="x", done=False)
