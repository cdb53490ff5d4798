"""The real 2024 tabular extract (decp-processing, travaux CPV 4521, shipped gzipped with the demo) imported by the
pipeline gives the local share that plain Python recomputes from the CSV: no DuckDB, no cleaning code."""

import csv
import gzip
import io
import re

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


def _plain_python_local_share(acheteur=None):
    """One record per `uid` (its first row: the reader keeps the first state of a contract), its supplier the
    titulaire of its first row with a titulaire (rang 0). Records of one contract published under ids that
    differ only by case, blanks or "/" (same buyer, same notification date) are one contract; the copy read
    last wins (docs/decp-pipeline.md: no publication date here, so the later position)."""
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(SAMPLE.read_bytes()).decode("utf-8"))))
    first, supplier = {}, {}
    for row in rows:
        first.setdefault(row["uid"], row)
        if row["titulaire_id"].strip():
            supplier.setdefault(row["uid"], row)
    contracts = {}
    for uid, row in first.items():
        key = (row["acheteur_id"], re.sub(r"[\s/]", "", row["id"]).upper(), row["dateNotification"])
        contracts.pop(key, None)  # the later copy wins and keeps its place last
        contracts[key] = uid
    known = local = 0
    if acheteur:
        contracts = {k: uid for k, uid in contracts.items() if k[0] == acheteur}
    for uid in contracts.values():
        row = first[uid]
        buyer = _departement(row["acheteur_departement_code"])
        titulaire = _departement(supplier[uid]["titulaire_departement_code"]) if uid in supplier else ""
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
