"""DECP XML cut into batches of records in one pass, for the worker pool that reads JSON files (issue 16).

The parent reads the file in blocks of BATCH_BYTES and cuts each block after the last record end tag it holds
(`</marche>` or `</contrat-concession>`, found with bytes.rfind); it counts the end tags of each array in the
batch (bytes.count). A batch is thus consecutive children of the root `<marches>` with the blanks, comments or
other elements between them. The parent does nothing else per record: the workers parse, the parent only cuts,
and it sends byte ranges, not bytes (each worker reads its range of the plain file from the page cache).

The worker parses its batch wrapped in the file's own bytes: the prolog and root start tag exactly as written
(XML declaration and encoding, namespace declarations) + the batch + `</marches>`, with the sequential reader's
parser options (no entities, no network, no DTD), and converts records with the same `_to_dict`.

The cut is proven by the parse, not trusted: a batch that parses is balanced XML content, so it starts and ends
between two children of the root; the worker checks that it found as many records of each array as the parent
counted (so each batch's first positions and keys are right); the parent parses the prolog and, at the end, what
follows the last record (the root's end tag, the epilogue). Parts that are each well-formed content, concatenated,
are the file itself: same records, same order, same positions and keys as the sequential reader. Wherever the
count or the cut could be fooled — `</marche>` inside a CDATA section, a comment or a processing instruction, a
nested element of the same name, a self-closing or prefixed record, blanks inside an end tag — a batch fails
to parse or holds another number of records, the worker raises NotLineLayout, and the caller reads the file again
with the sequential reader: today's records, or today's French error with its line. Layouts this module does not
cut go there directly: a DOCTYPE, an encoding that is not ASCII-compatible (UTF-16, EBCDIC…), a root other than
`marches` (a single record), no record end within MAX_SPAN bytes. Gzip and zip inputs arrive here already
decompressed to a plain file by `sources.materialize`.
"""

import gc
import io
import re

from lxml import etree

from pilote.decp.readers.flatten import RecordRejected
from pilote.decp.readers.json_reader import NotLineLayout
from pilote.decp.readers.xml_reader import PARSER_OPTIONS, RECORD_TAGS, _to_dict, check_prolog


BATCH_BYTES = 32 * 1024 * 1024  # ~20,000 records one per line, ~17,000 pretty-printed (the sequential parts: 20,000)
MAX_SPAN = 256 * 1024 * 1024  # no record end in this many bytes: the sequential reader streams the file
PROLOG_MAX = 256 * 1024
TAIL_MAX = 1024 * 1024
_WS = b" \t\r\n"
_STAG = re.compile(
    rb"<([^ \t\r\n/>!?<]+)(?:[ \t\r\n]+[^ \t\r\n=/>]+[ \t\r\n]*=[ \t\r\n]*(?:\"[^\"<]*\"|'[^'<]*'))*[ \t\r\n]*(/?)>"
)
_DECL = re.compile(rb"<\?xml[ \t\r\n][^>]*\?>")
_ENCODING = re.compile(rb"encoding[ \t\r\n]*=[ \t\r\n]*[\"']([^\"']*)[\"']")
# Encodings where every ASCII byte is that ASCII character, so that `</marche>` can be searched as bytes
_ASCII_COMPATIBLE = re.compile(r"utf-?8|(us-)?ascii|iso-?8859-[0-9]{1,2}|latin-?[1-9]|(windows|cp)-?125[0-8]", re.I)
_CLOSES = {tableau: f"</{name}>".encode() for name, tableau in RECORD_TAGS.items()}
_ITER_TAGS = [f"{{*}}{name}" for name in RECORD_TAGS]


class XmlBatch:
    """Consecutive children of the root (records, and the blanks or comments between them): the byte range
    [start, end) of the plain file, which the worker reads itself (the page cache still holds it; the parent keeps
    no batch in flight), with what it needs to parse the range alone: the file's prolog and root start tag, the
    root's end tag, and the records of each array the parent counted. `len()` is the record count, `nbytes` the
    range's size (the Reader's progress)."""

    def __init__(self, path, start, end, prefix, suffix, counts):
        self.path = str(path)
        self.start = start
        self.end = end
        self.prefix = prefix
        self.suffix = suffix
        self.counts = counts

    def __len__(self):
        return sum(self.counts.values())

    @property
    def nbytes(self):
        return self.end - self.start

    def text(self):
        with open(self.path, "rb") as fh:
            fh.seek(self.start)
            return fh.read(self.end - self.start)


def scan_batches(path, *, name, batch_bytes=None):
    """Yield (None, {tableau: first position}, 0, XmlBatch) in document order; NotLineLayout when not cut."""
    check_prolog(path, name)  # the sequential reader's refusal of entities, raised first as it does
    batch_bytes = batch_bytes or BATCH_BYTES
    with open(path, "rb") as fh:
        head = fh.read(PROLOG_MAX)
        prefix, root = _prolog(head)
        suffix = b"</" + root + b">"
        _parse_or_fallback([prefix, suffix], "prologue")
        positions = dict.fromkeys(RECORD_TAGS.values(), 0)
        buf, eof = bytearray(head[len(prefix) :]), False  # grown and cut in place: one batch in memory
        offset = len(prefix)  # of buf[0] in the file
        while True:
            if len(buf) < batch_bytes and not eof:
                eof = not _read_into(fh, buf, batch_bytes - len(buf))
            cut = _cut(buf, batch_bytes)
            if cut < 0:  # no record end in the buffer: a record longer than a batch, or the end of the file
                if eof:
                    break
                if len(buf) >= MAX_SPAN:
                    raise NotLineLayout("enregistrement XML trop long pour être découpé")
                eof = not _read_into(fh, buf, batch_bytes)
                continue
            counts = {tableau: buf.count(close, 0, cut) for tableau, close in _CLOSES.items()}
            yield None, dict(positions), 0, XmlBatch(path, offset, offset + cut, prefix, suffix, counts)
            del buf[:cut]
            offset += cut
            for tableau, n in counts.items():
                positions[tableau] += n
        _check_end(prefix, bytes(buf))


def _read_into(fh, buf, size):
    block = fh.read(size)
    buf += block
    return len(block)


def _cut(buf, limit):
    """Offset after the last record end tag in the first `limit` bytes of `buf` (else in all of it), or -1."""
    for end in (limit, len(buf)) if limit < len(buf) else (len(buf),):
        cut = -1
        for close in _CLOSES.values():
            found = buf.rfind(close, 0, end)
            if found >= 0:
                cut = max(cut, found + len(close))
        if cut >= 0:
            return cut
    return -1


def _prolog(head):
    """(bytes up to the end of the root's start tag, root qname) for a `<marches>` root; else NotLineLayout."""
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    if decl := _DECL.match(head, pos):
        encoding = _ENCODING.search(decl.group())
        if encoding and not _ASCII_COMPATIBLE.fullmatch(encoding.group(1).decode("ascii", "replace")):
            raise NotLineLayout(f"encodage {encoding.group(1)!r}")
        pos = decl.end()
    while True:
        lt = head.find(b"<", pos, PROLOG_MAX)
        if lt < 0 or head[pos:lt].strip(_WS):
            raise NotLineLayout("prologue XML")
        for opening, closing in ((b"<!--", b"-->"), (b"<?", b"?>")):
            if head.startswith(opening, lt):
                end = head.find(closing, lt + len(opening), PROLOG_MAX)
                if end < 0:
                    raise NotLineLayout("prologue XML")
                pos = end + len(closing)
                break
        else:
            if head.startswith(b"<!", lt):  # a DOCTYPE: only the sequential reader reads (or refuses) it
                raise NotLineLayout("DOCTYPE")
            tag = _STAG.match(head, lt)
            if tag is None or tag.group(2) or tag.group(1).rpartition(b":")[2] != b"marches":
                raise NotLineLayout("racine autre que « marches »")
            return head[: tag.end()], tag.group(1)


def _parse_or_fallback(chunks, what):
    parser = etree.XMLParser(**PARSER_OPTIONS)
    try:
        for chunk in chunks:
            parser.feed(chunk)
        return parser.close()
    except etree.XMLSyntaxError as exc:
        raise NotLineLayout(f"{what} : {exc}") from exc


def _check_end(prefix, tail):
    """What follows the last record end tag (blanks, comments, `</marches>`, the epilogue) must parse after the
    prolog and hold no record: a record whose end tag was not found (`</d:marche>`, `<marche/>`) is not lost."""
    if len(tail) > TAIL_MAX:
        raise NotLineLayout("fin du document trop longue après le dernier enregistrement")
    root = _parse_or_fallback([prefix, tail], "fin du document")
    if any(isinstance(child.tag, str) and etree.QName(child).localname in RECORD_TAGS for child in root):
        raise NotLineLayout("enregistrement sans balise de fin reconnue")


def parse_batch(lines, *, tableau, first_pos, first_line, key_base, flattener, rejects, name):
    """Worker side: the records of one XmlBatch into the flattener, as `iter_records_xml` + `Reader._read_records`
    would add them (same dicts, positions, keys, rejects); NotLineLayout if the batch does not parse or holds
    other records than the parent counted."""
    del tableau, first_line
    positions = dict(first_pos)
    count = 0
    data = b"".join((lines.prefix, lines.text(), lines.suffix))
    context = etree.iterparse(io.BytesIO(data), events=("end",), tag=_ITER_TAGS, **PARSER_OPTIONS)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # acyclic dicts and lists, as in parse_lines
    try:
        for _event, element in context:
            parent = element.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # not a child of the root: part of a record, or of a child the reader skips
            tableau = RECORD_TAGS[etree.QName(element).localname]
            record = _to_dict(element)
            rec = record if isinstance(record, dict) else {}
            position = positions[tableau]
            try:
                flattener.add(rec, key=key_base + count, position=position, tableau=tableau, xml=True)
            except RecordRejected as exc:
                rejects.append((name, tableau, position, str(exc), repr(rec)[:500]))
            positions[tableau] += 1
            count += 1
            element.clear()
            while element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise NotLineLayout(f"lot XML illisible seul : {exc}") from exc
    finally:
        if gc_was_enabled:
            gc.enable()
    expected = {t: first_pos[t] + n for t, n in lines.counts.items()}
    if count != len(lines) or positions != expected:
        raise NotLineLayout(f"lot XML : {count} enregistrements lus, {len(lines)} découpés")
