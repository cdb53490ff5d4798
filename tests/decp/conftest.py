"""Fixtures of the DECP pipeline tests: paths to real data, a snapshot of the store to prove it is untouched."""

import hashlib
from pathlib import Path

import pytest


REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "decp"
LOCAL = REPO / "tests" / "data" / "decp"
REAL_2019 = sorted((SHARED / "real" / "decp-rama-2019").glob("*.json"))
EXAMPLES = sorted(p for p in (SHARED / "examples").rglob("*") if p.suffix in (".json", ".xml"))
TABULAR_2024 = next((SHARED / "real" / "tabular-2024").rglob("*.csv"), None)


def snapshot(data_dir):
    """Every file under data_dir/decp (except the lock) with its sha256: equal snapshots = untouched store."""
    base = Path(data_dir) / "decp"
    if not base.exists():
        return {}
    return {
        str(p.relative_to(base)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(base.rglob("*"))
        if p.is_file() and p.name != ".lock" and "cache" not in p.parts
    }


def without_hooks(patch) -> None:
    """No preparer nor after-publish function during the test's imports (a module fixture's MonkeyPatch)."""
    from pilote.decp import hooks

    patch.setattr(hooks, "_PREPARERS", {})
    patch.setattr(hooks, "_AFTER_PUBLISH", [])


@pytest.fixture
def data_dir(settings):
    return Path(settings.PILOTE_DATA_DIR)


@pytest.fixture
def shared():
    if not SHARED.exists():
        pytest.fail(f"données partagées absentes : {SHARED} (le dépôt doit être cloné à côté de shared/)")
    return SHARED
