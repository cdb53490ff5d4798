"""An amount proven too low by the record itself: an acte de sous-traitance worth more than the whole contract.

The titulaire of a public contract may subcontract « l'exécution de certaines parties » of it, never the whole
(Code de la commande publique, art. L. 2193-3; the buyer accepts each sous-traitant and its payment terms,
R. 2193-1 and following). So no acte de sous-traitance can be worth more than the contract it belongs to: when
one is, the contract's amount as written cannot be its true amount. In the DECP this is most often an amount
typed in thousands of euros (a ÷1000 slip: 45 € written for a 45,000 € contract whose sous-traitant gets
12,000 €), but the proof does not depend on the factor: the amount is too low, whatever the right one is.

The comparison is with the largest amount the record states for the contract: its initial amount and the new
totals of its modifications (an act may follow a modification that raised the amount), and with every act and
act modification. FACTOR leaves room for what is not an error: an act declared with VAT against a contract
without (20 %), an accord-cadre whose written amount is an estimate that the orders outgrew. An act at more than
twice the contract is none of those. The real demo files cannot contradict it, nor confirm it: the 2019 format has
no acts, and the acts of the 2022 Megalis file state no amount (tests/decp/cleaning/test_subcontracting.py
checks that the rule touches none of them).
"""

import polars as pl

from pilote.decp.cleaning.frame import add_code


CODE = "montant_inferieur_sous_traitance"
FACTOR = 2.0
# Amount codes that already say the value is not the true amount (0/1 €, placeholders…): nothing to add.
_ALREADY = ("montant_symbolique", "montant_sentinelle", "montant_excessif", "montant_illisible")
REVIEW = "montant_faible"


def subcontract_exceeds(contrats: pl.DataFrame, modifications: pl.DataFrame, actes: pl.DataFrame) -> pl.DataFrame:
    """Add `montant_inferieur_sous_traitance` to `qualite` of the contracts (marchés) one of whose actes de
    sous-traitance is worth more than FACTOR times the largest amount the record states (initial amount and the
    modifications' new totals). The amount itself is never changed.

    All three frames are cleaned tables of one batch, joined on `record_key` (typed `montant` columns)."""
    c = pl.col
    needed = {"record_key", "montant"}
    if not (needed <= set(contrats.columns) and needed <= set(actes.columns)) or actes.height == 0:
        return contrats
    if contrats.schema["montant"] != pl.Float64 or actes.schema["montant"] != pl.Float64:
        return contrats
    acts = actes.filter(c("montant").is_not_null()).group_by("record_key").agg(c("montant").max().alias("_acte"))
    stated = contrats.select(c("record_key"), c("montant").alias("_m"))
    if needed <= set(modifications.columns) and modifications.schema["montant"] == pl.Float64:
        mods = modifications.group_by("record_key").agg(c("montant").max().alias("_mod"))
        stated = stated.join(mods, on="record_key", how="left")
    else:
        stated = stated.with_columns(pl.lit(None, pl.Float64).alias("_mod"))
    largest = pl.max_horizontal("_m", "_mod")
    proven = (
        stated.join(acts, on="record_key").filter((c("_m") > 0) & (c("_acte") > largest * FACTOR)).select("record_key")
    )
    if proven.height == 0:
        return contrats
    already = c("qualite").list.eval(pl.element().is_in(_ALREADY)).list.any().fill_null(False)
    marche = (c("type_contrat") == "marche").fill_null(True) if "type_contrat" in contrats.columns else pl.lit(True)
    hit = c("record_key").is_in(proven["record_key"].implode()) & ~already & marche
    out = add_code(contrats, hit, CODE)
    # known wrong, no longer "à vérifier" (a small amount is what this proof finds)
    return out.with_columns(
        pl.when(hit).then(c("qualite").list.set_difference([REVIEW])).otherwise(c("qualite")).alias("qualite")
    )
