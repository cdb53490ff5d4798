"""Building the explorer's index files of a store generation (read side: index.py; decision 0019).

The contract table is collected and written one column part at a time (DOC_PARTS), the posting lists from the
objects alone, so the build holds one part of the corpus at a time rather than the whole table."""

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc

from pilote.contracts import semantics as sem
from pilote.contracts.geo import with_geography
from pilote.contracts.search import text
from pilote.decp import tables


INDEX_VERSION = "11"  # 11: segmented indexes (a delta segment and deletions over a main one, segments.py)
CHILD_TABLES = ("titulaires", "modifications", "actes_sous_traitance", "copies")
TABLES = ("docs", "docs_objet", "docs_noms", "docs_listes", "postings", "terms", "suppliers", "classes", "uids")
FILES = (*(f"explorer_{t}.arrow" for t in TABLES), "explorer_index.json")
# BM25 parameters (Robertson/Spärck Jones defaults; objects are short, so length normalisation matters little).
K1, B = 1.2, 0.75

DOC_COLUMNS = [
    "contrat_uid",
    "source",
    "type_contrat",
    "objet",
    "acheteur_id",
    "acheteur_nom",
    "nature",
    "code_cpv",
    "procedure",
    "date_notification",
    "montant",
    "duree_mois",
    "offres_recues",
    "lieu_execution_code",
    "lieu_execution_type_code",
    "lieu_execution_nom",
    "considerations_sociales",
    "considerations_environnementales",
    "qualite",
]


def _docs_lazy(
    generation_dir: Path,
    titulaires: bool = True,
    uids: pl.Series | None = None,
    first_doc: int = 0,
    recent: bool = False,
) -> pl.LazyFrame:
    """The contract table in doc order. titulaires=False leaves out the titulaire lists and their join, for a part
    that does not hold them: a left join on keys grouped to one row per contract changes neither the rows nor their
    order, and it is the build's heaviest step (every titulaire sorted and deduplicated).
    uids: only these contracts (a delta segment, segments.py), numbered from first_doc; recent as `_rows`."""
    # src_row: position in the contracts' files (pilote.decp.tables), so the contract page reads one row instead
    # of scanning them all.
    contrats = _rows(generation_dir, "contrats", uids, recent, row_index="src_row").select("src_row", *DOC_COLUMNS)
    final = sem.final_amount_polars(_rows(generation_dir, "modifications", uids, recent))
    c = pl.col
    docs = with_geography(contrats)
    if titulaires:
        docs = docs.join(_titulaire_lists(generation_dir, uids, recent), on="contrat_uid", how="left")
    docs = (
        docs.join(final, on="contrat_uid", how="left")
        .with_columns(
            sem.social_polars().alias("social"),
            sem.declared_social_polars().alias("social_renseigne"),
            sem.environmental_polars().alias("environnemental"),
            sem.declared_environmental_polars().alias("environnemental_renseigne"),
            sem.amount_unusable_polars().alias("montant_anomalie"),
            c("code_cpv").str.slice(0, 4).alias("cpv_classe"),
        )
        .drop("qualite", "lieu_execution_type_code")
        .sort("date_notification", "contrat_uid", descending=[True, False], nulls_last=True)
        .with_row_index("doc", offset=first_doc)
    )
    return docs


def _titulaire_lists(generation_dir: Path, uids: pl.Series | None = None, recent: bool = False) -> pl.LazyFrame:
    """One row per contract with titulaires: every titulaire of the contract, the initial ones first, then those
    modifications added (semantics: a titulaire filter or a supplier page finds the contracts a supplier holds)."""
    return (
        _rows(generation_dir, "titulaires", uids, recent)
        .sort("contrat_uid", pl.col("modification_id").is_not_null(), "modification_id", "rang", nulls_last=True)
        .unique(subset=["contrat_uid", "titulaire_id", "titulaire_nom"], keep="first", maintain_order=True)
        .group_by("contrat_uid", maintain_order=True)
        .agg(pl.col("titulaire_id").alias("titulaire_ids"), pl.col("titulaire_nom").alias("titulaire_noms"))
    )


def _only(frame: pl.LazyFrame, uids: pl.Series | None) -> pl.LazyFrame:
    """The rows of these contracts (all when uids is None), filtered before any join or sort."""
    return frame if uids is None else frame.filter(pl.col("contrat_uid").is_in(uids.implode()))


def _rows(
    generation_dir: Path, table: str, uids: pl.Series | None, recent: bool = False, row_index: str | None = None
) -> pl.LazyFrame:
    """The rows of `table` for `uids` (all when None). `recent`: they are all in the delta parts
    (tables.in_delta), read alone instead of filtering every row of the table (a monthly file's update at 1.6 M
    filtered 1.4 M contracts and their child rows for 30 k); the whole table when it has no such part."""
    frame = tables.scan_delta(generation_dir, table, row_index=row_index) if recent else None
    if frame is None:
        frame = tables.scan(generation_dir, table, row_index=row_index)
    return _only(frame, uids)


def _docs_frame(generation_dir: Path) -> pl.DataFrame:
    """The whole contract table in memory (bench/explorer_ranking_eval.py reads its held-out contracts from it)."""
    return _docs_lazy(generation_dir).collect()


# The contract table is written as several files of a few columns each (one record batch per file, side by side
# at load): the build holds one part at a time instead of the whole table (1.6 M contracts: the table collected
# whole peaked at 1.6 GB before the posting lists were built beside it). "docs" holds every column no other part
# names. `load` puts them back side by side in DOC order (zero copy).
DOC_PARTS = {
    "docs_objet": ["objet"],
    "docs_noms": ["contrat_uid", "acheteur_id", "acheteur_nom", "lieu_execution_nom", "source", "procedure"],
    "docs_listes": ["considerations_sociales", "considerations_environnementales", "titulaire_ids", "titulaire_noms"],
}


TOKEN_BATCH = 100_000  # contracts tokenised at a time: the build holds two batches of words, not the corpus's


@dataclass(frozen=True)
class Statistics:
    """The collection statistics a delta segment's BM25 impacts are computed with (segments.py): the main
    segment's contract count and average length, and its df per term, to which the delta's own are added."""

    contracts: int
    avgdl: float
    df: pl.DataFrame  # term, df


def _words(batch: pl.Series, offset: int) -> tuple[pl.DataFrame, list]:
    """(doc, w) of each word of a batch of objects, and the batch's distinct words."""
    words = (
        pl.DataFrame({"objet": batch})
        .with_row_index("doc", offset=offset)
        .select("doc", pl.col("objet").fill_null("").str.to_lowercase().str.extract_all(r"[^\W_]+").alias("w"))
        .explode("w")
        .drop_nulls("w")
    )
    return words, words["w"].unique().to_list()


def _word_batches(objets: pl.Series):
    """(offset, batch, _words of the batch) of each TOKEN_BATCH objects, the next batch's words cut in a thread while
    the caller stems and counts the current one: cutting the words (Polars, one core) and stemming the new ones
    (Python) took 2.0 and 1.2 s of the 6.7 s of the postings at 1.44 M contracts, one after the other (session 22)."""
    offsets = list(range(0, max(objets.len(), 1), TOKEN_BATCH))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mots") as pool:
        ahead = pool.submit(_words, objets.slice(0, TOKEN_BATCH), 0)
        for number, offset in enumerate(offsets):
            words = ahead.result()
            if number + 1 < len(offsets):
                following = offsets[number + 1]
                ahead = pool.submit(_words, objets.slice(following, TOKEN_BATCH), following)
            yield offset, objets.slice(offset, TOKEN_BATCH), words


def _postings(
    objets: pl.Series, first_doc: int = 0, base: Statistics | None = None, stems: dict | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
    """(terms, postings, doclen) from the objects in doc order. Tokenised by batches of TOKEN_BATCH contracts into
    integer (term, doc, tf) triples (10 bytes each, no per-posting string), Python stemming each distinct word once.
    Docs are numbered from first_doc; `base`: the statistics of the segment this one is added to (else its own).
    stems: word -> term (None: a stop word) of the words already stemmed, completed in place (the lexicon)."""
    stems = {} if stems is None else stems
    ids: dict[str, int] = {}  # term -> provisional id, in order of first appearance
    counts, lengths = [], []
    for offset, batch, (words, distinct) in _word_batches(objets):
        for w in distinct:
            if w not in stems:
                stems[w] = text.term(w)
            t = stems[w]
            if t is not None and t not in ids:
                ids[t] = len(ids)
        mapping = pl.DataFrame(
            {"w": list(stems), "pid": [ids.get(t) if t else None for t in stems.values()]},
            schema={"w": pl.String, "pid": pl.UInt32},
        )
        tokens = words.join(mapping, on="w", how="left").drop_nulls("pid")
        # each batch's pairs in doc order, the batches in doc order: the postings are then sorted by term alone
        counts.append(tokens.group_by("pid", "doc").agg(pl.len().cast(pl.UInt16).alias("tf")).sort("doc"))
        lengths.append(
            tokens.group_by("doc")
            .len()
            .join(
                pl.DataFrame({"doc": pl.int_range(offset, offset + batch.len(), dtype=pl.UInt32, eager=True)}),
                on="doc",
                how="right",
            )
            .sort("doc")["len"]
            .fill_null(0)
        )
    counts = pl.concat(counts)
    doclen = pl.concat(lengths).cast(pl.UInt16) if lengths else pl.Series("len", [], pl.UInt16)
    # final term ids follow the sorted terms, so a term's postings are one contiguous slice found by binary search
    vocab = pl.DataFrame({"term": list(ids), "pid": pl.Series(list(ids.values()), dtype=pl.UInt32)})
    dfs = counts.group_by("pid").agg(pl.len().cast(pl.UInt32).alias("df"))
    terms = (
        vocab.join(dfs, on="pid")
        .sort("term")
        .with_row_index("term_id")
        .with_columns((pl.col("df").cum_sum() - pl.col("df")).cast(pl.UInt64).alias("start"))
    )
    # BM25 impact of each (term, contract) pair, computed once here: a query then only sums them.
    n = objets.len()
    avgdl = float(doclen.cast(pl.Float64).mean() or 1.0) or 1.0
    c = pl.col
    # a delta segment's impacts on the main segment's scale: its average length, its df and count plus the
    # delta's (Lucene's approximation between merges: the main segment's impacts are not recomputed)
    idf_df = c("df")
    if base is not None:
        n, avgdl = n + base.contracts, base.avgdl or avgdl
        terms = terms.join(base.df.rename({"df": "base_df"}), on="term", how="left", maintain_order="left")
        idf_df = c("df") + c("base_df").fill_null(0)
    terms = terms.with_columns(idf_df.alias("idf_df"))
    idf = (1 + (n - c("df") + 0.5) / (c("df") + 0.5)).log()
    dl = c("doclen").cast(pl.Float64)
    tf = c("tf").cast(pl.Float64)
    # each posting's term id, df and contract length gathered by position (provisional ids are dense: each was
    # given to a word of the batch being read), not joined: two joins over the 13 M postings of 1.6 M contracts
    # held several copies of them, the peak of the build
    by_pid = terms.select("pid", "term_id", "idf_df").sort("pid")
    if by_pid.height and by_pid["pid"][-1] != by_pid.height - 1:
        raise ValueError("provisional term ids are not dense")
    scored = pl.DataFrame(
        {
            "term_id": by_pid["term_id"].gather(counts["pid"]),
            "doc": counts["doc"],
            "tf": counts["tf"],
            "df": by_pid["idf_df"].gather(counts["pid"]),
            "doclen": doclen.gather(counts["doc"]),
        }
    )
    del counts
    postings = (
        scored.select(
            "term_id",
            (c("doc") + first_doc).cast(pl.UInt32),
            (idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))).cast(pl.Float32).alias("w"),
        )
        # (term, doc) order: the pairs are in doc order, a stable sort by term keeps it within each term (a sort
        # on both columns compares encoded rows: 2.5-3x slower on the 13 M postings of 1.6 M contracts)
        .sort("term_id", maintain_order=True)
        .select("doc", "w")
    )
    return terms.select("term", "df", "start"), postings, doclen


def build_index(generation_dir: Path) -> None:
    """Build the explorer index of a store generation into that directory (called before the generation is
    published, or by `manage.py explorer_index`). Overwrites previous explorer files there."""
    generation_dir = Path(generation_dir)
    started = time.monotonic()
    write_child_copies(generation_dir)
    counts = write_segment(generation_dir, MAIN)
    meta = {
        "version": INDEX_VERSION,
        **counts,
        "secondes": round(time.monotonic() - started, 3),
        "octets": sum((generation_dir / f).stat().st_size for f in FILES if f.endswith(".arrow")),
    }
    write_meta(generation_dir, meta)


MAIN, DELTA = "explorer_", "explorer_delta_"  # file name prefixes of the main and the delta segment (segments.py)
SEGMENT_FILE = "explorer_segment.arrow"  # a segmented index's date order, rows and deletion mask (segments.py)
LEXICON = "words"  # explorer_words.arrow: word -> term of the words a segment stemmed (read by updates only;
# valid while text.term is unchanged, which already needs a new INDEX_VERSION for the terms)
LEXICON_SCHEMA = {"word": pl.String, "term": pl.String}


# A contract page reads one group of this many rows of each sorted copy, not the table's groups of 100,000 (the
# store keeps those: with groups of 8,192 rows, a monthly update's identity step read its stored copies ~0.25 s
# slower at 1.6 M, session 21).
CONTRACT_ROW_GROUP = 8192


def write_child_copies(
    generation_dir: Path, prefix: str = MAIN, uids: pl.Series | None = None, recent: bool = False
) -> None:
    """Copies of the child tables sorted by contract with small row groups: the contract page reads one group,
    not 1.8 M rows (uids: only these contracts' rows, for a delta segment; recent as `_rows`). A table whose one
    file is already sorted by contract (`copies` after a whole write) is copied as it streams, not sorted again."""
    for table in CHILD_TABLES:
        if tables.parts(generation_dir, table).exists():
            target = generation_dir / f"{prefix}{table}.parquet"
            tmp = target.with_name(target.name + ".tmp")
            # a fresh file: writing through a leftover name would write into whatever file it is a link of
            tmp.unlink(missing_ok=True)
            rows = _rows(generation_dir, table, uids, recent)
            if uids is not None or not _sorted_by_contract(generation_dir, table):
                rows = rows.sort("contrat_uid")
            rows.sink_parquet(tmp, compression="zstd", row_group_size=CONTRACT_ROW_GROUP)
            os.replace(tmp, target)


def _sorted_by_contract(generation_dir: Path, table: str) -> bool:
    """The table is one file (no delta, no mask) sorted by contrat_uid (checked on its rows, not taken from the
    writer: ~0.1 s at 1.6 M, against ~1.5 s and a 1.2 GB peak for sorting the copies' table again, session 21)."""
    parts = tables.parts(generation_dir, table)
    if parts.delta is not None or parts.mask is not None:
        return False
    return pl.read_parquet(parts.main, columns=["contrat_uid"])["contrat_uid"].is_sorted()


def write_segment(
    generation_dir: Path,
    prefix: str,
    uids: pl.Series | None = None,
    first_doc: int = 0,
    base: Statistics | None = None,
    lexicon: tuple[dict, int] | None = None,
    recent: bool = False,
) -> dict:
    """Write the index files of one segment (every contract, or those of `uids` numbered from first_doc: a delta
    segment whose BM25 impacts use the `base` statistics); returns its counts for the metadata.
    lexicon: (word -> term of the words stemmed by the segments it is added to, how many of them the main
    segment's lexicon file holds): stemming is the update's costliest step (Python, ~0.2 ms a word); a segment
    stems only the words the lexicon lacks and writes those after the main segment's in its own file."""
    with _Writes(compact=uids is not None) as write:  # a delta's rows are a few of the columns read
        return _segment_files(generation_dir, prefix, write, uids, first_doc, base, lexicon, recent)


class _Writes:
    """The segment's files written by a thread of their own, one at a time, while the next part is computed (in
    turn, on one core, they took 2.7 s of the 18-20 s build at 1.44 M contracts, session 23): a part stays in memory
    one write longer. On leaving, the thread has ended: nothing writes into a generation a failed build removes."""

    def __init__(self, compact: bool):
        self._compact, self._pending = compact, None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecriture-index")

    def __enter__(self):
        return self.write

    def write(self, frame: pl.DataFrame, path: Path) -> None:
        self._wait()
        self._pending = self._pool.submit(_write, frame, path, self._compact)

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()  # a failed write fails the build

    def __exit__(self, kind, error, traceback):
        try:
            if kind is None:
                self._wait()
        finally:
            self._pool.shutdown(wait=True)


def _segment_files(generation_dir, prefix, write, uids, first_doc, base, lexicon, recent) -> dict:
    """write_segment's files, each through `write(frame, path)`."""
    lazy = _docs_lazy(generation_dir, uids=uids, first_doc=first_doc, recent=recent)
    light = _docs_lazy(generation_dir, titulaires=False, uids=uids, first_doc=first_doc, recent=recent)
    # One part of the contract table in memory at a time (DOC_PARTS). The table's joins and sort run for the
    # derived columns ("docs") and the titulaire lists only; their src_row gives the doc order in which the
    # columns taken as they are from contrats.parquet (objects, names) are gathered.
    named = {c for cols in DOC_PARTS.values() for c in cols}
    main = light.select([c for c in lazy.collect_schema().names() if c not in named]).collect()
    order, count = main["src_row"], main.height
    write(_class_pairs(main), generation_dir / f"{prefix}classes.arrow")
    write(main, generation_dir / f"{prefix}docs.arrow")
    del main
    objets = _in_doc_order(generation_dir, DOC_PARTS["docs_objet"], order, recent)
    stems, shared = lexicon or ({}, 0)
    terms, postings, doclen = _postings(objets["objet"], first_doc, base, stems)
    words = list(stems.items())[shared:]
    write(
        pl.DataFrame({"word": [w for w, _t in words], "term": [t for _w, t in words]}, schema=LEXICON_SCHEMA),
        generation_dir / f"{prefix}{LEXICON}.arrow",
    )
    del stems, words
    write(objets.with_columns(doclen.alias("doclen")), generation_dir / f"{prefix}docs_objet.arrow")
    del objets
    write(terms, generation_dir / f"{prefix}terms.arrow")
    write(postings, generation_dir / f"{prefix}postings.arrow")
    n_terms, n_postings = terms.height, postings.height
    del terms, postings
    noms = _in_doc_order(generation_dir, DOC_PARTS["docs_noms"], order, recent, together=True)
    write(noms, generation_dir / f"{prefix}docs_noms.arrow")
    write(_uid_pairs(noms, first_doc), generation_dir / f"{prefix}uids.arrow")
    in_order = noms.select("contrat_uid")
    del noms
    listes = _lists(generation_dir, in_order, order, uids, recent)
    del in_order
    write(_supplier_pairs(listes, first_doc), generation_dir / f"{prefix}suppliers.arrow")
    write(listes, generation_dir / f"{prefix}docs_listes.arrow")
    del listes
    return {
        "contrats": count,
        "termes": n_terms,
        "postings": n_postings,
        "longueur_moyenne": float(doclen.cast(pl.Float64).mean() or 0.0),
        "colonnes": [*lazy.collect_schema().names(), "doclen"],  # the contract table's order across its parts
    }


def _lists(generation_dir: Path, in_order: pl.DataFrame, order: pl.Series, uids, recent: bool) -> pl.DataFrame:
    """The list columns (DOC_PARTS["docs_listes"]) in doc order: the contracts' own lists gathered by src_row,
    the titulaire lists joined on the uids in doc order (`in_order`), keeping that order. Not the contract table's
    plan collected again: its sort by date and its joins ran twice for these four columns (~3 s of 21 at 1.6 M)."""
    own = [c for c in DOC_PARTS["docs_listes"] if c in DOC_COLUMNS]
    lists = in_order.join(
        _titulaire_lists(generation_dir, uids, recent).collect(), on="contrat_uid", how="left", maintain_order="left"
    )
    own_lists = _in_doc_order(generation_dir, own, order, recent)
    return pl.concat([own_lists, lists.drop("contrat_uid")], how="horizontal").select(DOC_PARTS["docs_listes"])


def write_meta(generation_dir: Path, meta: dict) -> None:
    """Written last: its presence with the right version is what `index.is_complete` checks."""
    tmp = generation_dir / "explorer_index.json.tmp"
    tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(tmp, generation_dir / "explorer_index.json")


def _in_doc_order(generation_dir: Path, columns: list[str], order: pl.Series, recent=False, together=False):
    """Columns of the contracts taken as they are, in doc order: read in the files' order, gathered by each doc's
    src_row, one column at a time (the part plus one column in memory) or `together` on Polars' threads (names at
    1.44 M: 0.83-1.15 → 0.51-0.64 s, +164 MB below the build's peak, session 23); `recent`: the delta part alone."""
    delta = tables.parts(generation_dir, "contrats").delta if recent else None
    if delta is not None:
        rows, order = pl.scan_parquet(delta), order - tables.file_rows(tables.main_path(generation_dir, "contrats"))
    else:
        rows = tables.scan_files(generation_dir, "contrats")
    if together:
        return rows.select(columns).collect().select(pl.all().gather(order))
    return pl.DataFrame([rows.select(c).collect().to_series().gather(order) for c in columns])


def _write(frame: pl.DataFrame, path: Path, compact: bool = False) -> None:
    """An uncompressed Arrow IPC file of one record batch: readers map it and use its buffers in place (zero copy,
    one contiguous chunk per column, pages shared between processes through the page cache).
    compact: strings copied into buffers of their own (see `_compacted`)."""
    # newest: strings as Arrow string views, the layout Polars uses, so importing them copies nothing
    table = frame.rechunk().to_arrow(compat_level=pl.CompatLevel.newest())
    if compact:
        table = pa.table([_compacted(c.combine_chunks()) for c in table.columns], names=table.column_names)
    tmp = path.with_name(path.name + ".tmp")
    with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(table.num_rows, 1))
    os.replace(tmp, path)


def _compacted(array: pa.Array) -> pa.Array:
    """The strings of a column (or of a list column) in buffers holding only them. A few rows taken from a
    column read whole (a delta segment's) are views into the whole column's buffers, and the IPC writer writes
    every buffer a view points to: 95 MB of lists for the 30 k contracts of a delta at 1.6 M, 4 MB compacted."""
    kind = array.type
    if pa.types.is_string_view(kind):
        return array.cast(pa.large_string()).cast(kind)
    if pa.types.is_large_list(kind) and pa.types.is_string_view(kind.value_type):
        return array.cast(pa.large_list(pa.large_string())).cast(kind)
    return array


def _supplier_pairs(listes: pl.DataFrame, first_doc: int = 0) -> pl.DataFrame:
    """(siret, doc) of every titulaire of every contract (`listes` in doc order from first_doc), sorted: a
    supplier's contracts are a binary search."""
    return (
        listes.select(_doc_numbers(first_doc), pl.col("titulaire_ids").alias("siret"))
        .explode("siret")
        .drop_nulls("siret")
        .unique()
        .sort("siret", "doc")
    )


def _uid_pairs(noms: pl.DataFrame, first_doc: int = 0) -> pl.DataFrame:
    """(contrat_uid, doc) sorted by uid: the contract page finds its doc by a binary search instead of comparing
    every uid of the corpus (a scan that mapped ~85 MB of the index into the worker at 1.6 M contracts)."""
    return noms.select("contrat_uid", _doc_numbers(first_doc)).sort("contrat_uid")


def _doc_numbers(first_doc: int) -> pl.Expr:
    """The doc of each row of a part of the contract table, its rows in doc order from first_doc."""
    return pl.int_range(first_doc, first_doc + pl.len(), dtype=pl.UInt32).alias("doc")


def _class_pairs(docs: pl.DataFrame) -> pl.DataFrame:
    """(cpv_classe, doc) sorted: a CPV class's contracts, most recent first, are a binary search."""
    return docs.select("cpv_classe", "doc").drop_nulls("cpv_classe").sort("cpv_classe", "doc")
