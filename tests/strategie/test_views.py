from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client

from pilote.core.enums import Role
from pilote.strategie import juries, queries, sessions
from pilote.strategie.models import ScenarioItem
from tests.strategie import helpers


@pytest.fixture
def buyer(members_a):
    return members_a[Role.ACHETEUR]


def _item_post(**overrides):
    data = {
        "axis": "Achats",
        "lever": "Allotir",
        "kind": "marche",
        "label": "Lot légumes bio",
        "nature": "fournitures",
        "annual_amount": "20000",
        "start_year": "2027",
        "end_year": "2029",
    }
    return data | overrides


def test_guest_joins_by_code_amends_and_sees_the_comparison(org_a, buyer):
    session, _mediator, scenario, (local, _social) = helpers.session_with_scenario(org_a, buyer)
    guest = Client()
    assert guest.get(f"/atelier/{session.join_code}/").status_code == 302  # not a participant yet: join first
    response = guest.post(
        f"/atelier/{session.join_code}/rejoindre/", {"name": "Inès", "role": "citoyen", "table": "Table 2"}
    )
    assert response.status_code == 302
    page = guest.get(f"/atelier/{session.join_code}/")
    assert page.status_code == 200
    assert "Inès · Citoyen · Table 2" in page.content.decode()
    response = guest.post(
        f"/atelier/{session.join_code}/scenarios/{scenario.pk}/instruments/",
        _item_post(**{f"effet_{local.key}": "8"}),
    )
    assert response.status_code == 302
    item = ScenarioItem.objects.get(label="Lot légumes bio")
    assert item.added_by.name == "Inès"
    assert item.effects == {local.key: 8.0}
    comparison = guest.get(f"/atelier/{session.join_code}/comparaison/").content.decode()
    assert "70 000 €" in comparison
    assert 'hx-trigger="every 3s"' in comparison
    # a guest is not the mediator
    guest.post(f"/atelier/{session.join_code}/clore-le-tour/")
    session.refresh_from_db()
    assert session.round_number == 1


def test_bad_instrument_answers_a_french_error_and_saves_nothing(org_a, buyer, client):
    session, _mediator, scenario, _ = helpers.session_with_scenario(org_a, buyer)
    client.force_login(buyer)
    url = f"/atelier/{session.join_code}/scenarios/{scenario.pk}/instruments/"
    response = client.post(
        url, _item_post(kind="subvention", beneficiary_initiative="on", ordered_by_organisation="on")
    )
    assert response.status_code == 400
    assert "c&#x27;est un marché public" in response.content.decode()
    response = client.post(url, _item_post(annual_amount="900000"))
    assert response.status_code == 400
    assert "au-delà de l&#x27;enveloppe" in response.content.decode()
    assert scenario.items.count() == 1


def test_a_guest_token_opens_only_its_own_session(org_a, buyer):
    first, *_ = helpers.session_with_scenario(org_a, buyer)
    objective = first.objective
    second = sessions.do_open_session(org_a, actor=buyer, objective=objective, title="Autre", envelope=Decimal(1000))
    guest = Client()
    guest.post(f"/atelier/{first.join_code}/rejoindre/", {"name": "Inès", "role": "citoyen", "table": "T"})
    assert guest.get(f"/atelier/{first.join_code}/").status_code == 200
    assert guest.get(f"/atelier/{second.join_code}/").status_code == 302
    assert guest.get(f"/atelier/{second.join_code}/comparaison/").status_code == 403
    assert Client().get("/atelier/INCONNU1/").status_code == 404


def test_members_join_as_themselves_and_the_mediator_closes_the_round(org_a, buyer, members_a, client):
    session, _mediator, _scenario, _ = helpers.session_with_scenario(org_a, buyer)
    client.force_login(members_a[Role.ELU])
    client.post(f"/atelier/{session.join_code}/rejoindre/", {"name": "Denis", "role": "elu", "table": "T"})
    assert session.participants.get(name="Denis").user == members_a[Role.ELU]
    client.force_login(buyer)
    client.post(f"/atelier/{session.join_code}/clore-le-tour/")
    session.refresh_from_db()
    assert session.round_number == 2


def test_public_view_only_when_published_and_without_personal_data(org_a, buyer, client):
    strategy, _ = helpers.finished_strategy(org_a, buyer)
    url = f"/public/{org_a.slug}/strategies/{strategy.pk}/"
    assert Client().get(url).status_code == 404
    client.force_login(buyer)
    client.post(
        f"/o/{org_a.slug}/strategie/strategies/{strategy.pk}/commentaires/", {"stance": "accord", "text": "Très bien"}
    )
    client.post(f"/o/{org_a.slug}/strategie/strategies/{strategy.pk}/publier/", {"is_public": "1"})
    jury = helpers.jury(org_a, buyer, strategy=strategy, quotas=[])
    helpers.volunteers(jury, buyer, n_women=3, n_men=2)
    juries.do_publish_seed(jury, actor=buyer, seed="graine-publique")
    page = Client().get(url).content.decode()
    assert "Marché de denrées bio allotié" in page
    assert juries.sortition.commitment("graine-publique") in page  # the seed's fingerprint is public before the draw
    assert "graine-publique" not in page
    assert "Femme 0" not in page
    assert buyer.last_name not in page
    assert buyer.email not in page
    assert "Très bien" not in page


def test_board_pdf_and_escaped_user_text(org_a, buyer, client):
    session, mediator, _scenario, _ = helpers.session_with_scenario(org_a, buyer)
    sessions.do_add_note(session, participant=mediator, text="<script>alert(1)</script>")
    html = render_to_string(
        "strategie/board_pdf.html",
        {
            "session": session,
            "specs": queries.specs(session.objective),
            "rows": queries.scenario_scores(session),
            "notes": session.notes.all(),
        },
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    client.force_login(buyer)
    response = client.get(f"/o/{org_a.slug}/strategie/seances/{session.pk}/plateau.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_cockpit_shows_targets_manual_results_and_revisions(org_a, buyer, client):
    strategy, (local, _social) = helpers.finished_strategy(org_a, buyer)
    client.force_login(buyer)
    base = f"/o/{org_a.slug}/strategie"
    response = client.post(
        f"{base}/indicateurs/{local.pk}/resultats/",
        {"strategy": strategy.pk, "year": 2025, "value": 24, "source": "Bilan 2025"},
    )
    assert response.status_code == 302
    response = client.post(f"{base}/strategies/{strategy.pk}/reviser/", {"rationale": "Rien"})
    assert response.status_code == 400
    assert "Rien n&#x27;a changé" in response.content.decode()
    client.post(f"{base}/strategies/{strategy.pk}/instruments/", _item_post(label="Marché d'insertion", kind="marche"))
    client.post(f"{base}/strategies/{strategy.pk}/reviser/", {"rationale": "Ajouter l'insertion"})
    page = client.get(f"{base}/strategies/{strategy.pk}/").content.decode()
    assert "source : Bilan 2025" in page
    assert "Version 2" in page
    assert "Ajouté : Achats › Allotir › Marché d&#x27;insertion" in page
    assert "données des contrats non importées" in page


def test_jury_pages_refuse_a_quota_no_draw_can_meet(org_a, members_a, client):
    appui = members_a[Role.APPUI]
    client.force_login(appui)
    base = f"/o/{org_a.slug}/strategie"
    form = {
        "title": "Jury",
        "mandate": "Avis",
        "term_start": "2027-01-01",
        "term_end": "2027-12-31",
        "size": "3",
        "quotas": "genre ; femme ; x ; 2",
        "purpose": "Tirage",
        "retention_until": "2028-06-30",
    }
    response = client.post(f"{base}/nouveau-jury/", form)
    assert response.status_code == 200
    assert "Ligne 1 : écrivez « catégorie ; valeur ; minimum ; maximum »" in response.content.decode()
    response = client.post(f"{base}/nouveau-jury/", form | {"quotas": "genre ; femme ; 2 ; 2"})
    jury = org_a.juries.get()
    assert response.status_code == 302
    client.post(f"{base}/jurys/{jury.pk}/volontaires/", {"name": "Anne", "strate_0": "femme", "consent": "on"})
    response = client.post(f"{base}/jurys/{jury.pk}/graine/", {"seed": "graine-publique-2027"})
    assert response.status_code == 400
    assert (
        "Strate « genre = femme » : au moins 2 membres demandés, 1 volontaire(s) seulement."
        in response.content.decode()
    )
    jury.refresh_from_db()
    assert jury.seed_commitment == ""
    assert client.get(f"{base}/jurys/{jury.pk}/").status_code == 200
    client.force_login(members_a[Role.ELU])
    assert client.get(f"{base}/jurys/{jury.pk}/").status_code == 403


def test_malformed_ids_are_not_found_not_a_server_error(org_a, buyer, client):
    strategy, (local, _social) = helpers.finished_strategy(org_a, buyer)
    session = strategy.source_scenario.session
    client.force_login(buyer)
    response = client.post(f"/o/{org_a.slug}/strategie/indicateurs/{local.pk}/resultats/", {"strategy": "abc"})
    assert response.status_code == 404
    response = client.post(f"/atelier/{session.join_code}/decision/", {"scenario": "abc"})
    assert response.status_code == 302  # the session is over: a French message, no server error


def test_lever_weight_counts_in_the_strategy_progress(org_a, buyer, client):
    strategy, _ = helpers.finished_strategy(org_a, buyer)
    lever = strategy.axes.first().levers.first()
    client.force_login(buyer)
    response = client.post(f"/o/{org_a.slug}/strategie/leviers/{lever.pk}/poids/", {"weight": "-1"})
    assert response.status_code == 302
    lever.refresh_from_db()
    assert lever.weight == 1
    client.post(f"/o/{org_a.slug}/strategie/leviers/{lever.pk}/poids/", {"weight": "3"})
    lever.refresh_from_db()
    assert lever.weight == 3
    assert "poids 3" in client.get(f"/o/{org_a.slug}/strategie/strategies/{strategy.pk}/").content.decode()
