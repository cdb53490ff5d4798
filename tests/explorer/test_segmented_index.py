"""The search index updated for the contracts an import changed (segments.py, decision 0019 amendment): after a
stock import then a monthly-like one (contracts added, changed, merged away), the segmented index answers as an
index built whole from the same generation; the merge policy, a missing or older base and `decp rebuild` build
whole."""

import json
import math
import re
import shutil
from collections import Counter
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from pilote.contracts import records
from pilote.contracts.filters import parse_filters
from pilote.contracts.search import build, guidance, index, query, segments, text
from pilote.contracts.search.ranking import rank
from pilote.decp import hooks, store, tables
from pilote.decp.demo import synth
from pilote.decp.pipeline import run_import
from pilote.decp.steps import delta_tables
from tests.decp.conftest import without_hooks
from tests.decp.test_incremental import _monthly


def _changes(generation: Path) -> pl.DataFrame:
    """The changes the import listed for its preparers (store.write_changes)."""
    return pl.read_parquet(generation / store.CHANGES)


def _whole_copy(generation: Path, target: Path) -> Path:
    """The generation's tables copied into `target` (named like it, in a store of its own) with an index built
    whole: the reference a segmented index must answer like."""
    directory = target / "decp" / "generations" / generation.name
    directory.mkdir(parents=True)
    for path in generation.glob("*.parquet"):
        if not path.name.startswith("explorer_") and path.name != store.CHANGES:
            shutil.copy(path, directory / path.name)
    shutil.copy(generation / "manifest.json", directory / "manifest.json")
    (target / "decp" / "CURRENT").write_text(generation.name + "\n", encoding="utf-8")
    build.build_index(directory)
    return directory


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """A stock of 1,500 synthetic records (index built whole), then two monthly-like files, each index updated
    from the previous one (the second update starts from a segmented base); returns the directories."""
    base = tmp_path_factory.mktemp("segmented")
    data = base / "data"
    with pytest.MonkeyPatch.context() as patch:
        without_hooks(patch)
        patch.setattr(segments, "MAX_SHARE", 0.5)  # two months of a small stock: a quarter of it in the delta
        patch.setattr(delta_tables, "MAX_SHARE", 10.0)  # the tables too: the index is built from parts
        first = synth.write(base / "stock.json", count=1500, seed=5)
        run_import([first], data_dir=data, prepare=False)
        stock = store.current_generation_dir(data)
        build.build_index(stock)
        kept = shutil.copytree(stock, base / "stock")  # the store keeps the current and previous generations only
        generations, changes = [stock], []
        for month in (1, 2):
            (base / f"m{month}").mkdir()
            monthly = _monthly(first, base / "m1") if month == 1 else _second_monthly(base)
            run_import([monthly], data_dir=data, prepare=False)
            generation = store.current_generation_dir(data)
            if month == 1:
                _remove_contracts(generation, generations[-1], 12)
            changes.append(_changes(generation))
            assert segments.update_index(generation) is None
            generations.append(generation)
    whole = _whole_copy(generations[-1], base / "whole")
    return {"data": data, "generations": generations, "changes": changes, "whole": whole, "stock": kept}


def _remove_contracts(generation: Path, base: Path, count: int) -> None:
    """Take `count` stored contracts out of the generation's tables and list them as removed, as a merge of
    spellings does (the synthetic file merges none): the index must drop what the generation no longer holds."""
    stored = tables.scan(base, "contrats").collect()["contrat_uid"]
    uids = stored.sort().gather_every(97).head(count)
    shared = {tables.main_path(generation, t).name for t in tables.CONTRACT_TABLES}
    assert tables.parts(generation, "contrats").delta is not None  # the main parts are the previous generation's
    for path in generation.glob("*.parquet"):
        if path.name in (store.CHANGES, tables.MASK, *shared):
            continue  # a main part shared with the previous generation: masked below, never written
        frame = pl.read_parquet(path)
        if "contrat_uid" in frame.columns:
            path.unlink()
            frame.filter(~pl.col("contrat_uid").is_in(uids.implode())).write_parquet(path)
    masked = pl.concat([tables.masked_uids(generation), uids]).unique()
    pl.DataFrame({"contrat_uid": masked}).write_parquet(generation / tables.MASK)
    listed = _changes(generation).filter(~pl.col("contrat_uid").is_in(uids.implode()))
    removed = pl.DataFrame({"contrat_uid": uids, "etat": [store.REMOVED] * uids.len()})
    pl.concat([listed, removed]).sort("contrat_uid").write_parquet(generation / store.CHANGES)


def _second_monthly(base: Path) -> str:
    """A second month: contracts of its own and republications of the first month's (changing delta docs)."""
    records = json.loads((base / "m1" / "mensuel-7.json").read_bytes())["marches"]["marche"]
    changed = [dict(r, datePublicationDonnees="2026-12-20", montant=float(r["montant"]) * 2) for r in records[150:200]]
    fresh = json.loads(synth.generate(120, seed=123))["marches"]["marche"]
    path = base / "m2" / "mensuel.json"
    path.write_text(json.dumps({"marches": {"marche": changed + fresh, "contrat-concession": []}}), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def pair(updated):
    segmented = index._read(updated["generations"][-1], "segmentee")
    whole = index._read(updated["whole"], "entiere")
    return segmented, whole


def _uids(ix, docs) -> list[str]:
    return ix.column("contrat_uid", pl.Series(docs, dtype=pl.UInt32)).to_list() if len(docs) else []


def test_the_update_is_segmented_and_shares_the_main_segment_by_hard_link(updated):
    _stock, first, last = updated["generations"]
    meta = json.loads((last / "explorer_index.json").read_text())
    assert (
        meta["segments"]["principal"] == json.loads((updated["stock"] / "explorer_index.json").read_text())["contrats"]
    )
    assert meta["segments"]["delta"] > 0
    assert meta["segments"]["supprimes"] > 0
    for name in segments.MAIN_FILES:
        assert (last / name).stat().st_ino == (first / name).stat().st_ino, name
        # the stock generation is gone: its files live on, linked from the two generations only (a child table
        # already sorted by contract is its own index copy: build.write_child_copies links it)
        inode = (last / name).stat().st_ino
        links = sum(f.stat().st_ino == inode for g in (first, last) for f in g.iterdir())
        assert (last / name).stat().st_nlink == links >= 2, name
    assert index.is_complete(last)
    counts = updated["changes"][0]["etat"].value_counts()
    assert set(counts["etat"]) == {store.ADDED, store.CHANGED, store.REMOVED}  # the battery covers every state


def test_an_update_reads_the_delta_parts_when_they_hold_every_contract_of_the_delta_segment(updated):
    """The tables' deltas hold every contract the two months added or changed (written merge-on-read): the update
    reads them alone (build._rows); a contract outside them sends it back to the whole tables."""
    generation = updated["generations"][-1]
    fresh = pl.concat(updated["changes"]).filter(pl.col("etat") != store.REMOVED)["contrat_uid"].unique()
    assert tables.in_delta(generation, fresh)
    kept = tables.scan(updated["stock"], "contrats").collect()["contrat_uid"]
    untouched = kept.filter(~kept.is_in(fresh.implode())).head(1)
    assert not tables.in_delta(generation, pl.concat([fresh, untouched]))
    assert not tables.in_delta(updated["stock"], fresh)  # no delta part at all


def test_same_contracts_as_a_whole_build(pair):
    segmented, whole = pair
    assert segmented.size == whole.size
    live = sorted(_uids(segmented, segmented.live_docs().to_list()))
    assert live == sorted(whole.docs["contrat_uid"].to_list())


QUERIES = ["", "travaux", "fourniture", "entretien voirie", "prestations de nettoyage", "zzzinconnu travaux"]
FILTERS = [{}, {"cpv": "45"}, {"montant_min": "50000"}, {"cpv": "9", "montant_max": "200000"}]


@pytest.mark.parametrize("sort", ["date_desc", "date_asc", "montant_desc", "montant_asc"])
def test_sorted_searches_answer_exactly_as_a_whole_build(pair, sort):
    segmented, whole = pair
    for q in QUERIES:
        for params in FILTERS:
            filters, _form = parse_filters(params)
            for page in (1, 3):
                a = query.search(segmented, q=q, filters=filters, sort=sort, page=page)
                b = query.search(whole, q=q, filters=filters, sort=sort, page=page)
                assert (a.total, a.mode, a.pages) == (b.total, b.mode, b.pages), (q, params)
                assert [r["contrat_uid"] for r in a.rows] == [r["contrat_uid"] for r in b.rows], (q, params, page)
                drop = ["doc", "score"]
                assert [{k: v for k, v in r.items() if k not in drop} for r in a.rows] == [
                    {k: v for k, v in r.items() if k not in drop} for r in b.rows
                ]
            rows_a, total_a = query.export_rows(segmented, q=q, filters=filters, sort=sort)
            rows_b, total_b = query.export_rows(whole, q=q, filters=filters, sort=sort)
            assert total_a == total_b
            assert rows_a["contrat_uid"].to_list() == rows_b["contrat_uid"].to_list()


def test_relevance_finds_the_same_contracts_and_nearly_the_same_top(pair):
    """Same matches and counts; the order may differ where the delta's impacts use the main segment's
    statistics (documented tolerance: at least 7 of the top 10 in common, on average 9)."""
    segmented, whole = pair
    common = []
    for q in QUERIES[1:]:
        a = query.export_rows(segmented, q=q, filters=None, sort="pertinence")
        b = query.export_rows(whole, q=q, filters=None, sort="pertinence")
        assert a[1] == b[1], q
        assert set(a[0]["contrat_uid"]) == set(b[0]["contrat_uid"]), q
        top_a, top_b = set(a[0]["contrat_uid"].head(10)), set(b[0]["contrat_uid"].head(10))
        common.append(len(top_a & top_b) / max(len(top_b), 1))
        assert common[-1] >= 0.7, q
    assert sum(common) / len(common) >= 0.9


def test_lookups_by_supplier_class_prefix_and_uid_answer_as_a_whole_build(pair):
    segmented, whole = pair
    docs = whole.docs
    for siret in docs["titulaire_ids"].explode().drop_nulls().unique().sort().head(300).to_list():
        assert _uids(segmented, segmented.supplier_docs(siret).to_list()) == _uids(
            whole, whole.supplier_docs(siret).to_list()
        ), siret
    for cls in docs["cpv_classe"].drop_nulls().unique().sort().to_list():
        for limit in (None, 3):
            assert _uids(segmented, segmented.class_docs(cls, limit).to_list()) == _uids(
                whole, whole.class_docs(cls, limit).to_list()
            )
    for prefix in ("", "4", "45", "9", "3"):
        assert _uids(segmented, segmented.prefix_docs(prefix).to_list()) == _uids(
            whole, whole.prefix_docs(prefix).to_list()
        )
    for uid in docs["contrat_uid"].to_list():
        a, b = segmented.row_of(uid), whole.row_of(uid)
        assert a.pop("doc") is not None
        assert b.pop("doc") is not None
        assert a == b, uid  # src_row included: both point into this generation's contrats.parquet


def test_masks_and_buyer_lookups_leave_deleted_contracts_out(pair):
    segmented, whole = pair
    for params in FILTERS[1:]:
        filters, _form = parse_filters(params)
        expr = query.to_polars(filters)
        a = segmented.docs.filter(segmented.mask((1, filters), expr))["contrat_uid"].sort()
        assert a.to_list() == whole.docs.filter(whole.mask((1, filters), expr))["contrat_uid"].sort().to_list()
    buyers = whole.docs["acheteur_id"].unique().head(20).to_list()
    a = segmented.filter(pl.col("acheteur_id").is_in(buyers))["contrat_uid"].sort().to_list()
    assert a == whole.docs.filter(pl.col("acheteur_id").is_in(buyers))["contrat_uid"].sort().to_list()


def test_a_changed_or_removed_contract_never_appears_with_its_old_content(updated, pair):
    segmented, whole = pair
    stock_index = index._read(updated["stock"], "stock")
    changes = pl.concat(updated["changes"])
    removed = set(changes.filter(pl.col("etat") == store.REMOVED)["contrat_uid"]) - set(whole.docs["contrat_uid"])
    assert removed
    for uid in removed:
        assert segmented.doc_of(uid) is None
        assert segmented.row_of(uid) is None
    changed = changes.filter(pl.col("etat") == store.CHANGED)["contrat_uid"].to_list()
    differing = 0
    for uid in changed:
        old = stock_index.row_of(uid)
        new, expected = segmented.row_of(uid), whole.row_of(uid)
        if expected is None:
            continue
        assert new["doc"] >= segmented.delta.first  # the delta's version, not the main segment's
        differing += old is not None and old["montant"] != expected["montant"]
        assert new["montant"] == expected["montant"]
        assert new["date_notification"] == expected["date_notification"]
    assert differing  # some changes were visible in the listed columns
    # no search returns the main segment's version of a changed contract
    dead = set(segmented.docs["doc"].filter(~segmented.delta.vivant).to_list())
    for q in QUERIES:
        frame, _result = query._frame(segmented, q, None, "date_desc")
        assert not dead & set(frame["doc"].to_list()), q


def test_contract_pages_read_this_generations_rows(updated, pair, settings):
    segmented, whole = pair
    settings.PILOTE_DATA_DIR = str(updated["data"])
    uids = whole.docs["contrat_uid"].to_list()
    for uid in uids[:: max(len(uids) // 150, 1)] + pl.concat(updated["changes"])["contrat_uid"].to_list()[:150]:
        a = records.contract(segmented, uid)
        settings.PILOTE_DATA_DIR = str(updated["whole"].parents[2])
        b = records.contract(whole, uid)
        settings.PILOTE_DATA_DIR = str(updated["data"])
        assert a == b, uid


def test_similar_contracts_and_guidance_agree_with_a_whole_build(updated, pair, settings):
    segmented, whole = pair
    needs = [("Travaux de voirie", None), ("Fourniture de repas", None), ("Nettoyage des locaux", "90910000")]
    for objet, code in needs:
        a = rank(segmented, objet=objet, code_cpv=code, limit=20)["contrat_uid"].to_list()
        b = rank(whole, objet=objet, code_cpv=code, limit=20)["contrat_uid"].to_list()
        assert len(set(a[:10]) & set(b[:10])) >= 7, objet
    answers = []
    for data in (updated["data"], updated["whole"].parents[2]):
        settings.PILOTE_DATA_DIR = str(data)
        index._LOADED.clear()
        answers.append(
            (
                [s["code"] for s in guidance.suggest_cpv("travaux de voirie")],
                guidance.potential_suppliers(code_cpv="45233140"),
                guidance.home_departement(whole.docs["acheteur_id"].head(5).to_list()),
                guidance.price_reference(objet="travaux de voirie")["count"],
            )
        )
    index._LOADED.clear()
    # the CPV suggestions weigh words by df, which counts the main segment's deleted docs until a merge (as
    # Lucene's): the first suggestion is the same, the others mostly
    (codes_a, *rest_a), (codes_b, *rest_b) = answers
    assert codes_a[0] == codes_b[0]
    assert len(set(codes_a) & set(codes_b)) >= len(codes_b) - 1
    assert rest_a == rest_b


def test_every_segment_file_is_read_in_place(pair):
    segmented, _whole = pair
    delta = segmented.delta
    maps = [(m.address, m.address + m.size) for m in segmented.maps]
    for series in (delta.rang, delta.vivant, delta.src_row, delta.postings["w"], delta.uids["contrat_uid"]):
        buffers = [b for b in series.to_arrow(compat_level=pl.CompatLevel.newest()).buffers() if b and b.size]
        assert buffers
        assert all(any(low <= b.address and b.address + b.size <= high for low, high in maps) for b in buffers)
    # both segments' rows are chunks of the mapped files, cut at the same place in every column (else every
    # `select`, a filter's or the ranking's, copies the columns it takes)
    assert {segmented.docs[c].n_chunks() for c in segmented.docs.columns} == {2}
    assert set(segmented.docs.select("src_row", "doc", "montant").n_chunks("all")) == {2}


@pytest.fixture
def month(tmp_path, settings, monkeypatch):
    """A stock of 400 records imported with the index preparer alone, then a monthly-like file imported without
    it and its changes written: the new generation, ready for the preparer."""
    monkeypatch.setattr(hooks, "_PREPARERS", {"index de recherche": segments.prepare_index})
    monkeypatch.setattr(hooks, "_AFTER_PUBLISH", [])
    data = Path(settings.PILOTE_DATA_DIR)
    first = synth.write(tmp_path / "stock.json", count=400, seed=5)
    run_import([first], data_dir=data)
    base = store.current_generation_dir(data)
    assert "segments" not in json.loads((base / "explorer_index.json").read_text())  # a first import: whole
    run_import([_monthly(first, tmp_path)], data_dir=data, prepare=False)
    generation = store.current_generation_dir(data)
    assert store.changes(generation).base_dir == base  # the import listed its changes
    return base, generation


def _segmented(generation: Path) -> bool:
    assert index.is_complete(generation)
    return "segments" in json.loads((generation / "explorer_index.json").read_text())


def test_the_preparer_updates_the_index_when_the_import_says_what_changed(month, monkeypatch):
    monkeypatch.setattr(segments, "MAX_SHARE", 0.9)
    _base, generation = month
    segments.prepare_index(generation)
    assert _segmented(generation)


def test_an_import_prepares_a_segmented_index(settings, tmp_path, monkeypatch):
    """The whole way: the import lists its changes, runs the preparer before publishing, the web opens it."""
    monkeypatch.setattr(hooks, "_PREPARERS", {"index de recherche": segments.prepare_index})
    monkeypatch.setattr(hooks, "_AFTER_PUBLISH", [])
    monkeypatch.setattr(segments, "MAX_SHARE", 0.9)
    first = synth.write(tmp_path / "stock.json", count=400, seed=5)
    run_import([first], data_dir=settings.PILOTE_DATA_DIR)
    run_import([_monthly(first, tmp_path)], data_dir=settings.PILOTE_DATA_DIR)
    index._LOADED.clear()
    loaded = index.load()
    assert loaded.delta is not None
    assert loaded.size == pl.read_parquet(loaded.directory / "contrats.parquet").height
    assert query.search(loaded, q="travaux", sort="date_desc").total > 0
    index._LOADED.clear()


def test_the_merge_policy_builds_whole_past_its_share(month, monkeypatch):
    monkeypatch.setattr(segments, "MAX_SHARE", 0.05)
    base, generation = month
    segments.prepare_index(generation)
    assert not _segmented(generation)
    assert not list(generation.glob("explorer_delta_*"))
    assert not (generation / build.SEGMENT_FILE).exists()
    base_files = {f.stat().st_ino for f in base.iterdir()}
    assert not any((generation / name).stat().st_ino in base_files for name in segments.MAIN_FILES)  # none shared


@pytest.mark.parametrize("damage", ["absent", "ancienne version"])
def test_a_missing_or_older_base_index_builds_whole(month, monkeypatch, damage):
    monkeypatch.setattr(segments, "MAX_SHARE", 0.9)
    base, generation = month
    meta = base / "explorer_index.json"
    if damage == "absent":
        meta.unlink()
    else:
        meta.write_text(json.dumps(json.loads(meta.read_text()) | {"version": "10"}))
    segments.prepare_index(generation)
    assert not _segmented(generation)


def test_decp_rebuild_builds_whole(month, monkeypatch):
    monkeypatch.setattr(segments, "MAX_SHARE", 0.9)
    _base, generation = month
    segments.prepare_index(generation)
    assert _segmented(generation)
    call_command("decp", "rebuild")
    rebuilt = store.current_generation_dir()
    assert rebuilt != generation
    assert not _segmented(rebuilt)


def test_the_delta_impacts_use_the_main_segments_statistics(pair):
    """BM25 of a delta doc = idf over both segments' contracts and df (deleted ones counted until a merge, as in
    Lucene) and the main segment's average length, the scale its impacts were computed on."""
    segmented, _whole = pair
    delta, meta = segmented.delta, segmented.meta["segments"]
    n = meta["principal"] + meta["delta"]
    checked = 0
    for doc in range(delta.first, delta.first + meta["delta"], 7):
        objet = segmented.docs["objet"][doc] or ""
        words = re.findall(r"[^\W_]+", objet.lower())
        tf = Counter(t for t in map(text.term, words) if t is not None)
        dl = sum(tf.values())
        for term, count in tf.items():
            df = segmented.terms[term][1]
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            norm = count + build.K1 * (1 - build.B + build.B * dl / meta["longueur_moyenne"])
            expected = idf * count * (build.K1 + 1) / norm
            _id, own_df, start = delta.terms[term]
            postings = delta.postings.slice(start, own_df)
            found = postings.filter(pl.col("doc") == doc)["w"].item()
            assert found == pytest.approx(expected, rel=1e-5), (doc, term)
            checked += 1
    assert checked > 100


def test_a_child_table_already_sorted_by_contract_is_copied_without_sorting_it(tmp_path, monkeypatch):
    """A whole import writes `copies` sorted by contract: the index copies it as it streams, without sorting it
    again; a table that is not so sorted is sorted. Both copies hold the table's rows, sorted, in small groups."""
    data = tmp_path / "data"
    with pytest.MonkeyPatch.context() as patch:
        without_hooks(patch)
        run_import([synth.write(tmp_path / "stock.json", count=300, seed=3)], data_dir=data, prepare=False)
    generation = store.current_generation_dir(data)
    titulaires = pl.read_parquet(generation / "titulaires.parquet")
    generation.joinpath("titulaires.parquet").unlink()  # the same rows, out of the contracts' order
    titulaires.sort("contrat_uid", descending=True).write_parquet(generation / "titulaires.parquet")
    sorted_tables = []
    real = build._sorted_by_contract
    monkeypatch.setattr(build, "_sorted_by_contract", lambda g, t: real(g, t) and not sorted_tables.append(t))
    monkeypatch.setattr(build, "CONTRACT_ROW_GROUP", 64)
    build.write_child_copies(generation)
    assert "copies" in sorted_tables
    assert "titulaires" not in sorted_tables
    for table, rows in (("copies", pl.read_parquet(generation / "copies.parquet")), ("titulaires", titulaires)):
        copied = pl.read_parquet(generation / f"explorer_{table}.parquet")
        assert copied["contrat_uid"].is_sorted()
        assert copied.sort(pl.all()).equals(rows.sort(pl.all()))
        groups = pq.ParquetFile(generation / f"explorer_{table}.parquet").metadata
        assert max(groups.row_group(i).num_rows for i in range(groups.num_row_groups)) <= 64
