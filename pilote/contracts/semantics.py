"""What the contract data means, defined once: every page, export and API reads these definitions.

- usable amount: an amount is left out of sums only when a cleaning rule about the amount alone flagged it
  (`unusable_amount_codes`); a blank value ("NC") is simply unknown. The 7 codes are those of
  docs/indicateurs.md; `tabulaire_etats_multiples` does not make an amount unusable (it is the amount of one of
  the contract's dated states) and `non_communique` blanks the value instead.
- accords-cadres: a marché subséquent's amount is not summed (its accord-cadre's is), shown beside
  (`SUBSEQUENT_SQL`, the prepared table's `montant_sur`).
- initial and final state: `montant` is the amount at notification; the final amount is the last amount a
  modification states (`FINAL_AMOUNT_SQL`), NULL when no modification changed it.
- social / environmental consideration: a contract "has" one when its declared list holds a clause, a criterion
  or a reservation (`SOCIAL_KINDS`, `ENV_KINDS`); the field is "declared" when the list is not empty (a share is
  computed over declared contracts, never over all). A contradictory list ("Pas de considération sociale"
  together with a clause, criterion or reservation) is unknown: neither declared nor with a consideration.
- titulaires: a contract's titulaires are the initial ones and those a modification added (the titulaire filter
  and the supplier pages find both); its supplier for concentration figures is its first initial titulaire.
- the threshold that applies on a date: from pilote.reglementation.seuils (`threshold_sql`, `eu_threshold_sql`).
- CPV labels and normalisation (`cpv_labels`, `clean_cpv`, `cpv_prefix`) and text folding (`fold`).

SQL forms are fixed fragments over a contracts relation aliased `c`; where the in-memory search index needs a
concept, its Polars form sits beside the SQL one and tests/contracts/test_semantics.py checks both agree.
"""

import datetime as dt
import re
from functools import lru_cache

import polars as pl

from pilote.decp.cleaning.rules import RULES
from pilote.decp.refdata import cpv_codes
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
NO_SOCIAL, NO_ENV = "Pas de considération sociale", "Pas de considération environnementale"
NO_CONSIDERATION = (NO_SOCIAL, NO_ENV)
SOCIAL_YES = tuple(v for kinds in SOCIAL_KINDS.values() for v in kinds)
ENV_YES = tuple(v for kinds in ENV_KINDS.values() for v in kinds)


def unusable_amount_codes() -> tuple[str, ...]:
    """Rule codes that make a contract's amount unusable in sums: the "signalement" rules about `montant`
    alone (rules shared with other fields, such as "non_communique", blank the value instead)."""
    codes = []
    for rule in RULES.values():
        fields = {f.strip() for f in rule.field.split(",")}
        if rule.kind == "signalement" and "montant" in fields and all(f.startswith("montant") for f in fields):
            codes.append(rule.code)
    return tuple(sorted(codes))


def review_amount_codes() -> tuple[str, ...]:
    """Rule codes that flag an amount for review while keeping it in sums: the "a_verifier" rules about
    `montant` (a statistically unusual amount: it may be true). Empty while no rule has that kind."""
    codes = []
    for rule in RULES.values():
        fields = {f.strip() for f in rule.field.split(",")}
        if rule.kind == "a_verifier" and "montant" in fields:
            codes.append(rule.code)
    return tuple(sorted(codes))


def signalement_codes() -> tuple[str, ...]:
    return tuple(sorted(code for code, rule in RULES.items() if rule.kind == "signalement"))


# "Signalement" rules that only say a field is missing: when a whole format lacks the column (the tabular
# extracts have no publication date), they flag every contract of the file and say nothing of its quality.
ABSENCE_CODES = ("cpv_absent", "date_manquante", "titulaires_absents")


def signalement_sql(alias: str = "c", *, without_absence: bool = False) -> str:
    """SQL: the contract carries a "signalement" code (optionally one other than a missing field's)."""
    codes = [c for c in signalement_codes() if not (without_absence and c in ABSENCE_CODES)]
    return f"list_has_any(coalesce({alias}.qualite, []), {sql_list(codes)})"


def lit(value) -> str:
    """A SQL literal for a constant of the code (never for user input)."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return repr(float(value))


def sql_list(values) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


def _dated(code: str, date_expr: str) -> str:
    """CASE expression giving the value of threshold `code` in force on `date_expr` (from seuils.SEUILS)."""
    rows = [s for s in seuils.SEUILS if s.code == code]
    whens = " ".join(
        f"WHEN {date_expr} BETWEEN {lit(s.valid_from)} AND {lit(s.valid_to or FAR_FUTURE)} THEN {lit(s.amount)}"
        for s in rows
    )
    return f"(CASE {whens} END)"


def thresholds_on(date_expr: str) -> str:
    """Every dated threshold in force on `date_expr` (SQL), as a list: an undated contract's flags read those of
    the day the prepared file is written (`prepared_update` compares them before keeping a file's rows)."""
    return "[" + ", ".join(_dated(code, date_expr) for code in sorted({s.code for s in seuils.SEUILS})) + "]"


def eu_threshold_expr(buyer_kind: str = "commune", alias: str = "c") -> str:
    """EU threshold of each contract on its notification date: works (CPV division 45) and concessions use
    the works threshold, other contracts that of the buyer's kind (State or local authorities)."""
    day = f"coalesce({alias}.date_notification, current_date)"
    supplies = seuils.eu_code(buyer_kind, "fournitures")
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


def contract_flags() -> dict[str, str]:
    """Every per-contract concept as a SQL expression over the contracts aliased `c` (the prepared table
    `table.COCKPIT_TABLE` stores them once per generation; `materialise_sql`)."""
    anomalies = sql_list(unusable_amount_codes())
    soc_list, env_list = "coalesce(c.considerations_sociales, [])", "coalesce(c.considerations_environnementales, [])"
    soc_contra, env_contra = contradiction_sql(soc_list, "sociale"), contradiction_sql(env_list, "environnementale")
    delay = seuils.PUBLICATION_DELAY_MONTHS
    cols = {
        "montant_ok": f"c.montant IS NOT NULL AND NOT list_has_any(coalesce(c.qualite, []), {anomalies})",
        "montant_anomalie": f"c.montant IS NOT NULL AND list_has_any(coalesce(c.qualite, []), {anomalies})",
        "montant_a_verifier": review_amount_sql("c"),
        "marche_subsequent": SUBSEQUENT_SQL,
        "soc_renseigne": f"len({soc_list}) > 0 AND NOT {soc_contra}",
        "soc": f"list_has_any({soc_list}, {sql_list(SOCIAL_YES)}) AND NOT {soc_contra}",
        "soc_contradictoire": soc_contra,
        "env_renseigne": f"len({env_list}) > 0 AND NOT {env_contra}",
        "env": f"list_has_any({env_list}, {sql_list(ENV_YES)}) AND NOT {env_contra}",
        "env_contradictoire": env_contra,
        "publication_tardive": f"c.date_publication_donnees > c.date_notification + INTERVAL {int(delay)} MONTH",
        # a contradictory declaration is unknown: such a contract is listed for verification too
        "art35": (
            f"c.date_notification >= {lit(seuils.CLIMAT_RESILIENCE_ART35)} AND NOT ("
            f"list_has_any({env_list}, {sql_list(ENV_YES)}) AND NOT {env_contra})"
        ),
        "signalement": signalement_sql("c"),
        "signalement_hors_absence": signalement_sql("c", without_absence=True),
        "sans_publicite": f"c.procedure = {lit(SANS_PUBLICITE)}",
        "procedure_adaptee": f"c.procedure = {lit(PROCEDURE_ADAPTEE)}",
        "groupement": f"c.type_groupement_operateurs <> {lit(PAS_DE_GROUPEMENT)}",
        "modifie": "coalesce(c.nb_modifications, 0) > 0",
        "offre_unique": "c.offres_recues = 1",
        "dates_renseignees": "c.date_notification IS NOT NULL AND c.date_publication_donnees IS NOT NULL",
        "apres_art35": f"c.date_notification >= {lit(seuils.CLIMAT_RESILIENCE_ART35)}",
        "seuil_ue_collectivites": eu_threshold_expr("commune"),
        "seuil_ue_etat": eu_threshold_expr("etat"),
        "seuil_modification": modification_threshold_expr("c"),
    }
    for kind, values in SOCIAL_KINDS.items():
        cols[f"soc_{kind}"] = f"list_has_any({soc_list}, {sql_list(values)}) AND NOT {soc_contra}"
    for kind, values in ENV_KINDS.items():
        cols[f"env_{kind}"] = f"list_has_any({env_list}, {sql_list(values)}) AND NOT {env_contra}"
    return cols


def contradiction_sql(list_expr: str, domain: str) -> str:
    """SQL: the declared list says both "Pas de considération <domain>" and a clause, criterion or reservation."""
    no, yes = (NO_SOCIAL, SOCIAL_YES) if domain == "sociale" else (NO_ENV, ENV_YES)
    return f"(list_contains({list_expr}, {lit(no)}) AND list_has_any({list_expr}, {sql_list(yes)}))"


# A marché subséquent of an accord-cadre: it names its accord-cadre (2022 format), or its modality says so without
# being an accord-cadre itself (the 2019 nature « Marché subséquent », translated by the cleaning). Its amount is an
# order within the accord-cadre's amount: sums count the accord-cadre and leave the subsequent contract's amount
# beside (docs/indicateurs.md, "Accords-cadres").
SUBSEQUENT_SQL = (
    "(nullif(trim(c.id_accord_cadre), '') IS NOT NULL OR (list_contains(coalesce(c.modalites_execution, []), "
    "'Marchés subséquents') AND NOT list_contains(coalesce(c.techniques, []), 'Accord-cadre')))"
)


def review_amount_sql(alias: str = "c") -> str:
    """SQL: the amount counts in sums but a rule flagged it for review (`review_amount_codes`)."""
    codes = review_amount_codes()
    if not codes:
        return "FALSE"
    unusable = sql_list(unusable_amount_codes())
    return (
        f"({alias}.montant IS NOT NULL AND list_has_any(coalesce({alias}.qualite, []), {sql_list(codes)}) "
        f"AND NOT list_has_any(coalesce({alias}.qualite, []), {unusable}))"
    )


# The last amount a modification states is the contract's final amount (NULL: no modification changed it).
FINAL_AMOUNT_SQL = (
    "SELECT contrat_uid, arg_max(montant, rang) AS montant_final FROM modifications "
    "WHERE montant IS NOT NULL GROUP BY contrat_uid"
)


def contradictory(values, domain: str = "sociale") -> bool:
    """Python form of `contract_flags()["soc_contradictoire"]` (domain "sociale") or "env_contradictoire"."""
    no, yes = (NO_SOCIAL, SOCIAL_YES) if domain == "sociale" else (NO_ENV, ENV_YES)
    values = values or []
    return no in values and any(v in yes for v in values)


def declared_social(values) -> bool:
    """Python form of `contract_flags()["soc_renseigne"]`: a list was declared and does not contradict itself."""
    return bool(values) and not contradictory(values, "sociale")


def declared_environmental(values) -> bool:
    """Python form of `contract_flags()["env_renseigne"]`."""
    return bool(values) and not contradictory(values, "environnementale")


def final_amount_polars(modifications: pl.LazyFrame) -> pl.LazyFrame:
    """Polars form of `FINAL_AMOUNT_SQL`: per contract, the last amount a modification states (highest rang)."""
    return (
        modifications.filter(pl.col("montant").is_not_null())
        .sort("contrat_uid", "rang")
        .group_by("contrat_uid")
        .agg(pl.col("montant").last().alias("montant_final"))
    )


def has_social(values) -> bool:
    """Python form of `contract_flags()["soc"]` for one contract's declared list (False when contradictory)."""
    return any(v in SOCIAL_YES for v in values or []) and not contradictory(values, "sociale")


def has_environmental(values) -> bool:
    """Python form of `contract_flags()["env"]`."""
    return any(v in ENV_YES for v in values or []) and not contradictory(values, "environnementale")


def amount_unusable_polars() -> pl.Expr:
    """Polars form of `contract_flags()["montant_anomalie"]` OR an unknown amount: the amount is not usable."""
    codes = list(unusable_amount_codes())
    flagged = pl.col("qualite").fill_null(pl.lit([], pl.List(pl.String))).list.eval(pl.element().is_in(codes))
    return (pl.col("montant").is_null() | flagged.list.any()).fill_null(False)


def social_polars() -> pl.Expr:
    """Polars form of `contract_flags()["soc"]` (False when the declaration contradicts itself)."""
    return _has_any("considerations_sociales", SOCIAL_YES) & ~_contradictory_polars("considerations_sociales")


def environmental_polars() -> pl.Expr:
    """Polars form of `contract_flags()["env"]`."""
    column = "considerations_environnementales"
    return _has_any(column, ENV_YES) & ~_contradictory_polars(column)


def declared_social_polars() -> pl.Expr:
    """Polars form of `contract_flags()["soc_renseigne"]`."""
    return _declared_polars("considerations_sociales")


def declared_environmental_polars() -> pl.Expr:
    """Polars form of `contract_flags()["env_renseigne"]`."""
    return _declared_polars("considerations_environnementales")


def _declared_polars(column: str) -> pl.Expr:
    return (pl.col(column).list.len() > 0).fill_null(False) & ~_contradictory_polars(column)


def _contradictory_polars(column: str) -> pl.Expr:
    no, yes = (NO_SOCIAL, SOCIAL_YES) if column == "considerations_sociales" else (NO_ENV, ENV_YES)
    return _has_any(column, (no,)) & _has_any(column, yes)


def _has_any(column: str, values) -> pl.Expr:
    return pl.col(column).list.eval(pl.element().is_in(list(values))).list.any().fill_null(False)


@lru_cache(maxsize=1)
def cpv_labels() -> dict[str, str]:
    """8-digit CPV code → French label (CPV 2008, the pipeline's reference copy: decp/refdata/SOURCES.md)."""
    df = cpv_codes()
    return dict(zip(df["code"], df["libelle"], strict=True))


def cpv_label(code: str | None) -> str:
    """The label of a CPV code as typed (check digit and spaces allowed), "" when unknown."""
    cleaned = clean_cpv(code)
    return cpv_labels().get(cleaned, "") if cleaned else ""


def clean_cpv(code: str | None) -> str | None:
    """8 digits from a CPV code as typed ("45233140-2", "4523 3140", "45"), or None."""
    digits = cpv_digits(str(code) if code else "")
    return digits.ljust(8, "0") if len(digits) >= 2 else None


def cpv_digits(code: str | None) -> str:
    """The digits of a CPV code as typed, check digit dropped, at most 8, not padded ("45233140-2" → "45233140")."""
    return re.sub(r"\D", "", (code or "").split("-")[0])[:8]


def cpv_prefix(code: str) -> str:
    """The significant prefix of a CPV code (trailing zeros of the hierarchy removed, at least 2 digits)."""
    return code.rstrip("0")[:8].ljust(2, "0")
