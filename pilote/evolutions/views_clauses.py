"""Views of the evolution clause builder: build a review clause from structured fields (checked against "claire,
précise et sans équivoque"), read it, and activate it on a contract (a proposed modification in the register)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.evolutions import permissions as perms, services
from pilote.evolutions.forms import ActivateForm, ClauseForm
from pilote.evolutions.models import EvolutionClause, Register
from pilote.fiches import permissions as fiche_perms
from pilote.fiches.models import Fiche
from pilote.ui.forms import submit


def _registers(request):
    return Register.objects.filter(organisation=request.organisation)


@organisation_view(*perms.CAN_EDIT)
def clause_create(request):
    form = ClauseForm(request.POST or None, registers=_registers(request))
    if request.method == "POST":
        created = submit(
            form, lambda data: services.do_create_evolution_clause(request.organisation, actor=request.user, **data)
        )
        if created.ok:
            messages.success(request, "Clause claire, précise et sans équivoque : enregistrée dans la bibliothèque.")
            return redirect("evolutions:clause", slug=request.organisation.slug, clause_evolution_id=created.result.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "evolutions/clause_form.html", {"form": form, "organisation": request.organisation},
                  status=status)  # fmt: skip


def _clause_page(request, clause, form=None, status=200):
    registers = _registers(request)
    if clause.register_id:
        registers = registers.filter(pk=clause.register_id)
    context = {
        "organisation": request.organisation,
        "clause": clause,
        "form": form or ActivateForm(registers=registers, initial={"register": clause.register_id}),
        "modifications": clause.modifications.select_related("register"),
        "fiche_links": _fiche_links(request, clause),
        "can_edit": request.roles & perms.CAN_EDIT,
    }
    return render(request, "evolutions/clause.html", context, status=status)


def _fiche_links(request, clause):
    """The fiches visa the clause is attached to, among those the viewer may see (an agent sees only theirs)."""
    visible = fiche_perms.visible_fiches(Fiche.objects.filter(organisation=request.organisation), request.user,
                                         request.roles)  # fmt: skip
    return clause.fiche_links.filter(fiche__in=visible).select_related("fiche")


def _clause(request, clause_evolution_id):
    return get_object_or_404(EvolutionClause, pk=clause_evolution_id, organisation=request.organisation)


@organisation_view(*perms.CAN_VIEW)
def clause_detail(request, clause_evolution_id):
    return _clause_page(request, _clause(request, clause_evolution_id))


@organisation_view(*perms.CAN_EDIT)
@require_POST
def clause_activate(request, clause_evolution_id):
    clause = _clause(request, clause_evolution_id)
    form = ActivateForm(request.POST, registers=_registers(request))

    def activate(data):
        fields = {k: v for k, v in data.items() if not k.startswith("r7_")}
        return services.do_activate_clause(clause, actor=request.user, answers=form.answers(), **fields)

    activated = submit(form, activate)
    if activated.ok:
        modification = activated.result
        messages.success(request, f"Clause activée : modification n° {modification.rank} proposée au registre.")
        return redirect("evolutions:register", slug=request.organisation.slug, registre_id=modification.register_id)
    return _clause_page(request, clause, form=form, status=400)
