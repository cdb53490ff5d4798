"""Pretty-printed DECP JSON cut into record texts in one pass, for the worker pool that reads line-layout files.

Published DECP files are pretty-printed: a record spans many lines and ends at the first line made of `}` at the
record's own indentation (`\\n` + indent + `}`). JSON strings never hold a raw newline, so that needle is never
inside a string (escaped quotes, braces in text cannot fool it), and a printer indents deeper braces further.
The parent finds the needles with bytes.find (C speed), checks what lies between two records (whitespace, one
comma), and sends the record texts to the workers, which parse them with orjson like record lines.

The cut is proven by the parse: a text that is not one whole JSON value (a file indented otherwise, a syntax
error, a NaN) fails orjson in the worker, which raises NotLineLayout (`parse_lines`: a record text holding a
newline), and the caller reads the file again with the exact reader (ijson): today's result or today's error.
Texts that each parse as one value, separated by exactly one comma, have one reading in JSON's grammar: they are
the array's elements, in order. Anything unusual (a record that is not an object, an unknown envelope key,
concessions before marchés, a single-record document) also goes to the exact reader.
"""

import re

from pilote.decp.readers.json_reader import BATCH_LINES, NotLineLayout, _peek_shape, scan_lines


BLOCK = 16 * 1024 * 1024
BATCH_BYTES = 64 * 1024 * 1024  # a batch of pretty records is ~3× the bytes of the same records one per line
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
        self.lines = 0  # newlines before data[0]
        self.base = 0  # file offset of data[0]

    def more(self):
        block = self.fh.read(BLOCK)
        if not block:
            return False
        self.lines += self.data.count(b"\n", 0, self.pos)
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

    def find(self, needle):
        """Index in `data` of `needle` after `pos` (reading more as needed); `pos` may move when blocks are read."""
        start = self.pos
        while (found := self.data.find(needle, start)) < 0:
            start = max(len(self.data) - len(needle), self.pos) - self.pos
            if not self.more():
                raise NotLineLayout("fin du fichier dans un enregistrement")
        return found

    def line(self):
        return self.lines + self.data.count(b"\n", 0, self.pos) + 1


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
        # the exact reader yields every marché, then every concession: concessions are cut now, read at the end
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
                raise NotLineLayout(f"structure inattendue ligne {win.line()}")
        if expect != "done":
            raise NotLineLayout("document incomplet")
        yield from _reread(fh, "contrat-concession", deferred, batch_lines or BATCH_LINES)


def _check_scalar(text):
    import orjson

    try:
        orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise NotLineLayout("valeur invalide dans l'enveloppe") from exc


def _reread(fh, tableau, ranges, batch_lines):
    """Batches of the records cut earlier, read again from their byte ranges (the page cache still holds them)."""
    for first in range(0, len(ranges), batch_lines):
        texts = []
        for start, end in ranges[first : first + batch_lines]:
            fh.seek(start)
            texts.append(fh.read(end - start))
        yield tableau, first, 0, texts


def _records(win, tableau, positions, batch_lines, later=None):
    """The elements of one record array, from after its `[` to after its `]`, in batches (or their byte ranges
    appended to `later`)."""
    texts, size = [], 0
    first_pos, first_line = positions.get(tableau, 0), None
    gap = win.base + win.pos  # file offset where blanks before a record start (it must begin a line)
    if win.skip_ws() == b"]":
        win.pos += 1
        return
    while True:
        start = win.pos
        data = win.data
        newline = data.rfind(b"\n", 0, start)
        indent = data[newline + 1 : start]
        if data[start : start + 1] != b"{" or win.base + newline < gap or indent.strip(b" \t"):
            raise NotLineLayout(f"enregistrement {first_pos + len(texts)} du tableau « {tableau} » : mise en page")
        if first_line is None:
            first_line = win.line()
        end = win.find(b"\n" + indent + b"}") + len(indent) + 2
        if later is None:
            texts.append(win.data[win.pos : end])
            size += end - win.pos
        else:
            later.append((win.base + win.pos, win.base + end))
        win.pos = end
        if len(texts) >= batch_lines or size >= BATCH_BYTES:
            yield tableau, first_pos, first_line, texts
            first_pos += len(texts)
            texts, size, first_line = [], 0, None
        sep = win.skip_ws()
        win.pos += 1
        if sep == b"]":
            break
        if sep != b",":
            raise NotLineLayout(f"« , » attendu après l'enregistrement {first_pos + len(texts)} ({tableau})")
        gap = win.base + win.pos
        if win.skip_ws() != b"{":
            raise NotLineLayout(f"enregistrement {first_pos + len(texts)} du tableau « {tableau} » : pas un objet")
    if texts:
        yield tableau, first_pos, first_line, texts
        first_pos += len(texts)
    positions[tableau] = first_pos
