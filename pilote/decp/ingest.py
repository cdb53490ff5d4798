"""Read one input file into cleaned Parquet *parts* in the run's staging directory.

Each batch of records is flattened (readers.flatten), cleaned (the rules of pilote.decp.cleaning, through the
cleaners below), given its identity columns (pilote.decp.identity) and written as one Parquet file per table under staging/parts/<table>/. Big JSON
files (one record per line or pretty-printed) and XML files are parsed by a pool of worker processes (2 cores: the parent cuts records, workers parse, clean and
write), everything else in-process. Nothing is written to the store here: a failure only loses the staging dir.
"""

import datetime
import os
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path

import polars as pl

from pilote.decp import cleaning
from pilote.decp.cleaning.records import split_rejected
from pilote.decp.identity import with_identity_columns
from pilote.decp.readers import detect_format, xml_ranges
from pilote.decp.readers.flatten import Flattener, RecordRejected
from pilote.decp.readers.json_ranges import scan_batches
from pilote.decp.readers.json_reader import NotLineLayout, iter_records_ijson, parse_lines
from pilote.decp.readers.tabular import read_tabular
from pilote.decp.readers.xml_reader import iter_records_xml
from pilote.decp.schema import PROVENANCE


TABLES = ("contrats", "titulaires", "modifications", "actes_sous_traitance")
BATCH_RECORDS = 20_000
# Below this, worker start-up costs more than it saves (2 cores, 2026-12-06: a 35 MB monthly file read in 1.43 s
# in the importing process against 2.27 s with the pool, a 58 MB file 2.44 s against 2.57 s; was 32 MB)
POOL_MIN_BYTES = 64 * 1024 * 1024
# The staged parts live for one run (written by the workers, read by identity and the tables' writers, then
# removed): LZ4, not the store's zstd. A batch of 40,000 contracts (one worker, one thread) was written in 0.13 s
# against 0.18 s and read in 0.023 s against 0.038 s, for 1.7x the bytes (232 against 135 MB of contract parts at
# 1.44 M); the 1.6 M pretty-printed import without preparations, alternated: 70.6 and 68.8 s, 127 and 124 CPU s
# with zstd; 68.8 and 65.7 s, 124 and 119 CPU s with LZ4 (session 23): the workers share two cores.
STAGED_COMPRESSION = "lz4"


def _with_raw(cleaned, raw, wanted):
    """Cleaning returns the typed columns; the store also needs provenance and reader columns it left out."""
    missing = [c for c in wanted if c not in cleaned.columns]
    if not missing:
        return cleaned
    if "record_key" in cleaned.columns and cleaned.height == raw.height:
        return cleaned.join(raw.select("record_key", *missing), on="record_key", how="left")
    return pl.concat([cleaned, raw.select(missing)], how="horizontal")


def _merge_quality(frame):
    """`qualite` = the cleaning rules' codes + the reader's shape repairs (`anomalies_lecture`)."""
    if "qualite" not in frame.columns:
        frame = frame.with_columns(pl.lit([], pl.List(pl.String)).alias("qualite"))
    if "anomalies_lecture" in frame.columns:
        frame = frame.with_columns(
            pl.concat_list(pl.col("qualite").fill_null([]), pl.col("anomalies_lecture").fill_null([]))
            .list.unique(maintain_order=True)
            .alias("qualite")
        )
    return frame


def real_cleaner(raw, *, today):
    """Every cleaning rule on one batch of raw tables."""
    contrats = cleaning.clean_contrats(raw["contrats"], today=today)
    contrats = _merge_quality(_with_raw(contrats, raw["contrats"], [*PROVENANCE, "type_contrat", "anomalies_lecture"]))
    titulaires = cleaning.clean_titulaires(raw["titulaires"])
    contrats = cleaning.flag_titulaires_absents(contrats, titulaires)
    out = {"contrats": contrats, "titulaires": titulaires}
    if "modifications" in raw:
        out["modifications"] = cleaning.clean_modifications(raw["modifications"], today=today)
    if "actes_sous_traitance" in raw:
        out["actes_sous_traitance"] = cleaning.clean_actes(raw["actes_sous_traitance"], today=today)
        # an act worth more than the whole contract proves the contract's amount too low (record-level, before
        # identity: a clean copy of the same contract then wins over this one)
        mods = out.get("modifications", pl.DataFrame())
        out["contrats"] = cleaning.subcontract_exceeds(out["contrats"], mods, out["actes_sous_traitance"])
    return out


def identity_cleaner(raw, *, today):
    """No cleaning at all: raw columns kept, `qualite` = reader anomalies. For tests of the pipeline only
    (`cleaner="identity"`): production always runs `real_cleaner`."""
    del today
    out = dict(raw)
    out["contrats"] = _merge_quality(raw["contrats"])
    return out


CLEANERS = {"real": real_cleaner, "identity": identity_cleaner}


def write_batch(flattener_or_frames, out_dir, batch_name, *, today, cleaner, allow_empty=False):
    """Clean one batch and write its parts; returns (records written, Counter of quality codes, rejects).
    Records that are not contracts (test records, no buyer SIRET, no object…: cleaning.records) are rejected
    after cleaning, with their French reason."""
    raw = flattener_or_frames.frames() if isinstance(flattener_or_frames, Flattener) else flattener_or_frames
    if raw["contrats"].height == 0 and not allow_empty:
        return 0, Counter(), []
    raw.setdefault("modifications", pl.DataFrame(schema=_raw_schema("modifications")))
    raw.setdefault("actes_sous_traitance", pl.DataFrame(schema=_raw_schema("actes_sous_traitance")))
    cleaned = CLEANERS[cleaner](raw, today=today or datetime.date.today())  # noqa: DTZ011 - calendar day
    rejects = []
    if cleaner == "real":
        cleaned, raw, rejects = split_rejected(cleaned, raw)
    contrats = with_identity_columns(cleaned["contrats"], raw["contrats"], raw["modifications"], cleaned["titulaires"])
    cleaned["contrats"] = contrats
    for table in TABLES:
        folder = Path(out_dir) / table
        folder.mkdir(parents=True, exist_ok=True)
        cleaned[table].write_parquet(folder / f"{batch_name}.parquet", compression=STAGED_COMPRESSION, statistics=True)
    codes = contrats["qualite"].explode().drop_nulls().value_counts()
    return contrats.height, Counter(dict(zip(codes[:, 0].to_list(), codes[:, 1].to_list(), strict=True))), rejects


def _raw_schema(table):
    from pilote.decp import schema

    return {"modifications": schema.RAW_MODIFICATION, "actes_sous_traitance": schema.RAW_ACTE_SOUS_TRAITANCE}[table]


def lines_job(job):
    """Worker entry point: parse, clean and write one batch of record lines (or XML record texts)."""
    flattener = Flattener(**job["consts"], fmt=job["fmt"])
    rejects = []
    (xml_ranges.parse_batch if job.get("xml") else parse_lines)(
        job["lines"],
        tableau=job["tableau"],
        first_pos=job["first_pos"],
        first_line=job["first_line"],
        key_base=job["key_base"],
        flattener=flattener,
        rejects=rejects,
        name=job["consts"]["fichier"],
    )
    n, codes, rejected = write_batch(
        flattener, job["out_dir"], job["batch"], today=job["today"], cleaner=job["cleaner"]
    )
    return n, codes, rejects + rejected


class FileResult:
    def __init__(self):
        self.read = 0  # records read (stored or duplicate or rejected)
        self.kept = 0  # records flattened and written to parts
        self.rejects = []  # (fichier, tableau, position, motif, extrait)
        self.codes = Counter()
        self.rows = None  # tabular: rows of the file
        self.format = None


class Reader:
    """Reads the inputs of one import run; owns the (lazily started) worker pool."""

    def __init__(self, out_dir, *, import_run, today=None, cleaner="real", progress=None, workers=None):
        self.out_dir = Path(out_dir)
        self.import_run = import_run
        self.today = today or datetime.date.today()  # noqa: DTZ011 - calendar day
        self.cleaner = cleaner
        self.progress = progress or (lambda done, total: None)
        self.workers = workers or min(2, os.cpu_count() or 1)
        self._pool = None
        self.pool_started = False

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def pool(self):
        if self._pool is None:
            # spawn, not fork: the parent may already run Polars threads, which fork would copy half-locked.
            # One Polars thread per worker: the workers already use every core, more threads only contend.
            # (Spawned children inherit the environment when they start, before they import Polars.)
            os.environ["POLARS_MAX_THREADS"] = "1"
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"))
            self.pool_started = True
        return self._pool

    def read(self, inp, *, file_no, source, fmt=None):
        fmt = fmt or detect_format(inp.path, inp.name)
        result = FileResult()
        result.format = fmt
        consts = {"import_run": self.import_run, "source": source, "fichier": inp.name, "sha256": inp.sha256}
        if fmt in ("decp-2022-json", "decp-2019-json", "decp-2022-xml"):
            xml = fmt == "decp-2022-xml"  # XML: record texts cut by xml_ranges, else the sequential lxml reader
            try:
                self._read_lines(inp, file_no, consts, fmt, result, xml=xml)
                return result
            except NotLineLayout:
                self._discard(file_no)
                result = FileResult()
                result.format = fmt
            records = (iter_records_xml if xml else iter_records_ijson)(inp.path, name=inp.name)
            self._read_records(records, inp, file_no, consts, fmt, result, xml=xml)
        else:
            frames, rows = read_tabular(inp.path, fmt=fmt, name=inp.name, consts=_provenance(consts), file_no=file_no)
            n, codes, rejects = write_batch(
                frames, self.out_dir, f"{file_no:04d}-000000", today=self.today, cleaner=self.cleaner
            )
            result.kept = n
            result.read = n + len(rejects)
            result.rejects.extend(rejects)
            result.codes.update(codes)
            result.rows = rows
        return result

    def ensure_parts(self):
        """Empty parts with the cleaned schema when every record was rejected (the store needs the columns)."""
        if not any((self.out_dir / "contrats").glob("*.parquet")):
            consts = {"import_run": self.import_run, "source": "", "fichier": "", "sha256": ""}
            write_batch(Flattener(**consts, fmt="decp-2022-json"), self.out_dir, "vide", today=self.today,
                        cleaner=self.cleaner, allow_empty=True)  # fmt: skip

    def _discard(self, file_no):
        for table in TABLES:
            for part in (self.out_dir / table).glob(f"{file_no:04d}-*.parquet"):
                part.unlink()

    def _read_lines(self, inp, file_no, consts, fmt, result, *, xml=False):
        size = inp.path.stat().st_size
        use_pool = size >= POOL_MIN_BYTES and self.workers > 1
        pending = set()
        batch_no = 0
        done_bytes = 0
        max_pending = self.workers + 1  # bounds memory: at most this many batches of lines in flight

        def collect(futures):
            for future in futures:
                n, codes, rejects = future.result()
                result.kept += n
                result.codes.update(codes)
                result.rejects.extend(rejects)

        try:
            scan = xml_ranges.scan_batches if xml else scan_batches
            for tableau, first_pos, first_line, lines in scan(inp.path, name=inp.name):
                job = {
                    "lines": lines,
                    "tableau": tableau,
                    "first_pos": first_pos,
                    "first_line": first_line,
                    "key_base": (file_no << 40) + result.read,
                    "consts": consts,
                    "fmt": fmt,
                    "out_dir": str(self.out_dir),
                    "batch": f"{file_no:04d}-{batch_no:06d}",
                    "today": self.today,
                    "cleaner": self.cleaner,
                    "xml": xml,
                }
                result.read += len(lines)
                batch_no += 1
                done_bytes += _size(lines)
                if use_pool:
                    pending.add(self.pool().submit(lines_job, job))
                    if len(pending) >= max_pending:
                        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                        collect(finished)
                else:
                    collect([_Done(lines_job(job))])
                self.progress(min(done_bytes, size), size)
            collect(wait(pending).done if pending else [])
        finally:
            for future in pending:
                future.cancel()
            # a batch already running must not write its part after the caller discarded the file's parts
            # (NotLineLayout: the exact reader then writes the same part names)
            wait(pending)

    def _read_records(self, records, inp, file_no, consts, fmt, result, *, xml=False):
        size = max(inp.path.stat().st_size, 1)
        flattener = Flattener(**consts, fmt=fmt)
        batch_no = 0
        for tableau, position, rec in records:
            try:
                flattener.add(rec, key=(file_no << 40) + result.read, position=position, tableau=tableau, xml=xml)
            except RecordRejected as exc:
                result.rejects.append((inp.name, tableau, position, str(exc), repr(rec)[:500]))
            result.read += 1
            if flattener.count >= BATCH_RECORDS:
                self._flush(flattener, file_no, batch_no, result)
                batch_no += 1
                flattener = Flattener(**consts, fmt=fmt)
                self.progress(size // 2, size)
        self._flush(flattener, file_no, batch_no, result)
        self.progress(size, size)

    def _flush(self, flattener, file_no, batch_no, result):
        n, codes, rejects = write_batch(
            flattener, self.out_dir, f"{file_no:04d}-{batch_no:06d}", today=self.today, cleaner=self.cleaner
        )
        result.kept += n
        result.rejects.extend(rejects)
        result.codes.update(codes)


def _size(lines):
    """Bytes of a batch: its range's size when the worker reads it from the file (JsonBatch, XmlBatch), else the
    sum of its texts (iterating a range batch would read the file here)."""
    nbytes = getattr(lines, "nbytes", None)
    return nbytes if nbytes is not None else sum(len(x) for x in lines)


class _Done:
    def __init__(self, value):
        self._value = value

    def result(self):
        return self._value


def _provenance(consts):
    return {
        "import_run": consts["import_run"],
        "source": consts["source"],
        "fichier": consts["fichier"],
        "fichier_sha256": consts["sha256"],
    }
