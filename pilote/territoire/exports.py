"""The two standard files the territory publishes, written through pilote.core.tabular (formulas neutralised,
`;` delimiter, no BOM so that validators read the header as is): the schemes as `dispositif-aide` v0.2.0 and the
fund's subsidies as SCDL subventions 2.1.1. The tests validate both against the shipped schema.json files."""

from pilote.core import tabular
from pilote.territoire import fund, grants_csv, schemes_csv
from pilote.territoire.models import Scheme


def schemes_text(organisation) -> str:
    schemes = Scheme.objects.filter(organisation=organisation).order_by("titre", "uid")
    return tabular.csv_text(schemes_csv.COLUMNS, (schemes_csv.scheme_row(s) for s in schemes), bom=False)


def _attribuant(organisation) -> str:
    entity = organisation.buyer_entities.order_by("pk").first()
    return entity.siret if entity else ""


def scdl_text(organisation) -> str:
    rows = grants_csv.scdl_rows(fund.fund_grants(organisation), attribuant_nom=organisation.name,
                                attribuant_siret=_attribuant(organisation))  # fmt: skip
    return tabular.csv_text(grants_csv.SCDL_COLUMNS, rows, bom=False)
