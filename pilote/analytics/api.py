"""JSON API of the cockpit, mounted at /api/v1/indicateurs by pilote/api.py.

- `GET /api/v1/indicateurs`: every indicator as {"valeur", "couverture", ...} for the same filters as the
  pages. Figures over the public DECP data are readable without an account (rate limited per address by the
  API's throttle, pilote/api.py); the "organisation" scope is served anonymously only for organisations that
  chose to publish.
- `GET /api/v1/indicateurs/objectifs`: the organisation's SPASER targets (members only).
"""

from ninja import Query, Router
from ninja.errors import HttpError

from pilote.analytics.models import SpaserTarget
from pilote.contracts import db as duck, figures
from pilote.contracts.filters import parse_filters, schema
from pilote.core.models import Organisation
from pilote.core.permissions import roles_in


router = Router(tags=["indicateurs"])


# The filters of the pages, generated from the registry (pilote.contracts.filter_types), plus the organisation.
FiltresIn = schema("FiltresIn", organisation=str)


NOT_FOUND = "organisation : organisation introuvable (ou dont le cockpit n'est pas publié)."


def _organisation(request, slug, *, private=False):
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:  # the same answer as an unpublished organisation: its existence is not disclosed
        raise HttpError(404, NOT_FOUND)
    member = bool(roles_in(request.user, organisation))
    if member or (organisation.is_public and not private):
        return organisation
    if not request.user.is_authenticated and private:
        raise HttpError(401, "organisation : connexion requise pour les objectifs d'une organisation.")
    raise HttpError(404, NOT_FOUND)


@router.get("", summary="Indicateurs pour des filtres")
def indicateurs(request, filtres: Query[FiltresIn]):
    params = {k: str(v) for k, v in filtres.dict(exclude_none=True).items() if k != "organisation"}
    organisation = _organisation(request, filtres.organisation) if filtres.organisation else None
    if organisation is not None and not roles_in(request.user, organisation):
        params["perimetre"] = "organisation"  # a published organisation: its own contracts only
    filters, form = parse_filters(params, organisation)
    if form.errors:
        raise HttpError(400, "; ".join(f"{k} : {' '.join(v)}" for k, v in form.errors.items()))
    if not duck.has_store():
        raise HttpError(503, "Aucune donnée DECP n'a encore été importée.")
    values = figures.overview(filters, organisation)["values"]
    return {
        "filtres": filters.url_params(),
        "perimetre": filters.summary(),
        "montants": "initiaux (à la notification), HT ; marchés subséquents d'accords-cadres hors somme",
        "indicateurs": {code: value.as_json() for code, value in values.items()},
    }


@router.get("/objectifs", summary="Objectifs du SPASER d'une organisation (membres)")
def objectifs(request, organisation: str):
    org = _organisation(request, organisation, private=True)
    return {
        "organisation": org.slug,
        "objectifs": [
            {"annee": t.annee, "indicateur": t.indicateur, "libelle": t.get_indicateur_display(), "cible": t.share}
            for t in SpaserTarget.objects.filter(organisation=org)
        ],
    }
