"""Buyer categories of the national data: every buyer SIREN of a generation with its type (région, département,
commune, EPCI, hospital, social-housing body, State, or another SIREN category) and, for communes and EPCI, its
population band — what the cockpit's national peers are made of (docs/indicateurs.md, « Pairs »).

Sources (data/SOURCES.md): the DGCL composition of the EPCI at 1 January 2023 (`populations_2023.csv`: the
SIREN of every commune and EPCI with its 2023 population and, for an EPCI, its legal nature), the SIREN
numbering of public bodies (INSEE gives local authorities SIRENs by family: 21 communes, 22 départements,
23 régions created before 2016; 1… the State and its national bodies), the SIRENs of the régions and single
authorities created since 2016 (listed below), and the buyer's name in the DECP data for hospitals and
social-housing bodies (the legal category is not in the data). Where the legal category follows from the type,
it is given (INSEE nomenclature, level III).

The per-buyer table of a generation (`acheteurs_categories.parquet`: SIRET, SIREN, name, type, band, contracts)
is written inside each new generation before it is published (`write_buyers_file`, a registered preparer).
"""

import re
from functools import lru_cache
from pathlib import Path

import polars as pl

from pilote.decp import store, tables


DATA_DIR = Path(__file__).resolve().parent / "data"
BUYERS_FILE = "acheteurs_categories.parquet"

# A peer counts in the ranking when it has at least this many contracts in the view (same filters): below,
# one contract more or less moves a share by 20 points or more.
MIN_CONTRACTS = 5

# Types: code → (French label of the group, used in "régions de France (17 dans les données)")
TYPES = {
    "region": "régions",
    "departement": "départements",
    "commune": "communes",
    "epci": "EPCI à fiscalité propre",
    "hopital": "établissements publics de santé",
    "logement_social": "organismes de logement social",
    "etat": "services et établissements de l'État",
    "autre": "acheteurs",
}

# Régions and single authorities whose SIREN was given after 2016 (the older régions' SIRENs begin with 23).
REGIONS_SINCE_2016 = {
    "200052264": "Grand Est",
    "200052678": "Collectivité territoriale de Guyane",
    "200053403": "Normandie",
    "200053726": "Bourgogne-Franche-Comté",
    "200053742": "Hauts-de-France",
    "200053759": "Nouvelle-Aquitaine",
    "200053767": "Auvergne-Rhône-Alpes",
    "200053791": "Occitanie",
    "200055507": "Collectivité territoriale de Martinique",
    "200076958": "Collectivité de Corse",
}

# INSEE legal category (level III) implied by the type, or by the EPCI's legal nature (DGCL).
LEGAL_CATEGORIES = {
    "COM": ("7210", "Commune et commune nouvelle"),
    "departement": ("7220", "Département"),
    "region": ("7230", "Région"),
    "CC": ("7346", "Communauté de communes"),
    "CA": ("7348", "Communauté d'agglomération"),
    "CU": ("7343", "Communauté urbaine"),
    "METRO": ("7344", "Métropole"),
    "MET69": ("7229", "(Autre) Collectivité territoriale"),
}

# Population bands (lower bounds, inhabitants); the label says the band.
COMMUNE_BANDS = (0, 2_000, 10_000, 20_000, 50_000, 100_000)
EPCI_BANDS = (0, 20_000, 50_000, 100_000, 300_000)

HOSPITAL_RE = r"(?i)(h[oô]pit|hospitali|\bCHU\b|\bCHRU\b|\bCHR\b|\bGHT\b|\bAP-?HP\b|\bAP-?HM\b)"
HOUSING_RE = r"(?i)(\bHLM\b|\bOPH\b|\bOPAC\b|habitat|office public de l.habitat)"


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def band_label(bands: tuple[int, ...], population: int | None) -> str | None:
    """ "20 000 à 50 000 habitants" for a population, None when unknown."""
    if population is None:
        return None
    lower = max(b for b in bands if b <= population)
    i = bands.index(lower)
    if i + 1 == len(bands):
        return f"{_fmt(lower)} habitants et plus"
    if lower == 0:
        return f"moins de {_fmt(bands[1])} habitants"
    return f"{_fmt(lower)} à {_fmt(bands[i + 1])} habitants"


@lru_cache(maxsize=1)
def populations() -> dict[str, tuple[str, int]]:
    """SIREN → (legal nature: COM, CC, CA, CU, METRO, MET69; population 2023) of communes and EPCI."""
    df = pl.read_csv(DATA_DIR / "populations_2023.csv", schema_overrides={"siren": pl.String, "nature": pl.String})
    return {s: (n, int(p)) for s, n, p in df.iter_rows()}


def classify(siren: str | None, name: str | None = None) -> dict:
    """The category of one buyer SIREN: type, band (or None), legal category (code, label or None)."""
    siren = (siren or "")[:9]
    name = name or ""
    known = populations().get(siren)
    kind, band, legal = "autre", None, None
    if known and known[0] == "COM":
        kind, band, legal = "commune", band_label(COMMUNE_BANDS, known[1]), "COM"
    elif known:
        kind, band, legal = "epci", band_label(EPCI_BANDS, known[1]), known[0]
    elif siren in REGIONS_SINCE_2016 or siren.startswith("23"):
        kind, legal = "region", "region"
    elif siren.startswith("22"):
        kind, legal = "departement", "departement"
    elif siren.startswith("21"):
        kind, legal = "commune", "COM"
    elif re.search(HOSPITAL_RE, name):
        kind = "hopital"
    elif re.search(HOUSING_RE, name):
        kind = "logement_social"
    elif siren.startswith("1"):
        kind = "etat"
    elif len(siren) == 9 and siren.isdigit():
        band = f"SIREN {siren[:2]}…"  # others: compared within their SIREN numbering family
    code, label = LEGAL_CATEGORIES.get(legal, (None, None))
    return {"categorie": kind, "tranche": band, "categorie_juridique": code, "categorie_juridique_libelle": label}


def buyers_frame(generation_dir) -> pl.DataFrame:
    """One row per buyer SIRET of a generation's contracts: SIRET, SIREN, a name, contracts, type and band."""
    per_siret = (
        tables.scan(generation_dir, "contrats")
        .filter(pl.col("acheteur_id").is_not_null())
        .group_by("acheteur_id")
        .agg(pl.len().alias("n_contrats"), pl.col("acheteur_nom").drop_nulls().first().alias("nom"))
        .collect()
    )
    # the name decides only for hospitals and housing bodies: the SIREN's first known name, for all its SIRETs
    names = (
        per_siret.with_columns(pl.col("acheteur_id").str.slice(0, 9).alias("siren"))
        .sort("n_contrats", descending=True)
        .group_by("siren")
        .agg(pl.col("nom").drop_nulls().first())
    )
    categories = pl.DataFrame(
        [{"siren": s, **classify(s, n)} for s, n in names.iter_rows()],
        schema={
            "siren": pl.String,
            "categorie": pl.String,
            "tranche": pl.String,
            "categorie_juridique": pl.String,
            "categorie_juridique_libelle": pl.String,
        },
    )
    return (
        per_siret.rename({"acheteur_id": "siret"})
        .with_columns(pl.col("siret").str.slice(0, 9).alias("siren"))
        .join(categories, on="siren", how="left")
        .sort("siret")
    )


def write_buyers_file(generation_dir) -> None:
    """Preparer of each new generation (registered by the contracts app): the buyer categories, written into
    the unpublished generation under a temporary name, then renamed."""
    generation_dir = Path(generation_dir)
    path = generation_dir / BUYERS_FILE
    tmp = path.with_name(path.name + ".tmp")
    buyers_frame(generation_dir).write_parquet(tmp)
    tmp.replace(path)


@lru_cache(maxsize=2)
def _read(path: Path) -> pl.DataFrame | None:
    return pl.read_parquet(path) if path.exists() else None


def current_buyers() -> pl.DataFrame | None:
    """The current generation's buyer table, None when it was imported before this table existed."""
    generation = store.current_generation_dir()
    return _read(Path(generation) / BUYERS_FILE) if generation is not None else None


ORGANISATION_KINDS = {"region": "region", "departement": "departement", "commune": "commune", "epci": "epci"}


def organisation_category(organisation, table: pl.DataFrame | None = None) -> dict | None:
    """The organisation's type and band: from the category of its SIRETs' SIRENs (the table of the data first,
    which knows the names), else from its declared kind and population."""
    sirens = sorted({s[:9] for s in organisation.sirets})
    if table is not None and sirens:
        found = table.filter(pl.col("siren").is_in(sirens)).sort("n_contrats", descending=True)
        if found.height:
            row = found.row(0, named=True)
            return {"categorie": row["categorie"], "tranche": row["tranche"]}
    for siren in sirens:
        category = classify(siren)
        if category["categorie"] != "autre" or category["tranche"]:
            return {"categorie": category["categorie"], "tranche": category["tranche"]}
    kind = ORGANISATION_KINDS.get(organisation.kind)
    if kind is None:
        return None
    bands = {"commune": COMMUNE_BANDS, "epci": EPCI_BANDS}.get(kind)
    return {"categorie": kind, "tranche": band_label(bands, organisation.population) if bands else None}


def national_peers(organisation) -> dict | None:
    """The buyers of the national data of the organisation's type and band, other than the organisation:
    {"sirets": {SIRET: SIREN}, "nb_acheteurs": SIRENs in the data, "libelle": "régions de France", ...};
    None when the generation has no buyer table or the organisation's type is unknown."""
    table = current_buyers()
    if table is None:
        return None
    category = organisation_category(organisation, table)
    if category is None:
        return None
    own = {s[:9] for s in organisation.sirets}
    condition = pl.col("categorie") == category["categorie"]
    condition &= (
        pl.col("tranche").is_null() if category["tranche"] is None else pl.col("tranche") == category["tranche"]
    )
    peers = table.filter(condition & ~pl.col("siren").is_in(sorted(own)))
    label = TYPES[category["categorie"]]
    if category["categorie"] in ("region", "departement"):
        label += " de France"
    if category["tranche"]:
        label += (
            f" de la famille {category['tranche']}"
            if category["categorie"] == "autre"
            else f" de {category['tranche']}"
        )
    return {
        **category,
        "libelle": label,
        "sirets": dict(zip(peers["siret"], peers["siren"], strict=True)),
        "nb_acheteurs": peers["siren"].n_unique(),
    }
