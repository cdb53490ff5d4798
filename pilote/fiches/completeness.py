"""What a fiche still lacks before it can be submitted. A draft is saved with only its object; submission
(services.do_transition "soumettre") refuses while this list is not empty, and the fiche page shows it with a
link to each field of the form. Pure: reads the fiche, writes nothing."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Missing:
    field: str  # the form field to fix (the link's anchor is "id_<field>")
    message: str


# Fields every submitted fiche has, with the French sentence that asks for them.
REQUIRED = (
    ("service_demandeur", "Indiquez le service demandeur."),
    ("besoin", "Décrivez le besoin."),
    ("montant_estime", "Indiquez le montant estimé."),
    ("methode_estimation", "Indiquez la méthode d'estimation du montant."),
    ("duree_mois", "Indiquez la durée en mois."),
    ("code_cpv", "Indiquez le code CPV."),
    ("date_lancement", "Indiquez la date de lancement souhaitée."),
)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing(fiche) -> list[Missing]:
    """Every item that blocks submission, in the order of the form."""
    items = [Missing(name, message) for name, message in REQUIRED if _blank(getattr(fiche, name))]
    if fiche.code_cpv and not fiche.code_cpv_confirme:
        items.append(Missing("code_cpv_confirme", "Confirmez le code CPV."))
    if not fiche.alloti and _blank(fiche.justification_lot_unique):
        items.append(
            Missing("justification_lot_unique", "Sans allotissement, la loi demande de justifier le lot unique.")
        )
    if fiche.alloti and _blank(fiche.lots):
        items.append(Missing("lots", "Décrivez les lots envisagés."))
    if fiche.urgence and _blank(fiche.motif_urgence):
        items.append(Missing("motif_urgence", "Indiquez le motif de l'urgence."))
    if fiche.sourcing_realise and _blank(fiche.sourcing_fournisseurs):
        items.append(Missing("sourcing_fournisseurs", "Indiquez les fournisseurs rencontrés lors du sourçage."))
    return items
