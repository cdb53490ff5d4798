"""The fiche visa workflow: per-role transitions, guards, event trail, e-mails, decision with clauses."""

import pytest

from pilote.clauses.models import Clause
from pilote.core.enums import Role
from pilote.fiches import workflow
from pilote.fiches.models import Fiche, FicheEvent, Status
from pilote.fiches.services import do_transition, do_update_fiche
from tests.fiches.factories import environmental_clauses, make_fiche


pytestmark = pytest.mark.django_db


def fire(fiche, name, user, role, **kwargs):
    kwargs.setdefault("confirmed", True)  # the confirmation step itself is tested in test_decision.py
    return do_transition(fiche, name, actor=user, roles={role}, **kwargs)


def test_transitions_table_is_consistent():
    targets = {t.target for t in workflow.TRANSITIONS.values()}
    assert targets == set(Status) - {Status.BROUILLON}
    # Only the agent submits, only the support service reviews and decides.
    assert workflow.TRANSITIONS["soumettre"].roles == {Role.AGENT}
    for name in ("instruire", "demander_reprise", "viser", "viser_reserves", "refuser", "rouvrir"):
        assert workflow.TRANSITIONS[name].roles == {Role.APPUI}


def test_full_journey_with_resubmission(org_a, members_a, django_capture_on_commit_callbacks, mailoutbox):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    fiche = make_fiche(org_a, author=agent)
    with django_capture_on_commit_callbacks(execute=True):
        fiche = fire(fiche, "soumettre", agent, Role.AGENT)
    assert fiche.status == Status.SOUMISE
    assert fiche.review_deadline is not None
    assert [m.to for m in mailoutbox] == [[appui.email]]
    fiche = fire(fiche, "instruire", appui, Role.APPUI)
    with django_capture_on_commit_callbacks(execute=True):
        fiche = fire(fiche, "demander_reprise", appui, Role.APPUI, comment="Précisez les heures d'insertion.")
    assert fiche.status == Status.A_REPRENDRE
    assert mailoutbox[-1].to == [agent.email]
    assert "Précisez les heures" in mailoutbox[-1].body
    fiche = fire(fiche, "soumettre", agent, Role.AGENT)
    fiche = fire(fiche, "instruire", appui, Role.APPUI)
    clause = Clause.objects.get(organisation=None, title__startswith="Clause d'insertion")
    with django_capture_on_commit_callbacks(execute=True):
        fiche = fire(
            fiche,
            "viser_reserves",
            appui,
            Role.APPUI,
            comment="Sous réserve d'allotir.",
            retained_clauses=[clause, *environmental_clauses()],
        )
    # The decision goes to the author and to the buyers, who will run the consultation.
    assert sorted(mailoutbox[-1].to) == sorted([agent.email, members_a[Role.ACHETEUR].email])
    assert fiche.status == Status.VISEE_RESERVES
    assert clause in fiche.retained_clauses.all()
    trail = list(FicheEvent.objects.filter(fiche=fiche).values_list("from_status", "to_status"))
    assert trail[-1] == (Status.EN_INSTRUCTION, Status.VISEE_RESERVES)
    assert len([t for t in trail if t[1] == Status.SOUMISE]) == 2


@pytest.mark.parametrize("role", [Role.ACHETEUR, Role.ELU, Role.ADMIN, Role.APPUI])
def test_only_agent_submits(org_a, members_a, role):
    fiche = make_fiche(org_a, author=members_a[Role.AGENT])
    with pytest.raises(workflow.TransitionRefused, match="rôle"):
        fire(fiche, "soumettre", members_a[role], role)
    assert Fiche.objects.get(pk=fiche.pk).status == Status.BROUILLON


def test_agent_cannot_decide_and_state_is_checked(org_a, members_a):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    fiche = make_fiche(org_a, author=agent)
    with pytest.raises(workflow.TransitionRefused):
        fire(fiche, "viser", agent, Role.AGENT)
    with pytest.raises(workflow.TransitionRefused, match="n'est pas possible"):
        fire(fiche, "viser", appui, Role.APPUI)  # still a draft
    assert FicheEvent.objects.filter(fiche=fiche).count() == 1  # only the creation


def test_refusal_and_reserves_need_a_comment(org_a, members_a):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    fiche = fire(make_fiche(org_a, author=agent), "soumettre", agent, Role.AGENT)
    fiche = fire(fiche, "instruire", appui, Role.APPUI)
    for name in ("refuser", "viser_reserves", "demander_reprise"):
        with pytest.raises(workflow.TransitionRefused, match="motif est obligatoire"):
            fire(fiche, name, appui, Role.APPUI, comment="  ")
    assert Fiche.objects.get(pk=fiche.pk).status == Status.EN_INSTRUCTION


def test_unconfirmed_cpv_blocks_submission(org_a, members_a):
    agent = members_a[Role.AGENT]
    fiche = make_fiche(org_a, author=agent, code_cpv_confirme=False)
    with pytest.raises(workflow.TransitionRefused, match="CPV"):
        fire(fiche, "soumettre", agent, Role.AGENT)


def test_stale_transition_is_refused(org_a, members_a):
    agent = members_a[Role.AGENT]
    fiche = make_fiche(org_a, author=agent)
    with pytest.raises(workflow.TransitionRefused, match="changé entre-temps"):
        do_transition(fiche, "soumettre", actor=agent, roles={Role.AGENT}, revision=fiche.revision - 1)


def test_submitted_fiche_is_frozen_and_edits_are_diffed(org_a, members_a):
    agent = members_a[Role.AGENT]
    fiche = make_fiche(org_a, author=agent)
    do_update_fiche(fiche, actor=agent, roles={Role.AGENT}, fields={"objet": "Nettoyage et vitrerie"}, revision=1)
    event = FicheEvent.objects.filter(fiche=fiche, verb="modifiee").get()
    assert event.payload["modifications"] == {
        "objet": ["Nettoyage des locaux administratifs", "Nettoyage et vitrerie"]
    }
    fiche.refresh_from_db()
    fire(fiche, "soumettre", agent, Role.AGENT)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="plus modifiable"):
        do_update_fiche(fiche, actor=agent, roles={Role.AGENT}, fields={"objet": "Autre"}, revision=fiche.revision + 1)


def test_clause_of_another_organisation_cannot_be_retained(org_a, org_b, members_a):
    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    foreign = Clause.objects.create(organisation=org_b, kind="condition_sociale", title="Clause de B", text="…")
    fiche = fire(make_fiche(org_a, author=agent), "soumettre", agent, Role.AGENT)
    fiche = fire(fiche, "instruire", appui, Role.APPUI)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        fire(fiche, "viser", appui, Role.APPUI, retained_clauses=[foreign])
    assert Fiche.objects.get(pk=fiche.pk).status == Status.EN_INSTRUCTION


def test_overdue_reminders_once_a_day(org_a, members_a, django_capture_on_commit_callbacks, mailoutbox):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    agent, appui = members_a[Role.AGENT], members_a[Role.APPUI]
    fiche = fire(make_fiche(org_a, author=agent, objet="Achat oublié"), "soumettre", agent, Role.AGENT)
    Fiche.objects.filter(pk=fiche.pk).update(review_deadline=timezone.localdate() - timedelta(days=2))
    make_fiche(org_a, author=agent, objet="Brouillon sans échéance")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("fiches", "relances")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("fiches", "relances")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [appui.email]
    assert "Achat oublié" in mailoutbox[0].body
    assert "Brouillon sans échéance" not in mailoutbox[0].body
