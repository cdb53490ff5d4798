"""Pretty-printed DECP JSON cut into record texts in one pass, for the worker pool that reads line-layout files.

Published DECP files are pretty-printed: a record spans many lines and ends at the first line made of `}` at the
record's own indentation (`\\n` + indent + `}`). JSON strings never hold a raw newline, so that needle is never
inside a string (escaped quotes, braces in text cannot fool it), and a printer indents deeper braces further.
The parent reads the envelope, takes the indentation of each array's first record, and cuts the array into
batches of about BATCH_BYTES that end at a record's end (bytes.find and bytes.count, C speed: nothing per record);
it sends each batch as a byte range (JsonBatch). The worker maps its range of the file (the page cache still
holds it) and cuts it at each record end followed by a comma, then parses the texts with orjson like record
lines.

The cut is proven by the parse: a text that is not one whole JSON value (a file indented otherwise, records of
another indentation, something else than blanks and one comma between two records, a syntax error, a NaN) fails
orjson in the worker, which raises NotLineLayout (`parse_lines`: a record text holding a newline), and the caller
reads the file again with the exact reader (ijson): today's result or today's error. Texts that each parse as one
value ending with `}`, separated by exactly one comma, have one reading in JSON's grammar: they are the array's
elements, in order. Anything unusual (a record that is not an object, an unknown envelope key, concessions before
marchés, a single-record document) also goes to the exact reader.
"""

import mmap
import os
import re

from pilote.decp.readers.json_reader import BATCH_LINES, NotLineLayout, _peek_shape, scan_lines


BLOCK = 16 * 1024 * 1024
BATCH_BYTES = 64 * 1024 * 1024  # a batch of pretty records is ~3× the bytes of the same records one per line
SLACK = 4 * 1024 * 1024  # read past BATCH_BYTES to find the end of the record that crosses it
_NON_WS = re.compile(rb"[^ \t\r\n]")
_STRING = re.compile(rb'"((?:[^"\\]|\\.)*)"')
_LITERAL = re.compile(rb"-?[0-9][0-9.eE+-]*|true|false|null")
_ARRAYS = {
    "2019": {(b"marches",): "marches"},
    "2022": {(b"marches", b"marche"): "marche", (b"marches", b"contrat-concession"): "contrat-concession"},
}
_OBJECTS = {"2019": {()}, "2022": {(), (b"marches",)}}


def scan_batches(path, *, name, batch_lines=None):
    """Batches of record texts for the workers, like `scan_lines`: one record per line first, else pretty-printed.

    The line scan gives up on the first record that spans lines (line 4 of a pretty file): nothing is yielded
    twice and the file is read once."""
    started = False
    try:
        for batch in scan_lines(path, name=name, batch_lines=batch_lines):
            started = True
            yield batch
        return
    except NotLineLayout:
        if started:
            raise
    yield from scan_records(path, name=name, batch_lines=batch_lines)


class _Window:
    """The unread part of the file: `data[pos:]`; reading a block drops what lies before `pos`."""

    def __init__(self, fh):
        self.fh = fh
        self.data = b""
        self.pos = 0
        self.base = 0  # file offset of data[0]

    def more(self):
        block = self.fh.read(BLOCK)
        if not block:
            return False
        self.base += self.pos
        self.data = self.data[self.pos :] + block
        self.pos = 0
        return True

    def skip_ws(self):
        """Move to the next non-blank byte and return it (None at the end of the file). The blanks skipped stay
        in `data` until then (a record's indentation is read from them)."""
        start = self.pos
        while not (match := _NON_WS.search(self.data, start)):
            start = len(self.data) - self.pos
            if not self.more():
                self.pos = len(self.data)
                return None
        self.pos = match.start()
        return self.data[self.pos : self.pos + 1]

    def token(self):
        """One envelope token: `{ } [ ] : ,` or a key (bytes in a tuple); anything else is not for this reader."""
        char = self.skip_ws()
        if char is None:
            return None
        if char in b"{}[]:,":
            self.pos += 1
            return char
        pattern = _STRING if char == b'"' else _LITERAL
        # a block may end inside the token: read on while the match could still grow
        while True:
            match = pattern.match(self.data, self.pos)
            may_grow = match is None or match.end() == len(self.data)
            if not may_grow or len(self.data) - self.pos > 65536 or not self.more():
                break
        if not match or len(match.group()) > 65536:
            raise NotLineLayout("valeur inattendue dans l'enveloppe")
        self.pos = match.end()
        return (match.group(1) if char == b'"' else None, match.group())

    def offset(self):
        return self.base + self.pos

    def seek(self, offset):
        """Go on reading at `offset` of the file (after an array the cutter read through its own buffer)."""
        self.fh.seek(offset)
        self.data, self.base, self.pos = b"", offset, 0
        self.more()


def scan_records(path, *, name, batch_lines=None):
    """Yield (tableau, first_position, first_line, [record texts]) in the exact reader's order; NotLineLayout for
    any layout it does not cut (before anything is yielded for the common ones)."""
    shape = _peek_shape(path, name)  # the exact reader's shape and its errors (not DECP, not JSON)
    if shape == "record":
        raise NotLineLayout("un seul enregistrement")
    arrays, objects = _ARRAYS[shape], _OBJECTS[shape]
    positions = {}
    with open(path, "rb") as fh:
        win = _Window(fh)
        win.more()
        if win.data.startswith(b"\xef\xbb\xbf"):
            win.pos = 3
        stack, key, expect = [], None, "value"
        # the exact reader yields every marché, then every concession: concessions are cut now, sent at the end
        deferred = []
        while (tok := win.token()) is not None:
            if expect == "value":
                here = (*stack[1:], key) if stack else ()
                if tok == b"{" and here in objects:
                    stack.append(key)
                    expect = "key_or_end"
                elif tok == b"[" and here in arrays:
                    tableau = arrays[here]
                    later = deferred if tableau == "contrat-concession" else None
                    yield from _records(win, tableau, positions, batch_lines or BATCH_LINES, later)
                    expect = "comma_or_end"
                elif isinstance(tok, tuple) and stack:
                    _check_scalar(tok[1])  # "$schema": "https://…" and other scalars beside the records
                    expect = "comma_or_end"
                else:
                    raise NotLineLayout("clé ou valeur inattendue dans l'enveloppe")
            elif isinstance(tok, tuple) and tok[0] is not None and expect in ("key", "key_or_end"):
                key = tok[0]
                _check_scalar(tok[1])
                if win.token() != b":":
                    raise NotLineLayout("« : » attendu")
                expect = "value"
            elif tok == b"}" and expect in ("key_or_end", "comma_or_end"):
                stack.pop()
                expect = "comma_or_end" if stack else "done"
            elif tok == b"," and expect == "comma_or_end" and stack:
                expect = "key"
            else:
                raise NotLineLayout(f"structure inattendue vers l'octet {win.offset()}")
        if expect != "done":
            raise NotLineLayout("document incomplet")
        yield from deferred


def _check_scalar(text):
    import orjson

    try:
        orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise NotLineLayout("valeur invalide dans l'enveloppe") from exc


class JsonBatch:
    """Consecutive records of one array: the byte range [start, end) of the plain file, from the blanks before the
    first record's `{` to the last one's `}`, which the worker maps (the page cache still holds it) and splits at
    each record end followed by a comma (`close` + `,`, close being `\\n` + the records' indentation + `}`).
    `len()` is the record count the parent made, `nbytes` the range's size; iterating gives the record texts."""

    def __init__(self, path, start, end, close, count):
        self.path = os.path.abspath(path)  # the workers open it (a relative name would depend on their directory)
        self.start = start
        self.end = end
        self.close = close
        self.count = count

    def __len__(self):
        return self.count

    @property
    def nbytes(self):
        return self.end - self.start

    def __iter__(self):
        # mapped, not read: each record's text is the only copy made (reading the range into a new buffer, then
        # splitting it and putting the ends back, copied it three times: ~8 s of the workers' time at 1.6 M
        # against ~3.5 s, sampled)
        with open(self.path, "rb") as fh:
            base = self.start - self.start % mmap.ALLOCATIONGRANULARITY
            with mmap.mmap(fh.fileno(), self.end - base, offset=base, access=mmap.ACCESS_READ) as mapped:
                sep, size = self.close + b",", len(self.close)
                pos, end = self.start - base, self.end - base
                for _record in range(self.count - 1):
                    cut = mapped.find(sep, pos, end)
                    if cut < 0:
                        raise NotLineLayout("lot d'enregistrements modifié depuis son découpage")
                    yield mapped[pos : cut + size]
                    pos = cut + size + 1
                yield mapped[pos:end]


class _Buffer:
    """The file read at an offset into one reusable buffer (readinto: no new allocation, no page fault, per
    batch); doubled when a batch needs more."""

    def __init__(self, fh, offset):
        self.fh = fh
        remaining = os.fstat(fh.fileno()).st_size - offset
        self.data = bytearray(max(min(BATCH_BYTES + SLACK, remaining + 1), 1))  # a small file: a small buffer
        self.size = 0

    def load(self, offset):
        self.fh.seek(offset)
        self.size = self.fh.readinto(self.data)
        return self.size < len(self.data)  # the end of the file is in the buffer

    def grow(self):
        self.data = bytearray(2 * len(self.data))


def _records(win, tableau, positions, batch_lines, later=None):
    """The elements of one record array, from after its `[` to after its `]`, in batches (JsonBatch), yielded or,
    for `later`, appended to it. Nothing is done here per record (`_batch`): at 1.6 M records, cutting and
    sending each record's text took ~13 s of the parent's CPU, on the two cores the workers parse on (session 21)."""
    first_pos = positions.get(tableau, 0)
    gap = win.base + win.pos  # file offset where blanks before a record start (it must begin a line)
    if win.skip_ws() == b"]":
        win.pos += 1
        return
    data, start = win.data, win.pos
    newline = data.rfind(b"\n", 0, start)
    indent = data[newline + 1 : start]
    if data[start : start + 1] != b"{" or win.base + newline < gap or indent.strip(b" \t"):
        raise NotLineLayout(f"enregistrement {first_pos} du tableau « {tableau} » : mise en page")
    close = b"\n" + indent + b"}"
    offset, done = win.offset(), False
    buffer = _Buffer(win.fh, offset)
    while not done:
        end, count, done = _batch(buffer, offset, close, batch_lines)
        batch = (tableau, first_pos, 0, JsonBatch(win.fh.name, offset, end, close, count))
        if later is None:
            yield batch
        else:
            later.append(batch)
        first_pos += count
        offset = end + 1  # after the comma: the next batch starts with the blanks before its first record
    win.seek(end)
    if win.skip_ws() != b"]":
        raise NotLineLayout(f"« , » attendu après l'enregistrement {first_pos} ({tableau})")
    win.pos += 1
    positions[tableau] = first_pos


def _batch(buffer, offset, close, batch_lines):
    """(end, count, done) of the batch that starts at file `offset`: `end` the file offset just after its last
    record's `}`, `count` its records, `done` when that record is the array's last.

    A batch ends at the first record end followed by a comma past BATCH_BYTES (bytes.find), or at the array's
    last record if it comes first (the first record end followed by no comma), or within batch_lines records;
    its records are counted by bytes.count of the separator (C speed: the parent does nothing per record)."""
    sep = close + b","
    last = re.compile(re.escape(close) + rb"(?!,)")
    while True:
        at_end = buffer.load(offset)
        data, size = buffer.data, buffer.size
        cut = data.find(sep, min(BATCH_BYTES, size), size)
        # no array end before the cut when no record end in the range lacks its comma (the search stops at the
        # cut's comma, so that the record end at the cut has it): a regular expression led by the record end is
        # searched at ~2 GB/s, counting every record end at ~1 GB/s (34 against 61 ms a batch; the parent's cutting of
        # the 1.6 M pretty-printed file, batches unchanged: 4.94 → 4.0-4.8 CPU s, session 23)
        found = last.search(data, 0, cut + len(sep) if cut >= 0 else size)
        if cut >= 0 and found is None:
            stop, done, count = cut + len(close), False, data.count(sep, 0, cut + len(sep))
            break
        if found is not None and (found.end() < size or at_end):
            stop, done = found.end(), True
            count = data.count(sep, 0, found.start()) + 1
            break
        if at_end:
            raise NotLineLayout("fin du fichier dans un enregistrement")
        buffer.grow()  # a record longer than the buffer's slack
    if count > batch_lines:
        stop, count, done = 0, batch_lines, False
        for _record in range(batch_lines):
            stop = data.find(sep, stop) + len(close)
    return offset + stop, count, done
