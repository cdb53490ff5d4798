"""Enumeration rules: variants of real labels mapped to the official 2.0.3 strings."""

import polars as pl
import pytest

from pilote.decp.cleaning import enums as E
from pilote.decp.cleaning.enums import clean_enum, clean_enum_list
from tests.decp.cleaning.helpers import one


LIST = pl.List(pl.String)


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("APPEL D'OFFRES OUVERT", "Appel d'offres ouvert"),
        ("Procédure Adaptée", "Procédure adaptée"),
        ("procedure adaptee", "Procédure adaptée"),
        ("Dialogue competitif", "Dialogue compétitif"),
    ],
)
def test_procedure_variants(written, official):
    row = one(clean_enum, written, official=E.PROCEDURES, aliases=E.PROCEDURES_1_4, alias_code="libelle_ancien")
    assert row == {"v": official, "v_brut": written, "qualite": ["libelle_variante"]}


def test_old_procedure_labels_of_real_files():
    # real values of the 2019 files and of the 2024 tabular extract
    for old, new in E.PROCEDURES_1_4.items():
        row = one(clean_enum, old, official=E.PROCEDURES, aliases=E.PROCEDURES_1_4, alias_code="libelle_ancien")
        assert row == {"v": new, "v_brut": old, "qualite": ["libelle_ancien"]}


def test_official_value_is_untouched():
    for value in E.PROCEDURES:
        assert one(clean_enum, value, official=E.PROCEDURES) == {"v": value, "v_brut": None, "qualite": []}


@pytest.mark.parametrize(
    ("written", "official", "values"),
    [
        ("Maîtrise d'œuvre", "Maitrise d'œuvre", E.CCAG),
        (
            "Techniques de l’information et de la communication",
            "Techniques de l'information et de la communication",
            E.CCAG,
        ),
        ("Fournitures Courantes et Services", "Fournitures courantes et services", E.CCAG),
        ("Code departement", "Code département", E.TYPES_CODE_LIEU),
        ("CODE DEPARTEMENT", "Code département", E.TYPES_CODE_LIEU),  # real 2019 value
        ("CODE POSTAL", "Code postal", E.TYPES_CODE_LIEU),  # real 2019 value
        ("Marche", "Marché", E.NATURES),
        ("CONCESSION DE TRAVAUX", "Concession de travaux", E.NATURES),  # real 2019 value
        ("DELEGATION DE SERVICE PUBLIC", "Délégation de service public", E.NATURES),  # real 2019 value
        ("unitaire", "Unitaire", E.FORMES_PRIX),
        ("ferme", "Ferme", E.VARIATIONS_PRIX),
    ],
)
def test_variants_of_every_enumeration(written, official, values):
    assert one(clean_enum, written, official=values) == {
        "v": official,
        "v_brut": written,
        "qualite": ["libelle_variante"],
    }


def test_nc_and_unknown_values_are_nulled():
    assert one(clean_enum, "NC", official=E.CCAG) == {"v": None, "v_brut": "NC", "qualite": ["non_communique"]}
    assert one(clean_enum, "Autre", official=E.CCAG) == {"v": None, "v_brut": "Autre", "qualite": ["libelle_inconnu"]}


def test_list_variants():
    row = one(clean_enum_list, ["Accord cadre"], LIST, official=E.TECHNIQUES)
    assert row == {"v": ["Accord-cadre"], "v_brut": "Accord cadre", "qualite": ["libelle_variante"]}
    row = one(clean_enum_list, ["Système d’acquisition dynamique"], LIST, official=E.TECHNIQUES)
    assert row["v"] == ["Système d'acquisition dynamique"]
    row = one(clean_enum_list, ["Clause Environnementale"], LIST, official=E.CONSIDERATIONS_ENVIRONNEMENTALES)
    assert row["v"] == ["Clause environnementale"]
    assert one(clean_enum_list, ["Sans objet"], LIST, official=E.TECHNIQUES) == {
        "v": ["Sans objet"],
        "v_brut": None,
        "qualite": [],
    }


def test_list_nc_unknown_and_empty():
    assert one(clean_enum_list, ["NC"], LIST, official=E.CONSIDERATIONS_SOCIALES)["qualite"] == ["non_communique"]
    row = one(clean_enum_list, ["Bidule", "Concours"], LIST, official=E.TECHNIQUES)
    assert row == {"v": ["Concours"], "v_brut": "Bidule | Concours", "qualite": ["libelle_inconnu"]}
    assert one(clean_enum_list, [], LIST, official=E.TECHNIQUES) == {"v": None, "v_brut": None, "qualite": []}


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("Ferme", "Définitif ferme"),
        ("Ferme et actualisable", "Définitif actualisable"),
        ("Révisable", "Définitif révisable"),
    ],
)
def test_2019_price_forms_become_2022_price_types(written, official):
    # the real 2019 formePrix values, which the reader puts into types_prix
    row = one(clean_enum_list, [written], LIST, official=E.TYPES_PRIX, aliases=E.PRIX_2019, alias_code="prix_2019")
    assert row == {"v": [official], "v_brut": written, "qualite": ["prix_2019"]}


def test_conflicting_considerations():
    df = pl.DataFrame({"c": [[E.PAS_SOCIALE, "Clause sociale"], [E.PAS_SOCIALE], ["Clause sociale"]]})
    got = df.select(E.considerations_conflict(pl.col("c"), E.PAS_SOCIALE))["c"].to_list()
    assert got == [True, False, False]
