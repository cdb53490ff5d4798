"""The rule catalogue: every code any rule can emit is documented, in French, and counted."""

import re
from pathlib import Path

import polars as pl

from pilote.decp.cleaning import READER_CODES, RULES, count_rules
from pilote.decp.cleaning.children import clean_actes, clean_modifications, clean_titulaires
from pilote.decp.cleaning.contrats import contrat_groups, record_flags
from pilote.decp.cleaning.outliers import CODE as OUTLIER_CODE
from pilote.decp.schema import RAW_ACTE_SOUS_TRAITANCE, RAW_MODIFICATION, RAW_TITULAIRE
from tests.decp.cleaning.helpers import TODAY


PACKAGE = Path(__file__).resolve().parents[3] / "pilote" / "decp" / "cleaning"
DOC = Path(__file__).resolve().parents[3] / "docs" / "qualite-donnees.md"


def _emitted_codes() -> set[str]:
    codes = {OUTLIER_CODE, "titulaires_absents"}
    for group in contrat_groups(today=TODAY):
        for cleaned in group.cleaners.values():
            codes.update(code for code, _ in cleaned.flags)
    codes.update(code for code, _ in record_flags())
    return codes


def test_every_emitted_code_is_in_rules():
    missing = _emitted_codes() - set(RULES)
    assert not missing


def test_every_code_literal_in_the_package_is_in_rules():
    # catches codes added in a rule module but forgotten in the catalogue (strings used as first tuple item)
    found = set()
    for path in PACKAGE.glob("*.py"):
        found.update(re.findall(r'\(\s*"([a-z][a-z0-9_]+)",\s*[a-z_(~]', path.read_text(encoding="utf-8")))
    # struct fields and column names written the same way, which are not rule codes
    found -= {"moji", "html", "control", "qualite", "value"}
    assert found - set(RULES) == set()


def test_reader_codes_are_in_rules():
    assert set(READER_CODES) <= set(RULES)
    assert {"forme_enveloppe", "titulaires_forme", "champs_hors_schema"} <= set(READER_CODES)
    try:
        from pilote.decp.readers.flatten import READER_RULES
    except ImportError:  # the reader lives in another package; its own tests cover it
        return
    assert set(READER_RULES) <= set(RULES)


def test_child_tables_emit_only_known_codes():
    def empty(schema):
        return pl.DataFrame({k: [None] for k in schema}, schema=schema)

    tit = empty(RAW_TITULAIRE).with_columns(
        pl.lit("Siret").alias("type_identifiant"), pl.lit("1").alias("titulaire_id")
    )
    for out in (
        clean_titulaires(tit),
        clean_modifications(empty(RAW_MODIFICATION), today=TODAY),
        clean_actes(empty(RAW_ACTE_SOUS_TRAITANCE), today=TODAY),
    ):
        assert set(count_rules(out["qualite"])) <= set(RULES)


def test_rules_are_documented_in_french():
    for code, rule in RULES.items():
        assert rule.code == code
        assert rule.kind in ("correction", "signalement", "a_verifier")
        assert len(rule.label) > 20
        assert rule.field
    text = DOC.read_text(encoding="utf-8")
    undocumented = [code for code in RULES if f"`{code}`" not in text]
    assert not undocumented


def test_count_rules():
    q = pl.Series(
        [["date_fuseau", "cpv_zero_perdu"], [], None, ["date_fuseau", "date_fuseau"]], dtype=pl.List(pl.String)
    )
    assert count_rules(q) == {"date_fuseau": 2, "cpv_zero_perdu": 1}
    assert count_rules([["a"], ["a", "b"], None]) == {"a": 2, "b": 1}
