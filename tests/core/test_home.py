"""The home page says what each role has to do next: panels registered by the apps (pilote.ui.home)."""

import datetime as dt

import pytest

from pilote.core.enums import Role
from pilote.fiches.models import Fiche, Status
from pilote.fiches.services import do_transition
from pilote.recensement import services as census
from pilote.ui import home
from tests.core.factories import MembershipFactory
from tests.fiches.factories import make_fiche


pytestmark = pytest.mark.django_db


def page(client, user, organisation):
    client.force_login(user)
    response = client.get(f"/o/{organisation.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def sent_back(org, members, reason):
    fiche = make_fiche(org, author=members[Role.AGENT], objet="Nettoyage des écoles")
    fiche = do_transition(fiche, "soumettre", actor=members[Role.AGENT], roles={Role.AGENT})
    return do_transition(
        fiche, "demander_reprise", actor=members[Role.APPUI], roles={Role.APPUI}, comment=reason, confirmed=True
    )


def test_agent_sees_own_fiches_and_the_reason_of_a_send_back(client, org_a, members_a):
    sent_back(org_a, members_a, "Précisez la méthode d'estimation : le montant semble bas.")
    make_fiche(org_a, author=members_a[Role.AGENT], objet="Achat de mobilier")
    colleague = MembershipFactory(organisation=org_a, role=Role.AGENT).user
    make_fiche(org_a, author=colleague, objet="Fiche d'un collègue")
    html = page(client, members_a[Role.AGENT], org_a)
    assert "Mes fiches visa" in html
    assert "2 fiches en cours" in html
    assert "1 fiche à reprendre" in html
    assert "Précisez la méthode d&#x27;estimation : le montant semble bas." in html
    # the sent-back fiche comes first, with its next step
    assert html.index("Nettoyage des écoles") < html.index("Achat de mobilier")
    assert "à reprendre puis soumettre de nouveau" in html
    assert "Fiche d&#x27;un collègue" not in html
    # the agent is not shown the support service's queue nor the key figures
    assert "Fiches à instruire" not in html
    assert "Chiffres clés" not in html


def test_agent_without_fiche_reads_an_empty_state(client, org_a, members_a):
    html = page(client, members_a[Role.AGENT], org_a)
    assert "0 fiche en cours" in html
    assert "aucune fiche visa" in html


def test_support_service_sees_its_queue_overdue_and_reviewers(client, org_a, members_a):
    appui = members_a[Role.APPUI]
    late = make_fiche(org_a, objet="Entretien des espaces verts")
    late = do_transition(late, "soumettre", actor=late.author, roles={Role.AGENT})
    Fiche.objects.filter(pk=late.pk).update(review_deadline=dt.date(2020, 1, 2))
    taken = make_fiche(org_a, objet="Maintenance informatique")
    taken = do_transition(taken, "soumettre", actor=taken.author, roles={Role.AGENT})
    do_transition(taken, "instruire", actor=appui, roles={Role.APPUI})
    make_fiche(org_a, objet="Brouillon invisible")  # a draft is not in the queue
    html = page(client, appui, org_a)
    assert "Fiches à instruire" in html
    figures = home.home_panels(_request(org_a, appui, {Role.APPUI}))[0].context
    assert (figures["to_take"], figures["in_review"], figures["overdue"]) == (1, 1, 1)
    assert figures["by_reviewer"] == [{"name": str(appui), "count": 1}]
    assert "en retard : date limite le 02/01/2020" in html
    assert "Brouillon invisible" not in html


def test_support_service_and_agent_see_open_campaigns(client, org_a, members_a):
    census.do_open_campaign(
        org_a,
        actor=members_a[Role.APPUI],
        year=2027,
        title="Recensement des besoins 2027",
        deadline=dt.date(2099, 1, 31),
        big_purchase_threshold=90000,
        services=["Éducation", "Voirie"],
    )
    html = page(client, members_a[Role.APPUI], org_a)
    assert "Recensement des besoins 2027" in html
    assert "ouverte jusqu'au 31/01/2099" in html
    assert "2 services invités" in html
    assert "0 besoin déclaré" in html
    assert "Recensement des besoins 2027" in page(client, members_a[Role.AGENT], org_a)


def test_no_open_campaign_offers_to_open_one_to_the_support_service(client, org_a, members_a):
    html = page(client, members_a[Role.APPUI], org_a)
    assert "Aucune campagne de recensement n'est ouverte." in html
    assert f"/o/{org_a.slug}/recensement/nouvelle-campagne/" in html


def test_buyer_sees_consultations_to_come_by_launch_date(client, org_a, members_a):
    agent = members_a[Role.AGENT]
    later = make_fiche(org_a, author=agent, objet="Fourniture de papier", date_lancement=dt.date(2027, 5, 1))
    sooner = make_fiche(org_a, author=agent, objet="Travaux de toiture", date_lancement=dt.date(2027, 2, 1))
    for fiche in (later, sooner):
        do_transition(fiche, "soumettre", actor=agent, roles={Role.AGENT})
    make_fiche(org_a, author=agent, objet="Encore un brouillon")
    html = page(client, members_a[Role.ACHETEUR], org_a)
    assert "Consultations à venir" in html
    assert "2 consultations à venir" in html
    assert html.index("Travaux de toiture") < html.index("Fourniture de papier")
    assert "01/02/2027" in html
    assert "180\u202f000\u202f€ HT" in html
    assert "Encore un brouillon" not in html


def test_elected_member_sees_key_figures_or_why_not(client, org_a, members_a):
    html = page(client, members_a[Role.ELU], org_a)
    assert "Chiffres clés" in html
    assert "Aucune donnée de marchés n'a encore été importée" in html
    assert "Mes fiches visa" not in html


def test_elected_member_key_figures_come_from_the_cockpit_definitions(client, org_a, members_a, real_import, settings):
    settings.PILOTE_DATA_DIR = real_import
    from tests.core.factories import REAL_SIRETS

    org_a.buyer_entities.all().delete()
    org_a.buyer_entities.create(siret=REAL_SIRETS[1])
    html = page(client, members_a[Role.ELU], org_a)
    context = home.home_panels(_request(org_a, members_a[Role.ELU], {Role.ELU}))[0].context
    count = context["figures"][0]["valeur"].valeur
    assert context["figures"][0]["code"] == "nb_contrats"
    assert count > 0
    assert "Contrats" in html
    assert "Méthode de calcul" in html


def test_a_panel_key_registered_twice_with_another_panel_is_refused(monkeypatch):
    monkeypatch.setattr(home, "_PANELS", dict(home._PANELS))
    panel = home.HomePanel("test.x", "X", "x.html", {Role.AGENT}, lambda request: {})
    home.register_home_panel(panel)
    home.register_home_panel(panel)  # the same again: fine (ready() may run twice)
    with pytest.raises(ValueError, match="already registered"):
        home.register_home_panel(home.HomePanel("test.x", "Y", "y.html", {Role.AGENT}, lambda request: {}))


def _request(organisation, user, roles):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.organisation, request.user, request.roles = organisation, user, frozenset(roles)
    return request


def test_status_labels_cover_every_state():
    from pilote.fiches.home import NEXT_STEP

    assert set(NEXT_STEP) == set(Status)
