"""Readers on real files and official examples: every record read is accounted for; shapes are mapped."""

import json

import orjson
import polars as pl
import pytest
from lxml import etree

from pilote.decp.errors import ImportFailed
from pilote.decp.ingest import Reader
from pilote.decp.readers import detect_format
from pilote.decp.readers.flatten import Flattener, RecordRejected
from pilote.decp.readers.json_reader import NotLineLayout, iter_records_ijson, scan_lines
from pilote.decp.readers.sources import materialize
from tests.decp.conftest import EXAMPLES, LOCAL, REAL_2019, TABULAR_2024


def count_records(path):
    """Independent count: Python's json (accepts NaN) or lxml, not our readers."""
    if path.suffix == ".xml":
        root = etree.parse(str(path)).getroot()
        if etree.QName(root).localname in ("marche", "contrat-concession"):
            return 1
        return sum(1 for child in root if etree.QName(child).localname in ("marche", "contrat-concession"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    marches = doc.get("marches")
    if marches is None:
        return 1
    if isinstance(marches, list):
        return len(marches)
    return len(marches.get("marche", [])) + len(marches.get("contrat-concession", []))


def read(path, tmp_path, fmt=None, cleaner="identity"):
    reader = Reader(tmp_path / "parts", import_run="test", cleaner=cleaner, workers=1)
    (inp,) = materialize(path, tmp_path / "work", tmp_path / "cache")
    result = reader.read(inp, file_no=0, source="test", fmt=fmt)
    parts = {
        t: pl.read_parquet(tmp_path / "parts" / t / "*.parquet") if (tmp_path / "parts" / t).exists() else None
        for t in ("contrats", "titulaires", "modifications", "actes_sous_traitance")
    }
    return result, parts


@pytest.mark.parametrize("path", [*REAL_2019, LOCAL / "ci_raw_marches.json"], ids=lambda p: p.name)
def test_real_2019_files_reconcile(path, tmp_path):
    result, parts = read(path, tmp_path)
    expected = count_records(path)
    assert result.format == "decp-2019-json"
    assert result.read == expected
    assert result.kept + len(result.rejects) == expected
    assert parts["contrats"].height == result.kept
    assert parts["contrats"]["record_key"].n_unique() == result.kept


def test_real_2019_concessions_and_names(tmp_path):
    aife = next(p for p in REAL_2019 if p.name == "data.gouv.fr_aife.json")
    _, parts = read(aife, tmp_path)
    contrats = parts["contrats"]
    assert contrats.filter(pl.col("type_contrat") == "concession").height == 22
    assert contrats["acheteur_nom"].null_count() < contrats.height
    # 2019 formePrix goes to types_prix as a one-element list, forme_prix stays empty
    ferme = contrats.filter(pl.col("types_prix").list.len() == 1)
    assert ferme.height > 0
    assert ferme["forme_prix"].null_count() == ferme.height
    assert parts["titulaires"]["titulaire_nom"].null_count() < parts["titulaires"].height


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.parent.name}-{p.name}")
def test_official_examples_reconcile(path, tmp_path):
    result, parts = read(path, tmp_path)
    assert result.read == count_records(path)
    assert not result.rejects
    assert parts["contrats"].height == result.read


def test_megalis_2022_real_file(tmp_path):
    result, parts = read(LOCAL / "decp-59920013600241-2024-07-09-01.json", tmp_path)
    contrats = parts["contrats"]
    assert result.format == "decp-2022-json"
    assert result.read == 5
    assert set(contrats["acheteur_id"]) == {"59920013600241"}
    assert contrats["techniques"].to_list()[0] == ["Sans objet"]
    assert contrats["offres_recues"].to_list() == ["11"] * 5
    # actes with only id + sousTraitant are kept
    assert parts["actes_sous_traitance"].height == 5
    assert all("champs_hors_schema" in a for a in contrats["anomalies_lecture"].to_list())  # `_type` under 2.0.3


def test_decp_processing_fixture_with_nan_and_broken_titulaires(tmp_path):
    """Real-derived fixture: bare NaN literal, titulaires as strings, empty entries, lists of lists."""
    result, parts = read(LOCAL / "decp_test_2022.json", tmp_path)
    assert result.read == 5
    anomalies = [set(a) for a in parts["contrats"]["anomalies_lecture"].to_list()]
    assert any("titulaires_forme" in a for a in anomalies)
    result19, parts19 = read(LOCAL / "decp_test_2019.json", tmp_path / "b")
    assert result19.read == 2
    assert any("acheteur_cle_pointee" in a for a in parts19["contrats"]["anomalies_lecture"].to_list())


def test_tabular_2024_groups_rows_into_contracts(tmp_path):
    result, parts = read(TABULAR_2024, tmp_path)
    frame = pl.read_csv(TABULAR_2024, infer_schema=False)
    assert result.rows == frame.height == 8957
    assert frame["uid"].n_unique() == 5180
    # one row per dated state, newest first: the earliest date is the notification, later ones modifications;
    # the uids whose rows name different titulaires with different amounts are distinct lots
    contrats = parts["contrats"]
    assert result.read == contrats.height == 5613
    mods = parts["modifications"]
    assert mods["record_key"].n_unique() == 982
    notif = dict(zip(contrats["record_key"].to_list(), contrats["date_notification"].to_list(), strict=True))
    assert all(d > notif[k] for k, d in mods.select("record_key", "date_notification_modification").iter_rows())
    assert contrats["date_notification"].min() == frame["dateNotification"].min()
    buyer = frame.filter(pl.col("id") == "202429")["acheteur_id"][0]
    lots = contrats.filter((pl.col("id") == "202429") & (pl.col("acheteur_id") == buyer))
    assert sorted(lots["montant"].to_list()) == ["2481878.63", "55000"]
    # titulaires are the distinct ones of each contract
    pairs = frame.select("uid", "titulaire_id").unique().drop_nulls().height
    assert parts["titulaires"].height >= pairs


def test_tabular_partial_columns_head(tmp_path):
    result, parts = read(LOCAL / "tabular_2024_head.csv", tmp_path)
    uids = pl.read_csv(LOCAL / "tabular_2024_head.csv", infer_schema=False)["uid"].n_unique()
    assert result.read == uids == parts["contrats"].height


def test_line_fast_path_equals_ijson_fallback(tmp_path):
    """The same records written one per line and pretty-printed give identical raw rows."""
    path = next(p for p in REAL_2019 if p.name == "e-marchespublics.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    lines = tmp_path / "lines.json"
    lines.write_bytes(
        b'{"marches": [\n' + b",\n".join(orjson.dumps(r) for r in doc["marches"]) + b"\n]}\n"
    )  # one record per line
    batches = list(scan_lines(lines, name="lines.json"))
    assert sum(len(b[3]) for b in batches) == len(doc["marches"])
    with pytest.raises(NotLineLayout):
        list(scan_lines(path, name=path.name))  # pretty-printed → fallback
    _, fast = read(lines, tmp_path / "a")
    _, slow = read(path, tmp_path / "b")
    drop = ["fichier", "fichier_sha256"]
    assert fast["contrats"].drop(drop).equals(slow["contrats"].drop(drop))
    assert fast["titulaires"].equals(slow["titulaires"])


def test_xml_names_and_safety(tmp_path):
    xml = tmp_path / "m.xml"
    xml.write_text(
        "<marches><marche><id>A1</id><acheteur><id>21350238800019</id></acheteur>"
        "<techniques><technique>Sans objet</technique></techniques>"
        "<titulaires><titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>55204599900869</id></titulaire>"
        "<titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>81223113200034</id></titulaire></titulaires>"
        "<modificationsActesSousTraitance><modificationActesSousTraitance><id>1</id><montant>10</montant>"
        "</modificationActesSousTraitance></modificationsActesSousTraitance>"
        "</marche></marches>",
        encoding="utf-8",
    )
    result, parts = read(xml, tmp_path / "out")
    assert result.read == 1
    assert parts["contrats"]["anomalies_lecture"].to_list() == [[]]  # natural XML shapes are not anomalies
    assert parts["titulaires"]["titulaire_id"].to_list() == ["55204599900869", "81223113200034"]
    actes = parts["actes_sous_traitance"]
    assert actes["est_modification"].to_list() == [True]
    assert actes["montant"].to_list() == ["10"]


def record_2022(**over):
    rec = {
        "id": "2024-001", "acheteur": {"id": "21350238800019"}, "nature": "Marché", "objet": "Travaux",
        "codeCPV": "45000000", "techniques": {"technique": ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Sans objet"]}, "offresRecues": 3, "montant": 1000.5,
        "dateNotification": "2024-05-01", "datePublicationDonnees": "2024-05-10", "marcheInnovant": False,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "55204599900869"}}],
        "modifications": [{"modification": {"id": 1, "montant": 2000, "dateNotificationModification": "2024-06-01",
                                            "datePublicationDonneesModification": "2024-06-02"}}],
    }  # fmt: skip
    rec.update(over)
    return rec


def flatten(rec):
    f = Flattener(import_run="r", source="s", fichier="f", sha256="x", fmt="decp-2022-json")
    f.add(rec, key=0, position=0, tableau="marche")
    return f.frames()


@pytest.mark.parametrize(
    ("override", "code", "titulaires"),
    [
        ({"techniques": {"technique": "Sans objet"}}, "forme_enveloppe", ["55204599900869"]),
        ({"techniques": ["Sans objet"]}, "forme_enveloppe", ["55204599900869"]),
        ({"titulaires": {"titulaire": {"typeIdentifiant": "SIRET", "id": "1"}}}, "titulaires_forme", ["1"]),
        ({"titulaires": [{"typeIdentifiant": "SIRET", "id": "2"}]}, "titulaires_forme", ["2"]),
        ({"titulaires": [{"titulaire": "typeIdentifiant"}, {"titulaire": "id"}]}, "titulaires_forme", []),
        ({"titulaires": [[{"typeIdentifiant": "SIRET", "id": "3"}]]}, "titulaires_forme", ["3"]),
        ({"titulaires": [{"titulaire": {"typeIdentifiant": "", "id": ""}}]}, "titulaire_vide", []),
        ({"_type": "Marché", "source": "aws"}, "champs_hors_schema", ["55204599900869"]),
    ],
)
def test_wrapper_shapes_repaired_and_recorded(override, code, titulaires):
    frames = flatten(record_2022(**override))
    assert code in frames["contrats"]["anomalies_lecture"][0].to_list()
    initial = frames["titulaires"].filter(pl.col("modification_id").is_null())
    assert initial["titulaire_id"].to_list() == titulaires
    assert frames["contrats"]["techniques"][0].to_list() == ["Sans objet"]


def test_values_kept_as_written():
    frames = flatten(record_2022())
    row = frames["contrats"].row(0, named=True)
    assert row["montant"] == "1000.5"
    assert row["offres_recues"] == "3"
    assert row["marche_innovant"] == "false"
    assert frames["modifications"]["montant"].to_list() == ["2000"]
    dotted = record_2022()
    del dotted["acheteur"]
    dotted["acheteur.id"] = "13000548100010"
    frames = flatten(dotted)
    assert frames["contrats"]["acheteur_id"].to_list() == ["13000548100010"]
    assert "acheteur_cle_pointee" in frames["contrats"]["anomalies_lecture"][0].to_list()


def test_unidentifiable_record_is_rejected():
    f = Flattener(import_run="r", source="s", fichier="f", sha256="x", fmt="decp-2022-json")
    with pytest.raises(RecordRejected, match="non identifiable"):
        f.add({"objet": "x"}, key=0, position=0, tableau="marche")
    with pytest.raises(RecordRejected, match="pas un objet"):
        f.add(["x"], key=1, position=1, tableau="marche")
    assert f.count == 0
    assert f.frames()["contrats"].height == 0


def test_detect_format(tmp_path):
    cases = {
        b'{"marches": {"marche": []}}': "decp-2022-json",
        b'\xef\xbb\xbf {"marches": [ ]}': "decp-2019-json",
        b"<?xml version='1.0'?><marches/>": "decp-2022-xml",
        b"uid,id,acheteur_id,montant\n": "tabulaire-csv",
    }
    for i, (content, fmt) in enumerate(cases.items()):
        p = tmp_path / f"f{i}"
        p.write_bytes(content)
        assert detect_format(p, p.name) == fmt
    p = tmp_path / "other.json"
    p.write_bytes(b'{"type": "FeatureCollection"}')
    with pytest.raises(ImportFailed, match="pas au format DECP"):
        detect_format(p, p.name)


def test_ijson_reader_reports_position_of_syntax_error(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{"marches": {"marche": [{"id": "1"}, {"id": "2",, }]}}', encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"bad\.json.*enregistrement 1"):
        list(iter_records_ijson(p, name="bad.json"))


def test_parse_lines_keeps_gc_state_and_results():
    """parse_lines pauses the cycle collector during a batch (speed) and always switches it back on."""
    import gc

    import orjson

    from pilote.decp.readers.flatten import Flattener
    from pilote.decp.readers.json_reader import parse_lines
    from tests.decp.test_import import marche

    lines = [orjson.dumps(marche(i)) for i in range(3)] + [b"{not json", b"[1]"]
    f = Flattener(import_run="r", source="s", fichier="f", sha256="x", fmt="decp-2022-json")
    rejects = []
    assert gc.isenabled()
    parse_lines(lines, tableau="marche", first_pos=0, first_line=2, key_base=0, flattener=f, rejects=rejects, name="f")
    assert gc.isenabled()
    assert f.count == 3
    assert [r[2] for r in rejects] == [3, 4]
    assert f.frames()["contrats"]["techniques"].to_list() == [["Sans objet"]] * 3
