"""The support service's data page: start an import (upload or URL), follow its progress, read its report and
download the rejected records. The import itself runs as a background task (pilote.decp.tasks).

A run belongs to the organisation it was run for: its page, report and rejects are reachable from that
organisation only (whoever started it, whatever their other memberships). National runs (no organisation) are
shown to the platform's data stewards, on the data page of any organisation they work in."""

from pathlib import Path

import polars as pl
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core import tabular
from pilote.core.permissions import organisation_view
from pilote.decp import store
from pilote.decp.cleaning import RULES
from pilote.decp.forms import ImportForm
from pilote.decp.models import ImportRun, UrlHost
from pilote.decp.permissions import CAN_IMPORT
from pilote.decp.services import do_add_url_host, do_receive_import, do_remove_url_host
from pilote.decp.tasks import mark_interrupted_runs


def runs_of(organisation, user):
    """The runs this page may show: those run for the organisation, and national runs for a data steward."""
    scope = Q(organisation=organisation)
    if getattr(user, "is_data_steward", False):
        scope |= Q(organisation__isnull=True)
    return ImportRun.objects.filter(scope).select_related("actor", "organisation")


def shown_source(run: ImportRun) -> str:
    """What people see of the source: the URL, or the uploaded file's name (never a server path)."""
    if run.source.startswith(("http://", "https://")):
        return run.source
    return Path(run.source).name


def rule_labels() -> dict[str, str]:
    return {code: rule.label for code, rule in RULES.items()}


@organisation_view(*CAN_IMPORT)
def imports(request):
    steward = request.user.is_data_steward
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = ImportForm(*data, steward=steward)
    if request.method == "POST" and form.is_valid():
        run = do_receive_import(
            request.organisation,
            upload=form.cleaned_data.get("fichier"),
            url=form.cleaned_data.get("url"),
            source_name=form.cleaned_data.get("source", ""),
            national=bool(form.cleaned_data.get("nationale")),
            actor=request.user,
        )
        messages.success(
            request, "Import lancé : il se poursuit en tâche de fond, vous pouvez suivre son avancement ici."
        )
        return redirect("decp:import_detail", slug=request.organisation.slug, run_id=run.pk)
    mark_interrupted_runs()  # a run left « en cours » by a crashed worker shows as « interrompu »
    context = {
        "form": form,
        "steward": steward,
        "runs": [(run, shown_source(run)) for run in runs_of(request.organisation, request.user)[:50]],
        "manifest": store.current_manifest(),
        "url_hosts": UrlHost.objects.all() if steward else (),
    }
    return render(request, "decp/imports.html", context)


def _stewards_only(request):
    if not request.user.is_data_steward:
        raise PermissionDenied("Réservé aux gestionnaires des données nationales.")


@organisation_view(*CAN_IMPORT)
@require_POST
def url_host_add(request):
    """A data steward allows one more host for imports by address (the list is shared by the platform)."""
    _stewards_only(request)
    try:
        entry = do_add_url_host(request.organisation, host=request.POST.get("host", ""), actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Les imports par adresse peuvent désormais venir de {entry.host}.")
    return redirect("decp:imports", slug=request.organisation.slug)


@organisation_view(*CAN_IMPORT)
@require_POST
def url_host_remove(request, host_id):
    _stewards_only(request)
    entry = get_object_or_404(UrlHost, pk=host_id)
    do_remove_url_host(request.organisation, entry=entry, actor=request.user)
    messages.success(request, f"{entry.host} est retiré de la liste des hôtes autorisés.")
    return redirect("decp:imports", slug=request.organisation.slug)


@organisation_view(*CAN_IMPORT)
def import_detail(request, run_id):
    run = get_object_or_404(runs_of(request.organisation, request.user), pk=run_id)
    labels = rule_labels()
    flagged = []
    if run.report:
        flagged = sorted(
            ((code, labels.get(code, code), count) for code, count in (run.report.get("flagged") or {}).items()),
            key=lambda item: -item[2],
        )
    context = {
        "run": run,
        "shown_source": shown_source(run),
        "flagged": flagged,
        "finished": run.finished,
    }
    template = "decp/_run_status.html" if request.htmx else "decp/import_detail.html"
    return render(request, template, context)


@organisation_view(*CAN_IMPORT)
def import_rejects(request, run_id):
    """The records this import rejected, with their reason, as CSV (opens in a spreadsheet). An import that
    rejected nothing, or has not finished, gives the header line only."""
    run = get_object_or_404(runs_of(request.organisation, request.user), pk=run_id)
    columns = ["fichier", "tableau", "position", "motif", "message", "extrait"]
    rows = []
    path = store.table_path("rejets")
    if run.report and path is not None and path.exists():
        rejects = pl.read_parquet(path).filter(pl.col("import_run") == run.report.get("import_run"))
        rows = rejects.select(columns).iter_rows()
    # The one export helper: an « extrait » of a rejected record may start with « = ».
    return tabular.csv_response(f"rejets-import-{run.pk}.csv", columns, rows)
