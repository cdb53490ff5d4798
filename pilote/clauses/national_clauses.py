"""National model clauses and award criteria, written in our own words from public legal facts (articles of
the code de la commande publique and of the codes they refer to). Each entry: key, kind, title, text,
legal basis, segment codes. Read-only for organisations, which copy and adapt them."""

CLAUSES = [
    (
        "insertion",
        "condition_sociale",
        "Clause d'insertion par l'activité économique",
        "Le titulaire réserve à des personnes éloignées de l'emploi (demandeurs d'emploi de longue durée, "
        "bénéficiaires de minima sociaux, jeunes sans qualification, travailleurs handicapés…) un volume "
        "d'heures de travail égal à [X] % des heures nécessaires à l'exécution du marché, soit au moins [N] "
        "heures. Il peut recourir à l'embauche directe, à une structure d'insertion ou à la sous-traitance. "
        "Un facilitateur désigné par l'acheteur l'accompagne et valide les heures réalisées ; un bilan est "
        "remis chaque année. En cas de manquement non justifié, une pénalité de [montant] € par heure non "
        "réalisée s'applique.",
        "CCP art. L. 2112-2 et R. 2112-4 ; calcul : [X] % selon la part de main-d'œuvre du marché",
        ["btp", "nettoyage", "espaces-verts", "restauration-collective", "dechets", "evenementiel"],
    ),
    (
        "critere-insertion",
        "critere_social",
        "Critère : performance en matière d'insertion professionnelle",
        "Les offres sont notées, pour [X] % de la note, sur les moyens proposés pour l'insertion professionnelle "
        "des publics en difficulté : nombre d'heures au-delà du minimum exigé, accompagnement et tutorat, "
        "formation qualifiante, perspectives d'emploi durable à l'issue du marché. Le critère doit rester lié à "
        "l'objet du marché et être apprécié à partir d'éléments vérifiables du mémoire technique.",
        "CCP art. L. 2152-7 et R. 2152-7",
        ["btp", "nettoyage", "espaces-verts"],
    ),
    (
        "reserve-siae",
        "reservation",
        "Marché (ou lot) réservé aux structures d'insertion par l'activité économique",
        "Le marché [ou le lot n°…] est réservé aux structures d'insertion par l'activité économique mentionnées à "
        "l'article L. 5132-4 du code du travail et aux structures équivalentes, qui emploient une proportion "
        "minimale de travailleurs défavorisés. L'avis de publicité mentionne cette réservation.",
        "CCP art. L. 2113-13",
        ["nettoyage", "espaces-verts", "dechets", "fournitures-bureau", "textiles"],
    ),
    (
        "reserve-esat",
        "reservation",
        "Marché (ou lot) réservé aux ESAT et entreprises adaptées",
        "Le marché [ou le lot n°…] est réservé aux établissements et services d'aide par le travail et aux "
        "entreprises adaptées, ainsi qu'aux structures équivalentes, qui emploient une proportion minimale de "
        "travailleurs handicapés. L'avis de publicité mentionne cette réservation.",
        "CCP art. L. 2113-12",
        ["fournitures-bureau", "espaces-verts", "nettoyage", "communication", "restauration-collective"],
    ),
    (
        "conditions-travail-journee",
        "condition_sociale",
        "Nettoyage en journée et conditions de travail",
        "Les prestations courantes sont exécutées en journée, pendant les heures d'ouverture des locaux, "
        "sauf exceptions justifiées. Le titulaire présente l'organisation du travail retenue (horaires continus, "
        "temps partiels choisis, équipements ergonomiques) et en rend compte lors des réunions de suivi.",
        "CCP art. L. 2112-2 (conditions d'exécution liées à l'emploi et aux conditions de travail)",
        ["nettoyage"],
    ),
    (
        "critere-environnemental",
        "critere_environnemental",
        "Critère : performance environnementale de l'offre",
        "Les offres sont notées, pour au moins [X] % de la note, sur leur performance environnementale appréciée "
        "à partir du mémoire technique : [émissions de gaz à effet de serre liées à l'exécution, consommation "
        "d'énergie et d'eau, gestion des déchets, produits utilisés, transport]. Chaque sous-critère est "
        "justifié par des éléments mesurables ou des engagements contrôlables pendant l'exécution.",
        "CCP art. L. 2152-7 et R. 2152-7 ; loi Climat et Résilience, art. 35",
        [],
    ),
    (
        "dechets",
        "condition_environnementale",
        "Réduction, tri et valorisation des déchets",
        "Le titulaire réduit les déchets produits par l'exécution du marché, trie à la source au moins les flux "
        "[papier-carton, métal, plastique, verre, bois, minéraux, biodéchets], privilégie le réemploi puis le "
        "recyclage, et remet [chaque trimestre] les bordereaux et un bilan des tonnages par filière.",
        "CCP art. L. 2112-2 ; code de l'environnement art. L. 541-1 (hiérarchie des modes de traitement)",
        ["btp", "restauration-collective", "evenementiel", "espaces-verts", "nettoyage"],
    ),
    (
        "ecolabel",
        "specification",
        "Produits porteurs de l'Écolabel européen ou équivalent",
        "Les produits [d'entretien, papier, textiles…] fournis ou utilisés respectent les critères de l'Écolabel "
        "européen de leur catégorie. Tout label équivalent ou toute preuve de conformité à ces critères (fiche "
        "technique, rapport d'essai d'un organisme reconnu) est accepté.",
        "CCP art. R. 2111-12 à R. 2111-17 (labels)",
        ["nettoyage", "fournitures-bureau", "textiles"],
    ),
    (
        "cycle-de-vie",
        "critere_environnemental",
        "Critère : coût du cycle de vie",
        "Le prix est apprécié en coût du cycle de vie : prix d'achat, consommation d'énergie sur [N] années, "
        "maintenance, fin de vie, et le cas échéant coût des émissions de gaz à effet de serre, selon la méthode "
        "et les données décrites au règlement de la consultation.",
        "CCP art. R. 2152-9 et R. 2152-10",
        ["vehicules", "informatique", "energie", "mobilier"],
    ),
    (
        "reemploi",
        "condition_environnementale",
        "Part de produits issus du réemploi ou reconditionnés",
        "Au moins [X] % (en valeur) des [ordinateurs, téléphones, meubles…] livrés sont issus du réemploi ou de "
        "la réutilisation, ou intègrent des matières recyclées, avec les mêmes garanties que le matériel neuf. "
        "Le titulaire justifie l'origine des produits et la part atteinte chaque année.",
        "Loi AGEC (n° 2020-105), art. 58 ; décret n° 2021-254 (taux par famille de produits)",
        ["informatique", "mobilier", "fournitures-bureau", "textiles"],
    ),
    (
        "egalim",
        "condition_environnementale",
        "Produits durables et de qualité (Egalim)",
        "Sur l'ensemble des denrées livrées, au moins 50 % en valeur sont des produits durables et de qualité au "
        "sens de l'article L. 230-5-1 du code rural (signes officiels de qualité, mentions valorisantes, "
        "écolabel pêche, etc.), dont au moins 20 % issus de l'agriculture biologique. Le titulaire transmet "
        "chaque trimestre un état des achats permettant de vérifier ces parts.",
        "Code rural et de la pêche maritime, art. L. 230-5-1 ; CCP art. L. 2112-2",
        ["restauration-collective", "evenementiel"],
    ),
    (
        "vehicules-faibles-emissions",
        "condition_environnementale",
        "Véhicules à faibles émissions",
        "Les véhicules livrés [ou loués] sont des véhicules à faibles émissions au sens du code de l'environnement "
        "(électriques, hydrogène ou hybrides rechargeables selon les seuils réglementaires), afin de respecter la "
        "part minimale imposée lors du renouvellement de la flotte.",
        "Code de l'environnement, art. L. 224-7 et suivants (loi d'orientation des mobilités)",
        ["vehicules", "transport"],
    ),
    (
        "zero-phyto",
        "condition_environnementale",
        "Entretien sans produits phytosanitaires de synthèse",
        "Le titulaire n'utilise aucun produit phytopharmaceutique de synthèse sur les espaces entretenus. Il "
        "met en œuvre une gestion différenciée (fauche tardive, paillage, désherbage mécanique ou thermique) et "
        "tient un registre des interventions.",
        "Code rural et de la pêche maritime, art. L. 253-7 (loi Labbé)",
        ["espaces-verts"],
    ),
    (
        "electricite-renouvelable",
        "condition_environnementale",
        "Électricité d'origine renouvelable garantie",
        "Une part de [X] % de l'électricité fournie est couverte par des garanties d'origine renouvelables, "
        "annulées au nom de l'acheteur, de préférence liées à des installations identifiées. Le titulaire "
        "transmet chaque année l'attestation d'annulation correspondante.",
        "Code de l'énergie, art. L. 314-14 et suivants (garanties d'origine)",
        ["energie"],
    ),
    (
        "zero-plastique",
        "condition_environnementale",
        "Vaisselle réutilisable, sans plastique à usage unique",
        "Le service est assuré avec de la vaisselle, des couverts et des contenants réutilisables, lavés par le "
        "titulaire. Les produits en plastique à usage unique interdits par la loi ne sont pas utilisés ; l'eau "
        "est servie en carafe ou en fontaine.",
        "Code de l'environnement, art. L. 541-15-10 (loi AGEC)",
        ["restauration-collective", "evenementiel"],
    ),
    (
        "bois-certifie",
        "specification",
        "Bois d'origine légale et issu de forêts gérées durablement",
        "Le bois et les produits dérivés proviennent d'une exploitation légale et de forêts gérées durablement : "
        "certification FSC, PEFC ou preuve équivalente de la chaîne de contrôle.",
        "CCP art. R. 2111-12 à R. 2111-17 ; règlement (UE) n° 995/2010 sur le bois",
        ["mobilier", "btp", "fournitures-bureau"],
    ),
    (
        "durabilite-reparabilite",
        "critere_environnemental",
        "Critère : durabilité et réparabilité",
        "Les offres sont notées sur la durée de garantie, la disponibilité des pièces détachées, l'indice de "
        "réparabilité ou de durabilité lorsqu'il existe et les services de réparation proposés.",
        "CCP art. L. 2152-7 ; code de l'environnement art. L. 541-9-2 (indices de réparabilité et de durabilité)",
        ["informatique", "mobilier", "vehicules"],
    ),
    (
        "chantier-faibles-nuisances",
        "condition_environnementale",
        "Chantier à faibles nuisances",
        "Le titulaire applique la charte chantier à faibles nuisances annexée au marché : limitation du bruit "
        "et des poussières, protection des sols et de l'eau, tri des déchets de chantier sur place, information "
        "des riverains.",
        "CCP art. L. 2112-2",
        ["btp"],
    ),
]
