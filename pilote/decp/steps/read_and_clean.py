"""Step 2, read and clean: each new input → cleaned Parquet parts in the staging directory (pilote.decp.ingest),
with one report row per file. Nothing is written to the store here."""

from dataclasses import dataclass, field
from pathlib import Path

from pilote.decp.ingest import Reader


# Share of the run's progress bar taken by reading (the rest: identify, write, prepare, publish).
READING_SHARE = 0.8


@dataclass
class ReadOutcome:
    files: list = field(default_factory=list)  # report rows, one per file read
    results: list = field(default_factory=list)  # ingest.FileResult per file read (rejects, rule codes)
    workers: int = 1  # processes for writing the tables: a pool only when reading needed one (big input)


@dataclass(frozen=True)
class ReadOptions:
    source: str | None = None
    fmt: str | None = None
    today: object = None
    cleaner: str = "real"
    workers: int | None = None


def source_name(name):
    """Default source of a file: its name without directories, query or known extensions."""
    base = Path(str(name).split(":")[-1].split("?")[0]).name
    for ext in (".gz", ".zip", ".json", ".xml", ".csv", ".parquet"):
        base = base.removesuffix(ext)
    return base or "inconnue"


def read_and_clean(todo, *, parts, run_id, options, total_bytes, progress):
    """Read every (file_no, input) of `todo` into `parts`; the reader's worker pool is stopped on return."""
    outcome = ReadOutcome()
    if not todo:
        return outcome
    reader = Reader(parts, import_run=run_id, today=options.today, cleaner=options.cleaner, workers=options.workers)
    try:
        done_bytes = 0
        for file_no, inp in todo:
            reader.progress = _file_progress(progress, inp.name, done_bytes, total_bytes)
            _read_one(reader, inp, file_no, run_id, options, outcome)
            done_bytes += max(inp.path.stat().st_size, 1)
        reader.ensure_parts()
        outcome.workers = reader.workers if reader.pool_started else 1
    finally:
        reader.close()
    return outcome


def _file_progress(progress, name, base, total_bytes):
    def on_progress(done, total):
        progress(READING_SHARE * (base + done) / total_bytes, f"Lecture de {name}")

    return on_progress


def _read_one(reader, inp, file_no, run_id, options, outcome):
    src = options.source or source_name(inp.name)
    result = reader.read(inp, file_no=file_no, source=src, fmt=options.fmt)
    outcome.results.append(result)
    outcome.files.append(
        {
            "fichier": inp.name,
            "sha256": inp.sha256,
            "taille": inp.size,
            "format": result.format,
            "source": src,
            "import_run": run_id,
            "read": result.read,
            "rejected": len(result.rejects),
            "lignes": result.rows,
        }
    )
