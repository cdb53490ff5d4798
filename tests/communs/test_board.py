"""The co-management board: representatives, proposals, votes, majority, and what an adopted proposal does."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.communs import board, ledger, services
from pilote.communs.models import Decision, Movement, Proposal, Vote
from pilote.core.enums import Role
from tests.communs import helpers
from tests.core.factories import MembershipFactory, OrganisationFactory


pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    org = OrganisationFactory()
    actor = helpers.manager(org)
    lilas = helpers.initiative(org, actor)
    velo = helpers.initiative(org, actor, name="Atelier vélo")
    reps = {}
    for init in (lilas, velo):
        user = MembershipFactory(organisation=org, role=Role.ELU).user
        board.do_appoint_representative(init, email=user.email, actor=actor)
        reps[init.pk] = user
    return {"org": org, "actor": actor, "lilas": lilas, "velo": velo, "reps": reps}


def _allocation(s, amount=40):
    return board.do_open_proposal(
        s["org"], kind="allocation", initiative=s["lilas"], amount=amount, reasons="Fête du jardin", actor=s["actor"]
    )


def _vote(s, proposal, init, choice):
    return board.do_cast_vote(proposal, init, choice=choice, actor=s["reps"][init.pk])


def test_adopted_allocation_becomes_a_grant_by_recorded_decision(setup):
    s = setup
    proposal = _allocation(s)
    _vote(s, proposal, s["lilas"], "pour")
    _vote(s, proposal, s["velo"], "abstention")
    proposal = board.do_close_proposal(proposal, actor=s["actor"])
    assert proposal.outcome == Proposal.Outcome.ADOPTEE
    assert proposal.decision.body == Decision.Body.COMITE
    movement = Movement.objects.get(decision=proposal.decision)
    assert movement.amount == 40
    assert movement.credit.initiative == s["lilas"]
    assert "1 pour, 0 contre, 1 abstention" in proposal.decision.reasons
    assert ledger.initiative_balance(s["lilas"]) == 40
    assert ledger.trial_balance(s["org"])["total"] == 0


def test_tie_or_no_vote_rejects_and_grants_nothing(setup):
    s = setup
    proposal = _allocation(s)
    _vote(s, proposal, s["lilas"], "pour")
    _vote(s, proposal, s["velo"], "contre")
    assert board.do_close_proposal(proposal, actor=s["actor"]).outcome == Proposal.Outcome.REJETEE
    empty = board.do_close_proposal(_allocation(s), actor=s["actor"])
    assert empty.outcome == Proposal.Outcome.REJETEE
    assert empty.decision is None
    assert ledger.initiative_balance(s["lilas"]) == 0


def test_second_vote_and_vote_after_closing_are_refused(setup):
    s = setup
    proposal = _allocation(s)
    _vote(s, proposal, s["lilas"], "pour")
    with pytest.raises(ValidationError, match="a déjà voté"):
        _vote(s, proposal, s["lilas"], "contre")
    board.do_close_proposal(proposal, actor=s["actor"])
    with pytest.raises(ValidationError, match="clos"):
        _vote(s, proposal, s["velo"], "pour")
    with pytest.raises(ValidationError, match="déjà clos"):
        board.do_close_proposal(proposal, actor=s["actor"])
    assert list(Vote.objects.values_list("choice", flat=True)) == ["pour"]


def test_only_the_representative_votes_for_its_initiative(setup):
    s = setup
    proposal = _allocation(s)
    with pytest.raises(ValidationError, match="ne représentez pas"):
        board.do_cast_vote(proposal, s["velo"], choice="pour", actor=s["reps"][s["lilas"].pk])
    with pytest.raises(ValidationError, match="ne représentez pas"):
        board.do_cast_vote(proposal, s["lilas"], choice="pour", actor=s["actor"])
    assert not Vote.objects.exists()


def test_representative_must_be_a_member(setup):
    s = setup
    outsider = MembershipFactory(role=Role.ELU).user
    with pytest.raises(ValidationError, match="invitez"):
        board.do_appoint_representative(s["lilas"], email=outsider.email, actor=s["actor"])


def test_adopted_price_applies_from_its_date_and_keeps_charged_prices(setup):
    s = setup
    room = helpers.room(s["org"], s["actor"])  # 2 credits an hour
    helpers.grant(s["lilas"], s["actor"], 100)
    start, end = helpers.slot(day=10, month=3)
    before = services.do_request_booking(room, s["lilas"], starts_at=start, ends_at=end, purpose="r", actor=s["actor"])
    services.do_approve_booking(before, actor=s["actor"])
    proposal = board.do_open_proposal(
        s["org"],
        kind="prix",
        resource=room,
        new_price=5,
        effective_from=dt.date(2026, 4, 1),
        reasons="Chauffage",
        actor=s["actor"],
    )
    _vote(s, proposal, s["lilas"], "pour")
    board.do_close_proposal(proposal, actor=s["actor"])
    before.refresh_from_db()
    assert before.credit_cost == 4  # already charged: unchanged
    march = services.do_request_booking(
        room,
        s["lilas"],
        starts_at=helpers.slot(day=20)[0],
        ends_at=helpers.slot(day=20)[1],
        purpose="r",
        actor=s["actor"],
    )
    april_start, april_end = helpers.slot(day=2, month=4)
    april = services.do_request_booking(
        room, s["lilas"], starts_at=april_start, ends_at=april_end, purpose="r", actor=s["actor"]
    )
    assert march.credit_cost == 4
    assert april.credit_cost == 10
    assert services.do_approve_booking(april, actor=s["actor"]).credit_cost == 10


def test_bad_proposal_is_refused_with_a_field_message(setup):
    s = setup
    with pytest.raises(ValidationError) as error:
        board.do_open_proposal(s["org"], kind="prix", resource=None, reasons="x", actor=s["actor"])
    assert "resource" in error.value.message_dict
    assert not Proposal.objects.exists()


def test_board_page_vote_and_close_through_views(client, setup):
    s = setup
    proposal = _allocation(s, amount=25)
    rep = s["reps"][s["lilas"].pk]
    client.force_login(rep)
    page = client.get(reverse("communs:board", args=[s["org"].slug]))
    assert page.status_code == 200
    assert "Jardin partagé des Lilas" in page.content.decode()
    vote_url = reverse("communs:proposal_vote", args=[s["org"].slug, proposal.pk])
    client.post(vote_url, {"initiative": s["lilas"].pk, "choice": "pour"})
    again = client.post(vote_url, {"initiative": s["lilas"].pk, "choice": "contre"}, follow=True)
    assert "a déjà voté" in again.content.decode()
    client.force_login(s["actor"])
    client.post(reverse("communs:proposal_close", args=[s["org"].slug, proposal.pk]))
    assert ledger.initiative_balance(s["lilas"]) == 25
    late = client.post(vote_url, {"initiative": s["velo"].pk, "choice": "pour"}, follow=True)
    assert "clos" in late.content.decode()
