"""A minimal DECP store generation (contrats table only) written under PILOTE_DATA_DIR, for loop-closing tests."""

import json
from pathlib import Path

import polars as pl
from django.conf import settings
from django.utils import timezone


def write_contracts(rows: list[dict], generation: str = "test-gen") -> Path:
    base = Path(settings.PILOTE_DATA_DIR) / "decp"
    gen_dir = base / "generations" / generation
    gen_dir.mkdir(parents=True, exist_ok=True)
    defaults = {
        "id": "",
        "acheteur_id": "",
        "objet": "",
        "code_cpv": "",
        "montant": 0.0,
        "date_notification": timezone.localdate(),
        "date_publication_donnees": timezone.localdate(),
        "offres_recues": None,
        "procedure": "Appel d'offres ouvert",
        "considerations_sociales": [],
        "considerations_environnementales": [],
    }
    frame = pl.DataFrame(
        [defaults | row for row in rows],
        schema={
            "id": pl.String,
            "acheteur_id": pl.String,
            "objet": pl.String,
            "code_cpv": pl.String,
            "montant": pl.Float64,
            "date_notification": pl.Date,
            "date_publication_donnees": pl.Date,
            "offres_recues": pl.Int32,
            "procedure": pl.String,
            "considerations_sociales": pl.List(pl.String),
            "considerations_environnementales": pl.List(pl.String),
        },
    )
    frame.write_parquet(gen_dir / "contrats.parquet")
    (gen_dir / "manifest.json").write_text(json.dumps({"generation": generation}), encoding="utf-8")
    (base / "CURRENT").write_text(generation, encoding="utf-8")
    return gen_dir
