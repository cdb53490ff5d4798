"""The 23 k€ agreement threshold counts money and kind together: a commons initiative that is an actor of the
territory (same SIRET, SIREN or RNA, or an explicit link) gets the cash grants the organisation attributed to it
in the year added to its in-kind support; others' grants are shown, not counted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pilote.communs import funding, services
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.territoire.models import Actor, Application, Call, Decision, Grant, Pool
from tests.communs import helpers


pytestmark = pytest.mark.django_db

RNA = "W141000001"


@pytest.fixture
def actor(members_a):
    return members_a[Role.APPUI]


@pytest.fixture
def repair(org_a, actor):
    return helpers.initiative(org_a, actor, name="Repair café de Caen", kind="association", rna=RNA)


@pytest.fixture
def territory_actor(org_a):
    return Actor.objects.create(organisation=org_a, name="REPAIR CAFE CAEN", rna=RNA)


def _grant(org, montant, *, on=dt.date(2026, 4, 2), attribuant_siret=None, **fields):
    values = {
        "organisation": org,
        "source": "scdl",
        "attribuant_nom": "Organisation A",
        "attribuant_siret": org.sirets[0] if attribuant_siret is None else attribuant_siret,
        "beneficiaire_nom": "Repair café",
        "objet": "Fonctionnement",
        "montant": Decimal(montant),
        "date_convention": on,
    }
    return Grant.objects.create(**(values | fields))


def _in_kind(org, actor, initiative, euros_per_day):
    """One approved booking of a day of equipment valued at `euros_per_day`."""
    tool = helpers.tool(
        org, actor, credit_price=0, valuation_rate=Decimal(euros_per_day), name=f"Outil {euros_per_day}"
    )
    start, end = helpers.slot(hours=20)
    booking = services.do_request_booking(tool, initiative, starts_at=start, ends_at=end, purpose="x", actor=actor)
    services.do_approve_booking(booking, actor=actor)


def test_cash_grants_of_the_organisation_count_with_kind(org_a, actor, repair, territory_actor):
    _in_kind(org_a, actor, repair, "10000")
    assert not funding.year_support(repair, 2026).agreement_needed  # 10 000 € in kind alone
    _grant(org_a, "15000", beneficiary=territory_actor)
    _grant(org_a, "5000", beneficiary=territory_actor, attribuant_nom="État", attribuant_siret="11000201100044")
    _grant(org_a, "40000", beneficiary=territory_actor, on=dt.date(2025, 6, 1))  # another year
    support = funding.year_support(repair, 2026)
    assert support.actor == territory_actor
    assert (support.kind_eur, support.cash_eur, support.other_cash_eur) == (
        Decimal("10000.00"),
        Decimal("15000"),
        Decimal("5000"),
    )
    assert support.total_eur == Decimal("25000.00")
    assert support.agreement_needed
    assert [g["counted"] for g in support.grants] == [True, False]


def test_threshold_is_strictly_above_23000(org_a, actor, repair, territory_actor):
    _in_kind(org_a, actor, repair, "8000")
    _grant(org_a, "15000", beneficiary=territory_actor)
    assert funding.year_support(repair, 2026).total_eur == Decimal("23000.00")
    assert not funding.year_support(repair, 2026).agreement_needed
    _grant(org_a, "0.01", beneficiary=territory_actor)
    assert funding.year_support(repair, 2026).agreement_needed


def test_matching_by_siret_or_siren_and_by_grant_identifiers(org_a, actor):
    siret = "35600000000048"
    initiative = helpers.initiative(org_a, actor, name="Atelier vélo", siret=siret)
    assert funding.year_support(initiative, 2026).actor is None
    # An actor known by its SIREN only (the legal person): recognised.
    known = Actor.objects.create(organisation=org_a, name="ATELIER VELO", siren=siret[:9])
    assert funding.linked_actor(initiative) == known
    # A grant row not linked to the actor but naming another establishment of the same SIREN: counted.
    _grant(org_a, "1200", beneficiaire_id="35600000000055")
    assert funding.year_support(initiative, 2026).cash_eur == Decimal("1200")


def test_an_initiative_without_actor_counts_kind_only(org_a, actor):
    jardin = helpers.initiative(org_a, actor)
    _grant(org_a, "30000", rna=RNA)
    support = funding.year_support(jardin, 2026)
    assert (support.actor, support.cash_eur, support.grants) == (None, Decimal(0), [])


def test_explicit_link_follows_merges(org_a, actor):
    jardin = helpers.initiative(org_a, actor, name="Jardin partagé des Lilas")
    kept = Actor.objects.create(organisation=org_a, name="Les Lilas (association)")
    duplicate = Actor.objects.create(organisation=org_a, name="Association des Lilas", merged_into=kept)
    _grant(org_a, "9000", beneficiary=duplicate)
    _grant(org_a, "1000", beneficiary=kept)
    jardin = funding.do_link_territory_actor(jardin, territory_actor=duplicate, actor=actor)
    support = funding.year_support(jardin, 2026)
    assert support.actor == kept
    assert support.cash_eur == Decimal("10000")
    assert AuditEvent.objects.filter(verb="communs.acteur_lie").count() == 1


def test_explicit_link_is_checked(org_a, org_b, members_a, actor, repair):
    elsewhere = Actor.objects.create(organisation=org_b, name="Ailleurs")
    with pytest.raises(ValidationError, match="n'appartient pas au territoire"):
        funding.do_link_territory_actor(repair, territory_actor=elsewhere, actor=actor)
    with pytest.raises(PermissionDenied):
        funding.do_link_territory_actor(repair, territory_actor=None, actor=members_a[Role.ACHETEUR])


def test_subsidies_of_the_local_fund_count_once(org_a, actor, repair, territory_actor):
    pool = Pool.objects.create(
        organisation=org_a, name="FIL", matching_rule="un_pour_un", cap_per_initiative=50000, cap_per_contributor=1000
    )
    call = Call.objects.create(
        organisation=org_a,
        pool=pool,
        title="Appel 2026",
        eligibility="Associations",
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 3, 1),
        criteria=[],
    )
    application = Application.objects.create(
        call=call, carrier=territory_actor, title="Atelier mobile", summary="…", budget=30000, requested=20000
    )
    decision = Decision.objects.create(
        application=application,
        selected=True,
        reasons="Retenue",
        amount=Decimal("20000"),
        route="subvention",
        decided_on=dt.date(2026, 4, 10),
    )
    # The fund's SCDL export imported back into the territory's grants: the same subsidy, not counted twice.
    _grant(org_a, "20000", beneficiary=territory_actor, reference=f"FIL-{decision.pk}")
    _in_kind(org_a, actor, repair, "4000")
    support = funding.year_support(repair, 2026)
    assert support.cash_eur == Decimal("20000")
    assert [g["source"] for g in support.grants] == ["fonds d'initiatives locales"]
    assert support.agreement_needed  # 20 000 + 4 000


def _url(name, org, **kwargs):
    return reverse(f"communs:{name}", kwargs={"slug": org.slug, **kwargs})


def test_the_page_shows_the_breakdown_and_the_alert(client, org_a, members_a, actor, repair, territory_actor):
    _in_kind(org_a, actor, repair, "9000")
    _grant(org_a, "14500", beneficiary=territory_actor, objet="Ateliers de quartier")
    client.force_login(members_a[Role.ELU])
    page = client.get(_url("initiative", org_a, initiative_id=repair.pk) + "?annee=2026").content.decode()
    assert 'id="valeur-annee">9000,00 €' in page
    assert 'id="numeraire-annee">14500,00 €' in page
    assert 'id="soutien-total">23500,00 €' in page
    assert "convention obligatoire" in page
    assert "Ateliers de quartier" in page
    assert "REPAIR CAFE CAEN" in page


def test_link_through_the_page(client, org_a, members_a, actor):
    jardin = helpers.initiative(org_a, actor, name="Jardin partagé des Lilas")
    lilas = Actor.objects.create(organisation=org_a, name="Association du jardin des Lilas")
    client.force_login(members_a[Role.APPUI])
    page = client.get(_url("initiative", org_a, initiative_id=jardin.pk)).content.decode()
    assert "Association du jardin des Lilas" in page  # a candidate: shares « Jardin » and « Lilas »
    url = _url("initiative_actor_link", org_a, initiative_id=jardin.pk)
    assert client.post(url, {"territory_actor": lilas.pk}).status_code == 302
    jardin.refresh_from_db()
    assert jardin.actor == lilas
    client.force_login(members_a[Role.AGENT])
    assert client.post(url, {"territory_actor": ""}).status_code == 403
