"""Evolution clauses attached to fiches visa: only a clause of the fiche's organisation, only by the buyer or the
support service, only until the fiche is decided; every write audited; the fiche page lists them with a link."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.evolutions import fiche_clauses, services
from pilote.evolutions.audit import EvolutionsVerb
from pilote.evolutions.models import FicheClause
from pilote.fiches.models import Fiche, Status
from tests.evolutions import helpers
from tests.fiches.factories import make_fiche


@pytest.fixture
def buyer(members_a):
    return members_a[Role.ACHETEUR]


@pytest.fixture
def clause(org_a, buyer):
    return services.do_create_evolution_clause(org_a, actor=buyer, **helpers.clause_fields())


@pytest.fixture
def fiche(org_a, members_a):
    return make_fiche(org_a, author=members_a[Role.AGENT])


def _set_status(fiche, status):
    Fiche.objects.filter(pk=fiche.pk).update(status=status)
    fiche.refresh_from_db()


def test_attach_then_detach_before_visa_is_audited(fiche, clause, buyer, members_a):
    link = fiche_clauses.do_attach_evolution_clause(fiche, clause, actor=buyer)
    assert link.attached_by == buyer
    assert AuditEvent.objects.filter(verb=EvolutionsVerb.CLAUSE_RATTACHEE, payload__fiche=fiche.reference).exists()
    _set_status(fiche, Status.EN_INSTRUCTION)  # the support service may still change it while instructing
    fiche_clauses.do_detach_evolution_clause(link, actor=members_a[Role.APPUI])
    assert not FicheClause.objects.exists()
    assert AuditEvent.objects.filter(verb=EvolutionsVerb.CLAUSE_DETACHEE).count() == 1


def test_clause_of_another_organisation_is_refused(fiche, org_b, members_b, buyer):
    foreign = services.do_create_evolution_clause(org_b, actor=members_b[Role.ACHETEUR], **helpers.clause_fields())
    with pytest.raises(ValidationError, match="n'est pas une clause de l'organisation"):
        fiche_clauses.do_attach_evolution_clause(fiche, foreign, actor=buyer)
    with pytest.raises(ValidationError, match="n'est pas une clause de l'organisation"):
        fiche_clauses.do_attach_evolution_clause(fiche, None, actor=buyer)
    assert not FicheClause.objects.exists()
    assert not AuditEvent.objects.filter(verb=EvolutionsVerb.CLAUSE_RATTACHEE).exists()


@pytest.mark.parametrize("status", [Status.VISEE, Status.VISEE_RESERVES, Status.REFUSEE])
def test_no_change_once_the_fiche_is_decided(fiche, clause, buyer, status):
    link = fiche_clauses.do_attach_evolution_clause(fiche, clause, actor=buyer)
    other = services.do_create_evolution_clause(fiche.organisation, actor=buyer, **helpers.clause_fields(title="B"))
    _set_status(fiche, status)
    with pytest.raises(ValidationError, match="ne changent plus après la décision"):
        fiche_clauses.do_attach_evolution_clause(fiche, other, actor=buyer)
    with pytest.raises(ValidationError, match="ne changent plus après la décision"):
        fiche_clauses.do_detach_evolution_clause(link, actor=buyer)
    assert list(FicheClause.objects.values_list("clause_id", flat=True)) == [clause.pk]


@pytest.mark.parametrize("role", [Role.AGENT, Role.ELU, Role.ADMIN])
def test_other_roles_are_refused_by_the_service(fiche, clause, members_a, role):
    with pytest.raises(ValidationError, match="Seuls l'acheteur et le service d'appui"):
        fiche_clauses.do_attach_evolution_clause(fiche, clause, actor=members_a[role])
    assert not FicheClause.objects.exists()


def test_a_clause_is_attached_once(fiche, clause, buyer):
    fiche_clauses.do_attach_evolution_clause(fiche, clause, actor=buyer)
    with pytest.raises(ValidationError, match="déjà rattachée"):
        fiche_clauses.do_attach_evolution_clause(fiche, clause, actor=buyer)
    assert FicheClause.objects.count() == 1
    assert list(fiche_clauses.attachable(fiche)) == []


def test_fiche_page_lists_attached_clauses_and_the_forms(client, org_a, fiche, clause, buyer, members_a):
    detail = reverse("fiches:detail", args=[org_a.slug, fiche.pk])
    attach = reverse("evolutions:fiche_clause_attach", args=[org_a.slug, fiche.pk])
    client.force_login(buyer)
    page = client.get(detail).content.decode()
    assert 'id="clauses-evolution"' in page
    assert 'id="rattacher-clause"' in page
    response = client.post(attach, {"clause": clause.pk})
    assert response.status_code == 302
    assert response["Location"] == detail
    page = client.get(detail).content.decode()
    assert reverse("evolutions:clause", args=[org_a.slug, clause.pk]) in page
    assert "Détacher" in page
    assert "data-confirm=" in page
    # A bad id is refused with a French message, nothing saved.
    client.post(attach, {"clause": "abc"}, follow=True)
    assert FicheClause.objects.count() == 1
    # The author (agent) sees the list, without the forms; posting is forbidden for the role.
    client.force_login(members_a[Role.AGENT])
    page = client.get(detail).content.decode()
    assert clause.title in page
    assert 'id="rattacher-clause"' not in page
    assert "Détacher" not in page
    assert client.post(attach, {"clause": clause.pk}).status_code == 403
    # The clause's page links back to the fiche, for those who may see the fiche.
    clause_page = reverse("evolutions:clause", args=[org_a.slug, clause.pk])
    assert detail in client.get(clause_page).content.decode()
    client.force_login(members_a[Role.ELU])
    assert detail in client.get(clause_page).content.decode()


def test_detach_view_and_other_organisation(client, org_a, org_b, fiche, clause, buyer, members_b):
    link = fiche_clauses.do_attach_evolution_clause(fiche, clause, actor=buyer)
    detach = reverse("evolutions:fiche_clause_detach", args=[org_a.slug, link.pk])
    client.force_login(members_b[Role.ACHETEUR])
    assert client.post(detach).status_code == 404
    assert client.post(reverse("evolutions:fiche_clause_detach", args=[org_b.slug, link.pk])).status_code == 404
    client.force_login(buyer)
    assert client.post(detach).status_code == 302
    assert not FicheClause.objects.exists()
