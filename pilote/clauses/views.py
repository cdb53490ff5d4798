"""Views of the segment guides and the clause library. Thin: permission, form, service, redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from pilote.clauses import permissions as perms
from pilote.clauses.forms import ClauseForm, GuideForm, SegmentForm
from pilote.clauses.models import Clause, ClauseKind, SegmentGuide
from pilote.clauses.panels import segment_panels
from pilote.clauses.queries import clauses_for, guide_for, segments_for
from pilote.clauses.services import GUIDE_FIELDS, do_copy_clause, do_save_clause, do_save_guide, do_save_segment
from pilote.core.permissions import organisation_view
from pilote.reglementation.articles import articles_in_force


def _segment(request, segment_code):
    segments = segments_for(request.organisation).filter(code=segment_code)
    # The organisation's own segment wins over a national one with the same code.
    segment = segments.filter(organisation=request.organisation).first() or segments.first()
    if segment is None:
        raise Http404("Segment inconnu.")
    return segment


@organisation_view(*perms.CAN_VIEW_GUIDES)
def guide_list(request):
    own = {g.segment_id for g in SegmentGuide.objects.filter(organisation=request.organisation)}
    national = {g.segment_id for g in SegmentGuide.objects.filter(organisation__isnull=True)}
    rows = [
        {"segment": s, "guide": "organisation" if s.pk in own else "national" if s.pk in national else ""}
        for s in segments_for(request.organisation)
    ]
    return render(
        request,
        "clauses/guide_list.html",
        {"organisation": request.organisation, "rows": rows, "can_edit": bool(request.roles & perms.CAN_EDIT_GUIDES)},
    )


@organisation_view(*perms.CAN_VIEW_GUIDES)
def guide_detail(request, segment_code):
    segment = _segment(request, segment_code)
    guide = guide_for(request.organisation, segment)
    return render(
        request,
        "clauses/guide_detail.html",
        {
            "organisation": request.organisation,
            "segment": segment,
            "guide": guide,
            "revisions": guide.revisions.select_related("actor")[:20] if guide else [],
            "panels": segment_panels(request.organisation, segment),
            "can_edit": bool(request.roles & perms.CAN_EDIT_GUIDES),
            # Sourcing must not distort competition; negotiation treats every bidder alike.
            "impact_articles": articles_in_force(["R2111-1", "R2161-17"]),
        },
    )


@organisation_view(*perms.CAN_EDIT_GUIDES)
def guide_edit(request, segment_code):
    segment = _segment(request, segment_code)
    current = guide_for(request.organisation, segment)
    own = current if current and current.organisation_id == request.organisation.pk else None
    initial = {}
    if own is None and current is not None:  # adapting the national guide: start from its content
        initial = {name: getattr(current, name) for name in GUIDE_FIELDS}
        initial["recommended_clauses"] = list(current.recommended_clauses.all())
        initial["common_criteria"] = list(current.common_criteria.all())
    form = GuideForm(request.POST or None, instance=own, initial=initial, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            do_save_guide(
                request.organisation,
                segment,
                actor=request.user,
                fields={name: form.cleaned_data[name] for name in GUIDE_FIELDS},
                recommended_clauses=form.cleaned_data["recommended_clauses"],
                common_criteria=form.cleaned_data["common_criteria"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Le guide est enregistré (nouvelle version).")
            return redirect("clauses:guide", slug=request.organisation.slug, segment_code=segment.code)
    return render(
        request,
        "clauses/guide_form.html",
        {"organisation": request.organisation, "segment": segment, "form": form, "adapting": own is None},
    )


@organisation_view(*perms.CAN_VIEW_GUIDES)
def clause_list(request):
    clauses = clauses_for(request.organisation, active_only=False)
    params = request.GET
    if params.get("nature") in ClauseKind.values:
        clauses = clauses.filter(kind=params["nature"])
    if params.get("segment", "").isdigit():
        clauses = clauses.filter(segments__id=params["segment"])
    if params.get("q"):
        clauses = clauses.filter(Q(title__icontains=params["q"]) | Q(text__icontains=params["q"]))
    return render(
        request,
        "clauses/clause_list.html",
        {
            "organisation": request.organisation,
            "clauses": clauses.distinct().order_by("kind", "title"),
            "kinds": ClauseKind.choices,
            "segments": segments_for(request.organisation),
            "filters": params,
            "can_edit": bool(request.roles & perms.CAN_EDIT_GUIDES),
        },
    )


def _clause(request, clause_id) -> Clause:
    return get_object_or_404(
        Clause.objects.filter(Q(organisation__isnull=True) | Q(organisation=request.organisation)), pk=clause_id
    )


@organisation_view(*perms.CAN_VIEW_GUIDES)
def clause_detail(request, clause_id):
    clause = _clause(request, clause_id)
    return render(
        request,
        "clauses/clause_detail.html",
        {
            "organisation": request.organisation,
            "clause": clause,
            "revisions": clause.revisions.select_related("actor"),
            "can_edit": perms.can_edit_clause(request.roles, clause, request.organisation),
            "can_copy": bool(request.roles & perms.CAN_EDIT_GUIDES) and clause.organisation_id is None,
        },
    )


def _clause_form(request, clause=None):
    form = ClauseForm(request.POST or None, instance=clause, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("kind", "title", "text", "legal_basis", "is_active")}
        try:
            clause = do_save_clause(
                request.organisation,
                actor=request.user,
                clause=clause,
                fields=fields,
                segments=form.cleaned_data["segments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "La clause est enregistrée.")
            return redirect("clauses:clause", slug=request.organisation.slug, clause_id=clause.pk)
    return render(
        request, "clauses/clause_form.html", {"organisation": request.organisation, "form": form, "clause": clause}
    )


@organisation_view(*perms.CAN_EDIT_GUIDES)
def clause_create(request):
    return _clause_form(request)


@organisation_view(*perms.CAN_EDIT_GUIDES)
def clause_edit(request, clause_id):
    clause = _clause(request, clause_id)
    if not perms.can_edit_clause(request.roles, clause, request.organisation):
        messages.error(request, "Les clauses nationales ne sont pas modifiables : copiez-la dans votre bibliothèque.")
        return redirect("clauses:clause", slug=request.organisation.slug, clause_id=clause.pk)
    return _clause_form(request, clause)


@organisation_view(*perms.CAN_EDIT_GUIDES)
def clause_copy(request, clause_id):
    clause = _clause(request, clause_id)
    if request.method != "POST":
        return redirect("clauses:clause", slug=request.organisation.slug, clause_id=clause.pk)
    copy = do_copy_clause(request.organisation, clause, actor=request.user)
    messages.success(request, "La clause est copiée dans la bibliothèque de l'organisation : vous pouvez l'adapter.")
    return redirect("clauses:clause_edit", slug=request.organisation.slug, clause_id=copy.pk)


@organisation_view(*perms.CAN_EDIT_GUIDES)
def segment_create(request):
    form = SegmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if code == "nouveau-segment" or segments_for(request.organisation).filter(code=code).exists():
            form.add_error("code", "Ce code est déjà utilisé par un segment.")
        else:
            try:
                segment = do_save_segment(request.organisation, actor=request.user, fields=form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, "Le segment est créé ; vous pouvez rédiger son guide.")
                return redirect("clauses:guide", slug=request.organisation.slug, segment_code=segment.code)
    return render(request, "clauses/segment_form.html", {"organisation": request.organisation, "form": form})
