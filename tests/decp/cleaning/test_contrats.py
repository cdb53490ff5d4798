"""clean_contrats and the child tables on real files (2019 JSON of decp-rama, 2022 JSON of Megalis) read by the
project's reader, plus record-level rules and properties over arbitrary input."""

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pilote.decp.cleaning import (
    RULES,
    clean_actes,
    clean_contrats,
    clean_modifications,
    clean_titulaires,
    count_rules,
    flag_titulaires_absents,
)
from pilote.decp.schema import CLEAN_CONTRAT, RAW_CONTRAT
from tests.decp.cleaning.helpers import REAL, TODAY, raw_contrats, read_raw


REAL_FILES = sorted((REAL / "decp-rama-2019").glob("*.json")) + sorted((REAL / "megalis-2024").glob("*.json"))


@pytest.fixture(scope="module")
def cleaned_real():
    out = {}
    for path in REAL_FILES:
        raw = read_raw(path)
        contrats = clean_contrats(raw["contrats"], today=TODAY)
        titulaires = clean_titulaires(raw["titulaires"])
        out[path.name] = {
            "raw": raw,
            "contrats": flag_titulaires_absents(contrats, titulaires),
            "titulaires": titulaires,
            "modifications": clean_modifications(raw["modifications"], today=TODAY),
            "actes": clean_actes(raw["actes_sous_traitance"], today=TODAY),
        }
    return out


def test_real_files_clean_with_known_codes_and_schema(cleaned_real):
    assert len(cleaned_real) == 5
    for name, tables in cleaned_real.items():
        c = tables["contrats"]
        for col, dtype in CLEAN_CONTRAT.items():
            assert c.schema[col] == dtype, (name, col)
        assert c.height == tables["raw"]["contrats"].height
        for table in ("contrats", "titulaires", "modifications", "actes"):
            codes = count_rules(tables[table]["qualite"])
            assert set(codes) <= set(RULES), (name, table, set(codes) - set(RULES))


def test_real_aife_record(cleaned_real):
    # first record of data.gouv.fr_aife.json: a 2019 "Marché subséquent", formePrix "Révisable", accents lost
    row = cleaned_real["data.gouv.fr_aife.json"]["contrats"].row(0, named=True)
    assert row["id"] == "2018COs68fWklM00"
    assert row["nature"] == "Marché"
    assert row["nature_brut"] == "Marché subséquent"
    assert row["modalites_execution"] == ["Marchés subséquents"]
    assert row["types_prix"] == ["Définitif révisable"]
    assert row["lieu_execution_type_code"] == "Code département"
    assert row["montant"] == 26130.0
    assert {"nature_2019", "prix_2019", "texte_caracteres_perdus", "champs_hors_schema"} <= set(row["qualite"])
    # the second record: CPV 9132100 restored
    row = cleaned_real["data.gouv.fr_aife.json"]["contrats"].row(1, named=True)
    assert (row["code_cpv"], row["code_cpv_brut"]) == ("09132100", "9132100")


def test_real_pes_dates_with_offset(cleaned_real):
    c = cleaned_real["data.gouv.fr_pes.json"]["contrats"]
    with_offset = c.filter(pl.col("date_notification_brut").str.contains(r"\+0[12]:00$"))
    assert with_offset.height > 100
    assert with_offset["date_notification"].null_count() == 0
    assert with_offset["qualite"].list.contains("date_fuseau").all()


def test_real_megalis_2022_file(cleaned_real):
    c = cleaned_real["decp-59920013600241-2024-07-09-01.json"]["contrats"]
    assert c.height == 5
    assert c["acheteur_id"].unique().to_list() == ["59920013600241"]
    assert c["taux_avance"].to_list() == [0.0] * 5


def test_brut_is_set_exactly_where_a_string_value_changed(cleaned_real):
    for tables in cleaned_real.values():
        raw, c = tables["raw"]["contrats"], tables["contrats"]
        for col, dtype in CLEAN_CONTRAT.items():
            if dtype != pl.String or col not in RAW_CONTRAT:
                continue
            r = raw[col]
            blank = r.is_null() | (r.str.strip_chars() == "")
            changed = (c[col] != r).fill_null(True) & ~blank
            assert ((c[f"{col}_brut"].is_not_null()) == changed).all(), col
            assert (c[f"{col}_brut"].drop_nulls() == r.filter(c[f"{col}_brut"].is_not_null())).all(), col


def test_amounts_are_never_changed(cleaned_real):
    for tables in cleaned_real.values():
        raw = tables["raw"]["contrats"]["montant"].cast(pl.Float64, strict=False)
        got = tables["contrats"]["montant"]
        both = raw.is_not_null()
        assert (got.filter(both) == raw.filter(both)).all()


def test_record_level_rules():
    raw = raw_contrats(
        [
            {"code_cpv": None, "date_notification": "2024-03-01", "date_publication_donnees": "2024-02-01"},
            {"code_cpv": "45214200", "date_notification": None, "date_publication_donnees": "2024-02-01",
             "considerations_sociales": ["Pas de considération sociale", "Clause sociale"]},
            {"code_cpv": "45214200", "date_notification": "2024-01-01", "date_publication_donnees": "2024-02-01",
             "origine_ue": "0.5", "origine_france": "0.8", "anomalies_lecture": ["forme_enveloppe"]},
        ]
    )  # fmt: skip
    out = clean_contrats(raw, today=TODAY)
    q = out["qualite"].to_list()
    assert set(q[0]) == {"cpv_absent", "date_publication_avant_notification"}
    assert set(q[1]) == {"date_manquante", "considerations_contradictoires"}
    assert q[2] == ["forme_enveloppe", "origine_france_superieure"]


def test_titulaires_absents():
    contrats = clean_contrats(raw_contrats([{"id": "A"}, {"id": "B"}]), today=TODAY)
    tit = pl.DataFrame(
        {"record_key": [0, 1], "rang": [0, 0], "modification_id": [None, None], "type_identifiant": ["SIRET", ""],
         "titulaire_id": ["78471226700060", ""], "titulaire_nom": [None, None]},
        schema={"record_key": pl.Int64, "rang": pl.Int32, "modification_id": pl.String, "type_identifiant": pl.String,
                "titulaire_id": pl.String, "titulaire_nom": pl.String},
    )  # fmt: skip
    tit = clean_titulaires(tit)
    assert tit["qualite"].to_list() == [[], ["titulaire_vide"]]
    out = flag_titulaires_absents(contrats, tit)
    assert ["titulaires_absents" in q for q in out["qualite"].to_list()] == [False, True]


_TEXT = st.one_of(
    st.none(), st.text(max_size=20), st.sampled_from(["NC", "0", "1", "oui", "2024-01-01+01:00", "9310000"])
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                k: (st.lists(_TEXT, max_size=3) if v == pl.List(pl.String) else _TEXT)
                for k, v in RAW_CONTRAT.items()
                if k not in ("type_contrat", "anomalies_lecture")
            }
        ),
        min_size=1,
        max_size=5,
    )
)
def test_cleaning_never_crashes_on_arbitrary_strings(rows):
    out = clean_contrats(raw_contrats(rows), today=TODAY)
    assert out.height == len(rows)
    for col, dtype in CLEAN_CONTRAT.items():
        assert out.schema[col] == dtype
    for codes in out["qualite"].to_list():
        assert set(codes) <= set(RULES)
    # _brut set iff the value changed, for every String column (typed columns: see the rule tests)
    for col, dtype in CLEAN_CONTRAT.items():
        if dtype != pl.String or col not in RAW_CONTRAT:
            continue
        for raw, value, brut in zip((r[col] for r in rows), out[col], out[f"{col}_brut"], strict=True):
            # blank as Polars strips (Python's str.strip also removes \x1c-\x1f, which are control characters)
            blank = raw is None or pl.Series([raw]).str.strip_chars().str.len_bytes()[0] == 0
            assert (brut is not None) == (not blank and value != raw), (col, raw, value, brut)
            assert brut is None or brut == raw


def test_child_tables():
    from pilote.decp.schema import RAW_ACTE_SOUS_TRAITANCE, RAW_MODIFICATION

    actes = pl.DataFrame(
        [{"record_key": 0, "rang": 0, "acte_id": "1", "est_modification": False, "sous_traitant_type_identifiant": "Siret",
          "sous_traitant_id": "784 712 267 00060", "duree_mois": "NC", "montant": "500", "date_notification": "2024-05-30+02:00",
          "date_publication_donnees": "2024-05-01", "variation_prix": "ferme"}],
        schema=RAW_ACTE_SOUS_TRAITANCE,
    )  # fmt: skip
    row = clean_actes(actes, today=TODAY).row(0, named=True)
    assert (row["sous_traitant_type_identifiant"], row["sous_traitant_id"]) == ("SIRET", "78471226700060")
    assert row["montant"] == 500.0  # small amounts are normal for sub-contracting: not flagged
    assert row["variation_prix"] == "Ferme"
    assert set(row["qualite"]) == {
        "type_identifiant_variante", "identifiant_espaces", "non_communique", "date_fuseau", "libelle_variante",
        "date_publication_avant_notification",
    }  # fmt: skip
    mods = pl.DataFrame(
        [{"record_key": 0, "rang": 0, "modification_id": "1", "date_notification_modification": "2025-01-10",
          "date_publication_donnees_modification": "2025-01-20", "duree_mois": "14", "montant": "999999999"}],
        schema=RAW_MODIFICATION,
    )  # fmt: skip
    row = clean_modifications(mods, today=TODAY).row(0, named=True)
    # a modification amount that cannot be the true amount is blanked, the written value kept
    assert (row["duree_mois"], row["montant"], row["qualite"]) == (14, None, ["montant_sentinelle"])
    assert row["montant_brut"] == "999999999"


def test_memo_across_batches_gives_the_same_result(cleaned_real):
    from pilote.decp.cleaning import frame

    raw = cleaned_real["data.gouv.fr_pes.json"]["raw"]["contrats"]
    first, second = raw.slice(0, 600), raw.slice(600)
    frame._MEMO.clear()
    clean_contrats(first, today=TODAY)
    assert frame._MEMO  # the low-cardinality groups remembered their results
    warm = clean_contrats(second, today=TODAY)
    frame._MEMO.clear()
    cold = clean_contrats(second, today=TODAY)
    assert warm.equals(cold)
    # dates depend on today: another day does not reuse them
    later = clean_contrats(second, today=TODAY.replace(year=TODAY.year + 10))
    assert any(k.endswith(str(TODAY.replace(year=TODAY.year + 10))) for k in frame._MEMO)
    assert later.height == cold.height


def test_no_real_record_is_a_slip_by_the_legal_ceiling(cleaned_real):
    # the real MAPA above the EU thresholds are mislabelled large contracts (up to 8 times the highest threshold
    # outside the specific services: electricity, 3.5 M€) or specific services at any amount (meals, 8.2 M€)
    from pilote.decp.cleaning.legal_ceiling import CODE

    flagged = sum(CODE in q for t in cleaned_real.values() for q in t["contrats"]["qualite"].to_list())
    mapa_above = sum(
        t["contrats"].filter((pl.col("procedure") == "Procédure adaptée") & (pl.col("montant") > 443_000)).height
        for t in cleaned_real.values()
    )
    assert mapa_above > 20  # the files do hold MAPA above the thresholds
    assert flagged == 0
