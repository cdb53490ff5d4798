"""Text repair on real objets of the 2019 files (U+FFFD, HTML entities, cp1252 control characters) and on
real objets re-encoded the way broken publishers do (UTF-8 read as Latin-1)."""

import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from pilote.decp.cleaning.text import clean_text
from tests.decp.cleaning.helpers import run


def clean(values):
    return run(clean_text, values).rows(named=True)


REAL_OBJETS = [
    "Prestations juridiques pour la SOLIDEO - droit de l'aménagement",
    "Mission de coordination Inter Chantier pour la ZAC du Bac d'Asnières à Clichy-la-Garenne",
    "Réfection de la toiture – bâtiment A, lot n°3 : « couverture »",
]


@pytest.mark.parametrize("objet", REAL_OBJETS)
def test_reversible_mojibake_is_repaired(objet):
    broken = objet.encode("utf-8").decode("latin-1")
    (row,) = clean([broken])
    assert row == {"v": objet, "v_brut": broken, "qualite": ["texte_mojibake"]}


def test_clean_text_is_untouched():
    assert clean(REAL_OBJETS) == [{"v": o, "v_brut": None, "qualite": []} for o in REAL_OBJETS]


def test_replacement_characters_are_flagged_not_guessed():
    real = "Prestations juridiques pour la SOLIDEO - droit de l'am\ufffdnagement"  # real AIFE 2019 objet
    assert clean([real]) == [{"v": real, "v_brut": None, "qualite": ["texte_caracteres_perdus"]}]


def test_html_entities_and_line_breaks():
    real = "ACHAT D&#8217;UN APPAREIL DE CHROMATOGRAPHIE GAZEUSE"  # real marches-publics.info 2019 objet
    assert clean([real])[0] == {
        "v": "ACHAT D’UN APPAREIL DE CHROMATOGRAPHIE GAZEUSE",
        "v_brut": real,
        "qualite": ["texte_html"],
    }
    assert clean(["Travaux d&#039;entretien<br />"])[0]["v"] == "Travaux d'entretien"
    assert clean(["Lot 1<br/>Voirie"])[0]["v"] == "Lot 1 Voirie"


def test_control_characters():
    real = "Organisation des c\ufffdr\ufffdmonies des v\x9cux du Maire"  # real 2019 objet: \x9c is cp1252 œ
    (row,) = clean([real])
    assert row["v"] == "Organisation des c\ufffdr\ufffdmonies des vœux du Maire"
    assert set(row["qualite"]) == {"texte_controle", "texte_caracteres_perdus"}
    assert clean(["Objet\x00 avec\x07 contrôle"])[0]["v"] == "Objet avec contrôle"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text()), min_size=1, max_size=8))
def test_never_crashes_and_brut_iff_changed(values):
    for raw, row in zip(values, clean(values), strict=True):
        blank = raw is None or pl.Series([raw]).str.strip_chars().str.len_bytes()[0] == 0
        if not blank:
            assert (row["v_brut"] is not None) == (row["v"] != raw)
            if row["v_brut"] is not None:
                assert row["v_brut"] == raw
                assert row["qualite"]
