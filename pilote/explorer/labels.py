"""Official French labels of the DECP fields shown on the contract page (arrêtés du 22 décembre 2022, schéma
DECP 2.0), in display order, and small formatting helpers shared by the explorer's pages."""

CONTRACT_FIELDS = [
    ("type_contrat", "Type de contrat"),
    ("id", "Identifiant du marché"),
    ("acheteur_id", "Identifiant de l'acheteur (SIRET)"),
    ("acheteur_nom", "Nom de l'acheteur"),
    ("nature", "Nature du marché"),
    ("objet", "Objet du marché"),
    ("code_cpv", "Code CPV principal"),
    ("procedure", "Procédure de passation"),
    ("techniques", "Techniques d'achat"),
    ("modalites_execution", "Modalités d'exécution"),
    ("id_accord_cadre", "Identifiant de l'accord-cadre"),
    ("marche_innovant", "Marché innovant"),
    ("ccag", "CCAG de référence"),
    ("offres_recues", "Nombre d'offres reçues"),
    ("attribution_avance", "Attribution d'une avance"),
    ("taux_avance", "Taux de l'avance"),
    ("type_groupement_operateurs", "Type de groupement d'opérateurs économiques"),
    ("sous_traitance_declaree", "Sous-traitance déclarée"),
    ("lieu_execution_code", "Lieu d'exécution (code)"),
    ("lieu_execution_type_code", "Lieu d'exécution (type de code)"),
    ("lieu_execution_nom", "Lieu d'exécution (nom)"),
    ("duree_mois", "Durée (mois)"),
    ("date_notification", "Date de notification"),
    ("date_publication_donnees", "Date de publication des données"),
    ("date_debut_execution", "Date de début d'exécution"),
    ("montant", "Montant HT (€)"),
    ("montant_subvention_publique", "Montant de la subvention publique (€)"),
    ("types_prix", "Types de prix"),
    ("forme_prix", "Forme du prix"),
    ("origine_ue", "Part d'origine Union européenne"),
    ("origine_france", "Part d'origine France"),
    ("considerations_sociales", "Considérations sociales"),
    ("considerations_environnementales", "Considérations environnementales"),
]

PUBLIC_DIRECTORY = "https://annuaire-entreprises.data.gouv.fr/etablissement/{siret}"


def display(value) -> str:
    """A cleaned value as text for the contract page (lists joined, booleans in French, rates in %)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}".replace(",", "\u202f")
        return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return str(value)


def directory_url(siret: str | None) -> str | None:
    """Link to the public company directory (annuaire des entreprises) for a 14-digit SIRET."""
    if siret and len(siret) == 14 and siret.isdigit():
        return PUBLIC_DIRECTORY.format(siret=siret)
    return None
