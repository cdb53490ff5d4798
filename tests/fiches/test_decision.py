"""The visa enforces what the panel lists: one obligations rule, a justification for a visa that leaves one
unmet (recorded, on the PDF, in the statistics), a confirmation step before every irreversible action,
reopening by the support service, drafts with only an object, the assigned instructor, the reason at the top."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from pilote.clauses.models import Clause, ClauseKind
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.fiches import completeness, obligations, stats, workflow
from pilote.fiches.models import Fiche, FicheEvent, Status
from pilote.fiches.services import Incomplete, do_assign_reviewer, do_create_fiche, do_transition
from tests.core.factories import MembershipFactory
from tests.fiches.factories import environmental_clauses, make_fiche


pytestmark = pytest.mark.django_db
AFTER_ART35 = date(2027, 3, 1)


def in_review(org, members, **overrides):
    agent, appui = members[Role.AGENT], members[Role.APPUI]
    fiche = make_fiche(org, author=agent, date_lancement=AFTER_ART35, **overrides)
    do_transition(fiche, "soumettre", actor=agent, roles={Role.AGENT})
    return do_transition(fiche, "instruire", actor=appui, roles={Role.APPUI})


def codes(items):
    return [o.code for o in items]


# --- the one rule -----------------------------------------------------------------------------------------


def test_obligations_depend_on_date_amount_food_and_lots():
    common = {"nature": "services", "buyer_kind": "region", "code_cpv": "90911200", "segment": None}
    before = obligations.applicable(montant=Decimal(50000), on=date(2026, 8, 21), alloti=True, **common)
    assert [o.level for o in before] == ["info"]  # art. 35 announced, nothing enforced yet
    after = obligations.applicable(montant=Decimal(50000), on=date(2026, 8, 22), alloti=True, **common)
    assert codes(o for o in after if o.mandatory) == ["art35_critere", "art35_condition"]
    big = obligations.applicable(montant=Decimal(300000), on=AFTER_ART35, alloti=False, **common)
    assert codes(o for o in big if o.mandatory) == ["art35_critere", "art35_condition", "sociale_ue", "lot_unique"]
    # Just under the 2026-2027 EU threshold of local authorities (216 000 €): no social condition enforced.
    under = obligations.applicable(montant=Decimal(215999), on=AFTER_ART35, alloti=True, **common)
    assert "sociale_ue" not in codes(under)
    food = obligations.applicable(montant=None, on=AFTER_ART35, alloti=True, **common | {"code_cpv": "55523100"})
    assert "egalim" in codes(food)


def test_unmet_reads_clause_kinds_egalim_and_the_single_lot_justification():
    items = obligations.applicable(
        montant=Decimal(300000),
        nature="services",
        buyer_kind="region",
        on=AFTER_ART35,
        code_cpv="55523100",
        segment=None,
        alloti=False,
    )
    assert codes(obligations.unmet(items, clauses=[])) == [
        "art35_critere",
        "art35_condition",
        "sociale_ue",
        "egalim",
        "lot_unique",
    ]
    clauses = [
        Clause(kind=ClauseKind.CRITERE_ENVIRONNEMENTAL, title="Critère"),
        Clause(kind=ClauseKind.CONDITION_ENVIRONNEMENTALE, title="Produits durables et de qualité (Egalim)"),
        Clause(kind=ClauseKind.CONDITION_SOCIALE, title="Insertion"),
    ]
    assert obligations.unmet(items, clauses=clauses, justification_lot_unique="Un seul site.") == []


def test_the_panel_and_the_visa_use_the_same_rule(client, org_a, members_a):
    fiche = in_review(org_a, members_a, montant_estime=Decimal(300000))
    client.force_login(members_a[Role.APPUI])
    page = client.get(f"/o/{org_a.slug}/fiches/{fiche.pk}/").content.decode()
    for item in obligations.for_fiche(fiche):
        if item.mandatory:
            assert escape(item.text) in page
    assert page.count("non remplie") >= 3  # criterion, condition, social condition: nothing retained yet


# --- the visa enforces it ---------------------------------------------------------------------------------


def test_visa_with_an_unmet_obligation_is_refused_without_justification(org_a, members_a):
    fiche = in_review(org_a, members_a)
    appui = members_a[Role.APPUI]
    with pytest.raises(workflow.TransitionRefused, match="Critère d'attribution environnemental"):
        do_transition(fiche, "viser", actor=appui, roles={Role.APPUI}, confirmed=True)
    assert Fiche.objects.get(pk=fiche.pk).status == Status.EN_INSTRUCTION
    fiche = do_transition(
        fiche, "viser", actor=appui, roles={Role.APPUI}, justification="Critère sans objet ici.", confirmed=True
    )
    assert fiche.status == Status.VISEE
    assert [o["code"] for o in fiche.obligations_non_remplies] == ["art35_critere", "art35_condition"]
    assert fiche.justification_obligations == "Critère sans objet ici."
    event = FicheEvent.objects.filter(fiche=fiche, verb="viser").get()
    assert event.payload["obligations_non_remplies"] == ["art35_critere", "art35_condition"]
    assert event.payload["justification"] == "Critère sans objet ici."


def test_visa_meeting_every_obligation_needs_no_justification(org_a, members_a):
    fiche = in_review(org_a, members_a)
    fiche = do_transition(
        fiche,
        "viser",
        actor=members_a[Role.APPUI],
        roles={Role.APPUI},
        retained_clauses=environmental_clauses(),
        justification="ignorée",
        confirmed=True,
    )
    assert fiche.obligations_non_remplies == []
    assert fiche.justification_obligations == ""


def test_refusal_needs_no_obligation_but_a_reason(org_a, members_a):
    fiche = in_review(org_a, members_a)
    appui = members_a[Role.APPUI]
    with pytest.raises(workflow.TransitionRefused, match="motif est obligatoire"):
        do_transition(fiche, "refuser", actor=appui, roles={Role.APPUI}, confirmed=True)
    fiche = do_transition(
        fiche, "refuser", actor=appui, roles={Role.APPUI}, comment="Besoin non fondé.", confirmed=True
    )
    assert fiche.status == Status.REFUSEE


def test_justification_is_on_the_pdf_and_in_the_statistics(client, org_a, members_a):
    fiche = in_review(org_a, members_a)
    fiche = do_transition(
        fiche,
        "viser",
        actor=members_a[Role.APPUI],
        roles={Role.APPUI},
        justification="Marché subséquent d'un accord-cadre antérieur à la loi.",
        confirmed=True,
    )
    figures = stats.obligations_justified(org_a)
    assert figures["visas"] == 1
    assert figures["justified"] == 1
    assert {row["text"] for row in figures["by_obligation"]} == {
        "Critère d'attribution environnemental obligatoire.",
        "Condition d'exécution environnementale obligatoire.",
    }
    client.force_login(members_a[Role.APPUI])
    page = client.get(f"/o/{org_a.slug}/fiches/statistiques/").content.decode()
    assert "Obligations non remplies au visa, justifiées" in page
    from django.template.loader import render_to_string

    html = render_to_string(
        "fiches/pdf.html",
        {
            "fiche": fiche,
            "events": fiche.events.all(),
            "retained": [],
            "obligations": obligations.checklist(fiche, []),
        },
    )
    assert "Marché subséquent d&#x27;un accord-cadre antérieur à la loi." in html
    assert "Obligations non remplies au visa" in html


# --- confirmation step ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["viser", "viser_reserves", "refuser", "demander_reprise"])
def test_service_refuses_an_irreversible_action_without_confirmation(org_a, members_a, name):
    fiche = in_review(org_a, members_a)
    with pytest.raises(workflow.TransitionRefused, match="Confirmez"):
        do_transition(
            fiche,
            name,
            actor=members_a[Role.APPUI],
            roles={Role.APPUI},
            comment="Motif",
            retained_clauses=environmental_clauses(),
        )
    assert Fiche.objects.get(pk=fiche.pk).status == Status.EN_INSTRUCTION


def test_confirmation_page_then_confirmed_post(client, org_a, members_a):
    fiche = in_review(org_a, members_a)
    client.force_login(members_a[Role.APPUI])
    url = f"/o/{org_a.slug}/fiches/{fiche.pk}/viser/"
    clauses = [str(c.pk) for c in environmental_clauses()]
    data = {"revision": fiche.revision, "comment": "Bon dossier.", "retained_clauses": clauses}
    page = client.post(url, data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ce qui va se passer" in text
    assert "Confirmer : Donner le visa" in text
    assert Fiche.objects.get(pk=fiche.pk).status == Status.EN_INSTRUCTION  # nothing written yet
    client.post(url, data | {"confirm": "1"})
    fiche.refresh_from_db()
    assert fiche.status == Status.VISEE
    assert set(map(str, fiche.retained_clauses.values_list("pk", flat=True))) == set(clauses)


def test_unmet_obligation_refused_before_the_confirmation_page(client, org_a, members_a):
    fiche = in_review(org_a, members_a)
    client.force_login(members_a[Role.APPUI])
    response = client.post(f"/o/{org_a.slug}/fiches/{fiche.pk}/viser/", {"revision": fiche.revision}, follow=True)
    assert "obligations non remplies" in response.content.decode()
    assert "Ce qui va se passer" not in response.content.decode()


def test_support_service_reopens_a_decided_fiche_with_a_reason(org_a, members_a):
    fiche = in_review(org_a, members_a)
    appui = members_a[Role.APPUI]
    fiche = do_transition(fiche, "refuser", actor=appui, roles={Role.APPUI}, comment="Hors budget.", confirmed=True)
    with pytest.raises(workflow.TransitionRefused, match="motif"):
        do_transition(fiche, "rouvrir", actor=appui, roles={Role.APPUI}, confirmed=True)
    with pytest.raises(workflow.TransitionRefused, match="rôle"):
        do_transition(fiche, "rouvrir", actor=members_a[Role.ACHETEUR], roles={Role.ACHETEUR}, comment="x")
    fiche = do_transition(
        fiche, "rouvrir", actor=appui, roles={Role.APPUI}, comment="Budget voté en DM.", confirmed=True
    )
    assert fiche.status == Status.EN_INSTRUCTION
    assert fiche.decided_at is None
    assert AuditEvent.objects.filter(verb="fiche.rouvrir", organisation=org_a).count() == 1


# --- drafts and completeness ------------------------------------------------------------------------------


def test_draft_saved_with_only_an_object(client, org_a, members_a):
    client.force_login(members_a[Role.AGENT])
    response = client.post(f"/o/{org_a.slug}/fiches/nouvelle/", {"objet": "Achat de vélos", "nature": "fournitures"})
    assert response.status_code == 302
    fiche = Fiche.objects.get()
    assert fiche.montant_estime is None
    assert fiche.code_cpv == ""
    assert fiche.date_lancement is None
    page = client.get(response["Location"]).content.decode()
    assert "Pour soumettre la fiche, il manque" in page
    assert f"/fiches/{fiche.pk}/modifier/#id_montant_estime" in page


def test_submission_lists_what_is_missing(org_a, members_a):
    agent = members_a[Role.AGENT]
    fiche = do_create_fiche(org_a, actor=agent, fields={"objet": "Achat de vélos", "urgence": True})
    with pytest.raises(Incomplete) as refused:
        do_transition(fiche, "soumettre", actor=agent, roles={Role.AGENT})
    fields = [item.field for item in refused.value.missing]
    assert fields == [
        "service_demandeur",
        "besoin",
        "montant_estime",
        "methode_estimation",
        "duree_mois",
        "code_cpv",
        "date_lancement",
        "justification_lot_unique",
        "motif_urgence",
    ]
    assert "Indiquez le montant estimé." in str(refused.value)
    assert Fiche.objects.get(pk=fiche.pk).status == Status.BROUILLON
    assert completeness.missing(make_fiche(org_a, author=agent)) == []


def test_unknown_cpv_refused_even_in_a_draft(org_a, members_a):
    with pytest.raises(ValidationError, match="nomenclature"):
        do_create_fiche(org_a, actor=members_a[Role.AGENT], fields={"objet": "x", "code_cpv": "12345678"})


# --- instructor and reason --------------------------------------------------------------------------------


def test_assign_an_instructor_from_the_support_service(client, org_a, members_a):
    fiche = make_fiche(org_a, author=members_a[Role.AGENT])
    other_appui = MembershipFactory(organisation=org_a, role=Role.APPUI).user
    with pytest.raises(ValidationError, match="service d'appui"):
        do_assign_reviewer(fiche, actor=members_a[Role.APPUI], reviewer=members_a[Role.ACHETEUR])
    client.force_login(members_a[Role.APPUI])
    client.post(f"/o/{org_a.slug}/fiches/{fiche.pk}/instructeur/", {"reviewer": other_appui.pk})
    assert Fiche.objects.get(pk=fiche.pk).reviewer == other_appui
    assert FicheEvent.objects.filter(fiche=fiche, verb="instructeur").count() == 1
    page = client.get(f"/o/{org_a.slug}/fiches/{fiche.pk}/").content.decode()
    assert f"Instructeur : {other_appui}" in page
    make_fiche(org_a, author=members_a[Role.AGENT], objet="Fiche sans instructeur")
    client.force_login(other_appui)
    mine = client.get(f"/o/{org_a.slug}/fiches/?instructeur=moi").content.decode()
    assert fiche.reference in mine
    assert "Fiche sans instructeur" not in mine
    # Taking the fiche into review keeps the instructor named beforehand.
    agent = members_a[Role.AGENT]
    do_transition(fiche, "soumettre", actor=agent, roles={Role.AGENT})
    fiche = do_transition(fiche, "instruire", actor=members_a[Role.APPUI], roles={Role.APPUI})
    assert fiche.reviewer == other_appui


def test_send_back_reason_at_the_top_of_the_fiche(client, org_a, members_a):
    fiche = in_review(org_a, members_a)
    do_transition(
        fiche,
        "demander_reprise",
        actor=members_a[Role.APPUI],
        roles={Role.APPUI},
        comment="Précisez <b>les heures</b> d'insertion.",
        confirmed=True,
    )
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/fiches/{fiche.pk}/").content.decode()
    top = page[: page.index("fiche-layout")]
    assert "Compléments demandés" in top
    assert "Précisez &lt;b&gt;les heures&lt;/b&gt; d&#x27;insertion." in top
