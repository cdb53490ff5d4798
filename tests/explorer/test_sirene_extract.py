"""The SIRENE extract parser and import: names, company categories and départements, rows keyed by SIRET or
SIREN, bad files refused in French with nothing saved."""

import polars as pl
import pytest
from django.core.exceptions import ValidationError

from pilote.contracts import names, sirene, sirene_files as extract_file
from pilote.contracts.models import SireneExtract, SireneName
from pilote.explorer.services import do_import_sirene_extract


@pytest.mark.parametrize(
    ("code", "expected"),
    [("69123", "69"), ("01053", "01"), ("2A004", "2A"), ("2b033", "2B"), ("97411", "974"), ("97101", "971"),
     ("98735", "987"), ("20004", ""), ("6912", ""), ("", "")],
)  # fmt: skip
def test_departement_from_commune(code, expected):
    assert sirene.departement_from_commune(code) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("69001", "69"), ("01000", "01"), ("20000", "2A"), ("20167", "2A"), ("20200", "2B"), ("20600", "2B"),
     ("97400", "974"), ("9740", ""), ("ABCDE", "")],
)  # fmt: skip
def test_departement_from_postal(code, expected):
    assert sirene.departement_from_postal(code) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", "01"), (" 69 ", "69"), ("2a", "2A"), ("974", "974"), ("20", ""), ("96", ""), ("x", "")],
)
def test_normalise_departement(value, expected):
    assert sirene.normalise_departement(value) == expected


def test_unites_legales_file_keyed_by_siren():
    raw = (
        b"siren,denominationUniteLegale,categorieEntreprise,prenom1UniteLegale,nomUniteLegale\n"
        b"552100554,RENAULT,GE,,\n"
        b"123456789,,pme,Jean,DUPONT\n"
        b"12345,TROP COURT,PME,,\n"
        b"987654321,,,,\n"
    )
    entries, skipped = sirene.parse_sirene_csv(raw)
    assert entries == {
        "552100554": sirene.Entry("RENAULT", "GE", ""),
        "123456789": sirene.Entry("Jean DUPONT", "PME", ""),
    }
    assert skipped == 2  # a short SIREN, a row with nothing useful


def test_etablissements_file_commune_then_postal_then_departement():
    raw = (
        "siren;siret;codeCommuneEtablissement;codePostalEtablissement;departement;categorieEntreprise\n"
        "552100554;55210055400013;92012;;;XXL\n"
        "552100554;55210055400021;;20200;;\n"
        "552100554;55210055400039;;;9;\n"
        "552100554;;;;974;ETI\n"
    ).encode("latin-1")
    entries, skipped = sirene.parse_sirene_csv(raw)
    assert entries["55210055400013"] == sirene.Entry("", "", "92")  # unknown category left blank
    assert entries["55210055400021"].departement == "2B"
    assert entries["55210055400039"].departement == "09"
    assert entries["552100554"] == sirene.Entry("", "ETI", "974")  # no SIRET: the SIREN keys the row
    assert skipped == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"nom;ville\nA;B\n", "Colonne « siret » introuvable"),
        (b"siret;ville\n12345678901234;Lyon\n", "Aucune colonne utile trouvée"),
        (b"siret;categorieEntreprise\n123;PME\n", "Aucune ligne utilisable"),
    ],
)
def test_bad_files_are_refused_in_french(raw, message):
    with pytest.raises(ValidationError, match=message):
        sirene.parse_sirene_csv(raw)


def test_bounds(monkeypatch):
    monkeypatch.setattr(sirene, "MAX_ROWS", 2)
    raw = b"siren;categorieEntreprise\n111111111;PME\n222222222;PME\n333333333;PME\n"
    with pytest.raises(ValidationError, match="dépasse 2 lignes"):
        sirene.parse_sirene_csv(raw)
    monkeypatch.setattr(sirene, "MAX_BYTES", 10)
    with pytest.raises(ValidationError, match="50 Mo"):
        sirene.parse_sirene_csv(raw)


@pytest.mark.django_db
def test_import_replaces_the_previous_and_writes_the_cockpit_file(
    org_a, members_a, django_capture_on_commit_callbacks
):
    actor = next(iter(members_a.values()))
    with django_capture_on_commit_callbacks(execute=True):
        first = do_import_sirene_extract(
            organisation=org_a, filename="a.csv", raw=b"siren;categorieEntreprise\n111111111;PME\n", actor=actor
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = do_import_sirene_extract(
            organisation=org_a,
            filename="b.csv",
            raw=b"siret;codeCommuneEtablissement;nom\n11111111100015;69123;ACME\n",
            actor=actor,
        )
    assert (second.rows, second.with_categorie, second.with_departement) == (1, 0, 1)
    assert list(SireneName.objects.values_list("siret", "departement", "name")) == [("11111111100015", "69", "ACME")]
    assert not extract_file.extract_path(first).exists()  # the previous extract's file is gone
    frame = pl.read_parquet(extract_file.extract_path(second))
    assert frame.to_dicts() == [{"cle": "11111111100015", "categorie": None, "departement": "69"}]


@pytest.mark.django_db
def test_bad_file_keeps_the_previous_extract(org_a, members_a):
    actor = next(iter(members_a.values()))
    do_import_sirene_extract(organisation=org_a, filename="a.csv", raw=b"siren;nom\n111111111;ACME\n", actor=actor)
    with pytest.raises(ValidationError):
        do_import_sirene_extract(organisation=org_a, filename="b.csv", raw=b"siren;nom\n1;X\n", actor=actor)
    assert SireneExtract.objects.count() == 1
    assert SireneName.objects.get().name == "ACME"


@pytest.mark.django_db
def test_names_fall_back_on_the_siren_row(org_a, members_a):
    actor = next(iter(members_a.values()))
    do_import_sirene_extract(
        organisation=org_a,
        filename="a.csv",
        raw=b"siren;siret;nom\n111111111;;ACME\n222222222;22222222200011;\n",
        actor=actor,
    )
    assert names.sirene_names(org_a, ["11111111100015", "22222222200011"]) == {"11111111100015": "ACME"}
