"""Read side of a segmented index (written by segments.py): the delta segment beside the main one, the deletion
mask and the date order over both. `index.Index` asks this module whenever its `delta` is set; every frame here
is mapped like the main segment's (no corpus-sized copy in a worker)."""

from dataclasses import dataclass

import polars as pl

from pilote.contracts.search.positional import PositionalReader


class TermLookup:
    """`get` over `[term]` (which raises KeyError for an unknown term): the part of a dict's interface that the
    vocabularies of index.Terms and SegmentTerms share."""

    def get(self, term, default=None):
        try:
            return self[term]
        except KeyError:
            return default


class SegmentTerms(TermLookup):
    """The vocabulary of both segments with the interface of index.Terms: `[term]` gives (-1, df, -1), df the
    sum of both segments' (a deleted main doc still counts until a merge, as in Lucene)."""

    def __init__(self, main, delta):
        self.main, self.delta = main, delta

    def __contains__(self, term) -> bool:
        return term in self.delta or term in self.main

    def __getitem__(self, term) -> tuple[int, int, int]:
        found = [t for t in (self.main.get(term), self.delta.get(term)) if t is not None]
        if not found:
            raise KeyError(term)
        return -1, sum(df for _id, df, _start in found), -1

    def __len__(self) -> int:
        return len(self.main) + len(self.delta)  # an upper bound: a term of both segments counts twice


@dataclass
class Delta:
    """The delta segment (its docs numbered from `first`, after the main segment's) and, over the docs of both,
    `rang` (date order of a whole build), `src_row` (row in this generation's contrats.parquet) and `vivant`."""

    first: int
    postings: pl.DataFrame
    terms: object  # index.Terms of the delta segment
    suppliers: pl.DataFrame
    classes: pl.DataFrame
    uids: pl.DataFrame
    rang: pl.Series
    src_row: pl.Series
    vivant: pl.Series
    live: int  # docs alive in both segments
    reader: PositionalReader | None = None

    def postings_of(self, term, main_terms, main_postings) -> pl.DataFrame:
        """(doc, w) of a term in both segments, the main segment's deleted docs left out."""
        parts = []
        found = main_terms.get(term)
        if found is not None:
            part = main_postings.slice(found[2], found[1]).select("doc", "w")
            parts.append(part.filter(self.vivant.gather(part["doc"])))
        found = self.terms.get(term)
        if found is not None:
            parts.append(self.postings.slice(found[2], found[1]).select("doc", "w"))
        return pl.concat(parts) if parts else main_postings.head(0).select("doc", "w")

    def pairs(self, main: pl.DataFrame, name: str, key: str, low: str, high: str, range_) -> pl.Series:
        """The live docs of a (key, doc) lookup over both segments, most recent first."""
        docs = range_(main, key, low, high)
        docs = pl.concat([docs.filter(self.vivant.gather(docs)), range_(getattr(self, name), key, low, high)])
        return self.by_date(docs)

    def by_date(self, docs: pl.Series) -> pl.Series:
        """These docs most recent first (the order of a whole build's doc numbers)."""
        return docs.gather(self.rang.gather(docs).arg_sort()) if docs.len() else docs

    def doc_of(self, uid: str, main_uids: pl.DataFrame, range_) -> int | None:
        found = range_(self.uids, "contrat_uid", uid, uid)
        if found.len():
            return int(found[0])
        found = range_(main_uids, "contrat_uid", uid, uid)
        return int(found[0]) if found.len() and self.vivant[int(found[0])] else None

    def holds(self, uid: str, range_) -> bool:
        return range_(self.uids, "contrat_uid", uid, uid).len() > 0


class SegmentedReader:
    """Rows by position over both segments (positional.py), the src_row of this generation's contrats.parquet
    put in place of the main segment's (written for its own generation)."""

    def __init__(self, main: PositionalReader, delta: Delta):
        self.main, self.delta = main, delta

    def _split(self, positions: list[int]):
        first = self.delta.first
        main = [i for i, p in enumerate(positions) if p < first]
        new = [i for i, p in enumerate(positions) if p >= first]
        # the parts' rows in `positions` order: row k of (main + new) is position (main + new)[k]
        back = pl.Series(main + new, dtype=pl.Int64).arg_sort()
        return [positions[i] for i in main], [positions[i] - first for i in new], back

    def rows(self, positions: list[int]) -> pl.DataFrame:
        main, new, back = self._split(positions)
        if not new or not main:  # one segment (a contract page, most pages of results): no merge to do
            frame = self.main.rows(main) if main else self.delta.reader.rows(new)
        else:
            frame = pl.concat([self.main.rows(main), self.delta.reader.rows(new)])[back]
        return frame.with_columns(self.delta.src_row.gather(positions).alias("src_row"))

    def column(self, name: str, positions: list[int]) -> pl.Series:
        if name == "src_row":
            return self.delta.src_row.gather(positions)
        main, new, back = self._split(positions)
        if not new or not main:
            return self.main.column(name, main) if main else self.delta.reader.column(name, new)
        return pl.concat([self.main.column(name, main), self.delta.reader.column(name, new)])[back]
