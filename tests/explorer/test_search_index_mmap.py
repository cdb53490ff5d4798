"""The search index is a set of Arrow files opened memory-mapped (shared between processes through the page
cache, decision 0019), a missing index is an error rather than a rebuild in a web request, and the batched build
gives the same index as a build in one batch."""

import shutil

import polars as pl
import pytest

from pilote.contracts.search import build, index, text
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
    assert _inside(ix.docs["objet"], _mapped_range(maps["docs_objet"]))  # strings too (views and bytes)
    assert _inside(ix.docs["titulaire_ids"], _mapped_range(maps["docs_listes"]))
    assert _inside(ix.docs["contrat_uid"], _mapped_range(maps["docs_noms"]))
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
    reference = {t: pl.read_ipc(generation / f"explorer_{t}.arrow") for t in index.TABLES}
    monkeypatch.setattr(build, "TOKEN_BATCH", 5)  # 12 contracts: three batches
    build.build_index(generation)
    for table, frame in reference.items():
        assert pl.read_ipc(generation / f"explorer_{table}.arrow").equals(frame), table


def _docs_mapped_kb(ix, part: str = "docs") -> int:
    """Resident KB of this process's mapping of one of this index's files (from /proc/self/smaps)."""
    path = str(ix.directory / f"explorer_{part}.arrow")
    total, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as smaps:
        for line in smaps:
            head = line.split(maxsplit=1)[0] if line.strip() else ""
            if "-" in head and not head.endswith(":"):
                inside = line.rstrip().endswith(path)
            elif inside and line.startswith("Rss:"):
                total += int(line.split()[1])
    return total


def test_release_drops_the_mapped_pages_and_the_index_keeps_answering(ix, monkeypatch):
    before = ix.match(text.query_terms("voirie"))["doc"].sort().to_list()
    monkeypatch.setattr(index, "MAPPED_BUDGET", -1)  # any mapped page is over budget
    ix.docs["objet"].to_list()  # maps the docs pages
    released = ix.released_at
    assert index.load() is ix  # the same opened index; a request start releases the pages over budget
    assert ix.released_at > released
    assert _docs_mapped_kb(ix) == 0
    assert ix.match(text.query_terms("voirie"))["doc"].sort().to_list() == before
    assert ix.rows(pl.Series([0], dtype=pl.UInt32))["doc"].to_list() == [0]


def test_pages_within_the_budget_stay_mapped_for_the_next_requests(ix, monkeypatch):
    monkeypatch.setattr(index, "MAPPED_BUDGET", 2**40)
    ix.docs["objet"].to_list()
    released = ix.released_at
    assert index.load() is ix
    assert ix.released_at == released  # nothing released: the next request finds the pages mapped
    assert _docs_mapped_kb(ix) > 0


def test_rows_read_by_position_equal_the_gather_through_the_mapping(ix):
    every = pl.Series(list(reversed(range(ix.size))), dtype=pl.UInt32)
    by_position = ix.rows(every)
    assert by_position.schema == ix.docs.schema
    assert by_position.equals(ix.docs[every])  # every column, nulls, lists, dates, booleans, long strings
    assert by_position["objet"].str.len_bytes().max() > 12  # strings beyond the 12 bytes a view holds inline
    assert by_position["titulaire_ids"].list.len().max() >= 1
    assert by_position.null_count().sum_horizontal()[0] > 0  # the nulls are read from the validity bitmaps
    for name in ("montant", "date_notification", "titulaire_noms", "cpv_classe"):
        assert ix.column(name, every).equals(ix.docs[name].gather(every)), name


def test_a_page_of_rows_maps_no_index_page_into_the_worker(ix):
    """The displayed rows are read with pread: the worker's RSS does not take the folios they sit in."""
    docs = pl.Series([ix.size - 1, 0], dtype=pl.UInt32)
    ix.release()
    ix.rows(docs).to_dicts()
    assert _docs_mapped_kb(ix) == 0
    ix.docs[docs].to_dicts()  # the same rows through the mapping do map pages (the check can fail)
    assert _docs_mapped_kb(ix) > 0


def test_a_contract_is_found_by_its_uid_without_scanning_the_uids(ix):
    """The contract page's lookup: a binary search in the sorted (uid, doc) file gives every contract's own row,
    an unknown uid nothing, and it maps none of the contract table's pages (a filter on the uid column did)."""
    uids = ix.docs["contrat_uid"].to_list()
    for doc, uid in enumerate(uids):
        assert ix.doc_of(uid) == doc
    assert ix.doc_of("inconnu") is None
    assert ix.row_of("inconnu") is None
    ix.release()
    assert ix.row_of(uids[-1])["contrat_uid"] == uids[-1]
    assert _docs_mapped_kb(ix, "docs_noms") == 0
    ix.docs.filter(pl.col("contrat_uid") == uids[-1])  # the former lookup maps the uid column (the check can fail)
    assert _docs_mapped_kb(ix, "docs_noms") > 0


def test_the_contract_table_split_in_parts_is_the_table_collected_whole(ix):
    """The build writes the table in column parts (bounded memory); side by side they are the whole table, same
    rows in the same order, same columns in the same order."""
    whole = build._docs_lazy(ix.directory).collect()
    assert ix.docs.drop("doclen").equals(whole)
    assert ix.docs.columns == [*whole.columns, "doclen"]
    assert {c for cols in build.DOC_PARTS.values() for c in cols} < set(ix.docs.columns)


def test_a_new_generation_unmaps_the_previous_index_from_the_worker(ix, store):
    """After an import, a worker opens the new generation's index: the pages of the previous one must leave its
    resident set (they stayed beside the new ones until the worker died: ~60 MB per worker at 1.6 M)."""
    ix.docs["objet"].to_list()  # a request mapped pages of the current index
    assert _docs_mapped_kb(ix) > 0
    base = decp_store.decp_dir(store)
    current = decp_store.current_generation_dir(store)
    shutil.copytree(current, base / "generations" / "20991231T000000-copie")  # published as an import does
    (base / "CURRENT").write_text("20991231T000000-copie")
    fresh = index.load()
    assert fresh is not ix
    assert fresh.directory.name == "20991231T000000-copie"
    assert _docs_mapped_kb(ix) == 0  # the previous index's pages were released (the check fails without it)
    assert ix.match(text.query_terms("voirie")).height > 0  # a request still holding it keeps working
