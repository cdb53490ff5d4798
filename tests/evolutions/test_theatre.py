from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from pilote.core.enums import Role
from pilote.evolutions import theatre
from pilote.evolutions.models import Modification, TheatreSession
from tests.evolutions import helpers


ROLES = [("mediateur", "Claire", "Tenir le temps"), ("fournisseur", "Paul", "Obtenir +60 000 € sans clause")]


@pytest.fixture
def buyer(members_a):
    return members_a[Role.ACHETEUR]


def test_a_session_checks_each_proposal_against_the_register_without_signing(org_a, buyer):
    reg = helpers.register(org_a, buyer)  # commune, awarded by the CAO: 5 % opinion
    with pytest.raises(ValidationError) as error:
        theatre.do_open_session(org_a, actor=buyer, title="S", agenda="A", roles=ROLES[1:], register=reg)
    assert "roles" in error.value.message_dict
    session = theatre.do_open_session(org_a, actor=buyer, title="S", agenda="Activer", roles=ROLES, register=reg)
    supplier = session.roles.get(kind="fournisseur")
    flagged = theatre.do_table_proposal(session, actor=buyer, role=supplier, ground="supplementaires",
                                        amount_delta=Decimal("450000"), text="Tout le lot B")  # fmt: skip
    assert {i["code"] for i in flagged.issues} == {"cinquante", "cao"}
    ok = theatre.do_table_proposal(session, actor=buyer, role=supplier, ground="faible_montant",
                                   amount_delta=Decimal("20000"), text="Menuiseries")  # fmt: skip
    assert ok.issues == []
    assert not Modification.objects.exists()


def test_rehearsal_uses_a_fictitious_contract(org_a, buyer):
    session = theatre.do_open_session(org_a, actor=buyer, title="Formation", agenda="A", roles=ROLES, rehearsal=True)
    assert session.register is None
    entry = theatre.do_table_proposal(session, actor=buyer, role=None, ground="faible_montant",
                                      amount_delta=Decimal("60000"), text="x")  # fmt: skip
    assert entry.issues[0]["code"] == "faible_montant"  # 60 000 ≥ 10 % of the fictitious 500 000


def test_theatre_pages(org_a, buyer):
    client = Client()
    client.force_login(buyer)
    base = f"/o/{org_a.slug}/evolutions/theatre/"
    roles = "mediateur | Claire | Tenir le temps\nfournisseur | Paul | Demander +10 %"
    assert client.post(base + "nouvelle/", {"title": "S", "agenda": "A", "roles": roles}).status_code == 400
    done = client.post(base + "nouvelle/", {"title": "S", "agenda": "A", "roles": roles, "rehearsal": "on"})
    assert done.status_code == 302
    session = TheatreSession.objects.get()
    role = session.roles.get(kind="fournisseur")
    page = client.post(f"{base}{session.pk}/propositions/", {"role": role.pk, "ground": "supplementaires",
                                                              "amount_delta": "300000", "text": "Lot complet"},
                       follow=True)  # fmt: skip
    assert "R. 2194-3" in page.content.decode()
    assert "Demander +10 %" not in client.get(f"{base}{session.pk}/").content.decode()  # private: not on screen
    client.post(f"{base}{session.pk}/notes/", {"text": "Accord sur 20 000 €"})
    assert "Accord sur 20 000 €" in client.get(f"{base}{session.pk}/").content.decode()


def test_the_mediator_activates_the_clause_in_session(org_a, buyer):
    from pilote.evolutions import services

    reg = helpers.register(org_a, buyer)
    clause = services.do_create_evolution_clause(org_a, actor=buyer, register=reg, **helpers.clause_fields())
    session = theatre.do_open_session(org_a, actor=buyer, title="S", agenda="Activer", roles=ROLES, register=reg,
                                      clause=clause)  # fmt: skip
    client = Client()
    client.force_login(buyer)
    url = f"/o/{org_a.slug}/evolutions/theatre/{session.pk}/activer/"
    over = {"activation-description": "Indice +9 %", "activation-amount_delta": "70000",
            "activation-dated": "2025-10-01"}  # fmt: skip
    refused = client.post(url, over)
    assert refused.status_code == 400
    assert "plafond" in refused.content.decode()
    assert not Modification.objects.exists()
    assert not session.entries.exists()
    done = client.post(url, over | {"activation-amount_delta": "60000"})
    assert done.status_code == 302
    modification = Modification.objects.get()
    assert (modification.ground, modification.clause, modification.amount_delta) == ("clause", clause, 60000)
    entry = session.entries.get()
    assert entry.role.kind == "mediateur"
    assert "modification n° 1" in entry.text
    assert any(i["code"] == "cao" for i in entry.issues)  # 60 000 > 5 % of 800 000 awarded by the CAO
    page = client.get(f"/o/{org_a.slug}/evolutions/theatre/{session.pk}/").content.decode()
    assert "L. 1414-4" in page


def test_a_rehearsal_cannot_activate_a_real_clause(org_a, buyer):
    session = theatre.do_open_session(org_a, actor=buyer, title="F", agenda="A", roles=ROLES, rehearsal=True)
    with pytest.raises(ValidationError):
        theatre.do_activate_in_session(session, actor=buyer, amount_delta=Decimal("1"), dated=None, description="x")


def test_a_private_brief_is_read_only_by_whoever_holds_the_role(org_a, members_a):
    holder, other = members_a[Role.ACHETEUR], members_a[Role.ADMIN]
    roles = [("mediateur", holder.email.upper(), "Tenir le temps"), ("fournisseur", "Paul (invité)", "Viser +10 %")]
    session = theatre.do_open_session(org_a, actor=holder, title="S", agenda="A", roles=roles, rehearsal=True)
    mediator, supplier = session.roles.get(kind="mediateur"), session.roles.get(kind="fournisseur")
    assert mediator.member == holder
    assert supplier.member is None
    base = f"/o/{org_a.slug}/evolutions/theatre/"
    mine, theirs = Client(), Client()
    mine.force_login(holder)
    theirs.force_login(other)
    assert "Tenir le temps" in mine.get(f"{base}{session.pk}/ma-consigne/").content.decode()
    other_page = theirs.get(f"{base}{session.pk}/ma-consigne/").content.decode()
    assert "Tenir le temps" not in other_page
    assert "Viser +10 %" not in other_page
    assert theirs.get(f"{base}roles/{mediator.pk}/").status_code == 404  # no address for another player's brief
    # The guest's per-player link: the token is stored hashed, a wrong or replaced token is a 404.
    response = mine.post(f"{base}roles/{supplier.pk}/lien/", follow=True)
    link = next(str(m) for m in response.context["messages"]).rsplit(" ", 1)[-1]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    supplier.refresh_from_db()
    assert supplier.token_hash == theatre.token_hash(token)
    assert token not in supplier.token_hash
    guest = Client()
    page = guest.get(f"/evolutions/consigne/{token}/")
    assert page.status_code == 200
    assert "Viser +10 %" in page.content.decode()
    assert "Tenir le temps" not in page.content.decode()
    assert guest.get(f"/evolutions/consigne/{token}x/").status_code == 404
    theatre.do_issue_guest_link(supplier, actor=holder)
    assert guest.get(f"/evolutions/consigne/{token}/").status_code == 404  # replaced
    with pytest.raises(ValidationError):
        theatre.do_issue_guest_link(mediator, actor=holder)  # a member's role has no guest link
