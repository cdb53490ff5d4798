from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pilote.core.enums import Role
from pilote.strategie import sessions
from pilote.strategie.models import Participant, ParticipantRole
from tests.strategie import helpers


@pytest.fixture
def buyer(members_a):
    return members_a[Role.ACHETEUR]


def test_guest_token_is_scoped_to_its_session_and_stored_hashed(org_a, buyer):
    session, *_ = helpers.session_with_scenario(org_a, buyer)
    other, *_ = helpers.session_with_scenario(org_a, buyer, envelope=300_000) if False else (None,)
    guest, token = sessions.do_join_session(session, name="Inès", role=ParticipantRole.CITOYEN)
    assert token
    assert guest.token_hash != token
    assert len(guest.token_hash) == 64
    assert sessions.guest_participant(session, token) == guest
    assert sessions.guest_participant(session, token + "x") is None
    assert sessions.guest_participant(session, "") is None
    assert other is None


def test_only_the_mediator_closes_a_round_and_decides(org_a, buyer):
    session, mediator, scenario, _ = helpers.session_with_scenario(org_a, buyer)
    citizen, _token = sessions.do_join_session(session, name="Paul", role=ParticipantRole.CITOYEN)
    with pytest.raises(ValidationError, match="médiateur"):
        sessions.do_close_round(session, participant=citizen)
    closed = sessions.do_close_round(session, participant=mediator)
    assert closed.number == 1
    assert closed.scores[0]["scenario"] == "Tout marché"
    session.refresh_from_db()
    assert session.round_number == 2
    with pytest.raises(ValidationError, match="médiateur"):
        sessions.do_decide(session, participant=citizen, scenario=scenario)


def test_vote_decides_and_a_tie_asks_the_mediator(org_a, buyer):
    session, mediator, first, _ = helpers.session_with_scenario(org_a, buyer)
    second = sessions.do_create_scenario(session, participant=mediator, title="Mixte")
    sessions.do_add_item(second, participant=mediator, axis="A", lever="B", **helpers.item_fields(label="Petit lot"))
    citizen, _ = sessions.do_join_session(session, name="Paul", role=ParticipantRole.CITOYEN)
    with pytest.raises(ValidationError, match="Aucun vote"):
        sessions.do_decide(session, participant=mediator)
    sessions.do_vote(session, participant=citizen, scenario=first)
    sessions.do_vote(session, participant=mediator, scenario=second)
    with pytest.raises(ValidationError, match="Égalité"):
        sessions.do_decide(session, participant=mediator)
    sessions.do_vote(session, participant=citizen, scenario=second)  # a participant changes their vote
    session = sessions.do_decide(session, participant=mediator)
    assert session.chosen_scenario == second
    assert not session.is_open
    with pytest.raises(ValidationError, match="terminée"):
        sessions.do_create_scenario(session, participant=mediator, title="Trop tard")
    minutes = [n.text for n in session.notes.all()]
    assert any("retenu par vote" in text for text in minutes)


def test_a_member_joins_once(org_a, buyer, members_a):
    session, *_ = helpers.session_with_scenario(org_a, buyer)
    elu = members_a[Role.ELU]
    participant, token = sessions.do_join_session(session, user=elu, name="Élu", role=ParticipantRole.ELU)
    assert token == ""
    assert participant.token_hash == ""
    with pytest.raises(ValidationError, match="déjà"):
        sessions.do_join_session(session, user=elu, name="Élu", role=ParticipantRole.ELU)
    assert Participant.objects.filter(session=session).count() == 2


def test_an_empty_scenario_cannot_be_chosen(org_a, buyer):
    session, mediator, _scenario, _ = helpers.session_with_scenario(org_a, buyer)
    empty = sessions.do_create_scenario(session, participant=mediator, title="Vide")
    with pytest.raises(ValidationError, match="vide"):
        sessions.do_decide(session, participant=mediator, scenario=empty)
    assert session.envelope == Decimal(200_000)
