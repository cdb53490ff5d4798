"""Parametrised SQL builders of the cockpit: each returns (sql, params) for `duck.fetch_all`.

The filters' condition (`filters.to_where`) is combined with fixed fragments defined here. Constants that
come from the code (DECP labels, rule codes, dated thresholds) are written as SQL literals through `_lit`,
never anything from a request. Each aggregate reads the filtered contracts once (`_base_cte`) and computes
many counts at a time, so that a page costs a handful of scans of the store, not one per figure.
"""

import datetime as dt

from pilote.analytics import companies
from pilote.analytics.filters import Filters, to_where
from pilote.decp.cleaning.rules import RULES
from pilote.reglementation import seuils


SOCIAL_KINDS = {
    "clause": ("Clause sociale",),
    "critere": ("Critère social",),
    "reserve": ("Marché réservé", "Concession réservée"),
}
ENV_KINDS = {"clause": ("Clause environnementale",), "critere": ("Critère environnemental",)}
SANS_PUBLICITE = "Marché passé sans publicité ni mise en concurrence préalable"
PROCEDURE_ADAPTEE = "Procédure adaptée"
PAS_DE_GROUPEMENT = "Pas de groupement"
FAR_FUTURE = dt.date(9999, 12, 31)


def amount_anomaly_codes() -> tuple[str, ...]:
    """Rule codes that make a contract's amount unusable in sums: the "signalement" rules about `montant`
    alone (rules shared with other fields, such as "non_communique", blank the value instead)."""
    codes = []
    for rule in RULES.values():
        fields = {f.strip() for f in rule.field.split(",")}
        if rule.kind == "signalement" and "montant" in fields and all(f.startswith("montant") for f in fields):
            codes.append(rule.code)
    return tuple(sorted(codes))


def signalement_codes() -> tuple[str, ...]:
    return tuple(sorted(code for code, rule in RULES.items() if rule.kind == "signalement"))


def _lit(value) -> str:
    """A SQL literal for a constant of the code (never for user input)."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return repr(float(value))


def _list(values) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _dated(code: str, date_expr: str) -> str:
    """CASE expression giving the value of threshold `code` in force on `date_expr` (from seuils.SEUILS)."""
    rows = [s for s in seuils.SEUILS if s.code == code]
    whens = " ".join(
        f"WHEN {date_expr} BETWEEN {_lit(s.valid_from)} AND {_lit(s.valid_to or FAR_FUTURE)} THEN {_lit(s.amount)}"
        for s in rows
    )
    return f"(CASE {whens} END)"


def eu_threshold_expr(buyer_kind: str = "commune", alias: str = "c") -> str:
    """EU threshold of each contract on its notification date: works (CPV division 45) and concessions use
    the works threshold, other contracts that of the buyer's kind (State or local authorities)."""
    day = f"coalesce({alias}.date_notification, current_date)"
    supplies = "ue_etat" if buyer_kind in seuils._STATE_KINDS else "ue_collectivites"
    return (
        f"(CASE WHEN starts_with({alias}.code_cpv, '45') OR {alias}.type_contrat = 'concession' "
        f"THEN {_dated('ue_travaux', day)} ELSE {_dated(supplies, day)} END)"
    )


def modification_threshold_expr(alias: str = "c") -> str:
    day = f"coalesce({alias}.date_notification, current_date)"
    return (
        f"(CASE WHEN starts_with({alias}.code_cpv, '45') THEN {_dated('modification_travaux', day)} "
        f"ELSE {_dated('modification_fournitures_services', day)} END)"
    )


# Columns of the contracts kept in the cockpit table (what filters, aggregates and drill-downs read).
BASE_COLUMNS = (
    "contrat_uid",
    "acheteur_id",
    "code_cpv",
    "nature",
    "procedure",
    "date_notification",
    "date_publication_donnees",
    "montant",
    "offres_recues",
    "marche_innovant",
    "type_groupement_operateurs",
    "sous_traitance_declaree",
    "attribution_avance",
    "nb_modifications",
)
COCKPIT_TABLE = "cockpit_contrats"


def _flags() -> dict[str, str]:
    """Per-contract columns computed once per store generation (see `materialise_sql`)."""
    anomalies = _list(amount_anomaly_codes())
    social_yes = _list([v for kinds in SOCIAL_KINDS.values() for v in kinds])
    env_yes = _list([v for kinds in ENV_KINDS.values() for v in kinds])
    delay = seuils.PUBLICATION_DELAY_MONTHS
    cols = {
        "montant_ok": f"c.montant IS NOT NULL AND NOT list_has_any(coalesce(c.qualite, []), {anomalies})",
        "montant_anomalie": f"c.montant IS NOT NULL AND list_has_any(coalesce(c.qualite, []), {anomalies})",
        "soc_renseigne": "len(coalesce(c.considerations_sociales, [])) > 0",
        "soc": f"list_has_any(coalesce(c.considerations_sociales, []), {social_yes})",
        "env_renseigne": "len(coalesce(c.considerations_environnementales, [])) > 0",
        "env": f"list_has_any(coalesce(c.considerations_environnementales, []), {env_yes})",
        "publication_tardive": f"c.date_publication_donnees > c.date_notification + INTERVAL {int(delay)} MONTH",
        "art35": (
            f"c.date_notification >= {_lit(seuils.CLIMAT_RESILIENCE_ART35)} AND NOT list_has_any("
            f"coalesce(c.considerations_environnementales, []), {env_yes})"
        ),
        "signalement": f"list_has_any(coalesce(c.qualite, []), {_list(signalement_codes())})",
        "sans_publicite": f"c.procedure = {_lit(SANS_PUBLICITE)}",
        "procedure_adaptee": f"c.procedure = {_lit(PROCEDURE_ADAPTEE)}",
        "groupement": f"c.type_groupement_operateurs <> {_lit(PAS_DE_GROUPEMENT)}",
        "modifie": "coalesce(c.nb_modifications, 0) > 0",
        "offre_unique": "c.offres_recues = 1",
        "dates_renseignees": "c.date_notification IS NOT NULL AND c.date_publication_donnees IS NOT NULL",
        "apres_art35": f"c.date_notification >= {_lit(seuils.CLIMAT_RESILIENCE_ART35)}",
        "seuil_ue_collectivites": eu_threshold_expr("commune"),
        "seuil_ue_etat": eu_threshold_expr("etat"),
        "seuil_modification": modification_threshold_expr("c"),
    }
    for kind, values in SOCIAL_KINDS.items():
        cols[f"soc_{kind}"] = f"list_has_any(coalesce(c.considerations_sociales, []), {_list(values)})"
    for kind, values in ENV_KINDS.items():
        cols[f"env_{kind}"] = f"list_has_any(coalesce(c.considerations_environnementales, []), {_list(values)})"
    return cols


def materialise_sql(contrats_path) -> list[tuple[str, str]]:
    """(table, SELECT) of the cockpit's in-memory tables, built once per generation by `duck.ensure_tables`.

    Planning the flag expressions (list searches, dated thresholds) costs DuckDB tens of milliseconds per
    query; computing them once leaves each request with plain aggregates over narrow boolean columns.
    The category and départements (SME and local shares) come from columns only tabular imports have: they
    are read when the generation's files hold them, NULL otherwise."""
    flags = ",\n  ".join(
        f"coalesce({expr}, FALSE) AS {name}" if not name.startswith("seuil") else f"{expr} AS {name}"
        for name, expr in _flags().items()
    )
    base = ", ".join(f"c.{col}" for col in BASE_COLUMNS)
    tit = companies.titulaire_fields(companies.parquet_columns(contrats_path.parent / "titulaires.parquet"))
    acheteur_dep = companies.acheteur_departement(companies.parquet_columns(contrats_path))
    # The supplier of a contract is its first initial titulaire (rang 0): a groupement counts for its
    # mandataire. The last modification that states an amount gives the contract's new total. Both are joined
    # once here, so that no request joins tables of millions of rows.
    return [
        (
            COCKPIT_TABLE,
            f"""SELECT {base}, c.file_row_number AS rid, t.f.id AS titulaire_id, t.f.nom AS titulaire_nom,
  m.montant_final, CASE WHEN len(c.qualite) > 0 THEN list_distinct(c.qualite) END AS qualite,
  t.f.categorie AS titulaire_categorie, t.f.departement AS titulaire_departement,
  {acheteur_dep} AS acheteur_departement,
  {flags}
FROM {_source(contrats_path)} c
LEFT JOIN (
  SELECT contrat_uid, any_value({{'id': titulaire_id, 'nom': titulaire_nom, 'categorie': {tit["categorie"]},
    'departement': {tit["departement"]}}}) AS f
  FROM titulaires WHERE modification_id IS NULL AND rang = 0 AND titulaire_id IS NOT NULL GROUP BY contrat_uid
) t USING (contrat_uid)
LEFT JOIN (
  SELECT contrat_uid, arg_max(montant, rang) AS montant_final FROM modifications
  WHERE montant IS NOT NULL GROUP BY contrat_uid
) m USING (contrat_uid)""",  # noqa: S608 (fixed fragments only)
        ),
    ]


DETAILS_TABLE = "cockpit_details"


def prepared_tables(contrats_path) -> list[tuple[str, str, str | None]]:
    """(table, SELECT, indexed column) of the file written after each import (`duck.write_database`).

    The per-contract table is sorted by buyer: an organisation's contracts then sit in a few row groups, whose
    min/max let DuckDB skip the others (measured on 1.44 M contracts: 7-20x faster for one buyer). The text
    fields of listed contracts come from an indexed table (150 contracts in ~20 ms, where reading them back
    from contrats.parquet by row number took ~1 s)."""
    (_name, select), *_ = materialise_sql(contrats_path)
    details = f"SELECT file_row_number AS rid, {', '.join(DETAIL_COLUMNS)} FROM {_source(contrats_path)}"  # noqa: S608
    return [
        (COCKPIT_TABLE, f"{select}\nORDER BY c.acheteur_id, c.date_notification", None),
        (DETAILS_TABLE, details, "rid"),
    ]


def cockpit_tables(generation_dir) -> list[tuple[str, str]]:
    """`duck.ensure_tables` definitions when the generation has no usable prepared file (computed in memory)."""
    return materialise_sql(generation_dir / "contrats.parquet")


def _base_cte(filters: Filters, buyer_kind: str, sirene_table: str | None = None) -> tuple[str, list]:
    """`b`: the filtered contracts with the request-dependent columns; `sirene_table` is the in-memory table of
    the organisation's SIRENE extract (companies.extract_table), joined on the filtered contracts only."""
    where, params = to_where(filters, "c")
    seuil = "seuil_ue_etat" if buyer_kind in seuils._STATE_KINDS else "seuil_ue_collectivites"
    # Only a trustworthy amount (no anomaly flag) is compared with the EU threshold.
    sql = (
        f"WITH filtres AS (SELECT c.* FROM {COCKPIT_TABLE} c WHERE {where}),\n"  # noqa: S608
        f"completes AS ({companies.enriched_select('filtres', sirene_table)}),\n"
        f"b AS (SELECT x.*, coalesce(x.montant_ok AND x.montant >= x.{seuil} AND NOT x.soc, FALSE) "
        f"AS ue_sans_social, x.{seuil} AS seuil_ue, {companies.flag_columns()} FROM completes x)"
    )
    return sql, params


# Drill-down: a figure links to the list of the contracts behind it (name → condition over `b`).
DRILLS = {
    "tous": ("Tous les contrats", "TRUE"),
    "montant_anomalie": ("Montant signalé comme anomalie (exclu des sommes)", "montant_anomalie"),
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


def _overview_aggregates() -> str:
    """The SELECT list of the overview aggregate (every count the catalogue's indicators read)."""
    m = "CASE WHEN montant_ok THEN montant END"
    sums = [
        f"sum(CASE WHEN montant_ok AND {name} THEN montant END) AS montant_{name}"
        for name in (
            *("soc", "env", "soc_renseigne", "env_renseigne", "ue_sans_social", "art35"),
            *("pme", "pme_renseigne", "locale", "locale_renseigne"),
        )
    ]
    # counted flags: n_<name> = count_if(<column>), the name being the column's unless said otherwise
    same = ("soc", "env", "soc_renseigne", "env_renseigne", "soc_clause", "soc_critere", "soc_reserve", "env_clause",
            "env_critere", "art35", "ue_sans_social", "publication_tardive", "montant_ok", "montant_anomalie",
            "apres_art35", "offre_unique", "sans_publicite", "procedure_adaptee", "groupement", "signalement", "pme",
            "pme_renseigne", "locale", "locale_renseigne")  # fmt: skip
    flags = {name: name for name in same} | {
        "dates": "dates_renseignees",
        "innovant": "marche_innovant",
        "sous_traitance": "sous_traitance_declaree",
        "avance": "attribution_avance",
        "modifies": "modifie",
        "pme_extrait": "pme_renseigne AND categorie_extrait",
        "locale_extrait": "locale_renseigne AND departements_extrait",
    }
    counts = [f"count_if({column}) AS n_{name}" for name, column in flags.items()]
    filled = {
        "innovant": "marche_innovant",
        "offres": "offres_recues",
        "procedure": "procedure",
        "groupement": "type_groupement_operateurs",
        "sous_traitance": "sous_traitance_declaree",
        "avance": "attribution_avance",
    }
    filled_counts = [f"count({column}) AS n_{name}_renseigne" for name, column in filled.items()]
    return f"""count(*) AS n,
  sum({m}) AS montant_total,
  median({m}) AS montant_median,
  avg(offres_recues) AS offres_moyenne,
  count_if(montant_ok AND montant >= seuil_ue) AS n_au_dessus_ue,
  {", ".join(counts)},
  {", ".join(filled_counts)},
  {", ".join(sums)}"""


DIMENSIONS = {
    "annee": ("Année de notification", "CAST(year(date_notification) AS VARCHAR)"),
    "procedure": ("Procédure", "procedure"),
    "nature": ("Nature", "nature"),
    "division": ("Division CPV", "left(code_cpv, 2)"),
}


def breakdown_sql(filters: Filters, dimensions, buyer_kind: str = "commune") -> tuple[str, list]:
    """Counts, amounts and responsible-purchasing counts per value of whitelisted dimensions (one query)."""
    if isinstance(dimensions, str):
        dimensions = [dimensions]
    base, params = _base_cte(filters, buyer_kind)
    m = "CASE WHEN montant_ok THEN montant END"
    aggregates = f"""count(*) AS n, sum({m}) AS montant_total, count_if(montant_anomalie) AS n_montant_anomalie,
  count_if(soc) AS n_soc, count_if(soc_renseigne) AS n_soc_renseigne,
  count_if(env) AS n_env, count_if(env_renseigne) AS n_env_renseigne,
  count_if(offre_unique) AS n_offre_unique, count(offres_recues) AS n_offres_renseigne"""
    # One aggregation with grouping sets: the filtered contracts are read once for every dimension (a UNION of
    # one GROUP BY per dimension read them once each).
    columns = ", ".join(f"{DIMENSIONS[name][1]} AS d_{name}" for name in dimensions)
    which = " ".join(f"WHEN grouping(d_{name}) = 0 THEN {_lit(name)}" for name in dimensions)
    sql = f"""{base},
d AS (SELECT {columns}, montant_ok, montant, montant_anomalie, soc, soc_renseigne, env, env_renseigne,
             offre_unique, offres_recues FROM b)
SELECT CASE {which} END AS dimension, coalesce({", ".join(f"d_{name}" for name in dimensions)}) AS valeur,
  {aggregates}
FROM d GROUP BY GROUPING SETS ({", ".join(f"(d_{name})" for name in dimensions)})
ORDER BY dimension, valeur NULLS LAST"""  # noqa: S608 (whitelisted dimensions and fixed fragments)
    return sql, params


def suppliers_sql(filters: Filters, limit: int = 10) -> tuple[str, list]:
    """Top suppliers by trustworthy amount, with their share, and the concentration totals in each row."""
    base, params = _base_cte(filters, "commune")
    sql = f"""{base},
s AS (
  SELECT titulaire_id, any_value(titulaire_nom) AS titulaire_nom, count(*) AS n,
         coalesce(sum(CASE WHEN montant_ok THEN montant END), 0) AS montant
  FROM b WHERE titulaire_id IS NOT NULL GROUP BY titulaire_id
),
tot AS (SELECT sum(n) AS n_total, sum(montant) AS montant_total, count(*) AS nb_titulaires FROM s),
h AS (
  SELECT sum(power(s.n / tot.n_total, 2)) AS hhi_nombre,
         sum(power(s.montant / nullif(tot.montant_total, 0), 2)) AS hhi_montant
  FROM s, tot
)
SELECT s.*, tot.n_total, tot.montant_total, tot.nb_titulaires, h.hhi_nombre, h.hhi_montant
FROM s, tot, h ORDER BY s.montant DESC, s.n DESC, s.titulaire_id LIMIT {int(limit)}"""  # noqa: S608
    return sql, params


def concentration_by_division_sql(filters: Filters, limit: int = 30) -> tuple[str, list]:
    """HHI (by amount) of suppliers per CPV division, for the divisions with the most contracts."""
    base, params = _base_cte(filters, "commune")
    sql = f"""{base},
s AS (
  SELECT left(code_cpv, 2) AS division, titulaire_id, count(*) AS n,
         coalesce(sum(CASE WHEN montant_ok THEN montant END), 0) AS montant
  FROM b WHERE titulaire_id IS NOT NULL AND code_cpv IS NOT NULL GROUP BY 1, 2
),
d AS (SELECT division, sum(n) AS n_total, sum(montant) AS montant_total, count(*) AS nb_titulaires FROM s GROUP BY 1)
SELECT d.division, d.n_total AS n, d.montant_total, d.nb_titulaires,
       sum(power(s.montant / nullif(d.montant_total, 0), 2)) AS hhi_montant,
       max(s.montant) / nullif(d.montant_total, 0) AS part_premier
FROM s JOIN d USING (division) GROUP BY d.division, d.n_total, d.montant_total, d.nb_titulaires ORDER BY d.n_total DESC, d.division LIMIT {int(limit)}"""  # noqa: S608
    return sql, params


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


# Columns of a contract list read from the cockpit table, then from the full table (`details_sql`).
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
    "offres_recues",
    "nb_modifications",
    "qualite",
    "titulaire_id",
    *companies.COLUMNS,
)
DETAIL_COLUMNS = ("id", "acheteur_nom", "objet", "considerations_sociales", "considerations_environnementales")


def contracts_sql(
    filters: Filters,
    drill: str = "tous",
    *,
    buyer_kind: str = "commune",
    limit: int = 50,
    offset: int = 0,
    sirene_table: str | None = None,
    with_total: bool = True,
) -> tuple[str, list]:
    """The contracts behind a figure (a DRILLS key), most recent first, plus the matching total (NULL when
    the caller has it already: counting reads every filtered contract once more)."""
    _label, condition = DRILLS[drill]
    base, params = _base_cte(filters, buyer_kind, sirene_table)
    total = f"(SELECT count(*) FROM b WHERE ({condition}))" if with_total else "NULL"  # noqa: S608 (DRILLS)
    sql = f"""{base}
SELECT {", ".join(LIST_COLUMNS)}, montant_anomalie AS montant_exclu, {total} AS total
FROM b WHERE ({condition})
ORDER BY date_notification DESC NULLS LAST, contrat_uid LIMIT {int(limit)} OFFSET {int(offset)}"""  # noqa: S608
    return sql, params


def _source(contrats_path) -> str:
    """The contracts' Parquet file with its row numbers (the path comes from the store, never a request)."""
    return f"read_parquet({_lit(str(contrats_path))}, file_row_number = true)"


def details_sql(rids, contrats_path, *, prepared: bool = False) -> tuple[str, list]:
    """Text fields of some contracts: from the indexed details table prepared after the import, else read by
    row number from the Parquet file (the reader skips the row groups that hold none of them, where a search
    by contrat_uid would scan the whole column)."""
    rids = sorted(rids)
    if not rids:
        return "SELECT NULL AS rid WHERE FALSE", []
    placeholders = ", ".join("?" * len(rids))
    if prepared:
        sql = f"SELECT rid, {', '.join(DETAIL_COLUMNS)} FROM {DETAILS_TABLE} WHERE rid IN ({placeholders})"  # noqa: S608
        return sql, rids
    sql = (
        f"SELECT file_row_number AS rid, {', '.join(DETAIL_COLUMNS)} FROM {_source(contrats_path)} "  # noqa: S608
        f"WHERE file_row_number IN ({placeholders})"
    )
    return sql, rids


def modifications_to_check_sql(filters: Filters, limit: int = 200) -> tuple[str, list]:
    """Contracts whose amount grew through modifications beyond the de minimis share ("à vérifier")."""
    base, params = _base_cte(filters, "commune")
    sql = f"""{base}
SELECT contrat_uid, rid, acheteur_id, code_cpv, date_notification, montant AS montant_initial, montant_final,
       (montant_final - montant) / montant AS hausse, seuil_modification AS seuil
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


def reference_sql(filters: Filters, buyer_kind: str = "commune") -> tuple[str, list]:
    """The same aggregate over every buyer (national reference): the national overview, data alone."""
    return overview_sql(filters.with_changes(perimetre="national", sirets=None, acheteur=""), buyer_kind)
