"""The small steps on their own: materialise (which inputs to read) and read_and_clean's default source name.
The other steps are exercised through whole imports (test_import, test_pipeline, test_store)."""

import hashlib
import shutil

from pilote.decp.steps.materialise import materialise
from pilote.decp.steps.read_and_clean import source_name
from tests.decp.conftest import LOCAL


GOOD = LOCAL / "decp-59920013600241-2024-07-09-01.json"


def test_materialise_skips_known_and_repeated_inputs_and_keeps_ranks(data_dir, tmp_path):
    copy = tmp_path / "copie.json"
    shutil.copy(GOOD, copy)
    other = LOCAL / "ci_raw_marches.json"
    known = {hashlib.sha256(other.read_bytes()).hexdigest()}
    messages = []
    todo, skipped, total = materialise(
        [str(GOOD), str(other), str(copy)],
        staging=tmp_path / "staging",
        data_dir=data_dir,
        known=known,
        progress=lambda fraction, message: messages.append(message),
    )
    assert [(n, inp.name) for n, inp in todo] == [(0, GOOD.name)]  # rank = position among all inputs
    assert [s["fichier"] for s in skipped] == [other.name, "copie.json"]
    assert {s["motif"] for s in skipped} == {"déjà importé"}
    assert total == GOOD.stat().st_size + other.stat().st_size + copy.stat().st_size
    assert messages[0] == f"Préparation de {GOOD}"
    assert known == {hashlib.sha256(other.read_bytes()).hexdigest()}  # the caller's set is not modified


def test_default_source_name():
    assert source_name("/x/decp-2024-01.json.gz") == "decp-2024-01"
    assert source_name("https://exemple.fr/donnees/aife.xml?version=2") == "aife"
    assert source_name("archive.zip:membre.csv") == "membre"
    assert source_name(".json") == "inconnue"
