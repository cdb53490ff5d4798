"""The explorer's CSV export: the contracts matching a search (at most contracts.search MAX_EXPORT rows), built
inside the request when small, by a background task (pilote.core.export_jobs, builder « explorer ») above
PILOTE_EXPORT_TASK_ROWS rows. Through the one export helper: BOM, « ; », French numbers, formulas neutralised."""

from django.http import QueryDict

from pilote.contracts.filters import parse_filters
from pilote.contracts.search import query as queries
from pilote.contracts.search.index import load
from pilote.core import tabular
from pilote.explorer.forms import SearchForm


COLUMNS = [
    ("contrat_uid", "identifiant Pilote"),
    ("date_notification", "date de notification"),
    ("acheteur_id", "SIRET acheteur"),
    ("acheteur_nom", "acheteur"),
    ("objet", "objet"),
    ("code_cpv", "code CPV"),
    ("procedure", "procédure"),
    ("montant", "montant HT"),
    ("duree_mois", "durée (mois)"),
    ("offres_recues", "offres reçues"),
    ("departement", "département"),
    ("titulaires", "titulaires (SIRET)"),
]
KINDS = ["amount" if key == "montant" else None for key, _label in COLUMNS]  # euros, French marks
TITLE = "pilote-contrats"


def matching(index, query: QueryDict, organisation):
    """(frame of the rows to export, total matching) for the search written in `query` (the page's address)."""
    form = SearchForm(query or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    query = query.copy()
    if not query.get("perimetre"):
        query["perimetre"] = "national"  # the explorer searches every buyer unless told otherwise
    filters, _form = parse_filters(query, organisation=organisation)
    return queries.export_rows(index, q=data.get("q") or "", filters=filters, sort=data.get("tri") or "pertinence")


def rows_of(frame, total: int) -> list[list]:
    rows = [
        [" ".join(row.get("titulaire_ids") or []) if key == "titulaires" else row.get(key) for key, _l in COLUMNS]
        for row in frame.iter_rows(named=True)
    ]
    if total > frame.height:
        rows.append([f"Export limité aux {frame.height} premiers contrats sur {total}."])
    return rows


def header() -> list[str]:
    return [label for _key, label in COLUMNS]


def build_job(job) -> tuple[str, bytes, int]:
    """The builder of the explorer's background exports (pilote.core.export_jobs)."""
    index = load()
    if index is None:
        raise LookupError("aucune donnée DECP importée")
    frame, total = matching(index, QueryDict(job.query), job.organisation)
    content = tabular.csv_text(header(), rows_of(frame, total), kinds=KINDS).encode("utf-8")
    return TITLE, content, frame.height
