"""DECP 2022 XML (XSD 2.0.x) read with lxml iterparse, safely.

Safety: no DTD loading, no entity resolution, no network, no huge trees; a DOCTYPE that declares entities or
points to an external DTD is refused before parsing (billion laughs, XXE). Records are converted to the same
dict shape as the JSON (repeated elements become lists) and go through the same Flattener with `xml=True`,
which accepts XML's natural wrapper shapes without recording them as anomalies. `modificationActesSousTraitance`
(XSD name) and `modificationActeSousTraitance` (JSON name) are both accepted by the Flattener.

This is the exact, sequential reader. Big files are first cut into batches by `xml_ranges` and read on every core
with the same options and the same `_to_dict`; whatever that module does not cut comes back here.
"""

import re

from lxml import etree

from pilote.decp.errors import ImportFailed


RECORD_TAGS = {"marche": "marche", "contrat-concession": "contrat-concession"}
# One set of parser options for the sequential reader and the workers of xml_ranges: same safety, same records.
PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
    "remove_comments": True,
}
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_UNSAFE = re.compile(rb"<!ENTITY|SYSTEM|PUBLIC|\[", re.IGNORECASE)


def check_prolog(path, name):
    """Refuse DOCTYPEs with entities / external ids (the parser would not expand them, but refuse loudly)."""
    with open(path, "rb") as fh:
        head = fh.read(256 * 1024)
    match = _DOCTYPE.search(head)
    if match:
        end = head.find(b">", match.end())
        decl = head[match.start() : end + 1 if end >= 0 else None]
        if _UNSAFE.search(decl) or b"<!ENTITY" in head:
            raise ImportFailed(
                "XML refusé : il déclare des entités ou une DTD externe (risque XXE / « billion laughs »)",
                fichier=name,
                where=f"octet {match.start()}",
            )


def _to_dict(element):
    """Element → dict/str; repeated child tags become lists; empty leaves become None.

    Written for speed (it was two thirds of an XML import's CPU): the local name is cut from `{namespace}name`
    by hand rather than through etree.QName, and a repeated tag becomes a list only when it repeats."""
    if not len(element):
        text = element.text
        if text is None:
            return None
        text = text.strip()
        return text if text else None
    grouped = {}
    repeated = None
    for child in element:
        tag = child.tag
        if tag.__class__ is not str:
            continue  # comments, processing instructions
        if tag[0] == "{":
            tag = tag[tag.index("}") + 1 :]
        value = _to_dict(child)
        if tag not in grouped:
            grouped[tag] = value
        elif repeated is not None and tag in repeated:
            grouped[tag].append(value)
        else:
            grouped[tag] = [grouped[tag], value]
            repeated = repeated or set()
            repeated.add(tag)
    return grouped


def iter_records_xml(path, *, name):
    """Yield (tableau, position, record dict) for every marche / contrat-concession element."""
    check_prolog(path, name)
    positions = {"marche": 0, "contrat-concession": 0}
    context = etree.iterparse(str(path), events=("start", "end"), **PARSER_OPTIONS)
    depth = 0
    root_seen = False
    single = None
    try:
        for event, element in context:
            if event == "start":
                depth += 1
                if depth == 1:
                    root_seen = True
                    root_tag = etree.QName(element).localname
                    if root_tag in RECORD_TAGS:
                        single = RECORD_TAGS[root_tag]  # 1.5.0 examples: one record as the root element
                    elif root_tag != "marches":
                        raise ImportFailed(
                            f"ce fichier XML n'est pas au format DECP (racine « {etree.QName(element).localname} », "
                            "« marches » attendue)",
                            fichier=name,
                            where=f"ligne {element.sourceline}",
                        )
                continue
            depth -= 1
            if depth == 0 and single is not None:
                yield single, 0, _to_dict(element) or {}
                continue
            if depth != 1 or single is not None:
                continue
            tag = etree.QName(element).localname
            tableau = RECORD_TAGS.get(tag)
            if tableau is not None:
                record = _to_dict(element)
                yield tableau, positions[tableau], record if isinstance(record, dict) else {}
                positions[tableau] += 1
            # free memory: the record is converted, drop it and its already-processed siblings
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else "?"
        kind = "encodage invalide" if "encoding" in str(exc).lower() or "utf-8" in str(exc).lower() else "XML invalide"
        raise ImportFailed(f"{kind} ({exc.msg})", fichier=name, where=f"ligne {line}") from exc
    if not root_seen:
        raise ImportFailed("XML vide", fichier=name)
