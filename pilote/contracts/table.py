"""The cockpit's per-contract table: what is computed once per store generation so that requests only aggregate.

Each contract of the generation with its flags (social, environmental, art. 35, EU threshold, anomalies...),
its supplier (first initial titulaire) and final amount, a few derived columns that make the aggregates cheap
(integer supplier key, year, CPV division, trustworthy amount), written after each import into the prepared
DuckDB file (`prepared.prepared_tables`, sorted by buyer) or computed in memory when that file is missing
(`prepared.cockpit_tables`). Only constants of the code are written into this SQL (`lit`), never a request's value.
"""

from pathlib import Path

from pilote.contracts import companies, semantics as sem, sources


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
# The text fields a contract list shows, kept in the same rows: a list reads them with its contracts, with no
# second lookup by row identifier (an indexed details table did that until session 13: its index stayed pinned
# in each web worker's DuckDB pool, ~35-47 MB at 1.6 M, and three lookups cost a cold organisation page ~20 ms).
DETAIL_COLUMNS = ("id", "acheteur_nom", "objet", "considerations_sociales", "considerations_environnementales")
COCKPIT_TABLE = "cockpit_contrats"


def _derived() -> dict[str, str]:
    """Columns computed over the flags of `semantics.contract_flags` (alias `q`), in the same table."""
    cols = {
        "annee": "CAST(year(q.date_notification) AS SMALLINT)",
        "division": "left(q.code_cpv, 2)",
        # summed: usable, and not a marché subséquent (its accord-cadre's amount already counts it)
        "montant_sur": "CASE WHEN q.montant_ok AND NOT q.marche_subsequent THEN q.montant END",
        "au_dessus_ue_collectivites": "coalesce(q.montant_ok AND q.montant >= q.seuil_ue_collectivites, FALSE)",
        "au_dessus_ue_etat": "coalesce(q.montant_ok AND q.montant >= q.seuil_ue_etat, FALSE)",
    }
    # SME and local flags from the data alone; an organisation's SIRENE extract recomputes them (_base_cte)
    return cols | companies.flags("q")


def materialise_sql(contrats_path, only: str | None = None, recent: bool = False) -> list[tuple[str, str]]:
    """(table, SELECT) of the cockpit's in-memory tables, built once per generation by `duck.ensure_tables`.
    `recent`: the rows of `only` are all in the generation's delta parts (pilote.decp.tables): read those alone.

    Planning the flag expressions (list searches, dated thresholds) costs DuckDB tens of milliseconds per
    query; computing them once leaves each request with plain aggregates over narrow boolean columns.
    The category and départements (SME and local shares) come from columns only tabular imports have: they
    are read when the generation's files hold them, NULL otherwise."""
    flags = ",\n  ".join(
        f"coalesce({expr}, FALSE) AS {name}" if not name.startswith("seuil") else f"{expr} AS {name}"
        for name, expr in sem.contract_flags().items()
    )
    base = ", ".join(f"c.{col}" for col in (*BASE_COLUMNS, *DETAIL_COLUMNS))
    tit = companies.titulaire_fields(companies.parquet_columns(contrats_path.parent / "titulaires.parquet"))
    acheteur_dep = companies.acheteur_departement(companies.parquet_columns(contrats_path))
    # The supplier of a contract is its first initial titulaire (rang 0): a groupement counts for its
    # mandataire. The last modification that states an amount gives the contract's new total. Both are joined
    # once here, so that no request joins tables of millions of rows.
    # Derived once here too (measured on 1.44 M contracts, national scope): grouping suppliers by an integer
    # key instead of the SIRET text halves the supplier and concentration aggregates; a stored year and CPV
    # division spare the breakdowns a string conversion per contract; the trustworthy amount, the EU-threshold
    # comparisons and the data's SME and local flags take ~100 ms off the overview aggregate.
    derived = ",\n  ".join(f"{expr} AS {name}" for name, expr in _derived().items())
    generation_dir = Path(contrats_path).parent
    only_and = f" AND contrat_uid IN (SELECT contrat_uid FROM {only})" if only else ""  # noqa: S608 (a name of the code)
    only_where = f"\nWHERE c.contrat_uid IN (SELECT contrat_uid FROM {only})" if only else ""  # noqa: S608
    return [
        (
            COCKPIT_TABLE,
            f"""SELECT q.*, {titulaire_key_sql("q.titulaire_id")} AS titulaire_key,
  {derived}
FROM (
SELECT {base}, {rid_sql("c")} AS rid, t.f.id AS titulaire_id, t.f.nom AS titulaire_nom,
  m.montant_final, CASE WHEN len(c.qualite) > 0 THEN list_distinct(c.qualite) END AS qualite,
  t.f.categorie AS titulaire_categorie, t.f.departement AS titulaire_departement,
  {acheteur_dep} AS acheteur_departement,
  {flags}
FROM {parquet_source(contrats_path, recent)} c
LEFT JOIN (
  SELECT contrat_uid, any_value({{'id': titulaire_id, 'nom': titulaire_nom, 'categorie': {tit["categorie"]},
    'departement': {tit["departement"]}}}) AS f
  FROM {sources.recent_source(generation_dir, "titulaires") if recent else "titulaires"}
  WHERE modification_id IS NULL AND rang = 0 AND titulaire_id IS NOT NULL{only_and}
  GROUP BY contrat_uid
) t USING (contrat_uid)
LEFT JOIN (
  SELECT contrat_uid, arg_max(montant, rang) AS montant_final
  FROM {sources.recent_source(generation_dir, "modifications") if recent else "modifications"}
  WHERE montant IS NOT NULL{only_and} GROUP BY contrat_uid
) m USING (contrat_uid){only_where}
) q""",  # noqa: S608 (fixed fragments only)
        ),
    ]


def parquet_source(contrats_path, recent: bool = False) -> str:
    """The contracts' rows (main part, mask and delta: pilote.contracts.sources); `recent`: the delta part alone
    when there is one (`materialise_sql`)."""
    if recent:
        return sources.recent_source(Path(contrats_path).parent, "contrats")
    return sources.contracts_source(contrats_path)


# Row identifiers that do not depend on the other contracts of the generation, so that the prepared file can be
# updated for the contracts an import changed (`prepared_update`): a row number of contrats.parquet or a rank over
# every SIRET shifted for every row whenever a file added contracts (decision 0021, session 9). DuckDB's hash()
# may change with its version: the prepared file's signature holds that version (`prepared_update.signature`).
_LOW_63 = 2**63 - 1


def rid_sql(alias: str) -> str:
    """The contract's row identifier: 63 bits of the hash of its contrat_uid (a BIGINT, as the row number it
    replaces; two of 1.6 M contracts share one with a probability of ~1e-7)."""
    return f"CAST(hash({alias}.contrat_uid) & {_LOW_63} AS BIGINT)"


def titulaire_key_sql(expr: str) -> str:
    """The supplier's integer key: a SIRET's 14 digits as a number, so that among SIRETs ordering by the key is
    ordering by the SIRET (the rankings' tie-break, as with the former rank) and no two SIRETs share a key; any
    other identifier, 62 bits of its hash above every SIRET (2**62 > 10**14)."""
    return f"""(CASE WHEN {expr} IS NULL THEN NULL
    WHEN regexp_full_match({expr}, '[0-9]{{14}}') THEN CAST({expr} AS BIGINT)
    ELSE CAST(hash({expr}) & {2**62 - 1} AS BIGINT) | {2**62} END)"""
