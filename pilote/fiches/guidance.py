"""Guidance shown while a fiche is filled: procedure and publicity by amount, legal obligations (all from the
dated thresholds of pilote.reglementation.seuils), the segment guide's recommendations and the panels other
apps contribute to it (pilote.clauses.panels), and facts from the DECP data through the explorer's public
interface (pilote.contracts.search.guidance, which answers with empty results while no data is imported)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from pilote.clauses.panels import segment_panels
from pilote.clauses.queries import guide_for, segment_for_cpv
from pilote.contracts.search import guidance as explorer
from pilote.contracts.search.sourcing import sourcing
from pilote.contracts.semantics import cpv_digits
from pilote.core.models import BuyerEntity
from pilote.fiches import obligations as fiche_obligations
from pilote.fiches.cpv import cpv_label, suggest_local
from pilote.reglementation import seuils


FEW_BIDS_AVERAGE = 3  # below this average number of offers, competition is weak
FEW_BIDS_SINGLE_RATE = 0.3  # above this share of single-bid contracts, warn
# Above this estimate a typing slip is more likely than a real purchase of the organisation: ask to check.
PLAUSIBLE_MAX_AMOUNT = Decimal("100000000")


def euros(amount) -> str:
    return f"{Decimal(amount):,.0f} € HT".replace(",", "\u202f")


def procedure(montant: Decimal | None, nature: str, buyer_kind: str, on: date) -> dict:
    """Procedure and publicity for an estimated amount, with the dated thresholds used and their sources."""
    dispense = seuils.seuil(seuils.procedure_code(nature), on)
    eu = seuils.seuil(seuils.eu_code(buyer_kind, nature), on)
    boamp = seuils.seuil("publicite_boamp_jal", on)
    decp = seuils.seuil("publication_decp", on)
    result = {"thresholds": [dispense, boamp, eu, decp], "on": on, "label": "", "publicity": "", "decp": ""}
    if montant is None:
        result["label"] = "Indiquez le montant estimé pour connaître la procédure applicable."
        return result
    if montant < dispense.amount:
        result["label"] = "Achat sans publicité ni mise en concurrence préalables possible (CCP art. R. 2122-8)"
        result["publicity"] = (
            f"Sous {euros(dispense.amount)} : choisissez une offre pertinente, faites une bonne utilisation des deniers "
            "publics et ne contractez pas systématiquement avec le même fournisseur."
        )
    elif montant < eu.amount:
        result["label"] = "Procédure adaptée (MAPA, CCP art. R. 2123-1)"
        if montant < boamp.amount:
            result["publicity"] = (
                f"Sous {euros(boamp.amount)} : publicité adaptée au montant et à l'objet (CCP art. R. 2131-12 1°)."
            )
        else:
            result["publicity"] = (
                f"À partir de {euros(boamp.amount)} : avis au BOAMP ou dans un journal habilité à recevoir des "
                "annonces légales (JAL), et dans la presse spécialisée si nécessaire (CCP art. R. 2131-12 2°)."
            )
    else:
        result["label"] = "Procédure formalisée (appel d'offres ou autre procédure formalisée, CCP art. R. 2124-1)"
        result["publicity"] = "Avis au Journal officiel de l'Union européenne et au BOAMP (CCP art. R. 2131-16)."
    if montant >= decp.amount:
        result["decp"] = (
            f"À partir de {euros(decp.amount)} : données essentielles à publier dans les "
            f"{seuils.PUBLICATION_DELAY_MONTHS} mois suivant la notification."
        )
    return result


def total_months(duree_mois, reconductions) -> int | None:
    """The whole duration: the initial period and every renewal of the same length."""
    if not duree_mois:
        return None
    return duree_mois * (1 + (reconductions or 0))


def plausibility(*, montant, duree_mois, reconductions, date_lancement, today: date) -> list[str]:
    """Warnings on values that are legal to type but probably wrong (checked again by the support service)."""
    warnings = []
    if montant is not None and montant > PLAUSIBLE_MAX_AMOUNT:
        warnings.append(
            f"Montant estimé de {euros(montant)} : vérifiez la saisie (plus de {euros(PLAUSIBLE_MAX_AMOUNT)})."
        )
    months = total_months(duree_mois, reconductions)
    if months and months > seuils.ACCORD_CADRE_MAX_MONTHS:
        warnings.append(
            f"Durée totale de {months} mois (reconductions comprises) : un accord-cadre ne peut dépasser 4 ans "
            "(8 ans pour une entité adjudicatrice) sauf cas exceptionnel justifié (CCP art. L. 2125-1 et "
            "R. 2162-4) ; un marché doit être remis en concurrence périodiquement (CCP art. L. 2112-5)."
        )
    if date_lancement and date_lancement < today:
        warnings.append(
            f"La date de lancement souhaitée ({date_lancement:%d/%m/%Y}) est passée : corrigez-la, les seuils et les "
            "obligations affichés sont ceux de cette date."
        )
    return warnings


def obligation_items(*, montant, nature, buyer_kind, on, code_cpv, segment, alloti, justification) -> list[dict]:
    """The panel's list, from the one rule (pilote.fiches.obligations); the single lot is shown as met once
    justified (the clauses are chosen at visa, so the others are listed as to do)."""
    items = []
    for item in fiche_obligations.applicable(
        montant=montant,
        nature=nature,
        buyer_kind=buyer_kind,
        on=on,
        code_cpv=code_cpv,
        segment=segment,
        alloti=alloti,
    ):
        met = item.code == "lot_unique" and bool((justification or "").strip())
        items.append({**item.as_dict(), "met": met})
    return items


def cpv_suggestions(text: str) -> tuple[list[dict], str]:
    found = explorer.suggest_cpv(text, limit=5) if text.strip() else None
    if found:
        return found, "libellés CPV et historique national des marchés"
    return suggest_local(text), "libellés de la nomenclature CPV 2008"


def peer_sirets(organisation) -> list[str]:
    if not organisation.peer_group_id:
        return []
    return list(
        BuyerEntity.objects.filter(organisation__peer_group_id=organisation.peer_group_id)
        .exclude(organisation=organisation)
        .values_list("siret", flat=True)
    )


def _number(facts: dict, *keys):
    for key in keys:
        value = facts.get(key)
        if isinstance(value, int | float | Decimal):
            return float(value)
    return None


SCOPE_LABELS = {
    "national": "France entière",
    "peers": "Organisations comparables",
    "organisation": "Votre organisation",
}


def supplier_suggestions(organisation, *, code_cpv, departement=None, limit=10) -> dict:
    """The suppliers « Préparer un achat » suggests (pilote.contracts.search.sourcing: one definition). A fiche has
    no place of execution: the organisation's usual one is assumed, and the page says so."""
    return {
        **sourcing(organisation, code_cpv=code_cpv, departement=departement, limit=limit),
        "suppliers_checked": True,
    }


def data_facts(organisation, *, objet, code_cpv, montant, duree_mois, segment) -> dict:
    result = {"warnings": []}
    code = cpv_digits(code_cpv) or None
    montant_f = float(montant) if montant is not None else None
    if segment:
        result["segment"] = explorer.segment_facts(
            cpv_prefixes=segment.cpv_prefix_list,
            sirets=organisation.sirets,
            peer_sirets=peer_sirets(organisation),
        )
    if objet:
        result["similar"] = explorer.similar_contracts(objet=objet, code_cpv=code, montant=montant_f, limit=5)
        result["price"] = explorer.price_reference(
            objet=objet, code_cpv=code, montant=montant_f, duree_mois=duree_mois
        )
    if code:
        result |= supplier_suggestions(organisation, code_cpv=code)
    segment_data = result.get("segment") or {}
    # Peers' figures when there are enough of them, else national ones: what this buyer can expect.
    peers = segment_data.get("peers") if isinstance(segment_data, dict) else None
    facts = peers if peers and peers.get("offers_known", 0) >= 10 else (segment_data or {}).get("national") or {}
    average = _number(facts, "average_offers")
    single = _number(facts, "single_bid_rate")
    if average is not None and average < FEW_BIDS_AVERAGE:
        result["warnings"].append(
            f"Peu d'offres attendues : {average:.1f} offres en moyenne sur ce segment. Élargissez le sourçage, "
            "allotissez et vérifiez que vos exigences restent accessibles aux PME."
        )
    if single is not None and single > FEW_BIDS_SINGLE_RATE:
        result["warnings"].append(f"Sur ce segment, {single:.0%} des marchés n'ont reçu qu'une seule offre.")
    national = (segment_data or {}).get("national") or {} if isinstance(segment_data, dict) else {}
    # With no contract data at all, "0 suppliers" would be a false alarm.
    result["has_data"] = bool(national.get("count")) or bool(result.get("similar"))
    suppliers = result.get("suppliers")
    if result["has_data"] and code and isinstance(suppliers, list) and len(suppliers) < 3:
        result["warnings"].append(
            f"Seulement {len(suppliers)} fournisseur(s) potentiel(s) trouvé(s) pour ce code CPV : risque d'offre unique."
        )
    if isinstance(segment_data, dict):
        result["segment_rows"] = [
            {"label": label, **segment_data[key]} for key, label in SCOPE_LABELS.items() if segment_data.get(key)
        ]
    return result


def compute(organisation, values: dict) -> dict:
    """All the guidance for the current values of the form (a dict of possibly incomplete cleaned data)."""
    on = values.get("date_lancement") or timezone.localdate()
    montant = values.get("montant_estime")
    code_cpv = values.get("code_cpv") or ""
    nature = values.get("nature") or seuils.nature_from_cpv(cpv_digits(code_cpv))
    segment = values.get("segment")
    if segment is None and code_cpv:
        segment = segment_for_cpv(organisation, cpv_digits(code_cpv))
    guide = guide_for(organisation, segment)
    text = f"{values.get('objet') or ''} {values.get('besoin') or ''}"
    suggestions, suggestion_source = cpv_suggestions(text)
    return {
        "on": on,
        "procedure": procedure(montant, nature, organisation.kind, on),
        "plausibility": plausibility(
            montant=montant,
            duree_mois=values.get("duree_mois"),
            reconductions=values.get("reconductions"),
            date_lancement=values.get("date_lancement"),
            today=timezone.localdate(),
        ),
        "obligations": obligation_items(
            montant=montant,
            nature=nature,
            buyer_kind=organisation.kind,
            on=on,
            code_cpv=code_cpv,
            segment=segment,
            alloti=values.get("alloti"),
            justification=values.get("justification_lot_unique"),
        ),
        "segment": segment,
        "guide": guide,
        "recommended": list(guide.recommended_clauses.all()) if guide else [],
        "common_criteria": list(guide.common_criteria.all()) if guide else [],
        "panels": segment_panels(organisation, segment),
        "cpv_label": cpv_label(code_cpv) if code_cpv else None,
        "cpv_suggestions": suggestions,
        "cpv_suggestion_source": suggestion_source,
        "data": data_facts(
            organisation,
            objet=values.get("objet") or "",
            code_cpv=code_cpv,
            montant=montant,
            duree_mois=values.get("duree_mois"),
            segment=segment,
        ),
    }
