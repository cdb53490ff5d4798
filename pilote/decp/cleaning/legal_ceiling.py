"""A ×1000 slip proven by the law: a « procédure adaptée » (MAPA) far above what the law allows it.

A MAPA is lawful only below the formalised-procedure (EU) threshold of its nature (Code de la commande publique,
art. R. 2123-1 1°; the "small lots" of 2° are even smaller). Two exceptions allow it at any amount: the social
and other specific services (R. 2123-1 3°, list of annex XIV of directive 2014/24/UE published by the avis
relatif aux contrats de la commande publique) and the legal representation services (4°); research and
development services mostly fall outside the code (L. 2512-5). A MAPA written at many times the highest threshold
its nature ever had, for anything else, cannot be true as written; when the amount divided by 1,000 is what a MAPA
can be (within the threshold, or above it by no more than the mislabels FACTOR allows: a large contract whose
procedure was mislabelled, typed in thousands of euros), the record is an amount typed in thousands of euros (a
×1000 slip), not a large contract.

Why a large factor (FACTOR) rather than the threshold itself: buyers also mislabel the procedure of genuine
large contracts. In the real 2019 files (11,076 MAPA) the largest MAPA outside the exceptions is 7.9 times the
highest threshold of its nature (electricity for a département, 3.5 M€); 30 times leaves a margin of ~4 over
what a mislabel was seen to do. Measured against the answer key of the synthetic corpus: docs/benchmarks.md.
"""

from datetime import date

import polars as pl

from pilote.decp.cleaning.numbers import sentinel_expr
from pilote.reglementation.seuils import SEUILS


CODE = "montant_erreur_mille_plafond"
PROCEDURE = "Procédure adaptée"
# Natures a MAPA can have (a partnership contract or a concession follows other rules).
NATURES = ("Marché", "Marché de défense ou de sécurité")
FACTOR = 30
# Highest EU threshold of each nature at a date: the utilities / defence threshold for supplies and services
# (above the State's and the local authorities'), the works threshold for works. The buyer's kind is not in
# the record: the highest threshold never wrongs a buyer.
WORKS_CEILING, SUPPLIES_SERVICES_CEILING = "ue_travaux", "ue_entites_adjudicatrices"
# CPV codes of the services a MAPA may buy at any amount, as prefixes (a prefix covers a whole range of the
# annex; broader than the annex where a range is awkward to write: a prefix too broad only spares records).
SPECIFIC_SERVICES = (
    "55",  # hotel, restaurant and catering services (55100000-55410000, 55520000-55524000)
    "64000000",  # post and telecommunication services (the heading only)
    "641",  # postal and courier services
    "73",  # research and development services (L. 2512-5: mostly outside the code)
    "75",  # administration, defence, social security, services to the community
    "791",  # legal services (79100000-79140000; R. 2123-1 4° for representation)
    "7943",  # crisis management services
    "7961",  # job search services
    "7962",  # supply of domestic help, nursing and medical personnel
    "797",  # investigation and security services (79700000-79723000)
    "7995",  # event, seminar, fair and festival organisation (79950000-79956000)
    "79995",  # library management services
    "80",  # education and training services
    "85",  # health and social work services
    "92",  # recreational, cultural and sporting services
    "98",  # other community, social and personal services, religious and international services
    "50116510",  # tyre-remoulding services
    "71550000",  # blacksmith services
)

SPECIFIC_SERVICES_PATTERN = "^(?:" + "|".join(SPECIFIC_SERVICES) + ")"


def ceiling_expr(on: pl.Expr, *, works: bool) -> pl.Expr:
    """Highest EU threshold of works or of supplies and services in force at the date `on`, as Float64; the
    highest ever listed when the date is unknown or outside the listed periods (never a lower one)."""
    code = WORKS_CEILING if works else SUPPLIES_SERVICES_CEILING
    rows = [s for s in SEUILS if s.code == code]
    highest = float(max(s.amount for s in rows))
    expr = pl.lit(highest)
    for s in sorted(rows, key=lambda s: s.valid_from, reverse=True):
        end = s.valid_to or date.max
        expr = pl.when(on.is_between(s.valid_from, end)).then(pl.lit(float(s.amount))).otherwise(expr)
    return expr


def specific_service_expr(code_cpv: pl.Expr) -> pl.Expr:
    """The CPV code is one of the services a MAPA may buy at any amount (R. 2123-1 3° and 4°)."""
    # one anchored regex: one pass over the strings instead of one per prefix
    return code_cpv.str.contains(SPECIFIC_SERVICES_PATTERN).fill_null(False)


def mapa_thousand_slip_expr(
    montant: pl.Expr, procedure: pl.Expr, nature: pl.Expr, code_cpv: pl.Expr, on: pl.Expr, type_contrat: pl.Expr
) -> pl.Expr:
    """True where a MAPA's amount is at least FACTOR times the highest threshold of its nature at its date, its
    CPV code is not a service the law lets a MAPA buy at any amount, and the amount divided by 1,000 is within
    FACTOR times that threshold (what the buyer meant: a MAPA, or a mislabelled one as the first test allows).
    False when anything it needs is unknown, and for placeholders (999 999 999, 123 456 789: `montant_sentinelle`
    says what they are, not a slip)."""
    division = code_cpv.str.slice(0, 2)  # the cleaned code is 8 digits, or null when malformed
    ceiling = pl.when(division == "45").then(ceiling_expr(on, works=True)).otherwise(ceiling_expr(on, works=False))
    return (
        (type_contrat == "marche")
        & (procedure == PROCEDURE)
        & nature.is_in(NATURES)
        & code_cpv.is_not_null()
        & ~specific_service_expr(code_cpv)
        & (montant >= ceiling * FACTOR)
        & (montant / 1000 <= ceiling * FACTOR)
        & ~sentinel_expr(montant)
    ).fill_null(False)
