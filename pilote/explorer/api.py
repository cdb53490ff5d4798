"""JSON API of the explorer, mounted at /api/v1/contrats by pilote/api.py (session authentication).

GET /api/v1/contrats?q=...                  search (same words, filters and sorts as the explorer page)
GET /api/v1/contrats/similaires?objet=...   similar contracts to a described need
Bad input never raises: an empty query, a query of stop words only or a page past the end return a French
`message` with the results (empty or the last page); invalid parameters get ninja's 422 with the field named.
"""

import datetime as dt

from ninja import Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field

from pilote.contracts.filters import parse_filters, schema
from pilote.contracts.search import guidance, query as queries
from pilote.contracts.search.index import load
from pilote.contracts.search.text import query_terms


router = Router(auth=django_auth, tags=["contrats"])


# Words, sort and page, plus the filters of the registry (pilote.contracts.filter_types); the perimeter is one
# buyer when `acheteur` is given, else France, and segments belong to an organisation: neither is a parameter.
class SearchParams(schema("FiltresRecherche", exclude=("perimetre", "segment"))):
    q: str = Field("", max_length=300, description="Mots de l'objet (accents, casse et pluriels ignorés)")
    tri: str = Field("pertinence", pattern="^(" + "|".join(queries.SORTS) + ")$")
    page: int = Field(1, ge=1, le=100_000)
    par_page: int = Field(20, ge=1, le=100)


class Titulaire(Schema):
    siret: str
    nom: str | None = None


class Contrat(Schema):
    contrat_uid: str
    objet: str | None
    acheteur_id: str | None
    acheteur_nom: str | None
    code_cpv: str | None
    procedure: str | None
    date_notification: dt.date | None
    montant: float | None = Field(description="Montant initial (à la notification), € HT ; = montant_initial")
    montant_initial: float | None = Field(description="Montant initial, à la notification (€ HT)")
    montant_final: float | None = Field(
        description="Dernier montant indiqué par une modification (€ HT) ; null si aucune ne l'a changé"
    )
    montant_douteux: bool
    duree_mois: int | None
    offres_recues: int | None
    departement: str | None
    titulaires: list[Titulaire]
    score: float | None


class SearchOut(Schema):
    total: int
    page: int
    pages: int
    message: str
    filtres: str
    erreurs: dict[str, list[str]]
    resultats: list[Contrat]


class Similaire(Schema):
    contrat_uid: str
    objet: str | None
    acheteur: Titulaire
    date_notification: dt.date | None
    montant: float | None
    code_cpv: str | None
    procedure: str | None
    offres_recues: int | None
    considerations: list[str]
    titulaires: list[Titulaire]
    score: float
    nature: str | None = Field(None, description="travaux, services ou fournitures (division du code CPV)")
    nb_lots: int = Field(1, description="lots de la même consultation regroupés dans ce résultat")


class SimilarOut(Schema):
    message: str
    resultats: list[Similaire]


def _contrat(row: dict) -> dict:
    ids, noms = row.get("titulaire_ids") or [], row.get("titulaire_noms") or []
    return {
        **{k: row.get(k) for k in Contrat.model_fields if k not in ("titulaires", "montant_douteux")},
        "montant_initial": row.get("montant"),
        "montant_douteux": bool(row.get("montant_anomalie")),
        "titulaires": [{"siret": s, "nom": noms[i] if i < len(noms) else None} for i, s in enumerate(ids)],
        "score": round(float(row["score"]), 4) if row.get("score") else None,
    }


@router.get("", response=SearchOut, summary="Rechercher des contrats")
def search(request, params: Query[SearchParams]):
    data = {
        k: v for k, v in params.dict().items() if v not in (None, "") and k not in ("q", "tri", "page", "par_page")
    }
    data["perimetre"] = "acheteur" if params.acheteur else "national"
    filters, form = parse_filters(data, organisation=None)
    index = load()
    if index is None:
        return {
            "total": 0,
            "page": 1,
            "pages": 1,
            "message": "Aucune donnée DECP n'a encore été importée.",
            "filtres": filters.summary(),
            "erreurs": {},
            "resultats": [],
        }
    result = queries.search(
        index, q=params.q, filters=filters, sort=params.tri, page=params.page, per_page=params.par_page
    )
    return {
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "message": result.message,
        "filtres": filters.summary(),
        "erreurs": {k: list(v) for k, v in form.errors.items()},
        "resultats": [_contrat(r) for r in result.rows],
    }


class SimilarParams(Schema):
    objet: str = Field(..., max_length=1000, description="Objet du besoin, en mots")
    code_cpv: str = Field("", max_length=12)
    montant: float | None = Field(None, ge=0)
    departement: str = Field("", max_length=3, pattern=r"^(|\d{2,3}|2[AB])$", description="Code du département")
    limite: int = Field(10, ge=1, le=50)


@router.get("/similaires", response=SimilarOut, summary="Contrats semblables à un besoin")
def similar(request, params: Query[SimilarParams]):
    if load() is None:
        return {"message": "Aucune donnée DECP n'a encore été importée.", "resultats": []}
    if not query_terms(params.objet) and not params.code_cpv:
        return {"message": "Décrivez l'objet avec des mots porteurs de sens ou donnez un code CPV.", "resultats": []}
    rows = guidance.similar_contracts(
        objet=params.objet,
        code_cpv=params.code_cpv or None,
        montant=params.montant,
        departement=params.departement or None,
        limit=params.limite,
    )
    return {"message": "" if rows else "Aucun contrat comparable trouvé.", "resultats": rows}
