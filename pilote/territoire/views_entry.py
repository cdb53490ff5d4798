"""Entering by hand (support service): an actor, a support scheme. Thin: permission, form, service; each field's
error shown in French on the territory page."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.territoire import entry, permissions as perms, services
from pilote.ui.forms import errors_as_messages, submit


def _home(request):
    return redirect("territoire:home", slug=request.organisation.slug)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def actor_create(request):
    form = entry.ActorForm(request.POST)
    created = submit(
        form, lambda _data: services.do_create_actor(request.organisation, actor=request.user, data=form.actor_data())
    )
    if created.ok:
        messages.success(request, f"Acteur « {created.result.name} » enregistré (n° {created.result.pk}).")
    else:
        errors_as_messages(request, form)
    return _home(request)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def scheme_create(request):
    form = entry.SchemeForm(request.POST)
    added = submit(
        form, lambda _data: services.do_add_scheme(request.organisation, actor=request.user, row=form.row())
    )
    if added.ok:
        messages.success(request, f"Dispositif « {added.result.titre} » enregistré.")
    else:
        errors_as_messages(request, form)
    return _home(request)
