"""Legal notes shown in the ressource-o-thèque (texts cited, not interpreted)."""

NOT_MONEY = (
    "Le crédit d'accès n'est pas de la monnaie : il ne s'achète pas, ne se convertit pas en euros et ne sert "
    "qu'à réserver les ressources de la ressource-o-thèque de l'organisation. Un instrument accepté en paiement "
    "par des tiers relèverait des services de paiement et des monopoles bancaires (Code monétaire et financier, "
    "articles L311-5 et L521-3) : c'est pourquoi il s'agit d'un droit d'accès, non d'un moyen de paiement."
)

NOTES = [
    (
        "CGCT, article L2144-3",
        "Des locaux communaux peuvent être utilisés par les associations qui en font la demande ; le maire "
        "détermine les conditions d'utilisation, le conseil municipal fixe la contribution due.",
    ),
    (
        "CGPPP, article L2125-1",
        "L'occupation du domaine public peut être gratuite pour les associations à but non lucratif qui "
        "concourent à la satisfaction d'un intérêt général.",
    ),
    (
        "Loi 2000-321, article 9-1",
        "Une contribution en nature est une subvention : elle est valorisée dans la décision d'attribution et "
        "publiée avec les autres (données essentielles des subventions, SCDL).",
    ),
    (
        "Loi 2000-321, article 10 ; décret 2001-495",
        "Au-delà de 23 000 € par an (numéraire et nature ensemble), une convention avec le bénéficiaire est "
        "obligatoire.",
    ),
]
