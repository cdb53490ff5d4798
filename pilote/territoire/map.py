"""What the territory page shows: the money per commune (grants + the organisation's contracts to titulaires
located in the commune, read through pilote.contracts), the Vega-Lite map spec (offline: geoshape over the shipped
outlines, points at commune coordinates) and the findings of the analysis."""

from decimal import Decimal

from pilote.contracts import db, territory as contract_places_read
from pilote.contracts.figures import suppliers
from pilote.contracts.filters import parse_filters
from pilote.core.text import fold
from pilote.territoire import analysis, geo
from pilote.territoire.models import Actor, Grant, Scheme


MAX_TITULAIRES = 5000
MAP_POINTS = 400


def contract_places(organisation) -> dict[str, Decimal]:
    """Commune code -> amount of the organisation's contracts executed there ({} without contract data). Places
    given as a postal code are put in their commune; département- or région-wide places are not on the map."""
    sirets = list(organisation.buyer_entities.values_list("siret", flat=True))
    try:
        rows = contract_places_read.amounts_by_place(sirets)
    except db.StoreMissing:
        return {}
    amounts: dict[str, Decimal] = {}
    for row in rows:
        code, kind = str(row["code"]).strip(), fold(row["type"] or "")
        if "postal" in kind:
            code = geo.commune_from_postal(code) or ""
        elif "commune" not in kind:
            continue
        if code:
            amounts[code] = amounts.get(code, Decimal(0)) + Decimal(str(row["montant"] or 0))
    return amounts


def titulaires(organisation) -> dict[str, str]:
    """SIREN -> name of the titulaires of the organisation's contracts ({} without contract data)."""
    filters, _form = parse_filters({"perimetre": "organisation"}, organisation)
    try:
        rows = suppliers(filters, limit=MAX_TITULAIRES)["top"]
    except db.StoreMissing:
        return {}
    return {str(r["titulaire_id"])[:9]: r["titulaire_nom"] or "" for r in rows if r.get("titulaire_id")}


def _scheme_dicts(organisation) -> list[dict]:
    return list(Scheme.objects.filter(organisation=organisation).values("titre", "promesse", "themes", "cibles", "geographie",
                                                                        "types_aides"))  # fmt: skip


def territory(organisation) -> dict:
    actors = list(Actor.objects.filter(organisation=organisation, merged_into=None)
                  .values("name", "siren", "commune_code", "themes"))  # fmt: skip
    grants = list(Grant.objects.filter(organisation=organisation).values("commune_code", "montant", "beneficiaire_id"))
    places = contract_places(organisation)
    titulaires_ = titulaires(organisation)
    by_commune = analysis.money_by_commune(grants, places, actors)
    schemes = _scheme_dicts(organisation)
    funded = {g["beneficiaire_id"][:9] for g in grants} | set(titulaires_)
    return {
        "communes": by_commune,
        "epci": analysis.money_by_epci(by_commune),
        "gaps": analysis.gaps(schemes, geo.NORMANDIE),
        "duplicates": analysis.duplicates(schemes),
        "unfunded": analysis.unfunded_actors(actors, funded, "solidarites")[:30],
        "spec": map_spec(by_commune[:MAP_POINTS]),
        "counts": {
            "acteurs": len(actors),
            "dispositifs": len(schemes),
            "subventions": len(grants),
            "titulaires": len(titulaires_),
            "contrats_localises": len(places),
        },
    }


def map_spec(rows: list[dict]) -> dict:
    points = [{"commune": r["nom"], "epci": r["epci"], "lat": float(r["lat"]), "lon": float(r["lon"]),
               "subventions": float(r["subventions"]), "contrats": float(r["contrats"]), "total": float(r["total"])}
              for r in rows if r["lat"] and r["lon"]]  # fmt: skip
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "Montants reçus par commune (subventions et contrats), sur les contours des départements",
        "width": "container", "height": 420, "autosize": {"type": "fit", "contains": "padding"},  # reflows at 390 px
        "projection": {"type": "mercator"},
        "layer": [
            {"data": {"values": geo.outlines(), "format": {"type": "json", "property": "features"}},
             "mark": {"type": "geoshape", "fill": "#f1f1f1", "stroke": "#888"},
             "encoding": {"tooltip": [{"field": "properties.nom", "title": "Département"}]}},
            {"data": {"values": points},
             "mark": {"type": "circle", "opacity": 0.6, "color": "#000091"},
             "encoding": {
                 "longitude": {"field": "lon", "type": "quantitative"},
                 "latitude": {"field": "lat", "type": "quantitative"},
                 "size": {"field": "total", "type": "quantitative", "title": "Montant reçu (€)"},
                 "tooltip": [{"field": "commune"}, {"field": "epci", "title": "EPCI"},
                             {"field": "subventions", "format": ",.0f", "title": "Subventions (€)"},
                             {"field": "contrats", "format": ",.0f", "title": "Contrats (€)"}]}},
        ],
    }  # fmt: skip
