"""Explorer pages: search, export, contract, buyer, supplier, "préparer un achat", SIRENE extract and inclusive
structures imports.

Thin views: reading goes through queries/profiles/guidance, the only write through services. When no DECP data
was imported, every page says so instead of failing."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from pilote.contracts import inclusion as inclusive, names
from pilote.contracts.filters import parse_filters
from pilote.contracts.models import InclusionList, SireneExtract
from pilote.contracts.search import guidance, query as queries
from pilote.contracts.search.index import load
from pilote.contracts.search.nature import text_nature
from pilote.contracts.search.sourcing import sourcing
from pilote.contracts.sirene import INLINE_BYTES, UPLOAD_RULES
from pilote.core import tabular, uploads
from pilote.core.export_jobs import do_request_export, task_threshold
from pilote.core.permissions import organisation_view
from pilote.explorer import exports, profiles, tasks as import_tasks
from pilote.explorer.forms import InclusionForm, NeedForm, SearchForm, SireneForm
from pilote.explorer.labels import directory_url
from pilote.explorer.permissions import CAN_EXPLORE, CAN_IMPORT_SIRENE, can_import_sirene
from pilote.explorer.services import MAX_BYTES, do_import_inclusion_list, do_import_sirene_extract


def _index():
    return load()


def _filters(request):
    data = request.GET.copy()
    if not data.get("perimetre"):
        data["perimetre"] = "national"  # the explorer searches every buyer unless told otherwise
    return parse_filters(data, organisation=request.organisation)


def _cockpit_url(organisation, siret=None):
    try:
        url = reverse("analytics:cockpit", kwargs={"slug": organisation.slug})
    except NoReverseMatch:
        return None
    return f"{url}?perimetre=acheteur&acheteur={siret}" if siret else url


def _named(request, rows):
    """Fill missing buyer and supplier names of result rows from the organisation's SIRENE extract."""
    sirets = {r.get("acheteur_id") for r in rows}
    for r in rows:
        sirets.update(r.get("titulaire_ids") or [])
    found = names.sirene_names(request.organisation, sirets)
    for r in rows:
        if not r.get("acheteur_nom"):
            r["acheteur_nom"] = found.get(r.get("acheteur_id"))
        ids, noms = r.get("titulaire_ids") or [], r.get("titulaire_noms") or []
        r["titulaires"] = [
            {"siret": s, "nom": (noms[i] if i < len(noms) else None) or found.get(s)} for i, s in enumerate(ids)
        ]
    return rows


@organisation_view(*CAN_EXPLORE)
def search(request):
    index = _index()
    form = SearchForm(request.GET or None)
    filters, filter_form = _filters(request)
    q, sort, page, notice = "", "pertinence", 1, ""
    if form.is_bound:
        form.is_valid()
        q = form.cleaned_data.get("q") or ""
        sort = form.cleaned_data.get("tri") or "pertinence"
        page = form.cleaned_data.get("page") or 1
        if "page" in form.errors:
            notice = "Numéro de page invalide : voici la première page."
        if "q" in form.errors:
            q = request.GET.get("q", "")[:300]
    result = None
    if index is not None:
        result = queries.search(index, q=q, filters=filters, sort=sort, page=page)
        _named(request, result.rows)
    base = filters.querystring(q=q or None, tri=sort if sort != "pertinence" else None)
    return render(
        request,
        "explorer/search.html",
        {
            "organisation": request.organisation,
            "form": form if form.is_bound else SearchForm(),
            "filter_form": filter_form,
            "filters": filters,
            "result": result,
            "q": q,
            "sort": sort,
            "notice": notice,
            "base_query": base,
            "has_store": index is not None,
            "can_import_sirene": can_import_sirene(request.roles),
        },
    )


@organisation_view(*CAN_EXPLORE)
def export(request):
    index = _index()
    if index is None:
        messages.warning(request, "Aucune donnée DECP n'a encore été importée : rien à exporter.")
        return redirect("explorer:search", slug=request.organisation.slug)
    frame, total = exports.matching(index, request.GET, request.organisation)
    if frame.height > task_threshold():  # a big list is built by a task; the next page shows its state
        job = do_request_export(
            organisation=request.organisation, actor=request.user, kind="explorer", fmt="csv",
            query=request.GET.urlencode(),
        )  # fmt: skip
        return redirect("core:export_job", slug=request.organisation.slug, job_id=job.pk)
    rows = exports.rows_of(frame, total)
    return tabular.csv_response(f"{exports.TITLE}.csv", exports.header(), rows, kinds=exports.KINDS)


@organisation_view(*CAN_EXPLORE)
def contract(request, uid):
    index = _index()
    detail = profiles.contract(index, uid) if index is not None else None
    similar = []
    if detail is not None:
        row = detail["row"]
        similar = guidance.similar_contracts(
            objet=row.get("objet"),
            code_cpv=row.get("code_cpv"),
            montant=row.get("montant"),
            departement=row.get("departement"),  # the index's, joined to the row by records.contract
            exclude={uid},
        )
        names.fill_names(request.organisation, [s["acheteur"] for s in similar], name_key="nom")
        if not row.get("acheteur_nom"):
            row["acheteur_nom"] = names.sirene_names(request.organisation, [row.get("acheteur_id")]).get(
                row.get("acheteur_id")
            )
        found = names.sirene_names(request.organisation, [t["titulaire_id"] for t in detail["titulaires"]])
        for t in detail["titulaires"]:
            t["nom"] = t.get("titulaire_nom") or found.get(t["titulaire_id"])
            t["annuaire"] = directory_url(t["titulaire_id"])
    return render(
        request,
        "explorer/contract.html",
        {
            "organisation": request.organisation,
            "uid": uid,
            "detail": detail,
            "similar": similar,
            "has_store": index is not None,
            "annuaire": directory_url(detail["row"].get("acheteur_id")) if detail else None,
        },
    )


def _siret_problem(siret):
    if not re.fullmatch(r"[0-9A-Za-z]{1,20}", siret or ""):
        return "Cet identifiant n'est pas un SIRET (14 chiffres)."
    return None


def _profile(request, siret, kind):
    index = _index()
    problem = _siret_problem(siret)
    profile = None
    if index is not None and not problem:
        profile = (profiles.buyer if kind == "acheteur" else profiles.supplier)(index, siret)
    if profile is not None:
        if not profile["name"]:
            profile["name"] = names.sirene_names(request.organisation, [siret]).get(siret)
        names.fill_names(request.organisation, profile["partners"])
        _named(request, profile["recent"])
    return render(
        request,
        "explorer/profile.html",
        {
            "organisation": request.organisation,
            "kind": kind,
            "siret": siret,
            "problem": problem,
            "profile": profile,
            "has_store": index is not None,
            "annuaire": directory_url(siret),
            "cockpit_url": _cockpit_url(request.organisation, siret) if kind == "acheteur" else None,
        },
    )


@organisation_view(*CAN_EXPLORE)
def buyer(request, siret):
    return _profile(request, siret, "acheteur")


@organisation_view(*CAN_EXPLORE)
def supplier(request, siret):
    return _profile(request, siret, "titulaire")


@organisation_view(*CAN_EXPLORE)
def need(request):
    """Préparer un achat: CPV suggestions, similar contracts, price reference and potential suppliers."""
    form = NeedForm(request.GET or None)
    context = {"organisation": request.organisation, "form": form, "has_store": _index() is not None}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        montant = float(data["montant"]) if data.get("montant") is not None else None
        suggestions = guidance.suggest_cpv(data["objet"])
        code = data.get("code_cpv") or (suggestions[0]["code"] if suggestions else None)
        context |= {
            "need_nature": text_nature(data["objet"]),
            "duree_mois": data.get("duree_mois"),
            "suggestions": suggestions,
            "code_used": code,
            "code_inferred": not data.get("code_cpv"),
            "similar": _similar(request, data, montant),
            "price": guidance.price_reference(
                objet=data["objet"], code_cpv=data.get("code_cpv"), montant=montant, duree_mois=data.get("duree_mois")
            ),
            "montant": montant,
            **_sourcing(request, code, data.get("departement") or None),
        }
    return render(request, "explorer/need.html", context)


def _similar(request, data, montant):
    similar = guidance.similar_contracts(
        objet=data["objet"], code_cpv=data.get("code_cpv"), montant=montant, departement=data.get("departement")
    )
    names.fill_names(request.organisation, [s["acheteur"] for s in similar], name_key="nom")
    return similar


def _sourcing(request, code, departement):
    """The suppliers (pilote.contracts.search.sourcing, the fiche's too) and the inclusive structures of the area."""
    found = sourcing(request.organisation, code_cpv=code, departement=departement, limit=20)
    # inclusive structures are looked for in the région of the place: a structure of a neighbouring département
    # is a realistic bidder, and the lists are short
    area = guidance.region_departements(found["sourcing_departement"])
    return {
        **found,
        "inclusive_area": inclusive.structures_in_area(request.organisation, code_cpv=code, departements=area),
        "inclusive_zone": "la région" if area else "toute la liste importée",
        "can_import_inclusion": can_import_sirene(request.roles),
    }


def _sirene_done(summary) -> str:
    skipped = summary["skipped"]
    return (
        f"Extrait importé : {summary['rows']} établissements"
        + (f", {skipped} lignes ignorées (SIRET ou nom manquant)" if skipped else "")
        + f" ; {summary['with_categorie']} avec une catégorie d'entreprise, "
        f"{summary['with_departement']} avec un département."
    )


def _inclusion_done(summary) -> str:
    rows = summary["rows"]
    return f"Liste importée : {rows} structure{'s' if rows > 1 else ''}."


# Per kind: the upload rules, the largest file read, the upload page and the success message.
_KINDS = {
    "sirene": (UPLOAD_RULES, MAX_BYTES, "explorer:sirene", _sirene_done),
    "inclusion": (inclusive.UPLOAD_RULES, inclusive.MAX_BYTES, "explorer:inclusion", _inclusion_done),
}


def _upload(request, form, kind):
    """Check the upload then import it: a small file in the request, a big one by a background task (both parsed
    in the limited child process). Returns a redirect, or None when the form got the refusal."""
    rules, max_bytes, page, done = _KINDS[kind]
    upload = form.cleaned_data["fichier"]
    slug = request.organisation.slug
    try:
        uploads.check_upload(upload, rules)  # type and size before reading: the one upload check
        data = upload.read(max_bytes + 1)
        if len(data) > INLINE_BYTES:  # imported by a task; the next page polls its state
            token = import_tasks.stage(
                data, kind=kind, organisation=request.organisation, user=request.user, filename=upload.name
            )
            import_tasks.enqueue(token)
            return redirect("explorer:import_status", slug=slug, kind=kind, token=token)
        service = do_import_sirene_extract if kind == "sirene" else do_import_inclusion_list
        imported = service(organisation=request.organisation, filename=upload.name, raw=data, actor=request.user)
    except ValidationError as error:
        form.add_error("fichier", error)
        return None
    if kind == "sirene":
        summary = {f: getattr(imported, f) for f in ("rows", "skipped", "with_categorie", "with_departement")}
    else:
        summary = {"rows": imported.rows}
    messages.success(request, done(summary))
    return redirect(page, slug=slug)


@organisation_view(*CAN_IMPORT_SIRENE)
def sirene(request):
    organisation = request.organisation
    form = SireneForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        response = _upload(request, form, "sirene")
        if response is not None:
            return response
    return render(
        request,
        "explorer/sirene.html",
        {
            "organisation": organisation,
            "form": form,
            "extract": SireneExtract.objects.filter(organisation=organisation).first(),
            "can_import": can_import_sirene(request.roles),
        },
    )


@organisation_view(*CAN_IMPORT_SIRENE)
def inclusion(request):
    """Import of the organisation's list of inclusive structures (SIAE, EA, ESAT), flagged in the guidance."""
    organisation = request.organisation
    form = InclusionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        response = _upload(request, form, "inclusion")
        if response is not None:
            return response
    current = InclusionList.objects.filter(organisation=organisation).first()
    return render(
        request,
        "explorer/inclusion.html",
        {"organisation": organisation, "form": form, "current": current},
    )


@organisation_view(*CAN_IMPORT_SIRENE)
def import_status(request, kind, token):
    """The background import's state (polled by HTMX), then back to the upload page with its outcome. A token of
    another organisation (or unknown, or expired) sends back to the upload page: nothing is said about it."""
    if kind not in _KINDS:
        raise Http404
    _rules, _max, page, done = _KINDS[kind]
    back = redirect(page, slug=request.organisation.slug)
    meta = import_tasks.load_meta(token, kind=kind, organisation=request.organisation)
    if meta is None:
        messages.error(request, "Cet import a expiré ou n'existe pas : déposez à nouveau le fichier.")
        return back
    result = import_tasks.outcome(token, meta.get("filename") or "Le fichier")
    context = {"organisation": request.organisation, "kind": kind, "token": token}
    if result is None:
        template = "explorer/_import_pending.html" if request.htmx else "explorer/import_pending.html"
        return render(request, template, context | {"filename": meta.get("filename")})
    if request.htmx:  # finished: the whole page is reloaded to show the outcome
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    if result["state"] == "done":
        messages.success(request, done(result["summary"]))
    else:
        messages.error(request, result["message"])
    return back
