"""Each concept of pilote.contracts.semantics gives the same answer in its SQL, Polars and Python forms, on the
same rows (the real demo files); thresholds come from reglementation."""

import datetime as dt

import polars as pl
import pytest

from pilote.contracts import db, semantics
from pilote.contracts.search import index
from pilote.reglementation import seuils


@pytest.mark.django_db
def test_polars_and_python_forms_equal_the_sql_ones(real_store):
    flags = semantics.contract_flags()
    sql = f"""SELECT c.contrat_uid, {flags["soc"]} AS soc, {flags["env"]} AS env,
      NOT coalesce({flags["montant_ok"]}, FALSE) AS inutilisable,
      c.considerations_sociales, c.considerations_environnementales FROM contrats c"""
    rows = {r["contrat_uid"]: r for r in db.fetch_all(sql)}
    docs = index.load().docs.select("contrat_uid", "social", "environnemental", "montant_anomalie")
    assert docs.height == len(rows) > 10_000
    for doc in docs.iter_rows(named=True):
        row = rows[doc["contrat_uid"]]
        assert doc["social"] == row["soc"] == semantics.has_social(row["considerations_sociales"])
        assert (
            doc["environnemental"]
            == row["env"]
            == semantics.has_environmental(row["considerations_environnementales"])
        )
        assert doc["montant_anomalie"] == row["inutilisable"]
    # not a trivial set (the 2019 formats carry no considerations: the forms are also compared on lists below)
    assert 0 < docs["montant_anomalie"].sum() < docs.height


def test_python_forms_on_declared_lists():
    assert semantics.has_social(["Clause sociale"])
    # a contradictory declaration is unknown: neither declared nor with a consideration
    assert not semantics.has_social(["Pas de considération sociale", "Marché réservé"])
    assert not semantics.declared_social(["Pas de considération sociale", "Marché réservé"])
    assert semantics.contradictory(["Pas de considération sociale", "Marché réservé"], "sociale")
    assert semantics.declared_social(["Pas de considération sociale"])
    assert not semantics.has_environmental(["Pas de considération environnementale", "Clause environnementale"])
    assert semantics.has_environmental(["Pas de considération sociale", "Clause environnementale"])
    assert not semantics.has_social(["Pas de considération sociale"])
    assert not semantics.has_social(None)
    assert semantics.has_environmental(["Critère environnemental"])
    assert not semantics.has_environmental(["Clause sociale"])


LISTS = [
    None,
    [],
    ["Clause sociale"],
    ["Pas de considération sociale"],
    ["Pas de considération sociale", "Clause sociale"],
    ["Pas de considération sociale", "Concession réservée", "Critère social"],
    ["Clause environnementale"],
    ["Pas de considération environnementale", "Critère environnemental"],
    ["Pas de considération environnementale"],
    ["Valeur inconnue"],
]


@pytest.mark.django_db
def test_contradictions_agree_in_sql_polars_and_python(real_store):
    flags = semantics.contract_flags()
    frame = pl.DataFrame(
        {"considerations_sociales": LISTS, "considerations_environnementales": LISTS},
        schema={"considerations_sociales": pl.List(pl.String), "considerations_environnementales": pl.List(pl.String)},
    )
    polars = frame.select(
        semantics.social_polars().alias("soc"),
        semantics.declared_social_polars().alias("soc_renseigne"),
        semantics.environmental_polars().alias("env"),
        semantics.declared_environmental_polars().alias("env_renseigne"),
    ).to_dicts()
    for values, from_polars in zip(LISTS, polars, strict=True):
        literal = "NULL::VARCHAR[]" if values is None else semantics.sql_list(values) + "::VARCHAR[]"
        names = ("soc", "soc_renseigne", "soc_contradictoire", "env", "env_renseigne", "env_contradictoire")
        select = ", ".join(f"coalesce({flags[n]}, FALSE) AS {n}" for n in names)
        row = db.fetch_one(
            f"SELECT {select} FROM (SELECT {literal} AS considerations_sociales, "
            f"{literal} AS considerations_environnementales) c"
        )
        python = {
            "soc": semantics.has_social(values),
            "soc_renseigne": semantics.declared_social(values),
            "soc_contradictoire": semantics.contradictory(values, "sociale"),
            "env": semantics.has_environmental(values),
            "env_renseigne": semantics.declared_environmental(values),
            "env_contradictoire": semantics.contradictory(values, "environnementale"),
        }
        assert row == python, values
        assert from_polars == {k: python[k] for k in from_polars}, values
    assert semantics.contradictory(LISTS[4], "sociale")
    assert not semantics.contradictory(LISTS[3], "sociale")


def test_unusable_amounts_are_the_rules_about_the_amount_alone():
    codes = set(semantics.unusable_amount_codes())
    assert {"montant_symbolique", "montant_sentinelle", "montant_excessif"} <= codes
    # the amount of one of the contract's dated states is a true amount; "NC" blanks the value instead
    assert "tabulaire_etats_multiples" not in codes
    assert "non_communique" not in codes


@pytest.mark.django_db
def test_thresholds_at_a_date_come_from_reglementation(real_store):
    day = dt.date(2024, 6, 1)
    works, supplies = semantics.eu_threshold_expr("commune", "c"), semantics.eu_threshold_expr("etat", "c")
    row = db.fetch_one(
        f"SELECT {works} AS works, (SELECT {supplies} FROM (SELECT ? AS date_notification, '30000000' AS code_cpv, "
        f"'marche' AS type_contrat) c) AS supplies FROM (SELECT ? AS date_notification, '45000000' AS code_cpv, "
        "'marche' AS type_contrat) c",
        [day, day],
    )
    assert float(row["works"]) == float(seuils.eu_threshold("commune", "travaux", day))
    assert float(row["supplies"]) == float(seuils.eu_threshold("etat", "fournitures", day))
    assert seuils.eu_code("etat", "services") == "ue_etat"
    assert seuils.eu_code("commune", "fournitures") == "ue_collectivites"
    assert seuils.procedure_code("travaux") == "dispense_travaux"


def test_cpv_normalisation_and_labels():
    assert semantics.clean_cpv("45233140-2") == "45233140"
    assert semantics.clean_cpv("4523 3140") == "45233140"
    assert semantics.clean_cpv("45") == "45000000"
    assert semantics.clean_cpv("x") is None
    assert semantics.cpv_prefix("45230000") == "4523"
    assert semantics.cpv_label("55523100-3") == "Services de restauration scolaire"
