"""Who published a copy of a contract, and what an importer may publish (issue 15, decision 0011).

Every copy in the store carries a `provenance`: « national » for the national sources (consolidated files,
platforms' feeds: imported only by the platform's data stewards or from the command line), or
« organisation:<id> » for what an organisation imported itself. Two rules keep the national store trustworthy:

- authority: an organisation's import keeps only the records whose buyer SIRET is one of its own
  (core.BuyerEntity); every other record is rejected with its reason in the run's report, never stored;
- precedence: a national copy always wins over an organisation's copy of the same contract (identity's copy
  ordering), so an organisation never silently overrides the national source; both copies stay in the `copies`
  table with their provenance and the contract page shows both.

`restrict_to_buyers` runs between the read-and-clean step and identity, on the run's staged parts.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pilote.decp.ingest import STAGED_COMPRESSION, TABLES as STAGED_TABLES


NATIONAL = "national"
ORGANISATION_PREFIX = "organisation:"
_EXCERPT = ("id", "acheteur_id", "acheteur_nom", "objet", "montant", "date_notification")
# What the contract page shows of an organisation's own version (the retained version's full row is in
# `contrats`; a version that lost to the national one keeps these fields in `publications`).
PUBLICATION_COLUMNS = {
    "import_run": pl.String,
    "record_key": pl.Int64,
    "provenance": pl.String,
    "objet": pl.String,
    "montant": pl.Float64,
    "date_notification": pl.Date,
    "duree_mois": pl.Float64,
    "procedure": pl.String,
}
PUBLICATIONS = "publications.parquet"


@dataclass(frozen=True)
class Publisher:
    """Who a run publishes for: the national source (no restriction) or an organisation and its buyer SIRETs."""

    provenance: str = NATIONAL
    name: str = ""
    sirets: frozenset = field(default_factory=frozenset)

    @property
    def is_national(self):
        return self.provenance == NATIONAL


def national():
    return Publisher()


def for_organisation(organisation):
    sirets = frozenset(organisation.buyer_entities.values_list("siret", flat=True))
    return Publisher(f"{ORGANISATION_PREFIX}{organisation.pk}", organisation.name, sirets)


def organisation_id(provenance):
    """The organisation id of an « organisation:<id> » provenance, else None."""
    text = str(provenance or "")
    if text.startswith(ORGANISATION_PREFIX) and text[len(ORGANISATION_PREFIX) :].isdigit():
        return int(text[len(ORGANISATION_PREFIX) :])
    return None


def motif_other_buyer(publisher, siret, record_id):
    return (
        f"contrat « {record_id or 'sans identifiant'} » de l'acheteur {siret or '(SIRET absent)'} : ce SIRET n'est "
        f"pas une entité acheteuse de « {publisher.name} » ; une organisation n'importe que les contrats de ses "
        "propres acheteurs (les sources nationales sont importées par les gestionnaires des données nationales)"
    )


def known_inputs(manifest, publisher):
    """Checksums of the inputs already imported *with this provenance*: an organisation importing a national
    file first must not make the stewards' import of the same file a no-op."""
    return {
        i["sha256"]
        for i in (manifest or {}).get("inputs", [])
        if i.get("provenance", NATIONAL) == publisher.provenance
    }


def restrict_to_buyers(parts, outcome, publisher):
    """Remove from the staged parts every record whose buyer is not the publisher's, and account for it as a
    reject of its file (report: read = stored + duplicates + rejected). National runs are left untouched.
    Every file row of the report (and so of the manifest's inputs) records the run's provenance."""
    for row in outcome.files:
        row["provenance"] = publisher.provenance
    if publisher.is_national:
        return 0
    parts = Path(parts)
    refused = _refused_records(parts, publisher)
    if refused.height == 0:
        return 0
    keys = refused["record_key"].implode()
    for table in STAGED_TABLES:
        for part in sorted((parts / table).glob("*.parquet")):
            frame = pl.read_parquet(part)
            if "record_key" in frame.columns:
                frame.filter(~pl.col("record_key").is_in(keys)).write_parquet(part, compression=STAGED_COMPRESSION)
    _account(outcome, refused, publisher)
    return refused.height


def _refused_records(parts, publisher):
    allowed = pl.Series("siret", sorted(publisher.sirets), dtype=pl.String).implode()
    frames = []
    for part in sorted((parts / "contrats").glob("*.parquet")):
        frame = pl.read_parquet(part)
        if frame.height == 0:
            continue
        shown = [c for c in _EXCERPT if c in frame.columns]
        frames.append(
            frame.filter(~pl.col("cle_acheteur").is_in(allowed).fill_null(False)).select(
                "record_key", "fichier", "tableau", "position", "cle_acheteur",
                (pl.struct([pl.col(c).cast(pl.String) for c in shown]) if shown else pl.lit(None)).alias("_extrait"),
            )
        )  # fmt: skip
    if not frames:
        return pl.DataFrame(schema={"record_key": pl.Int64})
    return pl.concat(frames, how="diagonal_relaxed")


def _account(outcome, refused, publisher):
    """Each refused record becomes a reject of the file it came from (same tuple as the cleaning's rejects)."""
    index = {row["fichier"]: i for i, row in enumerate(outcome.files)}
    for fichier, tableau, position, siret, excerpt in refused.select(
        "fichier", "tableau", "position", "cle_acheteur", "_extrait"
    ).iter_rows():
        i = index.get(str(fichier), 0)
        record_id = (excerpt or {}).get("id")
        reject = (
            str(fichier),
            str(tableau),
            position,
            motif_other_buyer(publisher, siret, record_id),
            json.dumps(excerpt or {}, ensure_ascii=False, default=str)[:500],
        )
        outcome.results[i].rejects.append(reject)
        outcome.files[i]["rejected"] += 1


def keep_publications(parts, old_dir, out, publisher):
    """`publications.parquet` of the new generation: the previous generation's, plus what this run's organisation
    published (small: an organisation's own contracts), so that its version stays readable when the national
    version is the one retained. National runs add nothing (their copies are the retained ones or, when a later
    national copy wins, superseded states of the same source)."""
    frames = []
    if old_dir is not None and (Path(old_dir) / PUBLICATIONS).exists():
        frames.append(pl.read_parquet(Path(old_dir) / PUBLICATIONS))
    if not publisher.is_national:
        for part in sorted((Path(parts) / "contrats").glob("*.parquet")):
            frame = pl.read_parquet(part).with_columns(pl.lit(publisher.provenance).alias("provenance"))
            frames.append(
                frame.select(
                    (pl.col(c).cast(t, strict=False) if c in frame.columns else pl.lit(None, dtype=t)).alias(c)
                    for c, t in PUBLICATION_COLUMNS.items()
                )
            )
    table = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame(schema=PUBLICATION_COLUMNS)
    table.write_parquet(Path(out) / PUBLICATIONS, compression="zstd")
