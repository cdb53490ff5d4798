"""The search index is a set of Arrow files opened memory-mapped (shared between processes through the page
cache, decision 0019), a missing index is an error rather than a rebuild in a web request, and the batched build
gives the same index as a build in one batch."""

import polars as pl
import pytest

from pilote.contracts.search import index, text
from pilote.decp import store as decp_store


def _mapped_range(whole) -> tuple[int, int]:
    return whole.address, whole.address + whole.size


def _inside(series: pl.Series, mapped: tuple[int, int]) -> bool:
    buffers = [b for b in series.to_arrow(compat_level=pl.CompatLevel.newest()).buffers() if b is not None and b.size]
    return bool(buffers) and all(mapped[0] <= b.address and b.address + b.size <= mapped[1] for b in buffers)


def test_every_table_is_read_in_place_from_its_mapped_file(ix):
    maps = dict(zip(index.TABLES, ix.maps, strict=True))
    assert _inside(ix.docs["doc"], _mapped_range(maps["docs"]))
    assert _inside(ix.docs["montant"], _mapped_range(maps["docs"]))
    assert _inside(ix.docs["objet"], _mapped_range(maps["docs"]))  # strings too (views and bytes)
    assert _inside(ix.docs["titulaire_ids"], _mapped_range(maps["docs"]))
    assert _inside(ix.postings["w"], _mapped_range(maps["postings"]))
    assert _inside(ix.suppliers["doc"], _mapped_range(maps["suppliers"]))
    # one chunk per column: gathering result rows never rechunks a column
    assert {ix.docs[c].n_chunks() for c in ix.docs.columns} == {1}


def test_a_copy_is_not_taken_for_mapped(ix):
    """The check above can fail: a frame copied out of the file is not inside the mapping."""
    copied = pl.Series("doc", ix.docs["doc"].to_list(), dtype=pl.UInt32)
    assert not _inside(copied, _mapped_range(ix.maps[0]))


def test_a_missing_index_raises_and_is_not_built_by_the_reader(bare_store):
    generation = decp_store.current_generation_dir(bare_store)
    with pytest.raises(index.IndexMissing, match="explorer_index"):
        index.load()
    assert not list(generation.glob("explorer_*.arrow"))  # nothing was built behind the caller's back


def test_an_index_of_an_older_version_is_missing_too(store, monkeypatch):
    monkeypatch.setattr(index, "INDEX_VERSION", "ancienne")
    with pytest.raises(index.IndexMissing):
        index.load()


def test_terms_behave_like_the_dictionary_they_replace(ix):
    terms = ix.terms
    voir = text.term("voirie")
    assert voir in terms
    assert "zzzz-absent" not in terms
    assert 42 not in terms
    _term_id, df, start = terms[voir]
    assert ix.postings.slice(start, df).height == df == 2
    assert terms.get("zzzz-absent") is None
    with pytest.raises(KeyError):
        terms["zzzz-absent"]
    assert len(terms) == index.json.loads((ix.directory / "explorer_index.json").read_text())["termes"]


def test_sorted_lookups_equal_a_scan_of_the_documents(ix):
    docs = ix.docs
    for cls in docs["cpv_classe"].drop_nulls().unique().to_list():
        expected = docs.filter(pl.col("cpv_classe") == cls)["doc"].to_list()
        assert ix.class_docs(cls).to_list() == expected
        assert ix.class_docs(cls, 1).to_list() == expected[:1]
    assert ix.prefix_docs("").to_list() == docs.drop_nulls("cpv_classe")["doc"].to_list()
    division = docs["cpv_classe"].drop_nulls()[0][:2]
    expected = docs.filter(pl.col("cpv_classe").str.starts_with(division))["doc"].to_list()
    assert ix.prefix_docs(division).to_list() == expected
    siret = docs["titulaire_ids"].explode().drop_nulls()[0]
    expected = docs.filter(pl.col("titulaire_ids").list.contains(siret))["doc"].to_list()
    assert sorted(ix.supplier_docs(siret).to_list()) == expected


def test_a_build_in_small_batches_gives_the_same_index(store, monkeypatch, tmp_path):
    generation = decp_store.current_generation_dir(store)
    reference = {t: pl.read_ipc(generation / f"explorer_{t}.arrow") for t in ("terms", "postings", "docs")}
    monkeypatch.setattr(index, "TOKEN_BATCH", 5)  # 12 contracts: three batches
    index.build_index(generation)
    for table, frame in reference.items():
        assert pl.read_ipc(generation / f"explorer_{table}.arrow").equals(frame), table


def test_release_drops_the_mapped_pages_and_the_index_keeps_answering(ix, monkeypatch):
    before = ix.match(text.query_terms("voirie"))["doc"].sort().to_list()
    monkeypatch.setattr(index, "RELEASE_EVERY", 0.0)
    released = ix.released_at
    assert index.load() is ix  # the same opened index; a request start releases the pages it touched
    assert ix.released_at > released
    assert ix.match(text.query_terms("voirie"))["doc"].sort().to_list() == before
    assert ix.rows(pl.Series([0], dtype=pl.UInt32))["doc"].to_list() == [0]
