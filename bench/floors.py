"""The national file in its two layouts, and the floor each import is compared with.

- `to_pretty(src, dst)`: the synthetic corpus (one record per line inside the envelope) re-written as the real
  national file is published: the same envelope and records, indented by two spaces, one key per line (what
  `json.dump(data, f, indent=2, ensure_ascii=False)` writes). Streamed record by record (orjson), so the memory
  does not grow with the file; same records in the same order, so the answer key still applies.
- `bare_load(path)`: the floor for the one-record-per-line file: split the envelope to NDJSON (copy the record
  lines), then DuckDB `read_ndjson` → Parquet, no cleaning.
- `bare_load_pretty(path)`: the same floor for the pretty file: cut the records at their indentation (a bare
  reader that knows this file's layout; a real reader cannot assume it), join each record's lines into one, then
  the same DuckDB step.
"""

import re
import time
from pathlib import Path

import duckdb
import orjson


RECORD_INDENT = b"      "  # {"marches": {"<array>": [ → records sit three levels deep
_ARRAY = re.compile(rb'"([\w-]+)": \[')


def _record_lines(src):
    """(array name, record bytes) for each record line of a one-record-per-line envelope file."""
    array = None
    for line in src:
        line = line.strip()
        if line.startswith(b"{") and line.endswith((b"}", b"},")) and not line.startswith(b'{"marches"'):
            yield array, line.rstrip(b",")
            continue
        names = _ARRAY.findall(line)
        if names:
            array = names[-1].decode()


def to_pretty(src_path: Path, dst_path: Path) -> int:
    """Write the pretty-printed copy of a one-record-per-line envelope file; returns the number of records."""
    count, current, first = 0, None, True
    tmp = dst_path.with_suffix(".tmp")
    with open(src_path, "rb") as src, open(tmp, "wb") as dst:
        dst.write(b'{\n  "marches": {')
        for array, record in _record_lines(src):
            if array != current:
                if current is not None:
                    dst.write(b"\n    ],")
                dst.write(b'\n    "' + array.encode() + b'": [')
                current, first = array, True
            body = orjson.dumps(orjson.loads(record), option=orjson.OPT_INDENT_2)
            dst.write((b"\n" if first else b",\n") + RECORD_INDENT + body.replace(b"\n", b"\n" + RECORD_INDENT))
            first = False
            count += 1
        if current is not None:
            dst.write(b"\n    ]")
        dst.write(b"\n  }\n}\n")
    tmp.replace(dst_path)
    return count


def _duckdb_to_parquet(ndjson: Path, parquet: Path) -> None:
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(
        "COPY (SELECT * FROM read_ndjson(?, maximum_object_size=16777216, sample_size=-1)) TO ? (FORMAT parquet)",
        [str(ndjson), str(parquet)],
    )
    con.close()


def bare_load(corpus: Path, work: Path) -> dict:
    """Floor of the one-record-per-line file: envelope → NDJSON (byte copy), DuckDB read_ndjson → Parquet."""
    work.mkdir(parents=True, exist_ok=True)
    ndjson, parquet = work / "bare.ndjson", work / "bare.parquet"
    started = time.monotonic()
    with open(corpus, "rb") as src, open(ndjson, "wb") as dst:
        for _, record in _record_lines(src):
            dst.write(record + b"\n")
    split = time.monotonic() - started
    _duckdb_to_parquet(ndjson, parquet)
    wall = time.monotonic() - started
    ndjson.unlink()
    parquet.unlink()
    return {"wall_s": wall, "split_s": split}


def bare_load_pretty(pretty: Path, work: Path) -> dict:
    """Floor of the pretty file: records cut at their known indentation, lines joined, then the same DuckDB step."""
    work.mkdir(parents=True, exist_ok=True)
    ndjson, parquet = work / "bare-pretty.ndjson", work / "bare-pretty.parquet"
    start, end, end_comma = RECORD_INDENT + b"{\n", RECORD_INDENT + b"}\n", RECORD_INDENT + b"},\n"
    started = time.monotonic()
    with open(pretty, "rb") as src, open(ndjson, "wb") as dst:
        parts = None
        for line in src:
            if parts is None:
                if line == start:
                    parts = [b"{"]
                continue
            if line in (end, end_comma):
                parts.append(b"}\n")
                dst.write(b"".join(parts))
                parts = None
            else:
                parts.append(line.strip())
    split = time.monotonic() - started
    _duckdb_to_parquet(ndjson, parquet)
    wall = time.monotonic() - started
    ndjson.unlink()
    parquet.unlink()
    return {"wall_s": wall, "split_s": split}
