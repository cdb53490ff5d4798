"""DECP XML cut into batches for the worker pool (readers/xml_ranges.py): the same records, in the same order, with
the same positions and keys as the sequential lxml reader, on every real XML file and on synthetic ones; whatever
could fool the cut (CDATA, comments, nested or prefixed records, other encodings) ends in the sequential reader."""

import subprocess
import sys

import pytest
from lxml import etree

from pilote.decp.readers import xml_ranges
from pilote.decp.readers.json_reader import NotLineLayout
from pilote.decp.readers.xml_reader import iter_records_xml
from tests.decp.conftest import EXAMPLES, SHARED


EXAMPLES_XML = [p for p in EXAMPLES if p.suffix == ".xml"]
SYNTH = SHARED.parent.parent / "bench" / "decp_synth.py"


class Recorder:
    """A flattener that keeps what it is given."""

    def __init__(self):
        self.added = []

    def add(self, rec, *, key, position, tableau, xml):
        assert xml is True
        self.added.append((tableau, position, key, rec))


def cut(path, **kwargs):
    """(tableau, position, record) and keys, from the parent's batches parsed as the workers do."""
    flattener, rejects, read = Recorder(), [], 0
    batches = 0
    for tableau, first_pos, first_line, batch in xml_ranges.scan_batches(path, name=path.name, **kwargs):
        xml_ranges.parse_batch(
            batch,
            tableau=tableau,
            first_pos=first_pos,
            first_line=first_line,
            key_base=read,
            flattener=flattener,
            rejects=rejects,
            name=path.name,
        )
        read += len(batch)
        batches += 1
    records = [(t, p, r) for t, p, _, r in flattener.added]
    assert [k for _, _, k, _ in flattener.added] == list(range(len(records)))  # keys: document order
    return records, batches


def sequential(path):
    return list(iter_records_xml(path, name=path.name))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """3,000 synthetic records (decp_synth.py --xml): SYNTHETIC data, assembled from real value pools."""
    if not SYNTH.exists():
        pytest.fail(f"générateur absent : {SYNTH}")
    path = tmp_path_factory.mktemp("synth") / "synth.xml"
    subprocess.run(
        [sys.executable, str(SYNTH), "--n", "3000", "--seed", "1616", "--xml", "--out", str(path), "--jobs", "1"],
        check=True,
        capture_output=True,
    )
    return path.read_bytes()


@pytest.mark.parametrize("path", EXAMPLES_XML, ids=lambda p: f"{p.parent.parent.name}-{p.name}")
def test_every_real_xml_file_gives_the_sequential_records(path):
    expected = sequential(path)
    root = etree.parse(str(path)).getroot()
    if etree.QName(root).localname != "marches":
        with pytest.raises(NotLineLayout):  # one record as the root (1.5.0 examples): the sequential reader
            cut(path)
        return
    assert cut(path)[0] == expected
    assert len(expected) == len(root)


def pretty(data):
    tree = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(tree, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def comments_and_cdata(data):
    """Comments and a PI between records, CDATA and character references in text, a default namespace."""
    data = data.replace(b"<marches>", b'<marches xmlns="urn:decp"><!-- debut --><?tri lot="1"?>', 1)
    data = data.replace(b"</marche>\n<marche>", b"</marche>\n<!-- suivant --> <marche>", 50)
    data = data.replace(b"<objet>", b"<objet><![CDATA[<b>cdata</b> & ]]>&#233;&amp;", 200)
    return data.replace(b"</marches>", b"<!-- fin --></marches>\n<!-- apres -->\n")


def latin1_crlf_bom(data):
    text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace("\n", "\r\n")
    return text.encode("latin-1", "replace")


def utf8_bom_crlf(data):
    return b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")


@pytest.mark.parametrize(
    "variant",
    [lambda d: d, pretty, comments_and_cdata, latin1_crlf_bom, utf8_bom_crlf],
    ids=["une-ligne", "indente", "commentaires-cdata", "latin1-crlf", "bom-crlf"],
)
def test_synthetic_files_give_the_sequential_records(tmp_path, synthetic, variant):
    path = tmp_path / "synth.xml"
    path.write_bytes(variant(synthetic))
    expected = sequential(path)
    got, batches = cut(path, batch_bytes=150_000)
    assert batches > 5  # cut, not read whole
    assert got == expected
    assert len(got) == 3000
    assert got[-1][0] == "contrat-concession"  # concessions keep their own positions
    assert [p for t, p, _ in got if t == "contrat-concession"] == list(range(sum(t != "marche" for t, _, _ in got)))


M = "<marche><id>{}</id><acheteur><id>21350238800019</id></acheteur><objet>{}</objet></marche>\n"


def doc(*records, head='<?xml version="1.0" encoding="UTF-8"?>\n<marches>\n'):
    return (head + "".join(records) + "</marches>\n").encode()


def every_7th(odd):
    """40 records, the 4th, 11th… written by `odd(i)`: odd records between ordinary ones, none at the end (where
    the check of the document's end would catch them alone)."""
    return [odd(i) if i % 7 == 3 else M.format(i, "ordinaire") for i in range(40)]


HOSTILE = {
    # `</marche>` inside a CDATA section, a comment or a PI: the count and the cut are fooled, the parse is not
    "cdata": doc(*every_7th(lambda i: M.format(i, f"x<![CDATA[</marche><marche>{i}]]>y"))),
    "commentaire": doc(*every_7th(lambda i: M.format(i, "x<!-- </marche> -->y"))),
    "pi": doc(*every_7th(lambda i: M.format(i, "x<?pi </marche> ?>y"))),
    # a record inside a record (same name), self-closing and prefixed records, blanks in an end tag
    "imbrique": doc(*every_7th(lambda i: M.format(i, "<marche><id>dedans</id></marche>"))),
    "auto-fermant": doc(*every_7th(lambda i: M.format(i, "a") + "<marche/>\n")),
    "prefixe": doc(
        *(M.format(i, "p").replace("marche>", "d:marche>") for i in range(40)),
        head='<?xml version="1.0"?>\n<d:marches xmlns:d="urn:decp">\n',
    ).replace(b"</marches>", b"</d:marches>"),
    "prefixe-melange": doc(
        *every_7th(lambda i: M.format(i, "p").replace("marche>", "d:marche>")), head='<marches xmlns:d="urn:decp">'
    ),
    "blancs-fin": doc(*every_7th(lambda i: M.format(i, "a").replace("</marche>", "</marche\n  >"))),
    "hors-enregistrement": doc(*every_7th(lambda i: M.format(i, "a") + "<autre><marche><id>x</id></marche></autre>")),
    "doctype-sans-entite": doc(M.format(1, "a"), head='<?xml version="1.0"?>\n<!DOCTYPE marches>\n<marches>'),
    "utf16": '<?xml version="1.0" encoding="UTF-16"?>\n<marches>{}</marches>'.format(
        "".join(M.format(i, "é") for i in range(40))
    ).encode("utf-16"),
    "un-seul-enregistrement": M.format(1, "racine").encode(),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_whatever_fools_the_cut_ends_in_the_sequential_reader(tmp_path, name):
    path = tmp_path / "m.xml"
    path.write_bytes(HOSTILE[name])
    expected = sequential(path)
    assert expected  # the sequential reader reads these files
    for batch_bytes in (100, 700, 3000, None):
        try:
            got, _ = cut(path, batch_bytes=batch_bytes)
        except NotLineLayout:
            continue  # the Reader reads the file again with iter_records_xml
        assert got == expected, batch_bytes


def test_encoding_that_is_not_ascii_compatible_is_not_cut(tmp_path):
    path = tmp_path / "m.xml"
    path.write_bytes(HOSTILE["utf16"])
    with pytest.raises(NotLineLayout, match="prologue"):
        cut(path)
    path.write_bytes(b'<?xml version="1.0" encoding="EBCDIC-FR"?><marches/>')
    with pytest.raises(NotLineLayout, match="encodage"):
        cut(path)


def _to_dict_reference(element):
    """The conversion as first written (etree.QName, setdefault lists): the fast one must give the same values."""
    children = list(element)
    if not children:
        text = element.text
        return (text.strip() or None) if text is not None else None
    grouped = {}
    for child in children:
        if isinstance(child.tag, str):
            grouped.setdefault(etree.QName(child).localname, []).append(_to_dict_reference(child))
    return {tag: values[0] if len(values) == 1 else values for tag, values in grouped.items()}


TRICKY_XML = (
    b"<r xmlns:n='urn:n'><a>1</a><a>2</a><b/><c> </c><d><!-- x --></d><e><?pi x?></e><n:f>t</n:f><f>u</f>"
    b"<g><h>1</h><h><i>2</i></h><h/></g><k>t<!--c-->u</k><a>3</a></r>"
)


def test_record_conversion_equals_the_reference(synthetic):
    from pilote.decp.readers.xml_reader import _to_dict

    for data in (TRICKY_XML, synthetic, *(p.read_bytes() for p in EXAMPLES_XML)):
        root = etree.fromstring(data)
        for element in (root, *root):
            expected = _to_dict_reference(element)
            assert _to_dict(element) == expected
            assert repr(_to_dict(element)) == repr(expected)  # same key order, same types
