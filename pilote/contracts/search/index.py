"""The explorer's full-text index (BM25 over contract objects) and its light contract table, per store generation.

Built from `contrats.parquet` (+ `titulaires.parquet`) of a DECP store generation into four files written next
to them, so the store's atomic generation swap covers the index too (docs/decisions/0003-recherche-plein-texte.md):
    explorer_docs.parquet      one row per contract (doc = row number): the columns the explorer lists and ranks on
    explorer_terms.parquet     term, df (number of contracts containing it), start (offset in postings)
    explorer_postings.parquet  (term_id, doc, tf) sorted by term_id then doc
    explorer_index.json        version, counts, average object length, build time and sizes
The import builds them inside each new generation before publishing it (a preparer registered by
pilote.contracts); a generation published by an older version gets them built in place on first use, each file
under a temporary name then renamed, the metadata last. Lookup = slicing the postings of each query term
(contiguous rows), so a query costs about the size of its posting lists, never a scan of the objects.
"""

import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pilote.contracts import semantics as sem
from pilote.contracts.geo import with_geography
from pilote.contracts.search import text
from pilote.decp import store


INDEX_VERSION = "7"
CHILD_TABLES = ("titulaires", "modifications", "actes_sous_traitance", "copies")
FILES = (
    "explorer_suppliers.parquet",
    "explorer_docs.parquet",
    "explorer_terms.parquet",
    "explorer_postings.parquet",
    "explorer_index.json",
)
# BM25 parameters (Robertson/Spärck Jones defaults; objects are short, so length normalisation matters little).
K1, B = 1.2, 0.75
# The amounts left out of price references and sums, and what counts as a consideration: semantics' definitions.
AMOUNT_ANOMALIES = sem.unusable_amount_codes()
NO_CONSIDERATION = sem.NO_CONSIDERATION

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


def _docs_frame(generation_dir: Path) -> pl.DataFrame:
    # src_row: position in contrats.parquet, so the contract page reads one row instead of scanning them all.
    contrats = (
        pl.scan_parquet(generation_dir / "contrats.parquet").with_row_index("src_row").select("src_row", *DOC_COLUMNS)
    )
    tit_path = generation_dir / "titulaires.parquet"
    titulaires = (
        # every titulaire of the contract, the initial ones first, then those modifications added
        # (semantics: a titulaire filter or a supplier page finds the contracts a supplier holds)
        pl.scan_parquet(tit_path)
        .sort("contrat_uid", pl.col("modification_id").is_not_null(), "modification_id", "rang", nulls_last=True)
        .unique(subset=["contrat_uid", "titulaire_id", "titulaire_nom"], keep="first", maintain_order=True)
        .group_by("contrat_uid", maintain_order=True)
        .agg(pl.col("titulaire_id").alias("titulaire_ids"), pl.col("titulaire_nom").alias("titulaire_noms"))
    )
    final = sem.final_amount_polars(pl.scan_parquet(generation_dir / "modifications.parquet"))
    c = pl.col
    docs = (
        with_geography(contrats)
        .join(titulaires, on="contrat_uid", how="left")
        .join(final, on="contrat_uid", how="left")
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
        .collect()
    )
    return docs.with_row_index("doc")


def _postings(docs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
    """(terms, postings, doclen): vectorised tokenising, Python only once per distinct word."""
    words = (
        docs.lazy()
        .select("doc", pl.col("objet").fill_null("").str.to_lowercase().str.extract_all(r"[^\W_]+").alias("w"))
        .explode("w")
        .drop_nulls("w")
        .collect()
    )
    vocab = words["w"].unique().to_list()
    mapping = pl.DataFrame(
        {"w": vocab, "term": [text.term(w) for w in vocab]}, schema={"w": pl.String, "term": pl.String}
    )
    tokens = words.join(mapping, on="w", how="left").drop_nulls("term")
    doclen = (
        tokens.group_by("doc").len().join(docs.select("doc"), on="doc", how="right").sort("doc")["len"].fill_null(0)
    )
    counts = tokens.group_by("term", "doc").agg(pl.len().cast(pl.UInt16).alias("tf"))
    terms = (
        counts.group_by("term")
        .agg(pl.len().cast(pl.UInt32).alias("df"))
        .sort("term")
        .with_row_index("term_id")
        .with_columns((pl.col("df").cum_sum() - pl.col("df")).cast(pl.UInt64).alias("start"))
    )
    # BM25 impact of each (term, contract) pair, computed once here: a query then only sums them.
    n = docs.height
    avgdl = float(doclen.mean() or 1.0) or 1.0
    c = pl.col
    idf = (1 + (n - c("df") + 0.5) / (c("df") + 0.5)).log()
    dl = c("doclen").cast(pl.Float64)
    tf = c("tf").cast(pl.Float64)
    postings = (
        counts.join(terms.select("term", "term_id", "df"), on="term")
        .join(pl.DataFrame({"doc": docs["doc"], "doclen": doclen}), on="doc")
        .select(
            "term_id",
            c("doc").cast(pl.UInt32),
            (idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))).cast(pl.Float32).alias("w"),
        )
        .sort("term_id", "doc")
    )
    return terms, postings, doclen.cast(pl.UInt16)


def build_index(generation_dir: Path) -> None:
    """Build the explorer index of a store generation into that directory (called before the generation is
    published; also used for the lazy cache). Overwrites previous explorer files there."""
    generation_dir = Path(generation_dir)
    started = time.monotonic()
    docs = _docs_frame(generation_dir)
    terms, postings, doclen = _postings(docs)
    docs = docs.with_columns(doclen.alias("doclen"))
    _write(docs, generation_dir / "explorer_docs.parquet")
    _write(_supplier_pairs(docs), generation_dir / "explorer_suppliers.parquet")
    for table in CHILD_TABLES:
        # Copies sorted by contract with small row groups: the contract page reads one group, not 1.8 M rows.
        source = generation_dir / f"{table}.parquet"
        if source.exists():
            target = generation_dir / f"explorer_{table}.parquet"
            tmp = target.with_name(target.name + ".tmp")
            pl.scan_parquet(source).sort("contrat_uid").sink_parquet(tmp, compression="zstd", row_group_size=8192)
            os.replace(tmp, target)
    _write(terms, generation_dir / "explorer_terms.parquet")
    _write(postings, generation_dir / "explorer_postings.parquet")
    meta = {
        "version": INDEX_VERSION,
        "contrats": docs.height,
        "termes": terms.height,
        "postings": postings.height,
        "longueur_moyenne": float(doclen.mean() or 0.0),
        "secondes": round(time.monotonic() - started, 3),
        "octets": sum((generation_dir / f).stat().st_size for f in FILES if f.endswith(".parquet")),
    }
    # written last: its presence with the right version is what `_complete` checks
    tmp = generation_dir / "explorer_index.json.tmp"
    tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(tmp, generation_dir / "explorer_index.json")


def _write(frame: pl.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    frame.write_parquet(tmp, compression="zstd")
    os.replace(tmp, path)


def _supplier_pairs(docs: pl.DataFrame) -> pl.DataFrame:
    """(siret, doc) of every titulaire of every contract, sorted: a supplier's contracts are a binary search."""
    return (
        docs.select("doc", pl.col("titulaire_ids").alias("siret"))
        .explode("siret")
        .drop_nulls("siret")
        .unique()
        .sort("siret", "doc")
    )


@dataclass
class Index:
    """A loaded index: the light contract table and the posting lists, held in memory by the web process."""

    generation: str
    directory: Path
    docs: pl.DataFrame
    postings: pl.DataFrame
    terms: dict  # term -> (term_id, df, start)
    avgdl: float
    meta: dict

    @property
    def size(self) -> int:
        return self.docs.height

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
            _term_id, df, start = self.terms[t]
            part = self.postings.slice(start, df).select("doc", "w")
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
        """Full rows of index.docs for these doc numbers, in that order (a gather, never a join on 1.6 M rows)."""
        return self.docs[docs.cast(pl.UInt32)] if docs.len() else self.docs.head(0)

    def column(self, name: str, docs: pl.Series) -> pl.Series:
        return self.docs[name].gather(docs)

    def mask(self, key, expr: pl.Expr) -> pl.Series:
        """Boolean Series over every doc for a filter condition, memoised per key (filters are frozen)."""
        cache = self.__dict__.setdefault("_masks", {})
        if key not in cache:
            if len(cache) > 32:
                cache.clear()
            mask = self.docs.select(expr.alias("m"))["m"]
            if mask.len() != self.size:  # a constant condition comes back as one value
                mask = pl.repeat(bool(mask[0]), self.size, eager=True)
            cache[key] = mask
        return cache[key]

    def supplier_docs(self, siret: str) -> pl.Series:
        """Doc numbers of the contracts a titulaire won: binary search in a (titulaire, doc) table sorted once."""
        pairs = self.__dict__.get("_supplier_pairs")
        if pairs is None:
            path = self.directory / "explorer_suppliers.parquet"
            pairs = (pl.read_parquet(path) if path.exists() else _supplier_pairs(self.docs)).rechunk()
            self.__dict__["_supplier_pairs"] = pairs
        column = pairs["siret"]
        low = int(column.search_sorted(siret, "left"))
        high = int(column.search_sorted(siret, "right"))
        return pairs["doc"].slice(low, high - low)

    def prefix_docs(self, prefix: str) -> pl.Series:
        """Doc numbers of the contracts whose CPV starts with `prefix`, most recent first (via the class lists)."""
        self.class_docs("")  # builds the class lists
        groups = self.__dict__["_class_docs"]
        if len(prefix) >= 4:
            parts = [groups.get(prefix[:4]) or []]
        else:
            parts = [docs for cls, docs in groups.items() if cls.startswith(prefix)]
        found = pl.Series("doc", [d for part in parts for d in part], dtype=pl.UInt32)
        return found.sort()

    def class_docs(self, cls: str, limit: int | None = None) -> pl.Series:
        """Doc numbers of the contracts of a CPV class, most recent first (docs are sorted by date)."""
        groups = self.__dict__.get("_class_docs")
        if groups is None:
            frame = (
                self.docs.select("doc", "cpv_classe")
                .drop_nulls("cpv_classe")
                .group_by("cpv_classe", maintain_order=True)
                .agg(pl.col("doc"))
            )
            groups = dict(zip(frame["cpv_classe"].to_list(), frame["doc"].to_list(), strict=True))
            self.__dict__["_class_docs"] = groups
        found = groups.get(cls) or []
        return pl.Series("doc", found[:limit] if limit else found, dtype=pl.UInt32)


_LOCK = threading.Lock()
_LOADED: dict[str, Index] = {}


def _complete(directory: Path) -> bool:
    meta = directory / "explorer_index.json"
    if not all((directory / f).exists() for f in FILES):
        return False
    try:
        return json.loads(meta.read_text(encoding="utf-8")).get("version") == INDEX_VERSION
    except (OSError, ValueError):
        return False


def ensure_built(data_dir=None) -> Path | None:
    """Build the current generation's index files when they are missing (a generation published by a version
    of Pilote that did not prepare them), in place: each file is written under a temporary name and renamed,
    the metadata last, so a reader sees a complete index or none. Imports prepare it before publishing."""
    generation_dir = store.current_generation_dir(data_dir)
    if generation_dir is None:
        return None
    if not _complete(generation_dir):
        build_index(generation_dir)
    return generation_dir


def load(data_dir=None) -> Index | None:
    """The index of the current store generation (loaded once per process), or None when nothing was imported
    yet. A generation without its index files (published by an older version) gets them built first."""
    generation_dir = store.current_generation_dir(data_dir)
    if generation_dir is None:
        return None
    generation = generation_dir.name
    key = f"{store.data_dir_or_default(data_dir)}:{generation}"
    index = _LOADED.get(key)
    if index is not None:
        return index
    with _LOCK:
        index = _LOADED.get(key)
        if index is None:
            ensure_built(data_dir)
            index = _read(generation_dir, generation)
            _LOADED.clear()  # keep only the current generation in memory
            _LOADED[key] = index
    return index


def _read(directory: Path, generation: str) -> Index:
    meta = json.loads((directory / "explorer_index.json").read_text(encoding="utf-8"))
    terms_df = pl.read_parquet(directory / "explorer_terms.parquet")
    terms = {
        t: (tid, df, start)
        for t, tid, df, start in zip(
            terms_df["term"], terms_df["term_id"], terms_df["df"], terms_df["start"], strict=True
        )
    }
    return Index(
        generation=generation,
        directory=directory,
        # One contiguous chunk per column: a gather of 20 rows then costs microseconds, not a rechunk of 1.6 M.
        docs=pl.read_parquet(directory / "explorer_docs.parquet").rechunk(),
        postings=pl.read_parquet(directory / "explorer_postings.parquet").rechunk(),
        terms=terms,
        avgdl=meta["longueur_moyenne"],
        meta=meta,
    )
