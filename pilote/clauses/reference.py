"""National reference segments (segments d'achat de référence) with their CPV prefixes.

Loaded by the data migration 0002 and by `ensure_national_segments()` (idempotent). A prefix matches
every CPV code that starts with it (digits only, without the check digit)."""

NATIONAL_SEGMENTS = [
    # (code, label, CPV prefixes, description)
    (
        "restauration-collective",
        "Restauration collective et denrées alimentaires",
        "15, 03, 5551, 5552, 5553",
        "Denrées alimentaires, repas livrés, gestion de restaurants scolaires et administratifs (loi Egalim).",
    ),
    ("nettoyage", "Nettoyage et propreté", "909, 3983, 3351", "Nettoyage des locaux, vitrerie, produits d'entretien."),
    (
        "btp",
        "Travaux de bâtiment et travaux publics",
        "45",
        "Construction, réhabilitation, rénovation énergétique, voirie et réseaux.",
    ),
    (
        "maitrise-oeuvre",
        "Maîtrise d'œuvre, ingénierie et architecture",
        "71",
        "Études, maîtrise d'œuvre, contrôle technique, coordination SPS.",
    ),
    (
        "informatique",
        "Informatique, logiciels et télécommunications",
        "302, 48, 72, 322, 642",
        "Matériel informatique, logiciels, services numériques, téléphonie et réseaux.",
    ),
    (
        "fournitures-bureau",
        "Fournitures de bureau et papier",
        "301, 228, 2219",
        "Fournitures de bureau, papier, consommables d'impression.",
    ),
    ("mobilier", "Mobilier", "391, 3916", "Mobilier de bureau, scolaire et urbain."),
    (
        "vehicules",
        "Véhicules et entretien de flotte",
        "341, 342, 3414, 5011, 5013",
        "Achat et location de véhicules, entretien et réparation de la flotte.",
    ),
    (
        "energie",
        "Énergie et fluides",
        "091, 093, 651, 71314",
        "Fourniture d'électricité, de gaz, de combustibles et services énergétiques.",
    ),
    (
        "espaces-verts",
        "Espaces verts et paysage",
        "773, 03451, 0345",
        "Entretien et création d'espaces verts, élagage, fourniture de végétaux.",
    ),
    (
        "prestations-intellectuelles",
        "Prestations intellectuelles et conseil",
        "73, 794, 7921, 7941",
        "Conseil, études, assistance à maîtrise d'ouvrage, audit.",
    ),
    (
        "transport",
        "Transport de personnes et de marchandises",
        "601, 602, 6013, 641",
        "Transport scolaire, transport à la demande, messagerie et courrier.",
    ),
    ("dechets", "Collecte et traitement des déchets", "905", "Collecte, tri, traitement et valorisation des déchets."),
    ("textiles", "Textiles et habillement", "18, 395", "Vêtements de travail, équipements de protection, linge."),
    (
        "communication",
        "Impression et communication",
        "798, 2221, 2246, 7934",
        "Impression, signalétique, campagnes de communication et évènements.",
    ),
    ("securite", "Gardiennage et sécurité", "7971, 7972", "Surveillance, gardiennage, sécurité incendie."),
    (
        "evenementiel",
        "Événementiel et réceptions",
        "7995, 7982, 5552",
        "Organisation d'événements, réceptions, traiteur événementiel, location de matériel.",
    ),
    ("formation", "Formation", "80", "Formation professionnelle des agents."),
    ("assurances", "Assurances", "665", "Assurances dommages, responsabilité civile, flotte automobile."),
    ("sante", "Équipements et fournitures médicales", "33", "Matériel médical, pharmacie, équipements de soins."),
]


def load_national_segments(segment_model) -> list[str]:
    """Create or update the national segments; `segment_model` is passed so migrations can use the historical model."""
    created = []
    for code, label, prefixes, description in NATIONAL_SEGMENTS:
        _, was_created = segment_model.objects.update_or_create(
            organisation=None,
            code=code,
            defaults={"label": label, "cpv_prefixes": prefixes, "description": description},
        )
        if was_created:
            created.append(f"segment national {code}")
    return created


def ensure_national_segments() -> list[str]:
    from pilote.clauses.models import Segment

    return load_national_segments(Segment)
