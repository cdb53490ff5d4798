"""Project-wide rules that no linter checks."""

import re
from pathlib import Path

from django.apps import apps


ROOT = Path(__file__).resolve().parents[1]


def test_no_dsfr_tags_outside_ui():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "pilote").rglob("*.html")
        if "/ui/" not in str(p) and re.search(r"{%\s*dsfr_", p.read_text())
    ]
    assert offenders == []


def test_only_the_read_layer_database_module_imports_duckdb():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "pilote").rglob("*.py")
        if p.relative_to(ROOT).as_posix() != "pilote/contracts/db.py"
        and re.search(r"^\s*(import duckdb|from duckdb)", p.read_text(), re.M)
    ]
    assert offenders == []


def test_verbose_names_are_lowercase_french():
    offenders = []
    for model in apps.get_models():
        if not model.__module__.startswith("pilote."):
            continue
        names = [model._meta.verbose_name, model._meta.verbose_name_plural]
        names += [
            f.verbose_name
            for f in model._meta.get_fields()
            if hasattr(f, "verbose_name") and isinstance(f.verbose_name, str)
        ]
        offenders += [
            f"{model.__name__}: {n}"
            for n in names
            if n and n[0].isupper() and not n.isupper() and not n.startswith(("SIRET", "SIREN", "RNA", "CPV", "DECP"))
        ]
    assert offenders == []


def test_python_files_stay_small():
    big = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "pilote").rglob("*.py")
        if "migrations" not in str(p) and len(p.read_text().splitlines()) > 500
    ]
    assert big == []


def test_only_the_read_layer_and_the_write_side_read_the_store():
    """No module outside pilote.contracts (read layer) and pilote.decp (write side) imports polars or duckdb,
    opens a Parquet file, or writes SQL over the store's tables: every app reads through pilote.contracts."""
    reading = re.compile(
        r"^\s*(import polars|from polars|import duckdb|from duckdb)|read_parquet|scan_parquet|\bFROM contrats\b"
        r"|\bFROM titulaires\b|\bFROM modifications\b|cockpit_contrats",
        re.M,
    )
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "pilote").rglob("*.py")
        if not p.relative_to(ROOT).as_posix().startswith(("pilote/contracts/", "pilote/decp/"))
        and reading.search(p.read_text())
    ]
    assert offenders == []
