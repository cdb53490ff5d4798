"""Bookings: calendar conflicts, credit checks, approval with valuation, check-out, return, maintenance, reminders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from pilote.communs import funding, ledger, services
from pilote.communs.models import Booking, BookingStatus, Movement
from tests.communs import helpers


pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(org_a):
    return helpers.manager(org_a)


@pytest.fixture
def jardin(org_a, actor):
    init = helpers.initiative(org_a, actor)
    helpers.grant(init, actor, 20)
    return init


def _request(resource, initiative, actor, **slot):
    start, end = helpers.slot(**slot)
    return services.do_request_booking(
        resource, initiative, starts_at=start, ends_at=end, purpose="atelier", actor=actor
    )


def test_approval_charges_credits_and_values_the_booking(org_a, actor, jardin):
    salle = helpers.room(org_a, actor)
    booking = services.do_approve_booking(_request(salle, jardin, actor, hours=3), actor=actor)
    assert booking.status == BookingStatus.APPROUVEE
    assert booking.credit_cost == 6  # 3 hours × 2 credits
    assert booking.value_eur == Decimal("75.00")  # 3 hours × 25 €
    assert ledger.initiative_balance(jardin) == 14
    assert ledger.trial_balance(org_a)["total"] == 0


def test_overlapping_booking_is_refused(org_a, actor, jardin):
    salle = helpers.room(org_a, actor)
    _request(salle, jardin, actor, hour=9, hours=2)
    with pytest.raises(ValidationError, match="déjà réservé"):
        _request(salle, jardin, actor, hour=10, hours=2)
    _request(salle, jardin, actor, hour=11, hours=1)  # back to back is fine
    assert Booking.objects.count() == 2


def test_not_enough_credit_is_refused_with_nothing_saved(org_a, actor, jardin):
    salle = helpers.room(org_a, actor, credit_price=15)
    with pytest.raises(ValidationError, match="Crédits insuffisants"):
        _request(salle, jardin, actor, hours=2)  # 30 credits, 20 available
    assert not Booking.objects.exists()


def test_approval_beyond_the_limit_is_refused_and_booking_untouched(org_a, actor, jardin):
    salle = helpers.room(org_a, actor, credit_price=6)
    first = _request(salle, jardin, actor, day=10, hours=2)  # 12
    second = _request(salle, jardin, actor, day=11, hours=2)  # 12 (each fits alone)
    services.do_approve_booking(first, actor=actor)
    with pytest.raises(ValidationError, match="Crédits insuffisants"):
        services.do_approve_booking(second, actor=actor)
    second.refresh_from_db()
    assert second.status == BookingStatus.DEMANDEE
    assert Movement.objects.filter(booking=second).count() == 0


def test_missing_valuation_rate_refuses_approval(org_a, actor, jardin):
    salle = helpers.room(org_a, actor, valuation_rate=None)
    booking = _request(salle, jardin, actor)
    with pytest.raises(ValidationError, match="taux de valorisation"):
        services.do_approve_booking(booking, actor=actor)
    assert ledger.initiative_balance(jardin) == 20


def test_cancelling_an_approved_booking_gives_credits_back(org_a, actor, jardin):
    salle = helpers.room(org_a, actor)
    booking = services.do_approve_booking(_request(salle, jardin, actor), actor=actor)
    services.do_refuse_booking(booking, reason="salle indisponible", actor=actor)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ANNULEE
    assert booking.value_eur == 0
    assert ledger.initiative_balance(jardin) == 20
    assert Movement.objects.filter(kind="contrepassation").count() == 1


def test_return_with_a_problem_takes_the_item_out_of_service(org_a, actor, jardin):
    washer = helpers.tool(org_a, actor, credit_price=1)
    booking = services.do_approve_booking(_request(washer, jardin, actor, hours=5), actor=actor)
    assert booking.credit_cost == 1
    assert booking.value_eur == Decimal("30.00")
    services.do_check_out(booking, condition="bon état", actor=actor)
    services.do_return_booking(booking, condition="lance fuyante", problem="La lance fuit", actor=actor)
    washer.refresh_from_db()
    assert not washer.in_service
    ticket = washer.tickets.get()
    assert ticket.booking == booking
    with pytest.raises(ValidationError, match="hors service"):
        _request(washer, jardin, actor, day=20)
    services.do_close_ticket(ticket, actor=actor)
    washer.refresh_from_db()
    assert washer.in_service
    _request(washer, jardin, actor, day=20)


def test_return_needs_the_condition(org_a, actor, jardin):
    washer = helpers.tool(org_a, actor, credit_price=1)
    booking = services.do_approve_booking(_request(washer, jardin, actor), actor=actor)
    services.do_check_out(booking, condition="", actor=actor)
    with pytest.raises(ValidationError):
        services.do_return_booking(booking, condition=" ", actor=actor)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SORTIE


def test_late_returns_get_a_reminder(org_a, actor, jardin, django_capture_on_commit_callbacks):
    washer = helpers.tool(org_a, actor, credit_price=1)
    booking = services.do_approve_booking(_request(washer, jardin, actor), actor=actor)
    services.do_check_out(booking, condition="ok", actor=actor)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_send_reminders(now=booking.ends_at - dt.timedelta(minutes=1)) == 0
        assert services.do_send_reminders(now=booking.ends_at + dt.timedelta(hours=1)) == 1
    booking.refresh_from_db()
    assert booking.reminders_sent == 1
    assert len(mail.outbox) == 1
    assert actor.email in mail.outbox[0].to


def test_in_kind_per_year_and_agreement_threshold(org_a, actor, jardin):
    salle = helpers.room(org_a, actor, credit_price=0, valuation_rate=Decimal("2000"))
    for day in (3, 4):
        services.do_approve_booking(_request(salle, jardin, actor, day=day, hours=6), actor=actor)
    assert services.in_kind_by_year(jardin) == {2026: Decimal("24000.00")}
    (row,) = services.in_kind_rows(org_a, 2026)
    assert row["total"] == Decimal("24000.00")
    assert row["count"] == 2
    assert funding.year_support(jardin, 2026).agreement_needed  # 24 000 € in kind alone
    assert services.in_kind_rows(org_a, 2025) == []


def test_booking_across_organisations_is_refused(org_a, org_b, actor, jardin):
    other_room = helpers.room(org_b, helpers.manager(org_b))
    with pytest.raises(ValidationError, match="organisations différentes"):
        _request(other_room, jardin, actor)
    assert timezone.now()
