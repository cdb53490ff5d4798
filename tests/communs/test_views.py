"""Pages of the ressource-o-thèque: bookings through the forms, French refusals, credits, statement, export."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.communs import ledger, services
from pilote.communs.models import Booking, BookingStatus, Decision, Movement
from pilote.core.enums import Role
from tests.communs import helpers


pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org_a, members_a):
    actor = members_a[Role.APPUI]
    jardin = helpers.initiative(org_a, actor, rna="W123456789")
    helpers.grant(jardin, actor, 30)
    return {"actor": actor, "jardin": jardin, "salle": helpers.room(org_a, actor)}


def _url(name, org, **kwargs):
    return reverse(f"communs:{name}", kwargs={"slug": org.slug, **kwargs})


def test_home_says_the_credit_is_not_money(client, org_a, members_a, setup):
    client.force_login(members_a[Role.AGENT])
    page = client.get(_url("home", org_a)).content.decode()
    assert "L311-5" in page
    assert "L521-3" in page
    assert "Salle polyvalente" in page
    assert "Jardin partagé des Lilas" in page


def test_booking_request_and_conflict_through_the_form(client, org_a, members_a, setup):
    client.force_login(members_a[Role.AGENT])
    url = _url("booking_request", org_a, ressource_id=setup["salle"].pk)
    data = {
        "initiative": setup["jardin"].pk,
        "starts_at": "2026-03-10T09:00",
        "ends_at": "2026-03-10T11:00",
        "purpose": "assemblée",
    }
    assert client.post(url, data).status_code == 302
    clash = client.post(url, data | {"starts_at": "2026-03-10T10:00", "ends_at": "2026-03-10T12:00"})
    assert clash.status_code == 200
    assert "déjà réservé" in clash.content.decode()
    assert Booking.objects.count() == 1


def test_agent_cannot_approve(client, org_a, members_a, setup):
    start, end = helpers.slot()
    booking = services.do_request_booking(
        setup["salle"], setup["jardin"], starts_at=start, ends_at=end, purpose="x", actor=setup["actor"]
    )
    client.force_login(members_a[Role.AGENT])
    assert client.post(_url("booking_update", org_a, reservation_id=booking.pk, etape="approuver")).status_code == 403
    client.force_login(members_a[Role.ACHETEUR])
    client.post(_url("booking_update", org_a, reservation_id=booking.pk, etape="approuver"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROUVEE
    assert ledger.initiative_balance(setup["jardin"]) == 26


def test_unknown_step_is_not_found(client, org_a, members_a, setup):
    start, end = helpers.slot()
    booking = services.do_request_booking(
        setup["salle"], setup["jardin"], starts_at=start, ends_at=end, purpose="x", actor=setup["actor"]
    )
    client.force_login(members_a[Role.ADMIN])
    assert client.post(_url("booking_update", org_a, reservation_id=booking.pk, etape="effacer")).status_code == 404


def test_grant_by_decision_and_statement(client, org_a, members_a, setup):
    client.force_login(members_a[Role.APPUI])
    url = _url("credit_grant", org_a, initiative_id=setup["jardin"].pk)
    response = client.post(
        url,
        {
            "amount": 40,
            "body": "comite",
            "reference": "CC-7",
            "decided_on": "2026-04-01",
            "reasons": "Fête des voisins",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.filter(reference="CC-7").exists()
    page = client.get(_url("initiative", org_a, initiative_id=setup["jardin"].pk)).content.decode()
    assert "Fête des voisins" in page
    assert ">70<" in page
    bad = client.post(url, {"amount": 0, "body": "comite", "reference": "", "decided_on": "", "reasons": ""})
    assert bad.status_code == 200
    assert Decision.objects.count() == 2


def test_agent_cannot_grant(client, org_a, members_a, setup):
    client.force_login(members_a[Role.AGENT])
    url = _url("credit_grant", org_a, initiative_id=setup["jardin"].pk)
    response = client.post(
        url, {"amount": 40, "body": "comite", "reference": "X", "decided_on": "2026-04-01", "reasons": "x"}
    )
    assert response.status_code == 403
    assert ledger.initiative_balance(setup["jardin"]) == 30


def test_reverse_through_the_page(client, org_a, members_a, setup):
    client.force_login(members_a[Role.APPUI])
    movement = Movement.objects.get()
    client.post(_url("movement_reverse", org_a, ecriture_id=movement.pk), {"reason": "doublon"})
    assert ledger.initiative_balance(setup["jardin"]) == 0
    trial = client.get(_url("trial_balance", org_a)).content.decode()
    assert 'id="total-balance">0<' in trial


def test_return_with_ticket_through_the_page(client, org_a, members_a, setup):
    washer = helpers.tool(org_a, setup["actor"], credit_price=1)
    start, end = helpers.slot()
    booking = services.do_request_booking(
        washer, setup["jardin"], starts_at=start, ends_at=end, purpose="x", actor=setup["actor"]
    )
    client.force_login(members_a[Role.ACHETEUR])
    for step, data in [
        ("approuver", {}),
        ("remettre", {"condition": "neuf"}),
        ("rendre", {"condition": "abîmé", "problem": "tuyau percé"}),
    ]:
        client.post(_url("booking_update", org_a, reservation_id=booking.pk, etape=step), data)
    washer.refresh_from_db()
    assert not washer.in_service
    assert washer.tickets.get().description == "tuyau percé"


def test_public_catalogue_only_when_published(client, org_a, setup):
    setup["salle"].is_public = True
    setup["salle"].save()
    helpers.tool(org_a, setup["actor"])  # not public
    url = reverse("communs:public_catalogue", kwargs={"slug": org_a.slug})
    assert client.get(url).status_code == 404
    org_a.is_public = True
    org_a.save()
    page = client.get(url).content.decode()
    assert "Salle polyvalente" in page
    assert "Nettoyeur" not in page


def test_scdl_preview_names_initiatives_without_identifier(client, org_a, members_a, setup):
    collectif = helpers.initiative(org_a, setup["actor"], name="Collectif sans statut")
    helpers.grant(collectif, setup["actor"], 30)
    start, end = helpers.slot()
    for init in (setup["jardin"], collectif):
        booking = services.do_request_booking(
            setup["salle"], init, starts_at=start, ends_at=end, purpose="x", actor=setup["actor"]
        )
        services.do_approve_booking(booking, actor=setup["actor"])
        start, end = start.replace(day=11), end.replace(day=11)
    client.force_login(members_a[Role.ACHETEUR])
    page = client.get(_url("scdl_export", org_a) + "?annee=2026&apercu=1").content.decode()
    assert "Collectif sans statut" in page
    assert "ni SIRET ni numéro RNA" in page
    assert Decimal("50.00") == services.in_kind_by_year(setup["jardin"])[2026]
