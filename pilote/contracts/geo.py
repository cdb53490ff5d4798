"""Geography of a contract for the explorer: département and région of its place of execution.

DECP gives `lieu_execution_code` with a type (code commune, code postal, code département, code région, code
pays…). We derive the département from the first characters of commune and postal codes (Corsica and the DROM
need care) and the région from the INSEE département → région table shipped in data/ (see data/SOURCES.md).
"""

from functools import lru_cache
from pathlib import Path

import polars as pl


DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def departements() -> pl.DataFrame:
    """departement_code, region_code (2 digits), departement_nom, region_nom."""
    df = pl.read_csv(DATA_DIR / "departements_regions.csv", infer_schema=False)
    return df.with_columns(pl.col("region_code").str.zfill(2))


@lru_cache(maxsize=1)
def departement_names() -> dict[str, str]:
    df = departements()
    return dict(zip(df["departement_code"], df["departement_nom"], strict=True))


@lru_cache(maxsize=1)
def region_names() -> dict[str, str]:
    df = departements().unique("region_code")
    return dict(zip(df["region_code"], df["region_nom"], strict=True))


def departement_expr(code: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """Polars expression: the département code of a place of execution, or null when it cannot be known."""
    code = code.str.strip_chars().str.to_uppercase()
    from_postal = (
        pl.when(code.str.starts_with("97") | code.str.starts_with("98"))
        .then(code.str.slice(0, 3))
        .when(code.str.starts_with("200") | code.str.starts_with("201"))
        .then(pl.lit("2A"))
        .when(code.str.starts_with("20"))
        .then(pl.lit("2B"))
        .otherwise(code.str.slice(0, 2))
    )
    from_commune = (
        pl.when(code.str.starts_with("97") | code.str.starts_with("98"))
        .then(code.str.slice(0, 3))
        .otherwise(code.str.slice(0, 2))
    )
    dept = (
        pl.when(kind == "Code postal")
        .then(pl.when(code.str.len_chars() == 5).then(from_postal))
        .when(kind.is_in(["Code commune", "Code arrondissement"]))
        .then(pl.when(code.str.len_chars() == 5).then(from_commune))
        .when(kind == "Code département")
        .then(pl.when(code.str.len_chars() == 1).then(code.str.zfill(2)).otherwise(code))
    )
    return pl.when(dept.is_in(departements()["departement_code"].implode())).then(dept)


def with_geography(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Add `departement` and `region` columns (a région-typed place gives the région only)."""
    deps = (
        departements()
        .lazy()
        .select(pl.col("departement_code").alias("departement"), pl.col("region_code").alias("_region_dep"))
    )
    code = pl.col("lieu_execution_code")
    kind = pl.col("lieu_execution_type_code")
    region_direct = pl.when(kind == "Code région").then(code.str.strip_chars().str.zfill(2))
    return (
        frame.with_columns(departement_expr(code, kind).alias("departement"))
        .join(deps, on="departement", how="left")
        .with_columns(
            pl.coalesce(
                pl.col("_region_dep"),
                pl.when(region_direct.is_in(departements()["region_code"].implode())).then(region_direct),
            ).alias("region")
        )
        .drop("_region_dep")
    )
