"""National content of the guides' section « guide de sourcing et d'analyse des impacts », in our own words: per
national segment, the sourcing questions asked to operators before the call for tenders (CCP art. R. 2111-1: the
answers must not distort competition) and the impact questions, per criterion of pilote.clauses.impact, that a
responsible negotiation starts from.

A question on the environmental cost is written only where a published method exists for the segment (the bidder
cites it); distance questions are about logistics and transport emissions, never a local preference (forbidden)."""

from pilote.clauses.impact import format_impact_questions


INSERTION_HOURS = ("insertion", "Combien d'heures de travail réservées à des personnes en insertion par an, "
                   "sur quels postes, avec quel accompagnement (facilitateur, SIAE partenaire) ?")  # fmt: skip
SIAE_SHARE = ("siae_ess", "Quelle part du montant (%) sera sous-traitée ou co-traitée à des SIAE, entreprises "
              "adaptées, ESAT ou structures de l'ESS, et lesquelles ?")  # fmt: skip

IMPACTS = {
    "restauration-collective": {
        "sourcing": [
            "Quelles familles de produits les producteurs et leurs plateformes peuvent-ils livrer, en quels volumes "
            "et à quelle saison ?",
            "Quels conditionnements réutilisables et quelles solutions de reprise des biodéchets proposez-vous ?",
            "Quel allotissement permettrait aux PME et aux groupements de producteurs de répondre ?",
        ],
        "impact": [
            INSERTION_HOURS,
            SIAE_SHARE,
            (
                "distance",
                "Combien d'intermédiaires et de kilomètres entre le lieu de production et la cuisine, "
                "par famille de produits (logistique, non critère de localisation) ?",
            ),
            (
                "cout_environnemental",
                "Quel impact environnemental des menus proposés, calculé avec une méthode "
                "publiée et citée (par exemple la base Agribalyse de l'ADEME) ?",
            ),
        ],
    },
    "nettoyage": {
        "sourcing": [
            "Le nettoyage en journée est-il praticable sur nos sites, et à quelles conditions ?",
            "Quels produits écolabellisés et méthodes sans chimie (microfibre, vapeur) utilisez-vous déjà ?",
            "Quelles structures d'insertion ou entreprises adaptées interviennent sur ce métier localement ?",
        ],
        "impact": [
            INSERTION_HOURS,
            SIAE_SHARE,
            (
                "distance",
                "Quelle distance parcourue par les équipes et les livraisons de produits par mois, avec "
                "quels modes de transport ?",
            ),
        ],
    },
    "btp": {
        "sourcing": [
            "Quelle part de main-d'œuvre représente chaque lot, pour calibrer les heures d'insertion ?",
            "Quels matériaux biosourcés ou de réemploi sont disponibles pour ce type d'ouvrage ?",
            "Quelles filières de tri et de réemploi des déchets de chantier existent à proximité du chantier ?",
        ],
        "impact": [
            INSERTION_HOURS,
            SIAE_SHARE,
            (
                "distance",
                "Quelle distance d'acheminement des principaux matériaux et d'évacuation des déchets, et "
                "avec quels modes de transport ?",
            ),
            (
                "cout_environnemental",
                "Pour un bâtiment neuf, quel indicateur d'émissions de la construction "
                "(Ic construction de la RE2020, kg CO2 éq./m²) atteindra l'ouvrage ?",
            ),
        ],
    },
    "informatique": {
        "sourcing": [
            "Quelle part de matériel reconditionné pouvez-vous fournir, avec quelle garantie ?",
            "Quelle durée de disponibilité des pièces détachées et des mises à jour garantissez-vous ?",
            "Comment reprenez-vous le matériel remplacé (réemploi, don, filière DEEE) ?",
        ],
        "impact": [
            SIAE_SHARE,
            (
                "insertion",
                "Combien d'heures de reconditionnement, de déploiement ou de reprise seront confiées à "
                "des personnes en insertion ou en situation de handicap ?",
            ),
            (
                "cout_environnemental",
                "Quelle empreinte carbone par équipement sur son cycle de vie, selon une "
                "analyse de cycle de vie conforme aux normes ISO 14040/14044 et citée ?",
            ),
        ],
    },
    "fournitures-bureau": {
        "sourcing": [
            "Quelles sont les références les plus achetées, et existent-elles en version recyclée ou rechargeable ?",
            "Quelles prestations (conditionnement, impression, livraison) des ESAT ou entreprises adaptées "
            "peuvent assurer ?",
        ],
        "impact": [
            SIAE_SHARE,
            INSERTION_HOURS,
            ("distance", "Combien de livraisons par mois et quelle distance parcourue, avec quels véhicules ?"),
        ],
    },
    "vehicules": {
        "sourcing": [
            "Quels modèles à faibles émissions répondent à nos usages (kilométrage, charge, recharge) ?",
            "Quelles offres de location, d'autopartage ou de rétrofit existent pour ce besoin ?",
        ],
        "impact": [
            (
                "cout_environnemental",
                "Quel coût du cycle de vie par véhicule (énergie, émissions de CO2 et de "
                "polluants, entretien), calculé selon la méthode indiquée dans les documents "
                "de la consultation ?",
            ),
            ("distance", "Où sont assurés l'entretien et les réparations, et à quelle distance de nos sites ?"),
            SIAE_SHARE,
        ],
    },
    "energie": {
        "sourcing": [
            "Quelle part d'électricité d'origine renouvelable garantie, et de quelles installations, pouvez-vous "
            "proposer ?",
            "Quelles données de consommation pouvez-vous fournir, à quel pas de temps ?",
        ],
        "impact": [
            (
                "cout_environnemental",
                "Quel facteur d'émission (g CO2 éq./kWh) de l'énergie fournie, selon une "
                "méthode publiée et citée (par exemple la Base Empreinte de l'ADEME) ?",
            ),
            SIAE_SHARE,
        ],
    },
    "textiles": {
        "sourcing": [
            "Quelles matières recyclées ou biologiques certifiées sont disponibles pour ces vêtements ?",
            "Comment tracez-vous les ateliers de confection de rang 1 et 2 ?",
            "Quelle filière de reprise des vêtements usagés proposez-vous ?",
        ],
        "impact": [
            SIAE_SHARE,
            INSERTION_HOURS,
            ("distance", "Quel trajet (étapes et kilomètres) de la matière première à la livraison ?"),
            (
                "cout_environnemental",
                "Quel coût environnemental par article, calculé avec la méthode publique "
                "d'affichage environnemental des textiles (Ecobalyse) ?",
            ),
        ],
    },
    "mobilier": {
        "sourcing": [
            "Quelle part du besoin peut être couverte par du mobilier de réemploi ou remis en état ?",
            "Quelle durée de garantie et quelle disponibilité des pièces détachées proposez-vous ?",
        ],
        "impact": [
            SIAE_SHARE,
            INSERTION_HOURS,
            (
                "distance",
                "Quelle distance de livraison et de reprise de l'ancien mobilier, avec quels modes de transport ?",
            ),
        ],
    },
    "espaces-verts": {
        "sourcing": [
            "Quelles techniques sans produits phytosanitaires et quelle gestion différenciée pratiquez-vous ?",
            "Quels ESAT et chantiers d'insertion interviennent sur ce métier dans le territoire ?",
        ],
        "impact": [
            INSERTION_HOURS,
            SIAE_SHARE,
            (
                "distance",
                "Combien de kilomètres parcourus par les équipes et les engins par mois, avec quelle motorisation ?",
            ),
        ],
    },
    "evenementiel": {
        "sourcing": [
            "Quelles solutions de vaisselle réutilisable et de tri des déchets proposez-vous sur site ?",
            "Quels traiteurs ou prestataires d'insertion peuvent intervenir pour ce type d'événement ?",
        ],
        "impact": [
            SIAE_SHARE,
            INSERTION_HOURS,
            ("distance", "Quelle distance d'acheminement du matériel et des repas, avec quels modes de transport ?"),
        ],
    },
}


def impact_fields(segment_code: str) -> dict:
    """The section's fields for a national segment ({} when it has no national content)."""
    data = IMPACTS.get(segment_code)
    if data is None:
        return {}
    return {
        "sourcing_questions": "\n".join(data["sourcing"]),
        "impact_questions": format_impact_questions(data["impact"]),
    }


def fill_national_impacts(segment_model, guide_model) -> list[str]:
    """Fill the section of the national guides where it is still empty (idempotent; never overwrites content
    written through the app, which keeps its history)."""
    filled = []
    for guide in guide_model.objects.filter(organisation__isnull=True).select_related("segment"):
        fields = {k: v for k, v in impact_fields(guide.segment.code).items() if not getattr(guide, k)}
        if fields:
            for name, value in fields.items():
                setattr(guide, name, value)
            guide.save(update_fields=list(fields))
            filled.append(guide.segment.code)
    return filled
