"""The explorer's full-text index (BM25 over contract objects) and its light contract table, per store generation.

Built from `contrats.parquet` (+ `titulaires.parquet`, `modifications.parquet`) of a DECP store generation into
files written next to them, so the store's atomic generation swap covers the index too
(docs/decisions/0003-recherche-plein-texte.md, 0019-index-partage-entre-processus.md):
    explorer_docs*.arrow      one row per contract (doc = row number): the columns the explorer lists and ranks on,
                              in four column parts (DOC_PARTS: objects, names, lists, the rest) put side by side
    explorer_terms.arrow      term (sorted), df (number of contracts containing it), start (offset in postings)
    explorer_postings.arrow   (doc, w: BM25 impact) sorted by term then doc
    explorer_suppliers.arrow  (siret, doc) sorted; explorer_classes.arrow (cpv_classe, doc) sorted
    explorer_index.json       version, counts, average object length, build time and sizes (written last)
Every .arrow file is uncompressed Arrow IPC in one record batch, opened memory-mapped and imported into Polars
without a copy: the web workers share its pages through the page cache instead of each holding the corpus. A page
of result rows is read by position (positional.py), so a worker maps only what a query scans (posting lists, a
sort column), and releases it past MAPPED_BUDGET (`Index.trim`).
The import builds them inside each new generation before publishing it (a preparer registered by
pilote.contracts); `manage.py explorer_index` builds them for a generation published by an older version. A web
request never builds an index: `load` raises IndexMissing. Lookup = slicing the postings of each query term
(contiguous rows found by binary search in the terms), so a query costs about the size of its posting lists.
"""

import json
import mmap
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc

from pilote.contracts.search.build import DELTA, FILES, INDEX_VERSION, MAIN, SEGMENT_FILE, TABLES, build_index
from pilote.contracts.search.positional import PositionalReader
from pilote.contracts.search.segmented import Delta, SegmentedReader, SegmentTerms, TermLookup
from pilote.decp import store


# Rows gathered by positional reads rather than through the mapping (`Index.rows`): ~30 reads a row, so a page
# of results or a ranking's shortlist, not an export.
POSITIONAL_ROWS = 200


class Terms(TermLookup):
    """term -> (term_id, df, start) over the mapped, sorted terms file (binary search; no dict of the vocabulary
    in each process). Supports `in`, `[]`, `.get` and `len` like the dict it replaces."""

    def __init__(self, frame: pl.DataFrame):
        self._term, self._df, self._start = frame["term"], frame["df"], frame["start"]
        # a query looks each of its terms up several times (known, rarest first, postings), a segmented index
        # in two vocabularies, and a binary search over a string column costs ~0.1-0.4 ms through Polars
        self._found: dict[str, int | None] = {}

    def _position(self, term) -> int | None:
        if not isinstance(term, str) or not self._term.len():
            return None
        if term in self._found:
            return self._found[term]
        i = int(self._term.search_sorted(term, "left"))
        found = i if i < self._term.len() and self._term[i] == term else None
        if len(self._found) > 10_000:  # bounded: the words of the last queries
            self._found.clear()
        self._found[term] = found
        return found

    def __contains__(self, term) -> bool:
        return self._position(term) is not None

    def __getitem__(self, term) -> tuple[int, int, int]:
        i = self._position(term)
        if i is None:
            raise KeyError(term)
        return i, int(self._df[i]), int(self._start[i])

    def __len__(self) -> int:
        return self._term.len()


@dataclass
class Index:
    """An opened index: the light contract table, the posting lists and the sorted lookup tables, every one a
    Polars frame over an Arrow file mapped in memory (its pages live in the page cache, shared by every process
    that opens the same generation; only results and the memoised filter masks are private memory)."""

    generation: str
    directory: Path
    docs: pl.DataFrame
    postings: pl.DataFrame  # (doc, w) sorted by term then doc
    terms: Terms  # term -> (term_id, df, start)
    avgdl: float
    meta: dict
    suppliers: pl.DataFrame  # (siret, doc) sorted
    classes: pl.DataFrame  # (cpv_classe, doc) sorted
    uids: pl.DataFrame  # (contrat_uid, doc) sorted
    maps: list = field(default_factory=list, repr=False)  # the mapped bytes of each file (pyarrow Buffer)
    mappings: list = field(default_factory=list, repr=False)  # the mmap objects, for `release`
    reader: PositionalReader | SegmentedReader | None = field(default=None, repr=False)  # rows by pread (`rows`)
    delta: Delta | None = field(default=None, repr=False)  # a segmented index's delta segment (segmented.py)
    released_at: float = 0.0
    file_baseline: int = 0  # file-backed resident bytes of the process after the last release (`trim`)

    def release(self) -> None:
        """Unmap from this process the index pages it touched (MADV_DONTNEED on a read-only file mapping: the pages
        stay in the page cache for every process, the next access maps them again with a minor fault). Keeps a
        worker's resident set to what its current request reads instead of every page it ever read (RSS counts
        mapped file pages, shared or not: without it a worker's RSS climbs towards the size of the index)."""
        for mapped in self.mappings:
            mapped.madvise(mmap.MADV_DONTNEED)
        self.released_at = time.monotonic()
        self.file_baseline = _file_resident()

    def trim(self) -> bool:
        """`release` when the file pages this worker has mapped since the last release exceed MAPPED_BUDGET bytes
        (read from /proc/self/statm, ~20 µs): pages a request maps stay mapped for the next requests, which then
        find them without faulting, and the worker's RSS stays under its budget. Called when a request opens the
        index (`load`) and when a search or a ranking ends. True when it released."""
        if _file_resident() - self.file_baseline <= MAPPED_BUDGET:
            return False
        self.release()
        return True

    @property
    def size(self) -> int:
        """Contracts in the index (a segmented index's deleted docs left out)."""
        return self.docs.height if self.delta is None else self.delta.live

    def live_docs(self) -> pl.Series:
        """Every contract's doc number (a segmented index's deleted docs left out)."""
        docs = self.docs["doc"]
        return docs if self.delta is None else docs.filter(self.delta.vivant)

    def recency(self, docs: pl.Series) -> pl.Series:
        """A sort key of these docs, most recent first: the doc number itself in an index built whole (docs are
        stored newest first), the rank a whole build would give it in a segmented one."""
        return docs if self.delta is None else self.delta.rang.gather(docs).rename(docs.name)

    def filter(self, condition: pl.Expr) -> pl.DataFrame:
        """The contracts (rows of docs) meeting a condition, deleted docs left out."""
        return self.docs.filter(condition) if self.delta is None else self.docs.filter(condition, self.delta.vivant)

    def child_table(self, name: str, uid: str) -> Path:
        """The sorted copy of a child table holding this contract's rows (the delta's when it was updated)."""
        held = self.delta is not None and self.delta.holds(uid, _range)
        return self.directory / f"explorer_{'delta_' if held else ''}{name}.parquet"

    def _postings(self, term: str) -> pl.DataFrame:
        if self.delta is not None:
            return self.delta.postings_of(term, self.terms.main, self.postings)
        _term_id, df, start = self.terms[term]
        return self.postings.slice(start, df).select("doc", "w")

    def known(self, query_terms: list[str]) -> list[str]:
        return [t for t in query_terms if t in self.terms]

    def match(self, query_terms: list[str], *, require_all: bool = True) -> pl.DataFrame:
        """Contracts matching the terms with their BM25 score: columns doc, score, hits (distinct terms found).

        require_all=True keeps only contracts containing every term (an unknown term then matches nothing); the
        posting lists are intersected rarest first, so a frequent word ("travaux") only costs a membership test.
        require_all=False ranks contracts containing any term; a very frequent term (in more than 5 % of the
        contracts) then only adds to contracts found by a rarer one, unless every term is frequent."""
        empty = pl.DataFrame(schema={"doc": pl.UInt32, "score": pl.Float64, "hits": pl.UInt32})
        query_terms = list(dict.fromkeys(query_terms))
        found = sorted(self.known(query_terms), key=lambda t: self.terms[t][1])
        if not found or (require_all and len(found) < len(query_terms)):
            return empty
        frequent = self.size * 0.05
        parts, allowed = [], None
        for position, t in enumerate(found):
            df = self.terms[t][1]
            part = self._postings(t)
            restrict = require_all or (df > frequent and position > 0 and allowed is not None)
            if restrict and allowed is not None:
                part = part.filter(pl.col("doc").is_in(allowed.implode()))
            if require_all or allowed is None or df <= frequent:
                allowed = part["doc"] if (require_all or allowed is None) else pl.concat([allowed, part["doc"]])
            parts.append(part)
        if len(parts) == 1:  # one term: its postings are the answer, no grouping needed
            return parts[0].select(
                "doc", pl.col("w").cast(pl.Float64).alias("score"), pl.lit(1, pl.UInt32).alias("hits")
            )
        hits = pl.concat(parts)
        if require_all:
            hits = hits.filter(pl.col("doc").is_in(allowed.implode()))
        out = hits.group_by("doc").agg(
            pl.col("w").cast(pl.Float64).sum().alias("score"), pl.len().cast(pl.UInt32).alias("hits")
        )
        if require_all:
            out = out.filter(pl.col("hits") == len(found))
        return out

    def rows(self, docs: pl.Series) -> pl.DataFrame:
        """Full rows of index.docs for these doc numbers, in that order (a gather, never a join on 1.6 M rows).
        A page of results (≤ POSITIONAL_ROWS) is read with positional reads, which map no index page into the
        worker (positional.py); more rows are gathered through the mapping."""
        if not docs.len():
            return self.docs.head(0)
        if self.reader is not None and docs.len() <= POSITIONAL_ROWS:
            return self.reader.rows(docs.cast(pl.Int64).to_list())
        return self.docs[docs.cast(pl.UInt32)]

    def column(self, name: str, docs: pl.Series) -> pl.Series:
        """One column at these doc numbers, in that order (by position for a few rows, as `rows`)."""
        if self.reader is not None and 0 < docs.len() <= POSITIONAL_ROWS:
            return self.reader.column(name, docs.cast(pl.Int64).to_list())
        return self.docs[name].gather(docs)

    def mask(self, key, expr: pl.Expr) -> pl.Series:
        """Boolean Series over every doc for a filter condition, memoised per key (filters are frozen)."""
        cache = self.__dict__.setdefault("_masks", {})
        if key not in cache:
            if len(cache) > 32:
                cache.clear()
            mask = self.docs.select(expr.alias("m"))["m"]
            if mask.len() != self.docs.height:  # a constant condition comes back as one value
                mask = pl.repeat(bool(mask[0]), self.docs.height, eager=True)
            cache[key] = mask if self.delta is None else mask & self.delta.vivant
        return cache[key]

    def doc_of(self, uid: str) -> int | None:
        """The doc number of a contract, by binary search in the (uid, doc) file, or None when it is unknown."""
        if self.delta is not None:
            return self.delta.doc_of(uid, self.uids, _range)
        found = _range(self.uids, "contrat_uid", uid, uid)
        return int(found[0]) if found.len() else None

    def row_of(self, uid: str) -> dict | None:
        """The index row of a contract (read by position: no index page mapped), or None when it is unknown."""
        position = self.doc_of(uid)
        return None if position is None else self.rows(pl.Series([position])).row(0, named=True)

    def supplier_docs(self, siret: str) -> pl.Series:
        """Doc numbers of the contracts a titulaire won, most recent first: binary search in the (titulaire, doc)
        file sorted once."""
        if self.delta is not None:
            return self.delta.pairs(self.suppliers, "suppliers", "siret", siret, siret, _range)
        return _range(self.suppliers, "siret", siret, siret)

    def prefix_docs(self, prefix: str) -> pl.Series:
        """Doc numbers of the contracts whose CPV starts with `prefix`, most recent first (via the class lists)."""
        low = prefix[:4]
        # every class starting with the prefix sorts between the prefix and the prefix followed by the last char
        high = low + "\U0010ffff" if len(low) < 4 else low
        if self.delta is not None:
            return self.delta.pairs(self.classes, "classes", "cpv_classe", low, high, _range)
        return _range(self.classes, "cpv_classe", low, high).sort()

    def class_docs(self, cls: str, limit: int | None = None) -> pl.Series:
        """Doc numbers of the contracts of a CPV class, most recent first (docs are sorted by date)."""
        if not cls:
            found = self.classes["doc"].head(0)
        elif self.delta is not None:
            found = self.delta.pairs(self.classes, "classes", "cpv_classe", cls, cls, _range)
        else:
            found = _range(self.classes, "cpv_classe", cls, cls)
        return found.head(limit) if limit else found


def _range(pairs: pl.DataFrame, key: str, low: str, high: str) -> pl.Series:
    """The `doc` values of the rows of a (key, doc)-sorted frame whose key is between low and high included."""
    column = pairs[key]
    start = int(column.search_sorted(low, "left"))
    end = int(column.search_sorted(high, "right"))
    return pairs["doc"].slice(start, max(end - start, 0)).rename("doc")


_LOCK = threading.Lock()
# Index pages (bytes) a worker may keep mapped between two releases (`Index.trim`). Releasing at every request
# cost the re-mapping of every page a request reads (search p95 33.8 instead of 19.2 ms at 1.6 M, before the result
# rows were read by position). Measured at 1.6 M after 400 searches in one process (session 12): 128 MB kept
# 111 MB of index pages mapped, p95 12.2 ms; 32 MB kept 31 MB, p95 13.0 ms; 16 MB, 6 MB and 13.2 ms. A worker's
# RSS counts those pages (decision 0022), so the budget is what a search may leave mapped, not the index's size.
MAPPED_BUDGET = 32 * 2**20
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _file_resident() -> int:
    """Resident file-backed bytes of this process (statm's "shared": library code and mapped index pages)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[2]) * _PAGE


_LOADED: dict[str, Index] = {}


def is_complete(directory: Path) -> bool:
    """Whether `directory` holds a whole index of this version (segmented or not)."""
    meta = directory / "explorer_index.json"
    if not all((directory / f).exists() for f in FILES):
        return False
    try:
        found = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    delta = [f"{DELTA}{t}.arrow" for t in TABLES] + [SEGMENT_FILE] if found.get("segments") else []
    return found.get("version") == INDEX_VERSION and all((directory / f).exists() for f in delta)


class IndexMissing(RuntimeError):
    """The current generation has no complete search index: it is built by the import before publication, or by
    `manage.py explorer_index` for a generation published by an older version (never by a web request)."""


def ensure_built(data_dir=None) -> Path | None:
    """Build the current generation's index files when they are missing (a generation published by a version
    of Pilote that did not prepare them), in place: each file is written under a temporary name and renamed,
    the metadata last, so a reader sees a complete index or none. For `manage.py explorer_index` and the demo;
    imports prepare it before publishing."""
    generation_dir = store.current_generation_dir(data_dir)
    if generation_dir is None:
        return None
    if not is_complete(generation_dir):
        build_index(generation_dir)
    return generation_dir


def load(data_dir=None) -> Index | None:
    """The index of the current store generation (opened once per process), or None when nothing was imported
    yet. Raises IndexMissing when the generation has no complete index: no web request ever builds one."""
    generation_dir = store.current_generation_dir(data_dir)
    if generation_dir is None:
        return None
    generation = generation_dir.name
    key = f"{store.data_dir_or_default(data_dir)}:{generation}"
    index = _LOADED.get(key)
    if index is not None:
        index.trim()
        return index
    with _LOCK:
        index = _LOADED.get(key)
        if index is None:
            if not is_complete(generation_dir):
                raise IndexMissing(
                    f"L'index de recherche de la génération {generation} est absent ou d'une version antérieure : "
                    "lancez « manage.py explorer_index » (les imports le construisent avant publication)."
                )
            # The previous generation's pages leave this worker's RSS now (a request still reading that index
            # maps again what it touches): else they stay resident beside the new index's until the worker dies
            # (measured at 1.6 M after an import: ~60 MB more per worker).
            for previous in _LOADED.values():
                previous.release()
            _LOADED.clear()  # keep only the current generation open
            index = _read(generation_dir, generation)
            index.file_baseline = _file_resident()
            _LOADED[key] = index
    return index


def _open(path: Path) -> tuple[pl.DataFrame, tuple[pa.Buffer, mmap.mmap], pa.Table]:
    """A frame over the buffers of a mapped Arrow file (zero copy: polars imports the Arrow arrays in place) and
    the mapping itself (for `release`).
    MADV_RANDOM: a query reads a few rows here and there, so the kernel must not read ahead (nor map around) the
    pages it touches — with read-ahead, gathering 20 result rows mapped ~2 MB per column into the process."""
    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    mapped.madvise(mmap.MADV_RANDOM)
    whole = pa.py_buffer(mapped)  # keeps the mapping alive as long as a frame uses its buffers
    table = ipc.open_file(pa.BufferReader(whole)).read_all()
    return pl.from_arrow(table, rechunk=False), (whole, mapped), table


def _segment(directory: Path, prefix: str, meta: dict, maps: list, mappings: list) -> tuple[dict, PositionalReader]:
    """The frames of one segment's files (mapped) with its docs parts side by side, and its positional reader."""
    frames, arrows = {}, []
    for table in TABLES:
        path = directory / f"{prefix}{table}.arrow"
        frames[table], (whole, mapped), arrow = _open(path)
        maps.append(whole)
        mappings.append(mapped)
        if table.startswith("docs"):
            arrows.append((path, arrow, whole.address))
    # the parts side by side (no copy: the frame holds the same mapped columns), in the table's column order
    docs = pl.concat([frames[t] for t in TABLES if t.startswith("docs")], how="horizontal").select(meta["colonnes"])
    frames["docs"] = docs
    return frames, PositionalReader(arrows, docs.schema)


def _read(directory: Path, generation: str) -> Index:
    meta = json.loads((directory / "explorer_index.json").read_text(encoding="utf-8"))
    maps, mappings = [], []
    frames, reader = _segment(directory, MAIN, meta, maps, mappings)
    docs, terms, delta = frames["docs"], Terms(frames["terms"]), None
    if meta.get("segments"):
        other, delta_reader = _segment(directory, DELTA, meta, maps, mappings)
        segment, (whole, mapped), _arrow = _open(directory / SEGMENT_FILE)
        maps.append(whole)
        mappings.append(mapped)
        delta = Delta(
            first=meta["segments"]["principal"],
            postings=other["postings"],
            terms=Terms(other["terms"]),
            suppliers=other["suppliers"],
            classes=other["classes"],
            uids=other["uids"],
            rang=segment["rang"],
            src_row=segment["src_row"],
            vivant=segment["vivant"],
            live=meta["contrats"],
            reader=delta_reader,
        )
        # both segments' rows one after the other (chunks, no copy), each with its row in this generation's
        # contrats.parquet (the main segment's files hold their own generation's), cut at the same place as the
        # other columns: a frame whose columns are chunked differently is copied whole by every `select`
        first = delta.first
        src_row = pl.concat([segment["src_row"].slice(0, first), segment["src_row"].slice(first)], rechunk=False)
        docs = pl.concat([docs, other["docs"]], how="vertical", rechunk=False).with_columns(src_row)
        terms, reader = SegmentTerms(terms, delta.terms), SegmentedReader(reader, delta)
    return Index(
        generation=generation,
        directory=directory,
        docs=docs,
        postings=frames["postings"],
        terms=terms,
        avgdl=meta["longueur_moyenne"],
        meta=meta,
        suppliers=frames["suppliers"],
        classes=frames["classes"],
        uids=frames["uids"],
        maps=maps,
        mappings=mappings,
        reader=reader,
        delta=delta,
    )
