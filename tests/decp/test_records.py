"""Records that are not contracts (test records of the platforms, bad records) are rejected with their reason,
and amounts: only what cannot be a true amount is flagged "signalement"; an unusual amount is "à vérifier"."""

import json

import polars as pl

from pilote.decp import store
from pilote.decp.cleaning import RULES
from pilote.decp.cleaning.records import MOTIF_ACHETEUR, MOTIF_NEGATIF, MOTIF_OBJET, MOTIF_TEST
from pilote.decp.importer import run_import
from tests.decp.conftest import REAL_2019
from tests.decp.test_import import check_identity, marche, table, write_2022


def test_unusual_amounts_are_to_review_not_unknowable():
    assert RULES["montant_atypique"].kind == "a_verifier"
    assert RULES["montant_faible"].kind == "a_verifier"
    for code in ("montant_symbolique", "montant_sentinelle", "montant_excessif"):
        assert RULES[code].kind == "signalement"
        assert RULES[code].field == "montant"


def test_bad_records_are_rejected_with_their_reason(data_dir, tmp_path):
    records = [
        marche(0),
        marche(1, acheteur={"id": "abc"}, montant=-5),
        marche(2, objet=""),
        marche(3, montant=-5),
        marche(4, objet="Le marche noir", codeCPV="12345678", montant=123456.78),
    ]
    del records[1]["objet"]
    report = run_import([write_2022(tmp_path / "mixte.json", records)], data_dir=data_dir)
    check_identity(report)
    assert (report["read"], report["stored"], report["rejected"]) == (5, 1, 4)
    rejets = table(data_dir, "rejets").sort("position")
    assert rejets["motif"].to_list() == [MOTIF_ACHETEUR, MOTIF_OBJET, MOTIF_NEGATIF, MOTIF_TEST]
    assert json.loads(rejets["extrait"][0])["acheteur_id"] == "abc"
    assert rejets["message"][0].startswith("Fichier « mixte.json », enregistrement n° 1 du tableau « marche »")
    assert table(data_dir, "contrats")["id"].to_list() == ["2024-0000"]
    # nothing of a rejected record is stored (child tables included)
    assert table(data_dir, "titulaires")["contrat_uid"].n_unique() == 1


def test_aife_test_records_are_rejected(data_dir):
    aife = next(p for p in REAL_2019 if p.name == "data.gouv.fr_aife.json")
    report = run_import([aife], data_dir=data_dir)
    check_identity(report)
    contrats = table(data_dir, "contrats")
    assert not contrats.filter(pl.col("acheteur_nom").str.to_lowercase() == "essentiel").height
    assert not contrats.filter(pl.col("code_cpv").is_in(["12345678", "22222222", "12345555"])).height
    assert not contrats.filter(pl.col("montant").is_in([123456.78, 9876543.21, 111111.21])).height
    rejets = table(data_dir, "rejets")
    assert rejets.filter(pl.col("motif") == MOTIF_TEST).height == 82
    assert store.current_manifest(data_dir)["inputs"][0]["rejected"] == report["rejected"]


def test_modification_amounts_are_screened(data_dir, tmp_path):
    rec = marche(0)
    rec["modifications"] = [
        {"modification": {"id": 1, "montant": 999999999, "dureeMois": 14, "dateNotificationModification": "2024-05-01",
                          "datePublicationDonneesModification": "2024-05-05"}},
        {"modification": {"id": 2, "montant": 1, "dateNotificationModification": "2024-06-01",
                          "datePublicationDonneesModification": "2024-06-05"}},
        {"modification": {"id": 3, "montant": 61000, "dateNotificationModification": "2024-07-01",
                          "datePublicationDonneesModification": "2024-07-05"}},
    ]  # fmt: skip
    run_import([write_2022(tmp_path / "m.json", [rec])], data_dir=data_dir)
    mods = table(data_dir, "modifications").sort("rang")
    assert mods["montant"].to_list() == [None, None, 61000.0]
    assert mods["montant_brut"].to_list() == ["999999999", "1", None]
    assert mods["qualite"].to_list()[:2] == [["montant_sentinelle"], ["montant_symbolique"]]


def test_the_clean_copy_of_a_state_wins(data_dir, tmp_path):
    clean, symbolic = marche(7, montant=61000), marche(7, montant=1)
    run_import([write_2022(tmp_path / "a.json", [clean])], data_dir=data_dir)
    # the same state republished later by another channel with a symbolic amount: the clean copy stays retained
    report = run_import([write_2022(tmp_path / "b.json", [symbolic])], data_dir=data_dir)
    assert (report["stored"], report["duplicates"], report["replaced"]) == (0, 1, 0)
    contrats = table(data_dir, "contrats")
    assert (contrats["montant"].to_list(), contrats["nb_copies"].to_list()) == ([61000.0], [2])


def test_tabular_states_become_modifications_and_lots_stay_apart(data_dir):
    from tests.decp.conftest import TABULAR_2024

    report = run_import([TABULAR_2024], data_dir=data_dir)
    check_identity(report)
    contrats, mods = table(data_dir, "contrats"), table(data_dir, "modifications")
    assert report["read"] == 5613  # 5,180 uids, some of them several lots
    assert mods["contrat_uid"].n_unique() == 982  # before: every later state was dropped
    # the earliest state is the notification, each later state a modification after it
    notif = contrats.select("contrat_uid", "date_notification")
    later = mods.join(notif, on="contrat_uid")
    assert (later["date_notification_modification"] > later["date_notification"]).all()
    # two lots of one id, same buyer and day, different titulaires and amounts: two contracts
    lots = contrats.filter((pl.col("id") == "202429") & (pl.col("acheteur_id") == "51840030400011"))
    assert sorted(lots["montant"].to_list()) == [55000.0, 2481878.63]
    # ids compared exactly: 2024SH2 and 2024sh2, same buyer and day, other titulaires and amounts, two contracts
    spellings = contrats.filter(pl.col("id").str.to_uppercase() == "2024SH2")
    assert sorted(spellings["id"].to_list()) == ["2024SH2", "2024sh2"]
    assert sorted(spellings["montant"].to_list()) == [38720.0, 425000.0]
    assert report["stored"] == report["read"]  # and no other merge in this extract


def test_a_thousand_times_amount_proven_by_a_modification_is_left_out_of_sums(data_dir, tmp_path):
    from pilote.contracts.semantics import unusable_amount_codes

    peers = [marche(100 + k, montant=50_000 + 1_000 * k) for k in range(40)]  # comparable contracts
    slip = marche(7, montant=61_000_000)  # typed in euros × 1000
    slip["modifications"] = [
        {"modification": {"id": 1, "montant": 64000, "dateNotificationModification": "2024-07-01",
                          "datePublicationDonneesModification": "2024-07-05"}},
    ]  # fmt: skip
    run_import([write_2022(tmp_path / "m.json", [*peers, slip])], data_dir=data_dir)
    contrats = table(data_dir, "contrats")
    codes = dict(zip(contrats["montant"].to_list(), contrats["qualite"].to_list(), strict=True))
    assert "montant_erreur_mille" in codes[61_000_000.0]
    assert "montant_erreur_mille" in unusable_amount_codes()
    assert not any("montant_erreur_mille" in codes[a] for a in codes if a != 61_000_000.0)
