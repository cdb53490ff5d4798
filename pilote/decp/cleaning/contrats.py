"""Cleaning of the contrats table (marchés and concessions): every rule of the package applied to the raw
columns of `RAW_CONTRAT`, producing the typed columns of `CLEAN_CONTRAT`, the `_brut` companions and `qualite`."""

import datetime
from dataclasses import replace
from functools import lru_cache

import polars as pl

from pilote.decp.cleaning import enums as E
from pilote.decp.cleaning.base import Cleaned, blank_to_null
from pilote.decp.cleaning.cpv import clean_cpv
from pilote.decp.cleaning.dates import parse_date
from pilote.decp.cleaning.enums import clean_enum, clean_enum_list, considerations_conflict, key_expr
from pilote.decp.cleaning.frame import Group, add_code, apply_groups
from pilote.decp.cleaning.identifiers import clean_code_lieu, clean_contract_id, clean_identifiant
from pilote.decp.cleaning.legal_ceiling import CODE as MAPA_SLIP, mapa_thousand_slip_expr
from pilote.decp.cleaning.numbers import clean_booleen, clean_entier, clean_montant, clean_taux
from pilote.decp.cleaning.text import clean_text


_NUMERIC = ("offres_recues", "duree_mois", "taux_avance", "origine_ue", "origine_france")


def _with_2019_nature(values: Cleaned, raw: pl.Expr, when_2019: pl.Expr, item: str) -> Cleaned:
    """Add `item` to a techniques/modalités list for a 2019 nature that moved there."""
    current = values.value
    added = (
        pl.when(when_2019 & current.is_null())
        .then(pl.concat_list(pl.lit(item)))
        .when(when_2019 & ~current.list.contains(pl.lit(item)).fill_null(False))
        .then(pl.concat_list(current, pl.lit(item)))
        .otherwise(current)
    )
    return replace(values, value=added, changed=values.changed | (when_2019 & added.ne_missing(raw)))


@lru_cache(maxsize=4)
def contrat_groups(*, today: datetime.date) -> tuple[Group, ...]:
    """The column rules of the contrats table, grouped for deduplicated evaluation (exposed for tests).
    Cached: building the expressions costs ~25 ms, and the pipeline cleans batch after batch."""
    c = pl.col
    nature_key = key_expr(c("nature"))
    is_ac = (nature_key == E.NATURE_ACCORD_CADRE).fill_null(False)
    is_sub = (nature_key == E.NATURE_SUBSEQUENT).fill_null(False)
    nature = clean_enum(pl.when(is_ac | is_sub).then(pl.lit("Marché")).otherwise(c("nature")), E.NATURES, tag="nature")
    nature = replace(
        nature,
        changed=nature.value.ne_missing(blank_to_null(c("nature"))),
        flags=(*nature.flags, ("nature_2019", is_ac | is_sub)),
    )
    techniques = _with_2019_nature(
        clean_enum_list(c("techniques"), E.TECHNIQUES), c("techniques"), is_ac, "Accord-cadre"
    )
    modalites = _with_2019_nature(
        clean_enum_list(c("modalites_execution"), E.MODALITES), c("modalites_execution"), is_sub, "Marchés subséquents"
    )
    lists = {
        "techniques": techniques,
        "modalites_execution": modalites,
        "types_prix": clean_enum_list(c("types_prix"), E.TYPES_PRIX, E.PRIX_2019, "prix_2019"),
        "considerations_sociales": clean_enum_list(c("considerations_sociales"), E.CONSIDERATIONS_SOCIALES),
        "considerations_environnementales": clean_enum_list(
            c("considerations_environnementales"), E.CONSIDERATIONS_ENVIRONNEMENTALES
        ),
    }
    enums = {
        "nature": nature,
        "procedure": clean_enum(c("procedure"), E.PROCEDURES, E.PROCEDURES_1_4, "libelle_ancien"),
        "marche_innovant": clean_booleen(c("marche_innovant")),
        "ccag": clean_enum(c("ccag"), E.CCAG),
        "offres_recues": clean_entier(c("offres_recues"), zero_code="offres_recues_zero"),
        "attribution_avance": clean_booleen(c("attribution_avance")),
        "taux_avance": clean_taux(c("taux_avance"), percent_code="taux_avance_pourcentage"),
        "type_groupement_operateurs": clean_enum(c("type_groupement_operateurs"), E.GROUPEMENTS),
        "sous_traitance_declaree": clean_booleen(c("sous_traitance_declaree")),
        "lieu_execution_type_code": clean_enum(c("lieu_execution_type_code"), E.TYPES_CODE_LIEU),
        "duree_mois": clean_entier(c("duree_mois"), zero_code="duree_invalide"),
        "forme_prix": clean_enum(c("forme_prix"), E.FORMES_PRIX),
        "origine_ue": clean_taux(c("origine_ue"), percent_code="origine_pourcentage"),
        "origine_france": clean_taux(c("origine_france"), percent_code="origine_pourcentage"),
    }
    return (
        Group(
            {
                "id": clean_contract_id(c("id")),
                "id_accord_cadre": clean_contract_id(c("id_accord_cadre")),
                "montant": clean_montant(c("montant")),
                "montant_subvention_publique": clean_montant(c("montant_subvention_publique"), subvention=True),
            },
            dedupe=False,
        ),
        # Columns whose distinct combinations stay few are grouped (one hash and one join for all of them):
        # lists (~1 000 combinations per 20 000 records), enumerations (~2 000), numbers (~3 000). Lists first:
        # the 2019 nature rule of techniques/modalités reads the *raw* nature.
        Group(lists, memo=f"contrats/listes/{today}"),
        Group(
            {name: cleaned for name, cleaned in enums.items() if name not in _NUMERIC}, memo=f"contrats/enums/{today}"
        ),
        Group(
            {name: cleaned for name, cleaned in enums.items() if name in _NUMERIC}, memo=f"contrats/nombres/{today}"
        ),
        Group({"acheteur_id": clean_identifiant(c("acheteur_id"))}, memo="contrats/acheteur_id"),
        Group({"acheteur_nom": clean_text(c("acheteur_nom"))}, memo="contrats/acheteur_nom"),
        Group({"lieu_execution_code": clean_code_lieu(c("lieu_execution_code"))}, memo="contrats/lieu_code"),
        Group({"code_cpv": clean_cpv(c("code_cpv"))}, memo="contrats/cpv"),
        Group({"date_notification": parse_date(c("date_notification"), today=today)}, memo=f"contrats/notif/{today}"),
        Group(
            {"date_publication_donnees": parse_date(c("date_publication_donnees"), today=today)},
            memo=f"contrats/pub/{today}",
        ),
        Group({"date_debut_execution": parse_date(c("date_debut_execution"), today=today, future_allowed=True)}),
        Group({"objet": clean_text(c("objet"))}),
        Group({"lieu_execution_nom": clean_text(c("lieu_execution_nom"))}, memo="contrats/lieu_nom"),
    )


def record_flags() -> list[tuple[str, pl.Expr]]:
    """Rules on several cleaned columns of a record (evaluated after the column rules)."""
    c = pl.col

    def absent(name: str) -> pl.Expr:
        # null after cleaning and nothing kept in _brut: nothing (or blanks) was written
        return c(name).is_null() & c(f"{name}_brut").is_null()

    return [
        ("cpv_absent", (c("type_contrat") == "marche") & absent("code_cpv")),
        ("date_manquante", absent("date_notification") | absent("date_publication_donnees")),
        (
            "date_publication_avant_notification",
            (c("date_publication_donnees") < c("date_notification")).fill_null(False),
        ),
        (
            "considerations_contradictoires",
            considerations_conflict(c("considerations_sociales"), E.PAS_SOCIALE).fill_null(False),
        ),
        (
            "considerations_contradictoires",
            considerations_conflict(c("considerations_environnementales"), E.PAS_ENVIRONNEMENTALE).fill_null(False),
        ),
        ("origine_france_superieure", (c("origine_france") > c("origine_ue")).fill_null(False)),
        (
            MAPA_SLIP,
            mapa_thousand_slip_expr(
                c("montant"), c("procedure"), c("nature"), c("code_cpv"), c("date_notification"), c("type_contrat")
            ),
        ),
    ]


def clean_contrats(raw: pl.DataFrame, *, today: datetime.date) -> pl.DataFrame:
    """Clean a raw contrats frame (RAW_CONTRAT + PROVENANCE columns); see the package docstring."""
    prior = "anomalies_lecture" if "anomalies_lecture" in raw.columns else None
    return apply_groups(raw, list(contrat_groups(today=today)), extra_flags=record_flags(), prior_codes=prior)


def flag_titulaires_absents(contrats: pl.DataFrame, titulaires: pl.DataFrame) -> pl.DataFrame:
    """Add `titulaires_absents` to contrats without any identifiable initial titulaire (empty, absent or
    malformed list). Both frames cleaned; matched on record_key."""
    usable = titulaires.filter(pl.col("modification_id").is_null() & pl.col("titulaire_id").is_not_null())
    missing = ~pl.col("record_key").is_in(usable["record_key"].unique().implode())
    return add_code(contrats, missing, "titulaires_absents")
