"""Parametrised SQL builders of the cockpit: each returns (sql, params) for `duck.fetch_all`.

The filters' condition (`filters.to_where`) is combined with fixed fragments defined here. Constants that
come from the code (DECP labels, rule codes, dated thresholds) are written as SQL literals through `lit`,
never anything from a request. Each aggregate reads the filtered contracts once (`_base_cte`) and computes
many counts at a time, so that a page costs a handful of scans of the store, not one per figure.
"""

from pilote.contracts import companies
from pilote.contracts.filters import Filters, to_where
from pilote.contracts.semantics import lit
from pilote.contracts.table import COCKPIT_TABLE, DETAIL_COLUMNS
from pilote.reglementation import seuils


def _base_cte(
    filters: Filters, buyer_kind: str, sirene_table: str | None = None, source: str = COCKPIT_TABLE
) -> tuple[str, list]:
    """`b`: the filtered contracts with the request-dependent columns; `sirene_table` is the in-memory table of
    the organisation's SIRENE extract (companies.extract_table), joined on the filtered contracts only; `source`
    a table of the per-contract table's columns (it or a prepared subset, `national.SUBSETS`)."""
    where, params = to_where(filters, "c")
    kind = ue_kind(buyer_kind)
    # Only a trustworthy amount (no anomaly flag) is compared with the EU threshold (au_dessus_ue_*). The SME and
    # local flags of the table come from the data; an extract completes the data, so they are recomputed.
    recompute = f" REPLACE ({companies.flag_columns('x')})" if sirene_table else ""
    sql = (
        f"WITH filtres AS (SELECT c.* FROM {source} c WHERE {where}),\n"  # noqa: S608
        f"completes AS ({companies.enriched_select('filtres', sirene_table)}),\n"
        f"b AS (SELECT x.*{recompute}, x.au_dessus_ue_{kind} AND NOT x.soc AS ue_sans_social, "
        f"x.au_dessus_ue_{kind} AS au_dessus_ue, x.seuil_ue_{kind} AS seuil_ue FROM completes x)"
    )
    return sql, params


# An amount flagged for review that the sums hold (a marché subséquent's is left out: its accord-cadre counts it).
A_VERIFIER_COUNTED = "montant_a_verifier AND montant_sur IS NOT NULL"
# Drill-down: a figure links to the list of the contracts behind it (name → condition over `b`).
DRILLS = {
    "tous": ("Tous les contrats", "TRUE"),
    "montant_anomalie": ("Montant signalé comme anomalie (exclu des sommes)", "montant_anomalie"),
    "montant_a_verifier": ("Montant inhabituel à vérifier (compté dans les sommes)", A_VERIFIER_COUNTED),
    "marche_subsequent": (
        "Marchés subséquents d'accords-cadres (montant compté dans l'accord-cadre)",
        "marche_subsequent",
    ),
    "sociale": ("Avec une considération sociale", "soc"),
    "sans_sociale": ("Sans considération sociale déclarée", "soc_renseigne AND NOT soc"),
    "environnementale": ("Avec une considération environnementale", "env"),
    "sans_environnementale": ("Sans considération environnementale déclarée", "env_renseigne AND NOT env"),
    "innovant": ("Marchés innovants", "marche_innovant"),
    "art35": ("Loi Climat et Résilience, art. 35 : à vérifier", "art35"),
    "ue_sans_social": ("Au-dessus du seuil européen sans considération sociale", "ue_sans_social"),
    "publication_tardive": ("Publiés plus de deux mois après la notification", "publication_tardive"),
    "offre_unique": ("Une seule offre reçue", "offre_unique"),
    "sans_publicite": ("Sans publicité ni mise en concurrence", "sans_publicite"),
    "procedure_adaptee": ("Procédures adaptées", "procedure_adaptee"),
    "groupement": ("Attribués à un groupement", "groupement"),
    "sous_traitance": ("Sous-traitance déclarée", "sous_traitance_declaree"),
    "avance": ("Avance attribuée", "attribution_avance"),
    "modifies": ("Modifiés", "modifie"),
    "pme": ("Attribués à une PME", "pme"),
    "non_pme": ("Attribués à une ETI ou une grande entreprise", "pme_renseigne AND NOT pme"),
    "locale": ("Titulaire dans le département de l'acheteur", "locale"),
    "non_locale": ("Titulaire hors du département de l'acheteur", "locale_renseigne AND NOT locale"),
}


def overview_sql(filters: Filters, buyer_kind: str = "commune", sirene_table: str | None = None) -> tuple[str, list]:
    """Every headline count of the cockpit in one aggregate over the pre-computed boolean columns."""
    base, params = _base_cte(filters, buyer_kind, sirene_table)
    return f"{base}\nSELECT {_overview_aggregates()} FROM b", params


def overview_parts() -> list[tuple[str, str, str]]:
    """(alias, aggregate over `b`, how partial results combine: "count", "sum", "median" or "avg") of every
    figure of the overview aggregate; the monthly national aggregates (`cube`) are built from the same list."""
    parts = [
        ("n", "count(*)", "count"),
        ("montant_total", "sum(montant_sur)", "sum"),
        ("montant_median", "median(montant_sur)", "median"),
        ("offres_moyenne", "avg(offres_recues)", "avg"),
        ("n_au_dessus_ue", "count_if(au_dessus_ue)", "count"),
    ]
    # counted flags: n_<name> = count_if(<column>), the name being the column's unless said otherwise
    same = ("soc", "env", "soc_renseigne", "env_renseigne", "soc_clause", "soc_critere", "soc_reserve", "env_clause",
            "env_critere", "art35", "ue_sans_social", "publication_tardive", "montant_ok", "montant_anomalie",
            "apres_art35", "offre_unique", "sans_publicite", "procedure_adaptee", "groupement", "signalement", "pme",
            "pme_renseigne", "locale", "locale_renseigne", "soc_contradictoire", "env_contradictoire",
            "signalement_hors_absence")  # fmt: skip
    flags = {name: name for name in same} | {
        # the amounts flagged for review that the total holds, as `montant_a_verifier` below sums them: a marché
        # subséquent's amount is left out of the sums (its accord-cadre counts it), so out of this count too
        "montant_a_verifier": A_VERIFIER_COUNTED,
        "dates": "dates_renseignees",
        "innovant": "marche_innovant",
        "sous_traitance": "sous_traitance_declaree",
        "avance": "attribution_avance",
        "modifies": "modifie",
        "pme_extrait": "pme_renseigne AND categorie_extrait",
        "locale_extrait": "locale_renseigne AND departements_extrait",
    }
    parts += [(f"n_{name}", f"count_if({column})", "count") for name, column in flags.items()]
    filled = {
        "innovant": "marche_innovant",
        "offres": "offres_recues",
        "procedure": "procedure",
        "groupement": "type_groupement_operateurs",
        "sous_traitance": "sous_traitance_declaree",
        "avance": "attribution_avance",
    }
    parts += [(f"n_{name}_renseigne", f"count({column})", "count") for name, column in filled.items()]
    summed = ("soc", "env", "soc_renseigne", "env_renseigne", "ue_sans_social", "art35", "pme", "pme_renseigne",
              "locale", "locale_renseigne")  # fmt: skip
    parts += [(f"montant_{name}", f"sum(CASE WHEN {name} THEN montant_sur END)", "sum") for name in summed]
    # the part of the total flagged for review (it stays in the sums)
    parts.append(("montant_a_verifier", "sum(CASE WHEN montant_a_verifier THEN montant_sur END)", "sum"))
    # marchés subséquents of accords-cadres: usable amounts left out of the sums, shown beside them
    parts.append(("n_montant_subsequent", "count_if(montant_ok AND marche_subsequent)", "count"))
    parts.append(("montant_subsequent", "sum(CASE WHEN montant_ok AND marche_subsequent THEN montant END)", "sum"))
    return parts


def _overview_aggregates() -> str:
    """The SELECT list of the overview aggregate (every count the catalogue's indicators read)."""
    return ",\n  ".join(f"{expr} AS {alias}" for alias, expr, _combine in overview_parts())


def ue_kind(buyer_kind: str) -> str:
    """Which EU threshold applies to a buyer: the State's or the local authorities'."""
    return seuils.buyer_family(buyer_kind)


# name → (label, column of the cockpit table); values are shown as text (the year is converted per group).
DIMENSIONS = {
    "annee": ("Année de notification", "annee"),
    "procedure": ("Procédure", "procedure"),
    "nature": ("Nature", "nature"),
    "division": ("Division CPV", "division"),
}


# (alias, aggregate over the contracts) of each row of the breakdowns; all of them are overview parts too, so the
# monthly aggregates hold them.
BREAKDOWN_PARTS = ("n", "montant_total", "n_montant_anomalie", "n_soc", "n_soc_renseigne", "n_env",
                   "n_env_renseigne", "n_offre_unique", "n_offres_renseigne", "n_montant_a_verifier",
                   "montant_a_verifier")  # fmt: skip


def breakdown_sql(filters: Filters, dimensions, buyer_kind: str = "commune") -> tuple[str, list]:
    """Counts, amounts and responsible-purchasing counts per value of whitelisted dimensions (one query)."""
    base, params = _base_cte(filters, buyer_kind)
    parts = {alias: expr for alias, expr, _combine in overview_parts()}
    aggregates = ", ".join(f"{parts[alias]} AS {alias}" for alias in BREAKDOWN_PARTS)
    source = f"{base},\nd AS (SELECT {{columns}}, * FROM b)"  # noqa: S608 (fixed fragments)
    return grouped_sql(source, dimensions, aggregates), params


def grouped_sql(source: str, dimensions, aggregates: str) -> str:
    """Rows per value of each dimension over `source` (SQL defining the relation `d`, with `{columns}` where the
    dimension columns go): one aggregation with grouping sets reads the rows once for every dimension."""
    if isinstance(dimensions, str):
        dimensions = [dimensions]
    columns = ", ".join(f"{DIMENSIONS[name][1]} AS d_{name}" for name in dimensions)
    which = " ".join(f"WHEN grouping(d_{name}) = 0 THEN {lit(name)}" for name in dimensions)
    return f"""{source.replace("{columns}", columns)}
SELECT CASE {which} END AS dimension,
  coalesce({", ".join(f"CAST(d_{name} AS VARCHAR)" for name in dimensions)}) AS valeur,
  {aggregates}
FROM d GROUP BY GROUPING SETS ({", ".join(f"(d_{name})" for name in dimensions)})
ORDER BY dimension, valeur NULLS LAST"""  # noqa: S608 (whitelisted dimensions and fixed fragments)


def suppliers_sql(filters: Filters, limit: int = 10) -> tuple[str, list]:
    """Top suppliers by trustworthy amount, with their share, and the concentration totals in each row.
    Suppliers are grouped by their integer key; the SIRET and a name are looked up for the top ones only
    (carrying the text columns through the aggregation of every supplier doubled its cost)."""
    base, params = _base_cte(filters, "commune")
    # the names are read in the same scope (an organisation's contracts sit in a few row groups)
    where, where_params = to_where(filters, "c")
    rows = f"""{base},
s AS (
  SELECT titulaire_key, count(*) AS n, coalesce(sum(montant_sur), 0) AS montant
  FROM b WHERE titulaire_key IS NOT NULL GROUP BY titulaire_key
)"""  # noqa: S608 (fixed fragments)
    return supplier_ranking_sql(rows, COCKPIT_TABLE, "rid", where, limit), [*params, *where_params]


def supplier_ranking_sql(rows: str, names_table: str, order: str, where: str, limit: int) -> str:
    """The ranking, totals and HHI over `rows` (SQL defining `s`: titulaire_key, n, montant per supplier), the
    names read from `names_table` under `where` (its parameters come after those of `rows`): the name of the
    supplier's first contract in the view that has one (the lowest `order`), the same whichever table is read."""
    return f"""{rows},
tot AS (SELECT sum(n) AS n_total, sum(montant) AS montant_total, count(*) AS nb_titulaires FROM s),
h AS (
  SELECT sum(power(s.n / tot.n_total, 2)) AS hhi_nombre,
         sum(power(s.montant / nullif(tot.montant_total, 0), 2)) AS hhi_montant
  FROM s, tot
),
top AS (SELECT * FROM s ORDER BY montant DESC, n DESC, titulaire_key LIMIT {int(limit)}),
noms AS (
  SELECT titulaire_key, any_value(titulaire_id) AS titulaire_id, arg_min(titulaire_nom, {order}) AS titulaire_nom
  FROM {names_table} c WHERE ({where}) AND titulaire_key IN (SELECT titulaire_key FROM top) GROUP BY titulaire_key
)
SELECT noms.titulaire_id, noms.titulaire_nom, top.n, top.montant, tot.n_total, tot.montant_total, tot.nb_titulaires,
       h.hhi_nombre, h.hhi_montant
FROM top JOIN noms USING (titulaire_key), tot, h ORDER BY top.montant DESC, top.n DESC, top.titulaire_key"""  # noqa: S608


def buyers_sql(filters: Filters, limit: int = 15) -> tuple[str, list]:
    """The buyers of the filtered contracts (most contracts first) with their usable amount and a name."""
    base, params = _base_cte(filters, "commune")
    sql = f"""{base},
a AS (SELECT acheteur_id, count(*) AS n, coalesce(sum(montant_sur), 0) AS montant FROM b GROUP BY acheteur_id
      ORDER BY n DESC, montant DESC, acheteur_id LIMIT {int(limit)}),
noms AS (SELECT acheteur_id, any_value(acheteur_nom) AS acheteur_nom FROM contrats
         WHERE acheteur_id IN (SELECT acheteur_id FROM a) AND acheteur_nom IS NOT NULL GROUP BY acheteur_id)
SELECT a.*, noms.acheteur_nom FROM a LEFT JOIN noms USING (acheteur_id) ORDER BY n DESC, montant DESC, acheteur_id"""  # noqa: S608
    return sql, params


def concentration_by_division_sql(filters: Filters, limit: int = 30) -> tuple[str, list]:
    """HHI (by amount) of suppliers per CPV division, for the divisions with the most contracts."""
    base, params = _base_cte(filters, "commune")
    rows = f"""{base},
s AS (
  SELECT division, titulaire_key, count(*) AS n, coalesce(sum(montant_sur), 0) AS montant
  FROM b WHERE titulaire_key IS NOT NULL AND division IS NOT NULL GROUP BY 1, 2
)"""  # noqa: S608 (fixed fragments)
    return concentration_tail(rows, limit), params


def concentration_tail(rows: str, limit: int) -> str:
    """HHI per division over `rows` (SQL defining `s`: division, titulaire_key, n, montant)."""
    return f"""{rows}
-- sum over suppliers of (amount / total)² = sum of squared amounts / squared total: one pass, no join
SELECT division, sum(n) AS n, sum(montant) AS montant_total, count(*) AS nb_titulaires,
       sum(montant * montant) / nullif(sum(montant) * sum(montant), 0) AS hhi_montant,
       max(montant) / nullif(sum(montant), 0) AS part_premier
FROM s GROUP BY division ORDER BY n DESC, division LIMIT {int(limit)}"""  # noqa: S608


def evolution_sql(filters: Filters) -> tuple[str, list]:
    """Amount growth through modifications: the last modification that states an amount gives the new total."""
    base, params = _base_cte(filters, "commune")
    sql = f"""{base},
e AS (
  SELECT contrat_uid, montant AS montant_initial, montant_final, seuil_modification AS seuil
  FROM b WHERE montant_ok AND montant > 0 AND montant_final IS NOT NULL
)
SELECT count(*) AS n_avec_montant_modifie, sum(montant_initial) AS montant_initial, sum(montant_final) AS montant_final,
       count_if((montant_final - montant_initial) / montant_initial > seuil) AS n_a_verifier
FROM e"""  # noqa: S608
    return sql, params


def flags_sql(filters: Filters) -> tuple[str, list]:
    """Number of contracts carrying each quality rule code."""
    base, params = _base_cte(filters, "commune")
    sql = f"""{base}
SELECT code, count(*) AS n FROM (
  SELECT unnest(qualite) AS code FROM b WHERE qualite IS NOT NULL
) GROUP BY code ORDER BY n DESC, code"""  # noqa: S608
    return sql, params


# Columns of a contract list, all read from the cockpit table (or a prepared subset of its rows).
LIST_COLUMNS = (
    "contrat_uid",
    "rid",
    "acheteur_id",
    "code_cpv",
    "nature",
    "procedure",
    "date_notification",
    "date_publication_donnees",
    "montant",
    "montant_final",  # after modifications (semantics' final amount), NULL when none changed it
    "offres_recues",
    "nb_modifications",
    "qualite",
    "titulaire_id",
    *companies.COLUMNS,
    *DETAIL_COLUMNS,
)


def contracts_sql(
    filters: Filters,
    drill: str = "tous",
    *,
    buyer_kind: str = "commune",
    limit: int = 50,
    offset: int = 0,
    sirene_table: str | None = None,
    with_total: bool = True,
    source: str = COCKPIT_TABLE,
) -> tuple[str, list]:
    """The contracts behind a figure (a DRILLS key), most recent first, plus the matching total (NULL when
    the caller has it already: counting reads every filtered contract once more). `source`: a prepared table
    holding every contract the drill may match (national.SUBSETS), else the per-contract table."""
    _label, condition = DRILLS[drill]
    base, params = _base_cte(filters, buyer_kind, sirene_table, source)
    total = f"(SELECT count(*) FROM b WHERE ({condition}))" if with_total else "NULL"  # noqa: S608 (DRILLS)
    sql = f"""{base}
SELECT {", ".join(LIST_COLUMNS)}, montant_anomalie AS montant_exclu, montant_a_verifier, {total} AS total
FROM b WHERE ({condition})
ORDER BY date_notification DESC NULLS LAST, contrat_uid LIMIT {int(limit)} OFFSET {int(offset)}"""  # noqa: S608
    return sql, params


def modifications_to_check_sql(filters: Filters, limit: int = 200, source: str = COCKPIT_TABLE) -> tuple[str, list]:
    """Contracts whose amount grew through modifications beyond the de minimis share ("à vérifier"); `source`
    may be the prepared table of those contracts (national.TO_CHECK)."""
    base, params = _base_cte(filters, "commune", source=source)
    sql = f"""{base}
SELECT contrat_uid, rid, acheteur_id, code_cpv, date_notification, montant AS montant_initial, montant_final,
       (montant_final - montant) / montant AS hausse, seuil_modification AS seuil, {", ".join(DETAIL_COLUMNS)}
FROM b
WHERE montant_ok AND montant > 0 AND montant_final IS NOT NULL AND (montant_final - montant) / montant > seuil_modification
ORDER BY hausse DESC, contrat_uid LIMIT {int(limit)}"""  # noqa: S608
    return sql, params


def peers_sql(filters: Filters, siret_to_org: dict[str, int], buyer_kind: str = "commune") -> tuple[str, list]:
    """The overview aggregate per organisation of a peer list (SIRET → organisation id), from the data alone
    (no organisation's SIRENE extract); only the peers' contracts are read (their SIRETs are the scope)."""
    if not siret_to_org:
        return "SELECT NULL AS org WHERE FALSE", []
    peers_filters = filters.with_changes(perimetre="pairs", sirets=tuple(siret_to_org), acheteur="")
    base, params = _base_cte(peers_filters, buyer_kind)
    values = ", ".join("(?, ?)" for _ in siret_to_org)
    for siret, org in siret_to_org.items():
        params.append(siret)
        params.append(org)
    sql = f"""{base},
p(siret, org) AS (VALUES {values})
SELECT p.org, {_overview_aggregates()}
FROM b JOIN p ON b.acheteur_id = p.siret GROUP BY p.org"""  # noqa: S608
    return sql, params
