"""The real 2024 tabular extract (decp-processing, travaux CPV 4521, shipped gzipped with the demo) imported by the
pipeline gives the local share that plain Python recomputes from the CSV: no DuckDB, no cleaning code."""

import csv
import gzip
import io
from collections import defaultdict

import pytest

from pilote.contracts import db as duck, figures, table as cockpit_table
from pilote.contracts.filters import parse_filters
from pilote.contracts.prepared import write_prepared_file
from pilote.decp import store
from pilote.decp.demo import DATA_DIR
from pilote.decp.importer import run_import
from tests.analytics.test_prebuilt_table import fresh_process


SAMPLE = DATA_DIR / "decp_2024H2_travaux_cpv4521_filtered.csv.gz"


def _departement(value: str) -> str:
    value = value.strip().upper()
    return "0" + value if len(value) == 1 and value.isdigit() else value


def _lots(states):
    """The rows of one `uid` split into its contracts: each titulaire belongs to the lot of the amount of its
    earliest row; when the uid names several titulaires with several such amounts, each lot is a contract."""
    lot_of, lots = {}, defaultdict(list)
    for _line, row in sorted(states, key=lambda s: (s[1]["dateNotification"], s[0])):
        lot_of.setdefault(row["titulaire_id"], row["montant"])
    if len(lot_of) < 2 or len(set(lot_of.values())) < 2:
        return [states]
    for line, row in states:
        lots[lot_of[row["titulaire_id"]]].append((line, row))
    return list(lots.values())


def _plain_python_contracts():
    """The extract's contracts by the documented rule (docs/decp-pipeline.md, "Tabular"): its rows are the dated
    states of a contract (`uid`), newest first; the earliest date is the notification (the contract's row: the
    first row of that date), later dates are modifications; a uid's distinct lots are distinct contracts. The
    supplier is the first titulaire of the earliest state that names one. Ids are compared exactly: the ids of
    one buyer that differ only by case name other titulaires with other amounts here (checked), so they stay
    distinct contracts. Returns [(contract row, supplier row or None)]."""
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(SAMPLE.read_bytes()).decode("utf-8"))))
    by_uid = defaultdict(list)
    for line, row in enumerate(rows):
        by_uid[row["uid"]].append((line, row))
    contracts = []
    for states in by_uid.values():
        for lot in _lots(states):
            in_order = sorted(lot, key=lambda s: (s[1]["dateNotification"], s[0]))
            earliest = in_order[0][1]["dateNotification"]
            row = next(r for _line, r in lot if r["dateNotification"] == earliest)
            supplier = next(
                (r for _line, r in in_order if r["titulaire_id"].strip() or r["titulaire_nom"].strip()), None
            )
            contracts.append((row, supplier))
    _check_case_variants_differ(contracts)
    return contracts


def _check_case_variants_differ(contracts):
    spellings = defaultdict(list)
    for row, supplier in contracts:
        spellings[(row["acheteur_id"], row["id"].upper(), row["dateNotification"])].append((row, supplier))
    for variants in spellings.values():
        if len({row["id"] for row, _s in variants}) > 1:
            assert len({row["montant"] for row, _s in variants}) == len(variants)
            assert len({s["titulaire_id"] for _r, s in variants if s}) == len(variants)


def _plain_python_local_share(acheteur=None):
    contracts = [(r, s) for r, s in _plain_python_contracts() if acheteur is None or r["acheteur_id"] == acheteur]
    known = local = 0
    for row, supplier in contracts:
        buyer = _departement(row["acheteur_departement_code"])
        titulaire = _departement(supplier["titulaire_departement_code"]) if supplier else ""
        if buyer and titulaire:
            known += 1
            local += buyer == titulaire
    return len(contracts), known, local


@pytest.mark.django_db
def test_local_share_of_the_real_2024_extract(settings):
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR, prepare=False)
    contracts, known, local = _plain_python_local_share()
    filters, _ = parse_filters({"perimetre": "national"})
    values = figures.overview(filters)["values"]
    assert values["nb_contrats"].valeur == contracts
    share = values["part_locale"]
    assert (share.renseignes, share.numerateur) == (known, local)
    assert share.valeur == pytest.approx(local / known)
    assert share.couverture == pytest.approx(known / contracts)
    assert 0.3 < share.valeur < 0.9  # a real, non-trivial figure (works contracts are often local)
    # This extract has no company category: the SME share is not available from the data alone.
    assert values["part_pme"].valeur is None


@pytest.mark.django_db
def test_the_demo_departement_has_a_real_local_share(settings):
    """Département de la Seine-Maritime (demo organisation, pilote.core.demo) buys in this real extract: its
    demo cockpit shows a local share from real data (the synthetic demo contracts carry no département)."""
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR, prepare=False)
    contracts, known, local = _plain_python_local_share("22760540900019")
    filters, _ = parse_filters({"perimetre": "acheteur", "acheteur": "22760540900019"})
    share = figures.overview(filters)["values"]["part_locale"]
    assert known > 40
    assert (share.total, share.renseignes, share.numerateur) == (contracts, known, local)


@pytest.mark.django_db
def test_the_table_written_after_import_keeps_the_departements(settings, monkeypatch):
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR, prepare=False)
    filters, _ = parse_filters({"perimetre": "national"})
    fresh_process(monkeypatch)
    computed = figures.overview(filters)["values"]["part_locale"]
    write_prepared_file(store.current_generation_dir())
    fresh_process(monkeypatch)
    assert duck.has_relation(cockpit_table.COCKPIT_TABLE)
    assert figures.overview(filters)["values"]["part_locale"] == computed
