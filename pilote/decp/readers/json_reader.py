"""DECP JSON (2022 envelope, 2019 flat array, consolidated mixes): a fast line path and an exact fallback.

Fast path: most big DECP files (the MINEF monthly files, our benchmark corpus) write one record per line inside
the envelope. `scan_lines` reads lines, recognises envelope lines with a tiny tokenizer (only `{ } [ ] ,` and
`"key":`), tracks where it is (marches.marche, marches.contrat-concession or the 2019 `marches` array) and
hands batches of record lines to orjson — in worker processes for big files. A record line that orjson refuses
is one malformed record: it is rejected with its reason, the rest of the file goes on.

Any other layout (pretty-printed files, records spanning lines) raises NotLineLayout before anything is kept,
and the caller re-reads the file with `iter_records_ijson` (yajl2_c), which is correct for any valid JSON.
"""

import re

import ijson
import orjson

from pilote.decp.errors import ImportFailed
from pilote.decp.readers.flatten import RecordRejected


BATCH_LINES = 40_000
RECORD_ARRAYS = {("marches", "marche"): "marche", ("marches", "contrat-concession"): "contrat-concession"}
_TOKEN = re.compile(rb'\s*(?:"([^"\\]*)"\s*:|([{}\[\],]))')


class NotLineLayout(Exception):
    """The file is valid-looking JSON but not one record per line: use the ijson reader."""


def _envelope_tokens(stripped):
    """Tokens of a line made only of structure (`{"marches": {"marche": [`), or None if it holds values."""
    tokens = []
    pos = 0
    end = len(stripped)
    while pos < end:
        match = _TOKEN.match(stripped, pos)
        if not match:
            return None
        tokens.append(match.group(1).decode() + ":" if match.group(1) is not None else match.group(2).decode())
        pos = match.end()
    return tokens


class Envelope:
    """A stack machine over envelope tokens: which record array are we in?"""

    def __init__(self):
        self.stack = []  # entries: ("{", None) or ("[", key)
        self.pending = None
        self.started = False

    def feed(self, tokens, where):
        for tok in tokens:
            if tok.endswith(":"):
                self.pending = tok[:-1]
            elif tok in "{[":
                if self.tableau() is not None:
                    # a record that is an array, or an object spread over lines: only the exact reader can
                    # reject or read it (skipping it here would lose a record from the counts)
                    raise NotLineLayout(where)
                self.stack.append((tok, self.pending))
                self.pending = None
                self.started = True
            elif tok in "}]":
                if not self.stack or self.stack[-1][0] != ("{" if tok == "}" else "["):
                    raise NotLineLayout(where)
                self.stack.pop()

    def path(self):
        return tuple(key for _, key in self.stack if key is not None)

    def tableau(self):
        if not self.stack or self.stack[-1][0] != "[":
            return None
        path = self.path()
        if path == ("marches",) and len(self.stack) == 2:
            return "marches"
        return RECORD_ARRAYS.get(path)

    def closed(self):
        return self.started and not self.stack


def scan_lines(path, *, name, batch_lines=None):
    """Yield (tableau, first_position, first_line_no, [record lines]) batches; raise NotLineLayout/ImportFailed.

    The loop runs in the parent process while the workers parse: a record line costs only a strip and two byte
    comparisons here (the current array is recomputed when an envelope line changes it, positions are counted
    per batch), because every microsecond per line is taken from the workers' two cores (1.6 M lines)."""
    batch_lines = batch_lines or BATCH_LINES
    env = Envelope()
    positions = {}
    batch, tableau, first_pos, first_line = [], None, 0, 0
    current = None  # the record array the envelope is in (None outside any)
    line_no = 0
    with open(path, "rb", buffering=4 * 1024 * 1024) as fh:
        for line_no, line in enumerate(fh, start=1):
            stripped = line.strip()
            if current is None or stripped[:1] != b"{" or (stripped[-1:] != b"}" and stripped[-2:] != b"},"):
                # not a record line of an open record array: BOM, blank, envelope, or a record line outside one
                if line_no == 1 and stripped.startswith(b"\xef\xbb\xbf"):
                    stripped = stripped[3:].strip()
                if not stripped:
                    continue
                if env.closed():
                    raise ImportFailed("contenu après la fin du document JSON", fichier=name, where=f"ligne {line_no}")
                if stripped[:1] != b"{" or not (stripped[-1:] == b"}" or stripped.endswith(b"},")):
                    tokens = _envelope_tokens(stripped)
                    if tokens is None:
                        raise NotLineLayout(f"ligne {line_no}")
                    env.feed(tokens, f"ligne {line_no}")
                    if env.stack and env.tableau() is None and env.stack[-1][0] == "[" and len(env.stack) > 1:
                        # an array that is not a record array (pretty-printed record content, unknown key)
                        raise NotLineLayout(f"ligne {line_no}")
                    current = env.tableau()
                    continue
                current = env.tableau()
                if current is None:
                    raise NotLineLayout(f"ligne {line_no}")
            # one more record line of the current array (the common case costs only the comparisons above)
            if current != tableau or len(batch) >= batch_lines:
                if batch:
                    positions[tableau] = first_pos + len(batch)
                    yield tableau, first_pos, first_line, batch
                batch, tableau = [], current
                first_pos, first_line = positions.get(current, 0), line_no
            batch.append(stripped)
    if batch:
        yield tableau, first_pos, first_line, batch
    if not env.started:
        raise NotLineLayout("début")
    if not env.closed():
        raise ImportFailed(
            "JSON tronqué : le document se termine avant la fermeture des tableaux",
            fichier=name,
            where=f"ligne {line_no}",
        )


def parse_lines(lines, *, tableau, first_pos, first_line, key_base, flattener, rejects, name):
    """orjson each record line into the flattener; malformed lines are rejected with their reason."""
    import gc

    add = flattener.add
    loads = orjson.loads
    # The cyclic GC is paused while the batch is read: orjson's dicts and the flattener's lists are acyclic
    # (freed by reference counting), but their allocations trigger collections that rescan every live object:
    # ~0.25 s of the ~2.1 s a batch of 40,000 records took (measured).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for offset, raw in enumerate(lines):
            if raw.endswith(b","):
                raw = raw[:-1]
            position = first_pos + offset
            try:
                rec = loads(raw)
            except orjson.JSONDecodeError as exc:
                if b"\n" in raw:
                    # a record cut by `scan_records` (it spans lines): the exact reader reads the file again and
                    # says what is wrong where, as it always did for this layout (or reads NaN, that orjson refuses)
                    raise NotLineLayout(f"enregistrement {position} du tableau « {tableau} »") from exc
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as uexc:
                    raise ImportFailed(
                        "encodage invalide : le fichier n'est pas en UTF-8",
                        fichier=name,
                        where=f"ligne {first_line + offset}, octet {uexc.start}",
                    ) from uexc
                rejects.append(
                    (name, tableau, position, f"JSON invalide ({exc})", raw[:500].decode("utf-8", "replace"))
                )
                continue
            try:
                add(rec, key=key_base + offset, position=position, tableau=tableau)
            except RecordRejected as exc:
                # a pretty-printed record's extract is written as the exact reader writes it (its dict)
                extract = repr(rec)[:500] if b"\n" in raw else raw[:500].decode("utf-8", "replace")
                rejects.append((name, tableau, position, str(exc), extract))
    finally:
        if gc_was_enabled:
            gc.enable()


def _peek_shape(path, name):
    """'2022', '2019' or raise ImportFailed (not DECP / invalid JSON) by reading the first events only."""
    with open(path, "rb") as fh:
        events = ijson.parse(fh)
        try:
            prefix, event, value = next(events)
            if event == "start_map" and _is_single_record(path):
                return "record"
            if event != "start_map":
                raise ImportFailed(
                    "ce fichier JSON n'est pas au format DECP (objet « marches » attendu)", fichier=name
                )
            for prefix, event, value in events:
                if prefix == "" and event == "map_key" and value != "marches":
                    continue
                if prefix == "marches" and event == "start_array":
                    return "2019"
                if prefix == "marches" and event == "start_map":
                    return "2022"
                if prefix == "" and event == "end_map":
                    break
        except (ijson.JSONError, StopIteration) as exc:
            raise ImportFailed(f"JSON invalide ({exc})", fichier=name, where="au début du fichier") from exc
    raise ImportFailed("ce fichier JSON n'est pas au format DECP (aucun tableau « marches »)", fichier=name)


def iter_records_ijson(path, *, name):
    """Yield (tableau, position, record) for any valid DECP JSON; raise ImportFailed on a syntax error."""
    shape = _peek_shape(path, name)
    if shape == "record":
        # a single record as the whole document (1.5.0 examples, some publishers' one-contract files)
        with open(path, "rb") as fh:
            yield "marches", 0, orjson.loads(_strip_nan(fh.read()))
        return
    has_nan = _has_nan(path)
    targets = (
        [("marches.item", "marches")]
        if shape == "2019"
        else [
            ("marches.marche.item", "marche"),
            ("marches.contrat-concession.item", "contrat-concession"),
        ]
    )
    for prefix, tableau in targets:
        with open(path, "rb") as raw_fh:
            fh = _NanFilter(raw_fh) if has_nan else raw_fh
            position = 0
            try:
                for rec in ijson.items(fh, prefix, use_float=True):
                    yield tableau, position, rec
                    position += 1
            except ijson.IncompleteJSONError as exc:
                # yajl reports every syntax error as "incomplete"; only "premature EOF" means truncated.
                kind = "JSON tronqué" if "premature EOF" in str(exc) else "JSON invalide"
                raise ImportFailed(
                    f"{kind} ({str(exc).strip()})",
                    fichier=name,
                    where=f"enregistrement {position} du tableau « {tableau} », vers l'octet {fh.tell()}",
                ) from exc
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                kind = "encodage invalide (UTF-8 attendu)" if isinstance(exc, UnicodeDecodeError) else "JSON invalide"
                raise ImportFailed(
                    f"{kind} ({exc})",
                    fichier=name,
                    where=f"enregistrement {position} du tableau « {tableau} », vers l'octet {fh.tell()}",
                ) from exc


_NAN = re.compile(rb"([:\[,]\s*)(?:NaN|-?Infinity)(?=\s*[,}\]])")


def _strip_nan(data):
    """Bare NaN/Infinity literals (written by pandas-based publishers) are not JSON: read them as null."""
    return _NAN.sub(rb"\1null", data)


def _has_nan(path):
    with open(path, "rb") as fh:
        tail = b""
        while block := fh.read(4 * 1024 * 1024):
            if _NAN.search(tail + block):
                return True
            tail = block[-32:]
    return False


class _NanFilter:
    """File-like wrapper replacing bare NaN literals on the fly; keeps a small tail across reads."""

    def __init__(self, fh):
        self.fh = fh
        self.carry = b""

    def read(self, size=-1):
        if size == 0:
            return b""  # ijson probes read(0) to learn bytes vs str
        block = self.fh.read(size if size and size > 0 else 4 * 1024 * 1024)
        data = self.carry + block
        if not block:
            self.carry = b""
            return _strip_nan(data)
        # cut just after the last structural character, so a literal and its lookahead stay together
        cut = max(data.rfind(b","), data.rfind(b"}"), data.rfind(b"]")) + 1
        self.carry = data[cut:]
        return _strip_nan(data[:cut]) if cut else self.read(size)

    def tell(self):
        return self.fh.tell()


def _is_single_record(path):
    with open(path, "rb") as fh:
        head = fh.read(65536)
    return b'"marches"' not in head and b'"id"' in head and (b'"acheteur' in head or b'"autoriteConcedante"' in head)
