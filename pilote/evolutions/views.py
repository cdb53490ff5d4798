"""Views of the modification register: the registers of the organisation, one register with its live counters,
proposals checked before signature, opinions, signature, DECP block and publication; the red flags."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.contracts import buyers, modifications as data
from pilote.core.permissions import organisation_view
from pilote.evolutions import decp, permissions as perms, rules, services
from pilote.evolutions.forms import FromDataForm, OpinionForm, ProposalForm, PublishForm, RegisterForm
from pilote.evolutions.legal import MODIFICATION_ARTICLES, SUBSTANTIAL_TESTS, articles_in_force
from pilote.evolutions.models import EvolutionClause, Modification, Negotiation, Register, Status, TheatreSession
from pilote.strategie.models import Jury
from pilote.ui.forms import submit


def _register(request, registre_id) -> Register:
    return get_object_or_404(Register, pk=registre_id, organisation=request.organisation)


def _modification(request, modification_id) -> Modification:
    return get_object_or_404(
        Modification.objects.select_related("register", "clause"),
        pk=modification_id,
        register__organisation=request.organisation,
    )


def _to_register(request, register):
    return redirect("evolutions:register", slug=request.organisation.slug, registre_id=register.pk)


@organisation_view(*perms.CAN_VIEW)
def home(request):
    return _home_page(request)


def _home_page(request, status=200, **forms):
    organisation = request.organisation
    context = {
        "organisation": organisation,
        "registers": Register.objects.filter(organisation=organisation),
        "clauses": EvolutionClause.objects.filter(organisation=organisation).select_related("register"),
        "negotiations": Negotiation.objects.filter(organisation=organisation),
        "sessions": TheatreSession.objects.filter(organisation=organisation),
        "modified": data.modified_contracts(organisation.sirets, limit=50),
        "form": forms.get("form") or RegisterForm(),
        "data_form": forms.get("data_form") or FromDataForm(),
        "can_edit": request.roles & perms.CAN_EDIT,
    }
    return render(request, "evolutions/home.html", context, status=status)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def register_create(request):
    form = RegisterForm(request.POST)
    opened = submit(form, lambda data: services.do_open_register(request.organisation, actor=request.user, **data))
    if opened.ok:
        return _to_register(request, opened.result)
    return _home_page(request, status=400, form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def register_from_data(request):
    form = FromDataForm(request.POST)
    opened = submit(
        form, lambda data: services.do_open_register_from_data(request.organisation, actor=request.user, **data)
    )
    if opened.ok:
        return _to_register(request, opened.result)
    return _home_page(request, status=400, data_form=form)


def _rows(register):
    """Each modification with its DECP block, the block's validation and its publication deadline."""
    rows, kept = [], []
    for mod in register.modifications.prefetch_related("opinions"):
        row = {"m": mod, "deadline": rules.publication_deadline(mod.dated), "opinions": list(mod.opinions.all())}
        if mod.status in (Status.SIGNEE, Status.IMPORTEE):
            kept.append(mod)
            row["total"] = rules.new_total(register, kept)
        if mod.status == Status.SIGNEE:
            block = decp.block(mod)
            row["block"], row["block_errors"] = json.dumps(block, indent=2, ensure_ascii=False), decp.errors(block)
            row["late"] = (mod.published_on or mod.dated) > row["deadline"]
        row["needs"] = sorted(rules.opinions_needed(mod.issues) - {o.body for o in row["opinions"]})
        rows.append(row)
    return rows


def _register_page(request, register, status=200, **forms):
    kind = request.organisation.kind
    context = {
        "organisation": request.organisation,
        "register": register,
        "counters": rules.counters(register, services.counted(register), kind),
        "cao_applies": rules.cao_applies(register, kind),
        "rows": _rows(register),
        "articles": articles_in_force(MODIFICATION_ARTICLES),
        "tests": SUBSTANTIAL_TESTS,
        "proposal_form": forms.get("proposal_form") or ProposalForm(),
        "opinion_form": forms.get("opinion_form") or _opinion_form(request),
        "publish_form": PublishForm(),
        "can_edit": request.roles & perms.CAN_EDIT,
    }
    return render(request, "evolutions/register.html", context, status=status)


def _opinion_form(request, data=None):
    return OpinionForm(data, juries=Jury.objects.filter(organisation=request.organisation))


@organisation_view(*perms.CAN_VIEW)
def register_detail(request, registre_id):
    return _register_page(request, _register(request, registre_id))


@organisation_view(*perms.CAN_EDIT)
@require_POST
def modification_propose(request, registre_id):
    register = _register(request, registre_id)
    form = ProposalForm(request.POST)

    def propose(data):
        fields = {k: v for k, v in data.items() if not k.startswith("r7_")}
        fields["new_titulaire"] = fields["new_titulaire"] or ""
        return services.do_propose_modification(
            register, actor=request.user, substantial_answers=form.answers(), **fields
        )

    if submit(form, propose).ok:
        messages.success(request, "Modification enregistrée.")
        return _to_register(request, register)
    return _register_page(request, register, status=400, proposal_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def opinion_add(request, modification_id):
    modification = _modification(request, modification_id)
    form = _opinion_form(request, request.POST)
    if submit(form, lambda data: services.do_record_opinion(modification, actor=request.user, **data)).ok:
        messages.success(request, "Avis enregistré.")
        return _to_register(request, modification.register)
    return _register_page(request, modification.register, status=400, opinion_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def modification_sign(request, modification_id):
    modification = _modification(request, modification_id)
    try:
        services.do_sign_modification(modification, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Modification n° {modification.rank} signée.")
    return _to_register(request, modification.register)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def modification_publish(request, modification_id):
    modification = _modification(request, modification_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date de publication (JJ/MM/AAAA).")
        return _to_register(request, modification.register)
    try:
        services.do_publish_modification(modification, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Publication enregistrée.")
    return _to_register(request, modification.register)


@organisation_view(*perms.CAN_VIEW)
def modification_decp(request, modification_id):
    modification = _modification(request, modification_id)
    if modification.status != Status.SIGNEE:
        return HttpResponse("Seule une modification signée a un bloc DECP.", status=404, content_type="text/plain")
    body = json.dumps(decp.block(modification), indent=2, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@organisation_view(*perms.CAN_VIEW)
def red_flags(request):
    organisation = request.organisation
    peers = buyers.national_peers(organisation)
    context = {
        "organisation": organisation,
        "own": data.red_flags(organisation.sirets),
        "peers": data.red_flags(sorted(peers["sirets"])) if peers else None,
        "peer_label": peers["libelle"] if peers else "",
        "flags": data.FLAGS,
    }
    return render(request, "evolutions/red_flags.html", context)
