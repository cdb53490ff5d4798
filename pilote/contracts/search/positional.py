"""A few rows of a mapped Arrow file read with positional reads (`os.pread`) instead of through the mapping.

Why: a web worker's RSS counts the index pages it has mapped, and the kernel maps whole page-cache folios (up to
2 MB) on a fault. Gathering the 20 displayed rows of a result page through the mapping touches one folio per row
and per column: ~35 MB for 20 rows of recent contracts, ~450 MB for 20 rows spread over 1.6 M (a search sorted by
amount; measured, docs/decisions/0019-index-partage-entre-processus.md). A `pread` copies the few bytes a row needs
from the same page cache into private memory and maps nothing. It costs a system call per value, so it is for a
page of results, not for thousands of rows (`Index.rows` chooses).

Reads the layouts `build._write` produces (one record batch, offset 0): fixed-width numbers and dates, booleans,
string views and large lists of string views, each with its validity bitmap.
"""

import datetime
import os
import struct

import polars as pl
import pyarrow as pa


EPOCH = datetime.date(1970, 1, 1)
# struct formats of the fixed-width Arrow types the docs table holds
_FIXED = {
    pa.uint16(): "<H",
    pa.uint32(): "<I",
    pa.uint64(): "<Q",
    pa.int16(): "<h",
    pa.int32(): "<i",
    pa.int64(): "<q",
    pa.float32(): "<f",
    pa.float64(): "<d",
    pa.date32(): "<i",
}


class _Column:
    """The file offsets of one column's buffers and how to decode a value at a position."""

    def __init__(self, array: pa.Array, base: int):
        if array.offset:
            raise ValueError("positional reads need unsliced arrays")
        self.type = array.type
        buffers = array.buffers()
        self.validity = self._at(buffers[0], base) if array.null_count else None
        if pa.types.is_large_list(array.type):
            self.kind = "list"
            self.values_at = self._at(buffers[1], base)  # int64 offsets
            self.child = _Column(array.values, base)
        elif pa.types.is_string_view(array.type):
            self.kind = "view"
            self.values_at = self._at(buffers[1], base)
            self.data_at = [self._at(b, base) for b in buffers[2:]]
        elif pa.types.is_boolean(array.type):
            self.kind = "bool"
            self.values_at = self._at(buffers[1], base)
        elif array.type in _FIXED:
            self.kind = "fixed"
            self.format = struct.Struct(_FIXED[array.type])
            self.is_date = array.type == pa.date32()
            self.values_at = self._at(buffers[1], base)
        else:
            raise TypeError(f"type {array.type} not readable by position")

    @staticmethod
    def _at(buffer: pa.Buffer | None, base: int) -> int | None:
        return None if buffer is None else buffer.address - base

    def value(self, fd: int, i: int):
        if self.validity is not None and not (os.pread(fd, 1, self.validity + i // 8)[0] >> (i % 8)) & 1:
            return None
        if self.kind == "fixed":
            size = self.format.size
            value = self.format.unpack(os.pread(fd, size, self.values_at + i * size))[0]
            return EPOCH + datetime.timedelta(days=value) if self.is_date else value
        if self.kind == "bool":
            return bool((os.pread(fd, 1, self.values_at + i // 8)[0] >> (i % 8)) & 1)
        if self.kind == "view":
            view = os.pread(fd, 16, self.values_at + i * 16)
            length = int.from_bytes(view[:4], "little")
            if length <= 12:
                return view[4 : 4 + length].decode()
            buffer, offset = struct.unpack_from("<ii", view, 8)
            return os.pread(fd, length, self.data_at[buffer] + offset).decode()
        start, end = struct.unpack("<qq", os.pread(fd, 16, self.values_at + i * 8))
        return [self.child.value(fd, j) for j in range(start, end)]


class PositionalReader:
    """Rows of mapped single-batch Arrow tables (the parts of one frame, side by side) by position, read with
    `pread` from their files (see module doc)."""

    def __init__(self, parts: list[tuple], schema: pl.Schema):
        """parts: (path, pyarrow table, address of the file's mapping) of each file holding some of the columns."""
        self.schema = schema
        self.fds = [os.open(str(path), os.O_RDONLY) for path, _table, _base in parts]
        found = {}
        for fd, (_path, table, base) in zip(self.fds, parts, strict=True):
            for name, column in zip(table.column_names, table.columns, strict=True):
                found[name] = (_Column(column.chunk(0), base), fd)
        self.columns = {name: found[name] for name in schema}

    def rows(self, positions: list[int]) -> pl.DataFrame:
        """The rows at these positions, in that order, as a frame of the Polars schema."""
        data = {name: [column.value(fd, i) for i in positions] for name, (column, fd) in self.columns.items()}
        return pl.DataFrame(data, schema=self.schema)

    def column(self, name: str, positions: list[int]) -> pl.Series:
        """One column's values at these positions, in that order."""
        column, fd = self.columns[name]
        return pl.Series(name, [column.value(fd, i) for i in positions], dtype=self.schema[name])

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []

    def __del__(self):  # an index of a replaced generation, once no request holds it any more
        self.close()
