"""DECP cleaning: pure, vectorised (Polars) rules that turn the raw tables read by pilote.decp.readers into the
typed tables of pilote.decp.schema, keeping every raw value that was changed (`<col>_brut`) and the codes of the
rules that corrected or flagged something on each record (`qualite`, catalogue in RULES, counted by count_rules).

No Django, no I/O except the reference data (CPV list) loaded once. User documentation: docs/qualite-donnees.md.
"""

from pilote.decp.cleaning.children import clean_actes, clean_modifications, clean_titulaires
from pilote.decp.cleaning.contrats import clean_contrats, flag_titulaires_absents
from pilote.decp.cleaning.outliers import flag_amount_outliers, flag_thousand_slips
from pilote.decp.cleaning.rules import READER_CODES, RULES, Rule, count_rules
from pilote.decp.cleaning.subcontracting import subcontract_exceeds


__all__ = [
    "READER_CODES",
    "RULES",
    "Rule",
    "clean_actes",
    "clean_contrats",
    "clean_modifications",
    "clean_titulaires",
    "count_rules",
    "flag_amount_outliers",
    "flag_thousand_slips",
    "flag_titulaires_absents",
    "subcontract_exceeds",
]
