import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from pilote.clauses.models import Clause, ClauseKind
from pilote.core.enums import Role
from pilote.evolutions import negotiation as service
from pilote.evolutions.models import Claim, Dispatch, Negotiation
from tests.evolutions import helpers


@pytest.fixture
def buyer(members_a):
    return members_a[Role.ACHETEUR]


def test_questions_go_to_every_bidder_identically_or_not_at_all(org_a, buyer):
    negotiation = service.do_create_negotiation(
        org_a, actor=buyer, title="Nettoyage", bidders=["A", "B"], questions=[("insertion", "Heures ?")]
    )
    first = negotiation.bidders.first()
    with pytest.raises(ValidationError, match=r"R\. 2161-17"):
        service.do_send_questions(negotiation, actor=buyer, bidder_ids=[first.pk])
    assert not Dispatch.objects.exists()
    ids = list(negotiation.bidders.values_list("pk", flat=True))
    assert service.do_send_questions(negotiation, actor=buyer, bidder_ids=ids) == 1
    assert {(d.bidder.name, d.text) for d in Dispatch.objects.all()} == {("A", "Heures ?"), ("B", "Heures ?")}
    with pytest.raises(ValidationError):
        service.do_create_negotiation(org_a, actor=buyer, title="X", bidders=["A"], questions=[("insertion", "Q")])


def test_claims_need_evidence_and_a_commitment_becomes_a_followed_clause(org_a, buyer):
    negotiation = helpers.negotiation_with_claims(org_a, buyer)
    bidder = negotiation.bidders.first()
    with pytest.raises(ValidationError, match="sans preuve"):
        service.do_record_claim(bidder, actor=buyer, criterion="distance", value=Decimal(12), evidence=" ")
    with pytest.raises(ValidationError, match="Aucune question"):
        service.do_record_claim(bidder, actor=buyer, criterion="siae_ess", value=Decimal(12), evidence="x")
    rows = service.comparison(negotiation)
    assert [[c.value for c in r["cells"]] for r in rows] == [[Decimal(1200), Decimal(900)]]
    claim = Claim.objects.get(bidder=bidder)
    commitment = service.do_accept_commitment(claim, actor=buyer, indicator="Heures d'insertion réalisées")
    assert commitment.library_clause.kind == ClauseKind.CONDITION_SOCIALE
    assert Clause.objects.filter(organisation=org_a, pk=commitment.library_clause_id).exists()
    with pytest.raises(ValidationError):
        service.do_accept_commitment(claim, actor=buyer, indicator="x")
    service.do_record_achieved(commitment, actor=buyer, achieved=Decimal(1100), measured_on=dt.date(2026, 12, 31))
    assert (commitment.promised, commitment.achieved) == (Decimal(1200), Decimal(1100))


def test_negotiation_pages(org_a, buyer):
    client = Client()
    client.force_login(buyer)
    base = f"/o/{org_a.slug}/evolutions/negociations/"
    bad = client.post(base + "nouvelle/", {"title": "T", "bidders": "A\nB", "questions": "inconnu | Q"})
    assert bad.status_code == 400
    assert "Ligne 1" in bad.content.decode()
    ok = client.post(base + "nouvelle/", {"title": "T", "bidders": "A\nB", "questions": "insertion | Heures ?"})
    assert ok.status_code == 302
    negotiation = Negotiation.objects.get()
    one = client.post(f"{base}{negotiation.pk}/envoyer/", {"bidders": [negotiation.bidders.first().pk]}, follow=True)
    assert "R. 2161-17" in one.content.decode()
    client.post(
        f"{base}{negotiation.pk}/envoyer/", {"bidders": list(negotiation.bidders.values_list("pk", flat=True))}
    )
    assert Dispatch.objects.count() == 2
    nothing = client.post(f"{base}{negotiation.pk}/allegations/", {
        "bidder": negotiation.bidders.first().pk, "criterion": "insertion", "value": "800", "evidence": ""})  # fmt: skip
    assert nothing.status_code == 400
    assert "sans preuve" in nothing.content.decode()
