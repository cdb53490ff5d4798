"""The jurors' space, reached by a personal link (no account): the public documents of the jury's mandate (the
strategy's public content, the revision being consulted and its diff) and the juror's own opinion. A wrong, revoked
or expired token is a 404, like an unknown page; requests are counted per address (throttles). The support service
creates and revokes the links from the jury's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.strategie import cockpit, juror_space, permissions as perms, throttles
from pilote.strategie.forms import JurorOpinionForm
from pilote.strategie.models import JurorOpinion, JuryMember
from pilote.ui.forms import add_service_errors


def _access(request, jeton):
    if not throttles.guest_allowed(request, "jure"):
        return None, HttpResponse(throttles.TOO_MANY, status=429, content_type="text/plain; charset=utf-8")
    access = juror_space.access_for(jeton)
    if access is None or access.member.jury.strategy is None:
        raise Http404("Lien inconnu, révoqué ou expiré.")
    return access, None


def _version(strategy, number):
    versions = strategy.versions.all()
    if number and str(number).isdigit():
        return versions.filter(number=int(number)).first() or versions.first()
    return versions.first()


def juror_space_view(request, jeton):
    access, refused = _access(request, jeton)
    if refused:
        return refused
    strategy = access.member.jury.strategy
    version = _version(strategy, request.POST.get("version") or request.GET.get("version"))
    form = JurorOpinionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            juror_space.do_record_juror_opinion(access, version=version, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Votre avis est enregistré ; vous pouvez le modifier jusqu'à la fin du mandat.")
            return redirect(reverse("strategie:juror_space", kwargs={"jeton": jeton}) + f"?version={version.number}")
    if form.errors:
        status = 400
    mine = JurorOpinion.objects.filter(member=access.member, version=version).first() if version else None
    if mine and request.method != "POST":
        form = JurorOpinionForm(initial={"verdict": mine.verdict, "reasons": mine.reasons})
    context = cockpit.cockpit(strategy) | {
        "organisation": strategy.organisation,
        "public": True,
        "jury": access.member.jury,
        "form": form,
        "mine": mine,
        "jeton": jeton,
    }
    context["consulted"] = next((v for v in context["versions"] if v["version"] == version), None)
    return render(request, "strategie/juror_space.html", context, status=status)


def _member(request, membre_jury_id) -> JuryMember:
    return get_object_or_404(JuryMember, pk=membre_jury_id, jury__organisation=request.organisation)


@organisation_view(*perms.CAN_MANAGE_JURY)
@require_POST
def juror_link_issue(request, membre_jury_id):
    member = _member(request, membre_jury_id)
    try:
        token = juror_space.do_issue_juror_link(member, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        url = request.build_absolute_uri(reverse("strategie:juror_space", kwargs={"jeton": token}))
        messages.success(
            request,
            f"Lien personnel du membre n° {member.rank}, affiché une seule fois (à lui transmettre) : {url}",
        )
    return redirect("strategie:jury", slug=request.organisation.slug, jury_id=member.jury_id)


@organisation_view(*perms.CAN_MANAGE_JURY)
@require_POST
def juror_link_revoke(request, membre_jury_id):
    member = _member(request, membre_jury_id)
    try:
        juror_space.do_revoke_juror_link(member, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Lien du membre n° {member.rank} révoqué.")
    return redirect("strategie:jury", slug=request.organisation.slug, jury_id=member.jury_id)
