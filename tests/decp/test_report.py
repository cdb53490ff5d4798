"""The report's arithmetic: read = stored + duplicates + rejected, duplicates by source, replaced, timings."""

from collections import Counter
from types import SimpleNamespace

import polars as pl
import pytest

from pilote.decp import report
from pilote.decp.errors import ImportFailed


def identified(rows):
    """Identified copies as the identify step produces them: (import_run, record_key, contrat_uid, source, retenue)."""
    return pl.DataFrame(rows, schema=["import_run", "record_key", "contrat_uid", "source", "retenue"], orient="row")


def test_counts_of_a_run_against_the_store():
    ident = identified(
        [
            ("ancien", 1, "m|A|1", "profil", False),  # contract 1 held by the store, replaced by this run's copy
            ("nouveau", 10, "m|A|1", "aife", True),
            ("ancien", 2, "m|A|2", "profil", True),  # contract 2 held by the store, this run's copy loses
            ("nouveau", 11, "m|A|2", "aife", False),
            ("nouveau", 12, "m|A|3", "aife", True),  # contract 3 new, read twice in this run
            ("nouveau", 13, "m|A|3", "pes", False),
        ]
    )
    counts = report.copy_counts(ident, "nouveau", read=5, rejected=1)
    assert counts == {
        "stored": 1,
        "duplicates": 3,
        "duplicates_by_source": {"aife": 2, "pes": 1},
        "replaced": 1,
    }
    assert counts["stored"] + counts["duplicates"] + 1 == 5


def test_a_record_unaccounted_for_aborts():
    ident = identified([("nouveau", 10, "m|A|1", "aife", True)])
    with pytest.raises(ImportFailed, match="comptes incohérents : 3 lus, 1 rejetés mais 1 copies écrites"):
        report.copy_counts(ident, "nouveau", read=3, rejected=1)
    report.check_balance(3, 2, 1)  # balanced: no error


def test_flagged_adds_reader_cleaning_and_store_wide_codes_most_frequent_first():
    results = [SimpleNamespace(codes=Counter({"date_tz": 2, "cpv": 1})), SimpleNamespace(codes=Counter({"cpv": 3}))]
    assert list(report.flagged(results, {"montant_atypique": 3}).items()) == [
        ("cpv", 4),
        ("montant_atypique", 3),
        ("date_tz", 2),
    ]


def test_run_report_and_its_summary():
    files = [{"fichier": "a.json", "read": 4}, {"fichier": "b.json", "read": 2}]
    results = [SimpleNamespace(rejects=[("a.json", "marche", 3, "motif", "")], codes=Counter()), SimpleNamespace(
        rejects=[], codes=Counter())]  # fmt: skip
    counts = {"stored": 3, "duplicates": 2, "duplicates_by_source": {"x": 2}, "replaced": 0}
    built = report.run_report("r1", files, results, counts, added_codes={})
    assert (built["read"], built["stored"], built["duplicates"], built["rejected"]) == (6, 3, 2, 1)
    assert built["generation"] == built["import_run"] == "r1"
    built["duration_s"] = 1.5
    assert report.run_summary(built) == {
        "import_run": "r1", "read": 6, "stored": 3, "duplicates": 2, "rejected": 1, "replaced": 0,
        "duration_s": 1.5, "fichiers": ["a.json", "b.json"],
    }  # fmt: skip


def test_timings_per_step_and_former_totals():
    timings = report.Timings()
    assert timings.run("materialiser", lambda x: x * 2, 21) == 42
    with pytest.raises(ZeroDivisionError):
        timings.run("identifier", lambda: 1 / 0)  # a failing step is timed too
    timings.steps.update({"lire_nettoyer": 2.5, "ecrire_tables": 1.25, "preparer": 9.0, "apres_publication": 4.0})
    out = timings.as_report()
    assert list(out)[:2] == ["lecture_nettoyage", "dedoublonnage_ecriture"]
    assert out["lecture_nettoyage"] == pytest.approx(2.5 + out["materialiser"])
    assert out["dedoublonnage_ecriture"] == pytest.approx(1.25 + out["identifier"])
    assert out["preparer"] == 9.0


def test_noop_report_balances():
    out = report.noop_report("r2", {"generation": "g1"}, [{"fichier": "a.json"}], 0.1)
    assert out["statut"] == "deja_importe"
    assert out["generation"] == "g1"
    assert out["read"] == out["stored"] + out["duplicates"] + out["rejected"] == 0
