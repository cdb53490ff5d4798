"""Cleaning of the child tables: titulaires, modifications and actes de sous-traitance (same rules as the
contrats columns they mirror; each row gets its typed values, `_brut` companions and `qualite`)."""

import datetime
from functools import lru_cache

import polars as pl

from pilote.decp.cleaning import enums as E
from pilote.decp.cleaning.dates import parse_date, publication_before_notification
from pilote.decp.cleaning.enums import clean_enum
from pilote.decp.cleaning.frame import Group, apply_groups
from pilote.decp.cleaning.identifiers import clean_identifiant, clean_type_identifiant
from pilote.decp.cleaning.numbers import clean_entier, clean_montant
from pilote.decp.cleaning.text import clean_text


def _today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def _publication_before(publication: str, notification: str) -> tuple[str, pl.Expr]:
    return (
        "date_publication_avant_notification",
        publication_before_notification(pl.col(publication), pl.col(notification)),
    )


# The groups are built once per variant and kept (lru_cache): building their expressions costs a few ms per
# batch, and a cached Group also keeps its output expressions (frame._group_exprs).
@lru_cache(maxsize=4)
def _titulaire_groups(with_nom: bool) -> tuple[Group, ...]:
    c = pl.col
    # the id rules depend on the cleaned type: type first, then the id reads the cleaned type column
    groups = [
        Group({"type_identifiant": clean_type_identifiant(c("type_identifiant"), c("titulaire_id"))}),
        Group({"titulaire_id": clean_identifiant(c("titulaire_id"), c("type_identifiant"))}),
    ]
    if with_nom:
        groups.append(Group({"titulaire_nom": clean_text(c("titulaire_nom"))}))
    return tuple(groups)


def clean_titulaires(raw: pl.DataFrame) -> pl.DataFrame:
    """RAW_TITULAIRE -> type_identifiant (official value), titulaire_id (checked SIRET / per-type format),
    titulaire_nom (repaired text), `_brut`, qualite (with `titulaire_vide` for entries without id)."""
    groups = list(_titulaire_groups("titulaire_nom" in raw.columns))
    return apply_groups(raw, groups, extra_flags=[("titulaire_vide", pl.col("titulaire_id").is_null())])


@lru_cache(maxsize=4)
def _modification_groups(today: datetime.date) -> tuple[Group, ...]:
    c = pl.col
    cleaners = {
        "date_notification_modification": parse_date(c("date_notification_modification"), today=today),
        "date_publication_donnees_modification": parse_date(c("date_publication_donnees_modification"), today=today),
        "duree_mois": clean_entier(c("duree_mois"), zero_code="duree_invalide"),
        "montant": clean_montant(c("montant"), blank_unknowable=True),
    }
    return (Group(cleaners, dedupe=False),)


def clean_modifications(raw: pl.DataFrame, *, today: datetime.date | None = None) -> pl.DataFrame:
    """RAW_MODIFICATION -> typed dates, duree_mois, montant (flagged; set to null, raw kept in `montant_brut`,
    when it cannot be the true amount: 0/1 €, sentinel, > 10 bn€)."""
    extra = [_publication_before("date_publication_donnees_modification", "date_notification_modification")]
    return apply_groups(raw, list(_modification_groups(today or _today())), extra_flags=extra)


@lru_cache(maxsize=4)
def _acte_groups(today: datetime.date) -> tuple[Group, ...]:
    c = pl.col
    cleaners = {
        "duree_mois": clean_entier(c("duree_mois"), zero_code="duree_invalide"),
        "montant": clean_montant(c("montant"), seuil=False),
        "date_notification": parse_date(c("date_notification"), today=today),
        "date_publication_donnees": parse_date(c("date_publication_donnees"), today=today),
        "variation_prix": clean_enum(c("variation_prix"), E.VARIATIONS_PRIX),
    }
    typ = clean_type_identifiant(c("sous_traitant_type_identifiant"), c("sous_traitant_id"))
    return (
        Group({"sous_traitant_type_identifiant": typ}),
        Group({"sous_traitant_id": clean_identifiant(c("sous_traitant_id"), c("sous_traitant_type_identifiant"))}),
        Group(cleaners, dedupe=False),
    )


def clean_actes(raw: pl.DataFrame, *, today: datetime.date | None = None) -> pl.DataFrame:
    """RAW_ACTE_SOUS_TRAITANCE -> sous-traitant identifier, typed duration/amount/dates, variation_prix."""
    extra = [_publication_before("date_publication_donnees", "date_notification")]
    return apply_groups(raw, list(_acte_groups(today or _today())), extra_flags=extra)
