"""Cockpit pages: overview, drill-down list, exports, SPASER targets, annual report, public cockpit.

Views are thin: filters come from the URL (pilote.contracts.filters), figures from pilote.analytics.cockpit,
writes go through pilote.analytics.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from pilote.analytics import charts, cockpit, exports, permissions as perms
from pilote.analytics.forms import CommentForm, TargetForm
from pilote.analytics.models import ReportComment, SpaserTarget
from pilote.analytics.services import do_delete_target, do_save_comment, do_set_target
from pilote.contracts import db as duck, figures, indicators, queries, semantics
from pilote.contracts.buyers import MIN_CONTRACTS as MIN_PEER_CONTRACTS
from pilote.contracts.filters import parse_filters
from pilote.contracts.permissions import can_import_sirene
from pilote.core import params as query_params
from pilote.core.export_jobs import do_request_export
from pilote.core.models import Organisation
from pilote.core.permissions import organisation_view
from pilote.decp.cleaning.rules import RULES
from pilote.reglementation import seuils


PAGE_SIZE = 50


def _context(request, organisation, *, public=False):
    filters, form = parse_filters(request.GET, organisation)
    data = cockpit.build(filters, organisation, with_peers=not public, peers_national=public)
    if data.get("pairs") and data["pairs"]["national_pending"]:
        data["pairs"]["reference_url"] = (
            reverse("analytics:peers", args=[organisation.slug]) + "?" + filters.querystring()
        )
    if public:
        data.pop("objectifs", None)
    context = {
        "organisation": organisation,
        "filters": filters,
        "form": form,
        "data": data,
        "public": public,
        "export_tables": exports.TABLES,
    }
    if data.get("store"):
        context["charts"] = [
            {"target": key, "script_id": f"spec-{key}", "spec": spec}
            for key, spec in charts.cockpit_charts(data).items()
        ]
    return context


@require_GET
@organisation_view(*perms.CAN_VIEW_COCKPIT)
def cockpit_page(request):
    context = _context(request, request.organisation)
    context["can_edit_targets"] = bool(request.roles & perms.CAN_EDIT_TARGETS)
    context["can_import_sirene"] = can_import_sirene(request.roles)
    # HTMX filter changes swap the content only; the URL is pushed by the form (hx-push-url).
    template = "analytics/_cockpit_content.html" if request.headers.get("HX-Request") else "analytics/cockpit.html"
    return render(request, template, context)


@require_GET
@organisation_view(*perms.CAN_VIEW_COCKPIT)
def peers(request):
    """The peers comparison with its national reference column (loaded by the cockpit page after it is shown:
    the national reference scans every contract when no one asked it since the import)."""
    filters, _form = parse_filters(request.GET, request.organisation)
    if not duck.has_store():
        return HttpResponse('<p id="comparaison-pairs">Aucune donnée DECP n\'a encore été importée.</p>')
    if not cockpit.compares_with_peers(request.organisation):
        return render(request, "analytics/_peers_absent.html", {"organisation": request.organisation})
    pairs = cockpit.peers(filters, request.organisation)
    return render(request, "analytics/_peers.html", {"pairs": pairs, "organisation": request.organisation})


@require_GET
def public_cockpit(request, slug):
    """Read-only cockpit of an organisation that chose to publish (no targets, comments nor peers)."""
    organisation = get_object_or_404(Organisation, slug=slug, is_public=True)
    params = request.GET.copy()
    # the organisation's own contracts only, as its cockpit's default (parse_filters): its SIRETs, or for a shared
    # support service without SIRETs the organisations it supports together (as its report); never another scope
    params.pop("perimetre", None)
    params.pop("acheteur", None)
    request.GET = params
    context = _context(request, organisation, public=True)
    template = "analytics/_cockpit_content.html" if request.headers.get("HX-Request") else "analytics/cockpit.html"
    return render(request, template, context)


@require_GET
@organisation_view(*perms.CAN_VIEW_COCKPIT)
def contracts_page(request):
    """The contracts behind a figure (drill-down), paginated."""
    organisation = request.organisation
    filters, form = parse_filters(request.GET, organisation)
    drill = request.GET.get("detail", "tous")
    if drill not in queries.DRILLS:
        drill = "tous"
    page_number = query_params.page_number(request.GET)
    rows, total = [], 0
    store = cockpit.duck.has_store()
    if store:
        rows, total = figures.contracts(
            filters, drill, organisation, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
        )
    paginator = Paginator(range(total), PAGE_SIZE)
    page = paginator.get_page(page_number)
    return render(
        request,
        "analytics/contracts.html",
        {
            "organisation": organisation,
            "filters": filters,
            "form": form,
            "drill": drill,
            "drill_label": queries.DRILLS[drill][0],
            "drills": queries.DRILLS,
            "rows": rows,
            "total": total,
            "page": page,
            "store": store,
        },
    )


@require_GET
@organisation_view(*perms.CAN_EXPORT)
def export(request):
    """?tableau=<name>&format=csv|xlsx|json|html plus the filters (and detail= for the contract list)."""
    organisation = request.organisation
    name = request.GET.get("tableau", "indicateurs")
    fmt = request.GET.get("format", "csv")
    drill = request.GET.get("detail", "tous")
    if name not in exports.TABLES or fmt not in exports.FORMATS or drill not in queries.DRILLS:
        return render(
            request,
            "analytics/export_error.html",
            {"organisation": organisation, "message": "Tableau, format ou détail inconnu."},
            status=400,
        )
    if not cockpit.duck.has_store():
        return render(
            request,
            "analytics/export_error.html",
            {"organisation": organisation, "message": "Aucune donnée DECP n'a encore été importée."},
            status=409,  # nothing to export yet (not "not found": the page exists)
        )
    filters, _form = parse_filters(request.GET, organisation)
    if exports.needs_background(name, fmt, filters, organisation, drill):
        job = do_request_export(
            organisation=organisation, actor=request.user, kind="cockpit", fmt=fmt, query=request.GET.urlencode()
        )
        return redirect("core:export_job", slug=organisation.slug, job_id=job.pk)
    columns, rows, title = exports.table(name, filters, organisation, drill)
    if fmt == "html":
        return render(
            request,
            "analytics/export_table.html",
            {
                "organisation": organisation,
                "columns": columns,
                "rows": rows,
                "title": title,
                "filters": filters,
                "tableau": name,
                "detail": drill,
            },
        )
    return exports.render(fmt, columns, rows, title, filters.summary())


@organisation_view(*perms.CAN_EDIT_TARGETS)
def targets_page(request):
    """SPASER targets per year and the comment of the annual report (support service and admin)."""
    organisation = request.organisation
    target_form = TargetForm(prefix="objectif")
    comment_form = CommentForm(prefix="commentaire", initial={"annee": timezone.localdate().year})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "objectif":
                target_form = TargetForm(request.POST, prefix="objectif")
                if target_form.is_valid():
                    do_set_target(organisation=organisation, actor=request.user, **target_form.cleaned_data)
                    messages.success(request, "L'objectif a été enregistré.")
                    return redirect("analytics:targets", slug=organisation.slug)
            elif action == "supprimer":
                target = SpaserTarget.objects.filter(
                    organisation=organisation, pk=request.POST.get("target_id") or 0
                ).first()
                if target is None:
                    raise Http404("Objectif introuvable.")
                do_delete_target(target=target, actor=request.user)
                messages.success(request, "L'objectif a été supprimé.")
                return redirect("analytics:targets", slug=organisation.slug)
            elif action == "commentaire":
                comment_form = CommentForm(request.POST, prefix="commentaire")
                if comment_form.is_valid():
                    do_save_comment(organisation=organisation, actor=request.user, **comment_form.cleaned_data)
                    messages.success(request, "Le commentaire a été enregistré.")
                    return redirect("analytics:targets", slug=organisation.slug)
        except ValidationError as error:
            (target_form if action == "objectif" else comment_form).add_error(None, error)
        except ValueError:
            raise Http404("Objectif introuvable.") from None
    return render(
        request,
        "analytics/targets.html",
        {
            "organisation": organisation,
            "target_form": target_form,
            "comment_form": comment_form,
            "targets": SpaserTarget.objects.filter(organisation=organisation),
            "comments": ReportComment.objects.filter(organisation=organisation),
        },
    )


@require_GET
@organisation_view(*perms.CAN_VIEW_COCKPIT)
def report(request):
    """Printable annual report (HTML, or PDF with ?format=pdf) for the SPASER / council."""
    organisation = request.organisation
    params = request.GET.copy()
    if not params.get("annee"):
        params["annee"] = str(timezone.localdate().year - 1)
    # the organisation's own scope, as its cockpit's default (parse_filters): its SIRETs, or for a shared support
    # service without SIRETs the organisations it supports together; never the peers' or the national scope
    params.pop("perimetre", None)
    params.pop("acheteur", None)
    filters, form = parse_filters(params, organisation)
    if filters.annee is None:  # "abc", 1990: the form's French error, never a report over every year
        context = {"organisation": organisation, "form": form}
        return render(request, "analytics/report.html", context, status=400)
    data = cockpit.build(filters, organisation, with_peers=False, list_rows=50)
    comment = ReportComment.objects.filter(organisation=organisation, annee=filters.annee).first()
    context = {
        "organisation": organisation,
        "filters": filters,
        "form": form,
        "data": data,
        "comment": comment,
        "generated": timezone.localtime(),
        "trend": figures.breakdown(filters.with_changes(annee=None, trimestre=None, mois=None), "annee", organisation)
        if data.get("store")
        else [],
    }
    if request.GET.get("format") == "pdf":
        from weasyprint import HTML

        html = render_to_string("analytics/report_print.html", context, request=request)
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="rapport-spaser-{organisation.slug}-{filters.annee}.pdf"'
        )
        return response
    return render(request, "analytics/report.html", context)


def _method_context(organisation, *, public: bool) -> dict:
    """What the Méthode page says, from the definitions themselves (docs/indicateurs.md says the same)."""
    return {
        "organisation": organisation,
        "public": public,
        "min_base": indicators.MIN_BASE,
        "unusable": [(code, RULES[code].label) for code in semantics.unusable_amount_codes()],
        "review": [(code, RULES[code].label) for code in semantics.review_amount_codes()],
        "pnad": indicators.PNAD_TARGETS,
        "delay_months": seuils.PUBLICATION_DELAY_MONTHS,
        "art35_date": seuils.CLIMAT_RESILIENCE_ART35,
        "peer_min_contracts": MIN_PEER_CONTRACTS,
    }


@require_GET
@organisation_view(*perms.CAN_VIEW_COCKPIT)
def method(request):
    """How every figure of the cockpit is computed, for every role (the same text as docs/indicateurs.md)."""
    return render(request, "analytics/method.html", _method_context(request.organisation, public=False))


@require_GET
def public_method(request, slug):
    """The Méthode page of an organisation's public cockpit."""
    organisation = get_object_or_404(Organisation, slug=slug, is_public=True)
    return render(request, "analytics/method.html", _method_context(organisation, public=True))
