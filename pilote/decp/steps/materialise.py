"""Step 1, materialise: every input (path or URL; gz, zip) as plain local files, and which of them to read.

An input whose sha256 is already in the store (or earlier in this run) is skipped: re-importing is a no-op.
"""

from pilote.decp import store
from pilote.decp.readers.sources import materialize


def materialise(specs, *, staging, data_dir, known, progress):
    """Returns ([(file_no, input) to read], [skipped inputs as report rows], total size in bytes).

    `file_no` is the input's rank among all the inputs, skipped ones included: it is part of every record key."""
    inputs = []
    for spec in specs:
        progress(0.0, f"Préparation de {spec}")
        inputs.extend(materialize(spec, staging / "work", store.decp_dir(data_dir) / "cache"))
    known = set(known)
    todo, skipped = [], []
    for file_no, inp in enumerate(inputs):
        if inp.sha256 in known:
            skipped.append({"fichier": inp.name, "sha256": inp.sha256, "motif": "déjà importé"})
            continue
        known.add(inp.sha256)
        todo.append((file_no, inp))
    total_bytes = sum(max(inp.path.stat().st_size, 1) for inp in inputs) or 1
    return todo, skipped, total_bytes
