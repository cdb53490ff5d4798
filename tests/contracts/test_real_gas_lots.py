"""Issue 14's check on the real demo files: the five lots of one 2019 gas purchase (buyer 20005043300024, 45.9 to
116.4 M€ each, one object, one CPV, one day) are all genuine and all summed. The statistical rule that once kept
two of them and excluded three now only flags amounts for review; none of the five may leave the sums."""

import gzip
import json

import pytest

from pilote.contracts import figures
from pilote.contracts.filters import parse_filters
from pilote.decp.demo import DATA_DIR
from pilote.decp.importer import run_import


BUYER = "20005043300024"
FILE = DATA_DIR / "e-marchespublics.json.gz"


def _gas_lots_in_the_file():
    """Independent reading of the file (plain json, no pipeline): the buyer's 2019 natural-gas lots."""
    records = json.loads(gzip.decompress(FILE.read_bytes()))["marches"]
    return {
        r["id"]: float(r["montant"])
        for r in records
        if r.get("acheteur", {}).get("id") == BUYER
        and r.get("codeCPV") == "09123000"
        and str(r.get("dateNotification", "")).startswith("2019")
    }


@pytest.mark.django_db
def test_the_five_gas_lots_are_all_summed(settings):
    lots = _gas_lots_in_the_file()
    assert len(lots) == 5  # the file's content, as the issue describes it
    # every demo file: the national peers are what makes three of the five lots statistically unusual
    run_import([str(path) for path in sorted(DATA_DIR.glob("*.gz"))], data_dir=settings.PILOTE_DATA_DIR)
    filters, _ = parse_filters({"perimetre": "acheteur", "acheteur": BUYER, "annee": "2019", "cpv": "09123000"})
    total = figures.overview(filters)["values"]["montant_total"]
    assert (total.total, total.exclus) == (5, 0)
    assert total.valeur == pytest.approx(sum(lots.values()))  # 438.0 M€: every lot in the sum
    # the unusual ones are said: counted, and shown as the part of the total "à vérifier"
    assert total.n_a_verifier == 3
    assert total.a_verifier == pytest.approx(92_400_000 + 105_000_000 + 116_400_000)
