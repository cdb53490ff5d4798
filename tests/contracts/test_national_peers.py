"""National peers on the real demo files: the buyer categories prepared with each generation, and the cockpit's
peers table of the demo Région, compared with the other régions of the data (docs/indicateurs.md, « Pairs »)."""

from pathlib import Path

import polars as pl
import pytest

from pilote.analytics import cockpit
from pilote.contracts import buyers
from pilote.contracts.filters import parse_filters
from pilote.core.demo import prepare_demo
from pilote.core.enums import OrganisationKind
from pilote.core.models import Organisation, PeerGroup
from pilote.decp import store
from tests.core.factories import OrganisationFactory


pytestmark = pytest.mark.django_db

# every région (or single authority acting as one) buying in the demo files, by SIREN
REGIONS = {"200052264", "200052678", "200053403", "200053742", "200053767", "200053791", "200055507", "200076958",
           "233500016", "234500023", "237500079"}  # fmt: skip


def _contracts(data_dir) -> pl.DataFrame:
    return pl.read_parquet(Path(store.current_generation_dir(data_dir)) / "contrats.parquet", columns=["acheteur_id"])


def test_the_import_prepares_the_buyer_categories(real_store):
    table = buyers.current_buyers()
    assert table is not None, "the preparer wrote the table inside the generation"
    regions = table.filter(pl.col("categorie") == "region")
    assert set(regions["siren"]) == REGIONS
    assert set(regions["categorie_juridique"]) == {"7230"}
    # one row per buyer SIRET of the data, with its number of contracts
    counts = _contracts(real_store).group_by("acheteur_id").len().drop_nulls()
    assert table.height == counts.height
    assert table["n_contrats"].sum() == counts["len"].sum()
    lyon = table.filter(pl.col("siret") == "21690123100011").row(0, named=True)
    assert (lyon["categorie"], lyon["tranche"], lyon["categorie_juridique"]) == (
        "commune",
        "100 000 habitants et plus",
        "7210",
    )


def test_classify_by_reference_numbering_and_name():
    assert buyers.classify("215903287") == {
        "categorie": "commune",
        "tranche": "20 000 à 50 000 habitants",  # Lambersart, 27 868 inhabitants in 2023
        "categorie_juridique": "7210",
        "categorie_juridique_libelle": "Commune et commune nouvelle",
    }
    assert buyers.classify("227605409")["categorie"] == "departement"
    assert buyers.classify("200053403")["categorie"] == "region"
    assert buyers.classify("264400136", "CHU NANTES")["categorie"] == "hopital"
    assert buyers.classify("275600011", "LORIENT HABITAT")["categorie"] == "logement_social"
    assert buyers.classify("110044013", "Ministère")["categorie"] == "etat"
    assert buyers.classify("266200001", "CCAS")["tranche"] == "SIREN 26…"
    assert buyers.band_label(buyers.COMMUNE_BANDS, 1999) == "moins de 2 000 habitants"
    assert buyers.band_label(buyers.EPCI_BANDS, 300_000) == "300 000 habitants et plus"


def test_the_demo_region_is_compared_with_the_other_regions(real_store):
    prepare_demo()
    region = Organisation.objects.get(slug="region-normandie")
    filters, _ = parse_filters({}, region)
    peers = cockpit.peers(filters, region)

    # independent count: the other régions with at least MIN_CONTRACTS contracts in the data
    per_siren = (
        _contracts(real_store)
        .with_columns(pl.col("acheteur_id").str.slice(0, 9).alias("siren"))
        .filter(pl.col("siren").is_in(sorted(REGIONS - {"200053403"})))
        .group_by("siren")
        .len()
    )
    ranked = per_siren.filter(pl.col("len") >= buyers.MIN_CONTRACTS).height
    assert ranked >= 3
    assert peers["base"] == (
        f"régions de France (10 autres dans les données, {ranked} avec au moins {buyers.MIN_CONTRACTS} "
        "contrats dans la vue)"
    )
    assert peers["nb_organisations"] == ranked + 1
    volume = next(r for r in peers["table"] if r["code"] == "nb_contrats")
    assert volume["valeur"] == 1  # Normandie's one contract in the demo files
    assert volume["sur"] == ranked + 1
    procedure = next(r for r in peers["table"] if r["code"] == "part_procedure_adaptee")
    # one contract: its share is « échantillon insuffisant », neither shown nor ranked (indicators.MIN_BASE)
    assert procedure["insuffisant"]
    assert procedure["rang"] is None
    assert procedure["valeur"] is None


def test_a_peer_group_of_several_organisations_is_kept(real_store):
    group = PeerGroup.objects.create(name="Grandes régions")
    mine = OrganisationFactory(slug="r1", kind=OrganisationKind.REGION, sirets=["20005340300057"], peer_group=group)
    OrganisationFactory(slug="r2", kind=OrganisationKind.REGION, sirets=["23450002300028"], peer_group=group)
    filters, _ = parse_filters({}, mine)
    peers = cockpit.peers(filters, mine)
    assert peers["base"] == "groupe de pairs « Grandes régions »"
    assert peers["nb_organisations"] == 2
    volume = next(r for r in peers["table"] if r["code"] == "nb_contrats")
    assert (volume["valeur"], volume["sur"]) == (1, 2)


def test_the_buyer_categories_are_a_preparation_of_each_generation():
    from pilote.decp import hooks

    assert hooks._PREPARERS["catégories des acheteurs (pairs nationaux)"] is buyers.write_buyers_file


def test_the_peers_scope_holds_the_national_peers(real_store):
    prepare_demo()
    region = Organisation.objects.get(slug="region-normandie")
    filters, _ = parse_filters({"perimetre": "pairs"}, region)
    assert {siret[:9] for siret in filters.sirets} == REGIONS
    assert "20005340300057" in filters.sirets
