"""data·inclusion themes mapped to the map's themes (a table shipped as data), so that the solidarity structures
imported in the data·inclusion layout appear among "acteurs des solidarités qui n'ont rien reçu"."""

import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from pilote.territoire import map as territory_map, parsing, services
from pilote.territoire.themes import THEMES, from_inclusion, inclusion_mapping


def test_every_data_inclusion_category_is_mapped_to_themes_of_the_map():
    with open(Path(__file__).parents[2] / "pilote/territoire/data/thematiques_v1.csv", encoding="utf-8") as f:
        categories = {row["value"].split("--")[0] for row in csv.DictReader(f)}
    assert categories == set(inclusion_mapping())
    assert all(themes and set(themes) <= set(THEMES) for themes in inclusion_mapping().values())


def test_themes_read_by_category_and_unknown_ones_reported():
    themes, unknown = from_inclusion(["logement-hebergement--etre-accompagne-pour-se-loger", "famille", "nature", "x"])
    assert themes == ["nature", "solidarites", "urbanisme"]
    assert unknown == ["x"]


def test_unknown_theme_refuses_the_row_by_line():
    text = "nom,siret,code_insee,typologie,thematiques\nA,,14118,ASSO,famille\nB,,14118,ASSO,jardinage\n"
    with pytest.raises(ValidationError) as refused:
        parsing.parse_inclusion(text)
    assert "Ligne 3" in str(refused.value)
    assert "jardinage" in str(refused.value)


@pytest.mark.django_db
def test_imported_solidarity_structure_appears_in_the_unfunded_gap(org_a, members_a):
    actor = next(iter(members_a.values()))
    text = ("nom,siret,rna,code_insee,typologie,thematiques\n"
            "Épicerie sociale,,W141000002,14118,CCAS,equipement-et-alimentation--aide-alimentaire\n"
            "Atelier vélo,,W141000003,14118,ASSO,creer-une-entreprise--definir-son-projet-de-creation-dentreprise\n"
            "Club de lecture,,W141000004,14118,ASSO,\n")  # fmt: skip
    services.do_import(org_a, actor=actor, layout="inclusion", text=text, filename="structures.csv")
    names = {a["name"] for a in territory_map.territory(org_a)["unfunded"]}
    assert names == {"Épicerie sociale", "Atelier vélo"}
