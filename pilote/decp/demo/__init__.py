"""Demo dataset: the real DECP files shipped in demo/data/ (see SOURCES.md) plus synthetic 2022-format contracts.

`demo_inputs()` returns the import batches of `manage.py decp demo`: real files (source = file name) and one
synthetic file (source `synthetique`). Importing is idempotent because inputs are recognised by checksum.
"""

from pathlib import Path

from pilote.decp import store
from pilote.decp.demo.synth import SYNTHETIC_SOURCE, write


DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SYNTHETIC = 3000


def real_files():
    return sorted(DATA_DIR.glob("*.gz"))


def demo_inputs(count=None, data_dir=None):
    count = DEFAULT_SYNTHETIC if count is None else count
    batches = [([str(p) for p in real_files()], None)]
    if count > 0:
        path = store.decp_dir(data_dir) / "demo" / f"synthetique-decp-2022-{count}.json"
        batches.append(([str(write(path, count))], SYNTHETIC_SOURCE))
    return batches
