"""Reads of the census that the writes (services.py) and the views share: CPV suggestions for a need, the keys of
the needs already declared, the fields of the fiche visa made from a need. Nothing here writes."""

import datetime as dt

from pilote.contracts.search.guidance import suggest_cpv as explorer_suggest_cpv
from pilote.fiches.cpv import suggest_local
from pilote.recensement import analysis
from pilote.recensement.models import Campaign, Need
from pilote.recensement.spreadsheet import need_key
from pilote.reglementation import seuils


def suggest_cpv(text: str, limit: int = 5) -> list[dict]:
    """CPV codes for a need described in words: the explorer's suggestion (CPV labels and national history), else
    the fiches app's one from the CPV labels only."""
    if not (text or "").strip():
        return []
    return explorer_suggest_cpv(text, limit) or suggest_local(text, limit)


def existing_keys(campaign: Campaign) -> set:
    return {
        need_key(n.service.name, n.objet, n.montant_estime, n.site) for n in campaign.needs.select_related("service")
    }


DURATIONS = {"ponctuel": 12, "annuel": 12, "pluriannuel": 48}


def fiche_fields(need: Need) -> dict:
    """A fiche visa pre-filled from a need; lots suggested when other services or sites need the same."""
    campaign = need.campaign
    needs = list(campaign.needs.select_related("service"))
    category = next(c for c in analysis.categories(campaign, needs) if need in c.needs)
    fields = {
        "service_demandeur": need.service.name,
        "objet": need.objet,
        "besoin": need.description or need.objet,
        "nature": seuils.nature_from_cpv(need.code_cpv),
        "montant_estime": need.montant_estime,
        "methode_estimation": (
            f"Estimation déclarée par le service « {need.service.name} » au recensement des besoins {campaign.year}"
            f" ({need.get_source_display().lower()}). Valeur cumulée des besoins homogènes recensés "
            f"({category.label}) : {category.total:.2f} € HT."
        ),
        "duree_mois": DURATIONS.get(need.recurrence, 12),
        "code_cpv": need.code_cpv,
        "code_cpv_confirme": False,
        "segment": need.segment,
        "date_lancement": need.date_souhaitee or dt.date(campaign.year, 1, 1),
    }
    if category.is_opportunity:
        fields["alloti"] = True
        fields["lots"] = "\n".join(
            f"Lot {lot['number']} : {lot['name']} ({lot['total']:.2f} € HT)" for lot in category.lots
        )
    else:
        fields["alloti"] = False
        fields["justification_lot_unique"] = (
            f"À confirmer : aucun besoin de la même catégorie ({category.label}) n'a été recensé pour un autre "
            f"service ou site en {campaign.year}."
        )
    return fields
