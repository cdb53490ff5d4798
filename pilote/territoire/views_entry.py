"""Entering by hand (support service): an actor, a support scheme. Thin: permission, form, service; each field's
error shown in French on the territory page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.territoire import entry, permissions as perms, services
from pilote.territoire.views_fund import _report


def _home(request):
    return redirect("territoire:home", slug=request.organisation.slug)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def actor_create(request):
    form = entry.ActorForm(request.POST)
    try:
        if form.is_valid():
            created = services.do_create_actor(request.organisation, actor=request.user, data=form.actor_data())
            messages.success(request, f"Acteur « {created.name} » enregistré (n° {created.pk}).")
        else:
            _report(request, form)
    except ValidationError as error:
        _report(request, error=error)
    return _home(request)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def scheme_create(request):
    form = entry.SchemeForm(request.POST)
    try:
        if form.is_valid():
            scheme = services.do_add_scheme(request.organisation, actor=request.user, row=form.row())
            messages.success(request, f"Dispositif « {scheme.titre} » enregistré.")
        else:
            _report(request, form)
    except ValidationError as error:
        _report(request, error=error)
    return _home(request)
