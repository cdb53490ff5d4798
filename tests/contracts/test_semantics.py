"""Each concept of pilote.contracts.semantics gives the same answer in its SQL, Polars and Python forms, on the
same rows (the real demo files); thresholds come from reglementation."""

import datetime as dt

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
    assert semantics.has_social(["Pas de considération sociale", "Marché réservé"])
    assert not semantics.has_social(["Pas de considération sociale"])
    assert not semantics.has_social(None)
    assert semantics.has_environmental(["Critère environnemental"])
    assert not semantics.has_environmental(["Clause sociale"])


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
