"""The cockpit's tables as HTML, CSV, XLSX and JSON: one function gives the rows of a table for given filters,
another serialises them. Row caps keep an export of the national list from exhausting the server."""

import datetime as dt
import json

from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils.text import slugify

from pilote.contracts import figures, indicators, queries
from pilote.contracts.filters import parse_filters
from pilote.core import export_jobs, tabular


MAX_ROWS = 50_000  # contract lists; aggregated tables are small
FORMATS = {"csv", "xlsx", "json", "html"}

CONTRACT_COLUMNS = [
    ("id", "Identifiant"),
    ("acheteur_id", "SIRET acheteur"),
    ("acheteur_nom", "Acheteur"),
    ("objet", "Objet"),
    ("code_cpv", "CPV"),
    ("nature", "Nature"),
    ("procedure", "Procédure"),
    ("date_notification", "Date de notification"),
    ("date_publication_donnees", "Date de publication"),
    ("montant", "Montant initial (€ HT, à la notification)"),
    ("montant_final", "Montant final (€ HT, après modifications)"),
    ("montant_exclu", "Montant exclu (anomalie)"),
    ("montant_a_verifier", "Montant à vérifier (compté)"),
    ("offres_recues", "Offres reçues"),
    ("considerations_sociales", "Considérations sociales"),
    ("considerations_environnementales", "Considérations environnementales"),
    ("nb_modifications", "Modifications"),
    ("qualite", "Signalements qualité"),
    ("titulaire_id", "Titulaire (SIRET)"),
    ("titulaire_categorie", "Catégorie du titulaire"),
    ("titulaire_departement", "Département du titulaire"),
    ("acheteur_departement", "Département de l'acheteur"),
]
BREAKDOWN_COLUMNS = [
    ("valeur", "Valeur"),
    ("n", "Contrats"),
    ("montant_total", "Montant (€ HT, hors anomalies)"),
    ("n_montant_anomalie", "Montants exclus (anomalies)"),
    ("montant_a_verifier", "dont montants à vérifier (€ HT, comptés)"),
    ("n_montant_a_verifier", "Contrats au montant à vérifier"),
    ("part_soc", "Part avec considération sociale"),
    ("n_soc", "Contrats avec considération sociale"),
    ("n_soc_renseigne", "Considérations sociales renseignées"),
    ("part_soc_bas", "Part sociale : intervalle à 95 %, borne basse"),
    ("part_soc_haut", "Part sociale : intervalle à 95 %, borne haute"),
    ("part_env", "Part avec considération environnementale"),
    ("n_env", "Contrats avec considération environnementale"),
    ("n_env_renseigne", "Considérations environnementales renseignées"),
    ("part_env_bas", "Part environnementale : intervalle à 95 %, borne basse"),
    ("part_env_haut", "Part environnementale : intervalle à 95 %, borne haute"),
    ("taux_offre_unique", "Taux d'offre unique"),
    ("n_offre_unique", "Contrats à offre unique"),
    ("n_offres_renseigne", "Offres reçues renseignées"),
    ("taux_offre_unique_bas", "Offre unique : intervalle à 95 %, borne basse"),
    ("taux_offre_unique_haut", "Offre unique : intervalle à 95 %, borne haute"),
    ("part_soc_insuffisant_texte", "Part sociale : échantillon insuffisant"),
    ("part_env_insuffisant_texte", "Part environnementale : échantillon insuffisant"),
    ("taux_offre_unique_insuffisant_texte", "Offre unique : échantillon insuffisant"),
]

TABLES = {
    "indicateurs": "Indicateurs",
    "contrats": "Contrats",
    "annees": "Par année",
    "procedures": "Par procédure",
    "natures": "Par nature",
    "divisions": "Par division CPV",
    "titulaires": "Principaux titulaires",
    "concentration": "Concentration par division CPV",
    "modifications": "Modifications à vérifier",
    "qualite": "Qualité des données",
}


def table(name: str, filters, organisation=None, drill: str = "tous") -> tuple[list, list[dict], str]:
    """(columns [(key, label)], rows, title) of one exportable table."""
    if name == "contrats":
        rows, _total = figures.contracts(filters, drill, organisation, limit=MAX_ROWS)
        return CONTRACT_COLUMNS, rows, f"Contrats — {queries.DRILLS[drill][0]}"
    if name == "indicateurs":
        values = figures.overview(filters, organisation)["values"]
        rows = []
        for code, label, group, _f, _d, _h in indicators.CATALOGUE:
            v = values[code]
            low, high = v.intervalle or (None, None)
            rows.append(
                {
                    "groupe": group,
                    "code": code,
                    "libelle": label,
                    "valeur": v.valeur,
                    "unite": v.unite,
                    "renseignes": v.renseignes,
                    "total": v.total,
                    "exclus": v.exclus,
                    "a_verifier": v.a_verifier,
                    "subsequents": v.subsequents,
                    "numerateur": v.numerateur,
                    "base": v.base if v.unite == "part" else None,
                    "intervalle_bas": low,
                    "intervalle_haut": high,
                    "insuffisant": _yes_no(v.insuffisant),
                }
            )
        cols = [
            ("groupe", "Groupe"),
            ("code", "Code"),
            ("libelle", "Indicateur"),
            ("valeur", "Valeur"),
            ("unite", "Unité"),
            ("renseignes", "Contrats renseignés"),
            ("total", "Contrats"),
            ("exclus", "Montants exclus (anomalies)"),
            ("a_verifier", "dont montants à vérifier (€ HT, comptés)"),
            ("subsequents", "Marchés subséquents d'accords-cadres (€ HT, hors somme)"),
            ("numerateur", "Contrats comptés"),
            ("base", "Base de la part (contrats)"),
            ("intervalle_bas", "Intervalle à 95 % : borne basse"),
            ("intervalle_haut", "Intervalle à 95 % : borne haute"),
            ("insuffisant", f"Échantillon insuffisant (moins de {indicators.MIN_BASE} contrats)"),
        ]
        return cols, rows, "Indicateurs"
    dims = {"annees": "annee", "procedures": "procedure", "natures": "nature", "divisions": "division"}
    if name in dims:
        rows = figures.breakdown(filters, dims[name], organisation)
        for row in rows:
            if row["valeur"] is None:
                row["valeur"] = "Date inconnue" if name == "annees" else "Non renseigné"
            for key, _num, _base in figures.BREAKDOWN_SHARES:
                row[f"{key}_insuffisant_texte"] = _yes_no(row[f"{key}_insuffisant"])
        return BREAKDOWN_COLUMNS, rows, TABLES[name]
    if name == "titulaires":
        cols = [
            ("titulaire_id", "Identifiant"),
            ("titulaire_nom", "Nom"),
            ("n", "Contrats"),
            ("montant", "Montant (€ HT, montant initial)"),
            ("part", "Part du montant"),
            ("base", "Base de la part (contrats)"),
            ("insuffisant_texte", f"Échantillon insuffisant (moins de {indicators.MIN_BASE} contrats)"),
        ]
        rows = figures.suppliers(filters, limit=100)["top"]
        for row in rows:
            row["insuffisant_texte"] = _yes_no(row["insuffisant"])
        return cols, rows, TABLES[name]
    if name == "concentration":
        cols = [
            ("division", "Division CPV"),
            ("n", "Contrats"),
            ("montant_total", "Montant (€ HT)"),
            ("nb_titulaires", "Titulaires"),
            ("hhi", "Indice HHI"),
            ("hhi_label", "Concentration"),
            ("part_premier", "Part du premier titulaire"),
            ("base", "Base de la part (contrats)"),
            ("insuffisant_texte", f"Échantillon insuffisant (moins de {indicators.MIN_BASE} contrats)"),
        ]
        rows = figures.concentration(filters)
        for row in rows:
            row["insuffisant_texte"] = _yes_no(row["insuffisant"])
        return cols, rows, TABLES[name]
    if name == "modifications":
        cols = [
            ("id", "Identifiant"),
            ("acheteur_id", "SIRET acheteur"),
            ("objet", "Objet"),
            ("code_cpv", "CPV"),
            ("date_notification", "Notification"),
            ("montant_initial", "Montant initial"),
            ("montant_final", "Montant après modifications"),
            ("hausse", "Hausse"),
            ("seuil", "Seuil"),
        ]
        return cols, figures.evolution(filters, 0)["a_verifier"], TABLES[name]
    if name == "qualite":
        cols = [("code", "Code"), ("label", "Signification"), ("kind", "Type"), ("n", "Contrats")]
        return cols, figures.flags(filters), TABLES[name]
    raise KeyError(name)


# What each column holds, for the export helper's French formats (euros, percentages, whole numbers).
AMOUNT_KEYS = {"montant", "montant_total", "montant_a_verifier", "a_verifier", "subsequents", "montant_initial",
               "montant_final"}  # fmt: skip
SHARE_KEYS = {"part", "part_soc", "part_env", "taux_offre_unique", "part_premier", "hausse", "seuil", "part_soc_bas",
              "part_soc_haut", "part_env_bas", "part_env_haut", "taux_offre_unique_bas", "taux_offre_unique_haut"}  # fmt: skip
INTEGER_KEYS = {"n", "n_montant_anomalie", "n_montant_a_verifier", "n_soc_renseigne", "n_env_renseigne",
                "n_offres_renseigne", "n_soc", "n_env", "n_offre_unique", "offres_recues", "nb_modifications",
                "nb_titulaires", "renseignes", "total", "exclus", "numerateur", "base"}  # fmt: skip
UNIT_KINDS = {"part": "share", "euros": "amount", "nombre": "number", "indice": "number"}


def _kind(key: str, row: dict) -> str | None:
    if key in ("valeur", "intervalle_bas", "intervalle_haut") and "unite" in row:  # indicators: one unit a row
        return UNIT_KINDS.get(row["unite"])
    if key in AMOUNT_KEYS:
        return "amount"
    if key in SHARE_KEYS:
        return "share"
    return "integer" if key in INTEGER_KEYS else None


def kinds_of(columns, row: dict) -> list:
    return [_kind(key, row) for key, _label in columns]


def render(fmt: str, columns, rows, title: str, summary: str) -> HttpResponse:
    filename = slugify(title) or "export"
    if fmt == "json":
        data = [{key: _json(row.get(key)) for key, _label in columns} for row in rows]
        return JsonResponse(
            {"titre": title, "filtres": summary, "lignes": data, "tronque": len(rows) >= MAX_ROWS},
            json_dumps_params={"ensure_ascii": False},
        )
    if fmt == "csv":
        return tabular.csv_response(f"{filename}.csv", [label for _key, label in columns], _csv_body(columns, rows))
    if fmt == "xlsx":
        return tabular.xlsx_response(f"{filename}.xlsx", xlsx_content(columns, rows, title, summary))
    raise KeyError(fmt)


def file_content(fmt: str, columns, rows, title: str, summary: str) -> bytes:
    """The bytes of a CSV or XLSX export (an export built in the background, pilote.core.export_jobs)."""
    if fmt == "csv":
        return tabular.csv_text([label for _key, label in columns], _csv_body(columns, rows)).encode("utf-8")
    if fmt == "xlsx":
        return xlsx_content(columns, rows, title, summary)
    raise KeyError(fmt)


BACKGROUND_FORMATS = {"csv", "xlsx"}


def needs_background(name: str, fmt: str, filters, organisation, drill: str) -> bool:
    """A contract list in CSV or XLSX above PILOTE_EXPORT_TASK_ROWS rows (one count query) is built by a task;
    aggregated tables are small and stay in the request."""
    if name != "contrats" or fmt not in BACKGROUND_FORMATS:
        return False
    _rows, total = figures.contracts(filters, drill, organisation, limit=1)
    return (total or 0) > export_jobs.task_threshold()


def build_job(job) -> tuple[str, bytes, int]:
    """The builder of the cockpit's background exports: the table named in the job's address, with its filters."""
    query = QueryDict(job.query)
    filters, _form = parse_filters(query, job.organisation)
    columns, rows, title = table(
        query.get("tableau", "contrats"), filters, job.organisation, query.get("detail", "tous")
    )
    return title, file_content(job.fmt, columns, rows, title, filters.summary()), len(rows)


def _csv_body(columns, rows):
    # Through the one export helper (BOM, « ; », French numbers, formulas neutralised).
    for row in rows:
        kinds = kinds_of(columns, row)
        yield [tabular.Typed(row.get(key), kind) for (key, _label), kind in zip(columns, kinds, strict=True)]


def xlsx_content(columns, rows, title: str, summary: str) -> bytes:
    book = tabular.Workbook()
    sheet = book.add_sheet(title or "Export")
    bold = book.add_format({"bold": True})
    sheet.write(0, 0, title, bold)
    sheet.write(1, 0, summary)
    sheet.write_row(3, [label for _key, label in columns], bold)
    for r, row in enumerate(rows, start=4):
        sheet.write_row(r, [row.get(key) for key, _label in columns], kinds=kinds_of(columns, row))
    return book.close()


def _yes_no(flag: bool) -> str:
    return "oui" if flag else "non"


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json)
