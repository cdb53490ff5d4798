"""The index files: prepared inside each generation by the import, or built in place, file by file, for a
generation published without them."""

import json

from pilote.contracts import semantics as sem
from pilote.contracts.search import guidance, index, text
from pilote.decp import store as decp_store


def test_build_index_writes_its_files_into_the_generation(store):
    generation = decp_store.current_generation_dir(store)
    for name in index.FILES:
        assert (generation / name).exists()
    meta = json.loads((generation / "explorer_index.json").read_text())
    assert meta["contrats"] == 12
    assert meta["termes"] > 20


def test_a_generation_without_its_index_gets_it_built_in_place_by_the_command_helper(bare_store):
    generation = decp_store.current_generation_dir(bare_store)
    assert not (generation / "explorer_docs.arrow").exists()
    assert index.ensure_built() == generation
    loaded = index.load()
    assert loaded.size == 12
    assert loaded.directory == generation
    assert index.is_complete(generation)
    assert not list(generation.glob("*.tmp"))  # every file written under a temporary name, then renamed
    assert not (bare_store / "explorer").exists()  # no side cache any more
    assert loaded.match(text.query_terms("voirie")).height == 2


def test_no_store_means_no_index_and_empty_guidance(settings):
    assert index.load() is None
    assert guidance.similar_contracts(objet="voirie") == []
    assert guidance.suggest_cpv("voirie") == [] or all("code" in s for s in guidance.suggest_cpv("voirie"))
    assert guidance.price_reference(objet="voirie")["count"] == 0
    assert guidance.potential_suppliers(code_cpv="45233140") == []
    assert guidance.segment_facts(cpv_prefixes=["45"])["national"]["count"] == 0


def test_amount_anomaly_codes_come_from_the_cleaning_rules():
    assert "montant_symbolique" in sem.unusable_amount_codes()
    assert "montant_atypique" not in sem.unusable_amount_codes()  # "à vérifier": stays in sums
    assert "montant_negatif" not in sem.unusable_amount_codes()  # concerns the public subsidy, not the amount


def test_contract_detail_without_the_sorted_copies(bare_store):
    from pilote.explorer import profiles
    from tests.explorer.conftest import uid_of

    index.ensure_built()
    loaded = index.load()
    detail = profiles.contract(loaded, uid_of(loaded, "R1"))
    assert detail["row"]["objet"] == "Restauration Scolaire"
    assert len(detail["modifications"]) == 1
    assert detail["copies"][0]["source"] == "decp-test-explorer"
    assert profiles.contract(loaded, "m|nope|nope|?") is None


def test_command_builds_the_index(bare_store):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("explorer_index", stdout=out)
    assert "12 contrats" in out.getvalue()
    assert index.is_complete(decp_store.current_generation_dir(bare_store))


def test_command_without_store(settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("explorer_index", stdout=out)
    assert "Aucune donnée DECP" in out.getvalue()
