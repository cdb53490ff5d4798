"""National segment guides, written in our own words from public legal facts: per segment, the stakes, the
questions the agent answers in the fiche visa, recommended clauses (keys of national_clauses.CLAUSES), legal
references, labels, pitfalls and sourcing tips."""

ENV_QUESTIONS = [
    "Quel critère environnemental et quelle condition d'exécution environnementale prévoyez-vous ?",
]
SOCIAL_QUESTIONS = [
    "Une clause d'insertion ou la réservation d'un lot à des structures d'insertion ou du handicap est-elle possible ?",
]

GUIDES = {
    "restauration-collective": {
        "summary": "Denrées, repas livrés et gestion de restaurants : les parts Egalim s'imposent, le gaspillage "
        "et les contenants sont les leviers environnementaux principaux.",
        "questions": [
            "Comment atteindrez-vous 50 % de produits durables et de qualité, dont 20 % de bio ?",
            "Avez-vous alloti par famille de produits pour ouvrir le marché aux producteurs et PME ?",
            "Comment le gaspillage alimentaire sera-t-il mesuré et réduit ?",
            *SOCIAL_QUESTIONS,
        ],
        "clauses": ["egalim", "zero-plastique", "dechets", "critere-environnemental", "insertion", "reserve-esat"],
        "legal_references": "Code rural art. L. 230-5-1 (Egalim) ; code de l'environnement art. L. 541-15-10 ; "
        "CCP art. L. 2112-2, L. 2152-7, L. 2113-10 (allotissement).",
        "labels": "Agriculture biologique, Label rouge, AOP/IGP, STG, HVE, écolabel pêche durable.",
        "pitfalls": "La préférence locale ou géographique est interdite : exprimez plutôt la fraîcheur, la "
        "saisonnalité, les circuits courts (nombre d'intermédiaires) ou les performances environnementales.",
        "sourcing_tips": "Rencontrez les plateformes de producteurs et chambres d'agriculture avant d'allotir.",
    },
    "nettoyage": {
        "summary": "Marché de main-d'œuvre : conditions de travail, insertion et produits d'entretien sont les "
        "leviers principaux.",
        "questions": [
            "Le nettoyage peut-il se faire en journée ?",
            "Quels produits et méthodes (microfibre, vapeur, écolabel) imposez-vous ?",
            *SOCIAL_QUESTIONS,
            *ENV_QUESTIONS,
        ],
        "clauses": ["conditions-travail-journee", "insertion", "ecolabel", "reserve-siae", "critere-environnemental"],
        "legal_references": "CCP art. L. 2112-2, L. 2113-12, L. 2113-13, R. 2111-12 ; convention collective de la "
        "propreté (reprise du personnel).",
        "labels": "Écolabel européen (produits d'entretien), Nordic Swan ou équivalent.",
        "pitfalls": "Un prix anormalement bas cache souvent du travail dissimulé : vérifiez le coût horaire au "
        "regard de la convention collective.",
        "sourcing_tips": "Interrogez les entreprises adaptées et les SIAE du territoire (annuaires régionaux).",
    },
    "btp": {
        "summary": "Travaux : clause d'insertion, déchets de chantier, matériaux bas carbone et nuisances.",
        "questions": [
            "Quel volume d'heures d'insertion pouvez-vous exiger (part de main-d'œuvre du lot) ?",
            "Un diagnostic produits-équipements-matériaux-déchets est-il requis avant démolition ?",
            "Des matériaux biosourcés ou de réemploi sont-ils envisageables ?",
            *ENV_QUESTIONS,
        ],
        "clauses": ["insertion", "critere-insertion", "dechets", "chantier-faibles-nuisances", "bois-certifie"],
        "legal_references": "CCP art. L. 2112-2, L. 2113-10 (allotissement), R. 2152-7 ; code de la construction "
        "(diagnostic PEMD) ; RE2020 pour le neuf.",
        "labels": "HQE, BBCA, Bâtiment biosourcé, FSC/PEFC pour le bois.",
        "pitfalls": "Un lot unique de travaux doit être solidement justifié ; la clause d'insertion s'évalue lot par "
        "lot selon la main-d'œuvre.",
        "sourcing_tips": "Associez le facilitateur des clauses sociales dès la programmation pour calibrer les heures.",
    },
    "informatique": {
        "summary": "Matériel informatique et téléphonie : allonger la durée d'usage et acheter reconditionné.",
        "questions": [
            "Quelle part de matériel reconditionné ou de réemploi prévoyez-vous (obligation AGEC) ?",
            "Quelle durée d'usage visez-vous et comment la réparabilité est-elle évaluée ?",
            "Que devient le matériel remplacé (don, reprise, filière DEEE) ?",
            *ENV_QUESTIONS,
        ],
        "clauses": ["reemploi", "durabilite-reparabilite", "cycle-de-vie", "critere-environnemental"],
        "legal_references": "Loi AGEC art. 58 et décret n° 2021-254 ; code de l'environnement art. L. 541-9-2 ; "
        "CCP art. R. 2152-9.",
        "labels": "TCO Certified, EPEAT, Ange bleu, Écolabel européen.",
        "pitfalls": "Exiger une marque sans « ou équivalent » est interdit (CCP art. R. 2111-7).",
        "sourcing_tips": "Rencontrez des reconditionneurs, dont des entreprises adaptées spécialisées.",
    },
    "fournitures-bureau": {
        "summary": "Papier et fournitures : recyclé, recharges, massification et marchés réservés.",
        "questions": [
            "Le papier sera-t-il recyclé et écolabellisé ?",
            "Une part peut-elle être réservée à des ESAT ou entreprises adaptées ?",
            *ENV_QUESTIONS,
        ],
        "clauses": ["ecolabel", "reemploi", "reserve-esat", "bois-certifie", "critere-environnemental"],
        "legal_references": "Loi AGEC art. 58 ; CCP art. L. 2113-12, R. 2111-12.",
        "labels": "Écolabel européen, Ange bleu, FSC recyclé, NF Environnement.",
        "pitfalls": "Un catalogue trop large dilue les exigences : ciblez les 20 références les plus achetées.",
        "sourcing_tips": "Les ESAT proposent souvent conditionnement, impression et fournitures.",
    },
    "vehicules": {
        "summary": "Renouvellement de flotte : quotas de véhicules à faibles émissions et coût global.",
        "questions": [
            "Respectez-vous la part minimale de véhicules à faibles émissions au renouvellement ?",
            "Le besoin peut-il être couvert par l'autopartage, des vélos ou la location ?",
            "Le coût du cycle de vie (énergie, entretien) est-il le critère de prix ?",
        ],
        "clauses": ["vehicules-faibles-emissions", "cycle-de-vie", "durabilite-reparabilite"],
        "legal_references": "Code de l'environnement art. L. 224-7 et suivants ; CCP art. R. 2152-9.",
        "labels": "—",
        "pitfalls": "Comparer seulement le prix d'achat pénalise les véhicules électriques : utilisez le coût "
        "du cycle de vie.",
        "sourcing_tips": "Consultez les centrales d'achat (UGAP) pour comparer les coûts complets.",
    },
    "energie": {
        "summary": "Électricité et gaz : origine renouvelable, sobriété, données de consommation.",
        "questions": [
            "Quelle part d'électricité renouvelable garantie visez-vous ?",
            "Le fournisseur doit-il fournir les données de consommation utiles au décret tertiaire ?",
        ],
        "clauses": ["electricite-renouvelable", "critere-environnemental"],
        "legal_references": "Code de l'énergie art. L. 314-14 ; code de la construction art. L. 174-1 (décret "
        "tertiaire).",
        "labels": "Label VertVolt (ADEME).",
        "pitfalls": "Les garanties d'origine seules ne financent pas de nouvelles installations : précisez vos "
        "attentes.",
        "sourcing_tips": "Les groupements de commande départementaux (syndicats d'énergie) massifient l'achat.",
    },
    "textiles": {
        "summary": "Vêtements de travail et EPI : conditions de fabrication, matières et fin de vie.",
        "questions": [
            "Comment vérifierez-vous les conditions de travail dans la chaîne d'approvisionnement ?",
            "Une filière de reprise et de recyclage des vêtements usagés est-elle prévue ?",
            *ENV_QUESTIONS,
        ],
        "clauses": ["ecolabel", "reemploi", "reserve-siae", "critere-environnemental"],
        "legal_references": "CCP art. R. 2111-12 ; loi n° 2017-399 (devoir de vigilance).",
        "labels": "Écolabel européen, GOTS, OEKO-TEX, Fair Wear.",
        "pitfalls": "Les EPI doivent rester conformes aux normes de protection : ne sacrifiez pas la sécurité.",
        "sourcing_tips": "Des ateliers d'insertion assurent marquage, retouches et recyclage.",
    },
    "mobilier": {
        "summary": "Mobilier : réemploi d'abord, bois certifié, durabilité.",
        "questions": [
            "Le besoin peut-il être couvert par du mobilier de réemploi ou la remise en état ?",
            "Que devient le mobilier remplacé ?",
            *ENV_QUESTIONS,
        ],
        "clauses": ["reemploi", "bois-certifie", "durabilite-reparabilite", "cycle-de-vie"],
        "legal_references": "Loi AGEC art. 58 ; CCP art. R. 2111-12.",
        "labels": "NF Environnement Ameublement, FSC/PEFC, Écolabel européen.",
        "pitfalls": "Ne pas oublier la reprise de l'ancien mobilier (éco-organisme de la filière).",
        "sourcing_tips": "Rencontrez les ressourceries et entreprises de reconditionnement de mobilier.",
    },
    "espaces-verts": {
        "summary": "Entretien et création d'espaces verts : zéro phyto, gestion différenciée, insertion.",
        "questions": [
            "Une gestion différenciée et sans produits phytosanitaires est-elle prévue ?",
            "Les végétaux sont-ils adaptés au climat local et peu consommateurs d'eau ?",
            *SOCIAL_QUESTIONS,
        ],
        "clauses": ["zero-phyto", "insertion", "reserve-esat", "dechets", "critere-environnemental"],
        "legal_references": "Code rural art. L. 253-7 (loi Labbé) ; CCP art. L. 2113-12, L. 2113-13.",
        "labels": "Végétal local, EcoJardin.",
        "pitfalls": "Exiger des plants d'une origine géographique précise est discriminatoire : exprimez des "
        "exigences de provenance génétique et d'adaptation.",
        "sourcing_tips": "Les ESAT et chantiers d'insertion sont très présents sur ce segment.",
    },
    "evenementiel": {
        "summary": "Événements et réceptions : déchets, restauration responsable, accessibilité.",
        "questions": [
            "L'événement est-il accessible aux personnes en situation de handicap ?",
            "La vaisselle est-elle réutilisable et les déchets triés ?",
            "Le traiteur respecte-t-il des exigences de produits durables et de saison ?",
        ],
        "clauses": ["zero-plastique", "egalim", "dechets", "insertion", "critere-environnemental"],
        "legal_references": "Code de l'environnement art. L. 541-15-10 ; CCP art. L. 2112-2.",
        "labels": "ISO 20121 (événementiel responsable).",
        "pitfalls": "Les goodies à usage unique sont à proscrire ; préférez des objets utiles et durables.",
        "sourcing_tips": "Des traiteurs d'insertion existent dans la plupart des grandes villes.",
    },
}


def load_national_content(segment_model, clause_model, guide_model) -> list[str]:
    """Create the national clauses and guides that are missing (idempotent, never overwrites an existing
    national guide or clause: later changes are made through the app and keep their history)."""
    created = []
    segments = {s.code: s for s in segment_model.objects.filter(organisation__isnull=True)}
    from pilote.clauses.national_clauses import CLAUSES

    clauses = {}
    for key, kind, title, text, legal_basis, segment_codes in CLAUSES:
        clause, made = clause_model.objects.get_or_create(
            organisation=None, title=title, defaults={"kind": kind, "text": text, "legal_basis": legal_basis}
        )
        if made:
            clause.segments.set([segments[c] for c in segment_codes if c in segments])
            created.append(f"clause nationale {key}")
        clauses[key] = clause
    for code, data in GUIDES.items():
        if code not in segments or guide_model.objects.filter(organisation=None, segment=segments[code]).exists():
            continue
        guide = guide_model.objects.create(
            organisation=None,
            segment=segments[code],
            summary=data["summary"],
            questions="\n".join(data["questions"]),
            legal_references=data["legal_references"],
            labels=data["labels"],
            pitfalls=data["pitfalls"],
            sourcing_tips=data["sourcing_tips"],
        )
        guide.recommended_clauses.set([clauses[k] for k in data["clauses"]])
        created.append(f"guide national {code}")
    # The impact section came later (migration 0006 fills it on existing databases); the historical model of the
    # earlier data migration 0004 has no such field.
    if any(field.name == "impact_questions" for field in guide_model._meta.get_fields()):
        from pilote.clauses.national_impacts import fill_national_impacts

        created += [f"section impacts {code}" for code in fill_national_impacts(segment_model, guide_model)]
    return created
