"""The in-kind support of a year in the SCDL « subventions » format (2.1.1, schema.data.gouv.fr
scdl/subventions): one row per beneficiary, `nature` « aide en nature », written through core.tabular.

SCDL asks for the beneficiary's SIRET or RNA number: an initiative with neither (a citizen collective not
registered) cannot be published and is returned apart, so that the page says which ones and why."""

from decimal import Decimal

from pilote.communs import services
from pilote.core.tabular import csv_text


HEADER = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
]
NATURE = "aide en nature"


def _row(organisation, siret: str, year: int, item: dict) -> list:
    initiative = item["initiative"]
    return [
        organisation.name,
        siret,
        item["first"].isoformat(),
        f"RESSOURCOTHEQUE-{year}-{initiative.pk}",
        initiative.name,
        initiative.siret,
        initiative.rna,
        f"Mise à disposition de ressources de la ressource-o-thèque ({item['count']} réservation(s) en {year})"[:256],
        f"{item['total'].quantize(Decimal('0.01'))}",
        NATURE,
        "Mise à disposition en nature, valorisée au taux documenté de chaque ressource",
        f"{item['first'].isoformat()}/{item['last'].isoformat()}",
        "",
        "non",
        "1",
        "Ressource-o-thèque (partenariat public-communs)",
    ]


def export_rows(organisation, year: int) -> tuple[list[list], list[str]]:
    """(rows, problems): rows of the publishable initiatives, and a French reason for each one left out."""
    sirets = organisation.sirets
    problems, rows = [], []
    if not sirets:
        return [], ["L'organisation n'a pas de SIRET (idAttribuant obligatoire) : renseignez-le dans Organisation."]
    for item in services.in_kind_rows(organisation, year):
        if item["total"] <= 0:
            continue
        initiative = item["initiative"]
        if not initiative.siret and not initiative.rna:
            problems.append(f"« {initiative.name} » n'a ni SIRET ni numéro RNA : SCDL exige l'un des deux.")
            continue
        rows.append(_row(organisation, sirets[0], year, item))
    return rows, problems


def export_csv(organisation, year: int) -> str:
    rows, _ = export_rows(organisation, year)
    return csv_text(HEADER, rows)
