"""The catalogue of DECP quality rules: every code that can appear in a `qualite` list (cleaning rules and the
shape repairs reported by the readers), with a French label for buyers, its kind and the field(s) it concerns.

kind "correction": the value was repaired, the raw value is kept in `<champ>_brut`.
kind "signalement": the value is doubtful or unknowable; it is kept as is, or set to null (raw kept) when it
cannot be a true value. Amounts are never corrected, only flagged; a "signalement" about `montant` alone means the
amount cannot be the true amount (the read side leaves it out of sums).
kind "a_verifier": the value is unusual but may be true (a statistically atypical amount, a small amount): it
stays in every sum and is shown for review.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    kind: str  # "correction" | "signalement" | "a_verifier"
    field: str  # cleaned column(s) concerned, comma-separated


C, S, V = "correction", "signalement", "a_verifier"
_ID_COLS = "acheteur_id, titulaire_id, sous_traitant_id"
_DATE_COLS = (
    "date_notification, date_publication_donnees, date_debut_execution, date_notification_modification, "
    "date_publication_donnees_modification"
)
_ENUM_COLS = (
    "nature, procedure, techniques, modalites_execution, ccag, type_groupement_operateurs, "
    "lieu_execution_type_code, types_prix, forme_prix, considerations_sociales, considerations_environnementales, "
    "variation_prix"
)
_TEXT_COLS = "objet, acheteur_nom, lieu_execution_nom, titulaire_nom"

_RULES = [
    # Readers (shape repairs, pilote.decp.readers)
    Rule(
        "forme_enveloppe",
        "Un élément unique était écrit comme une valeur simple au lieu d'une liste (conversion XML vers JSON) : il a été remis en liste.",
        C,
        "techniques, modalites_execution, considerations_sociales, considerations_environnementales, types_prix",
    ),
    Rule(
        "titulaires_forme",
        "La liste des titulaires n'avait pas la forme officielle (objet au lieu de liste, chaînes, liste de listes, sans l'enveloppe « titulaire ») : elle a été relue.",
        C,
        "titulaire_id",
    ),
    Rule(
        "champs_hors_schema",
        "Des champs qui n'existent pas dans le format officiel (`_type`, `source`, `uid`…) ont été ignorés.",
        C,
        "id",
    ),
    Rule(
        "titulaires_imbriques",
        "Titulaires écrits en liste de listes (format 2019 mal formé) : la liste a été aplatie.",
        C,
        "titulaire_id",
    ),
    Rule(
        "titulaires_illisibles",
        "Titulaires écrits comme de simples mots au lieu d'objets : titulaires inconnus.",
        S,
        "titulaire_id",
    ),
    Rule("titulaires_vides", "Titulaire vide (ni type ni identifiant) dans la liste : ignoré.", S, "titulaire_id"),
    Rule(
        "acheteur_cle_pointee",
        "Acheteur écrit avec une clé « acheteur.id » au lieu d'un objet : relu.",
        C,
        "acheteur_id",
    ),
    Rule(
        "valeur_composee",
        "Un objet ou une liste figurait à la place d'une valeur simple : gardé sous forme de texte, à vérifier.",
        S,
        "id",
    ),
    Rule(
        "tabulaire_etats_multiples",
        "L'extrait tabulaire contient, pour une même date, plusieurs lignes de ce contrat qui ne concordent pas (montant, durée) : la première a été gardée. (Les états de dates différentes deviennent des modifications, la plus ancienne date étant la notification.)",
        S,
        "montant, duree_mois",
    ),
    # Identifiers
    Rule("identifiant_espaces", "Des espaces dans l'identifiant (SIRET…) ont été retirés.", C, _ID_COLS),
    Rule(
        "siret_zero_perdu",
        "SIRET de 13 chiffres : le zéro initial perdu (tableur) a été rétabli, le SIRET complet étant valide.",
        C,
        _ID_COLS,
    ),
    Rule(
        "siret_format",
        "Le SIRET n'a pas 14 chiffres : il est conservé tel quel mais ne peut pas être vérifié.",
        S,
        _ID_COLS,
    ),
    Rule(
        "siren_invalide",
        "Le SIREN (9 premiers chiffres du SIRET) ne respecte pas la clé de contrôle (Luhn) : probable faute de saisie.",
        S,
        _ID_COLS,
    ),
    Rule(
        "acheteur_rattache",
        "SIRET de l'acheteur erroné dans la copie retenue (clé de contrôle) : le contrat est rattaché au seul acheteur au SIRET valide qui publie le même contrat (même identifiant, même date), le SIRET du fichier restant la valeur brute.",
        C,
        "acheteur_id",
    ),
    Rule(
        "siret_invalide",
        "Le SIREN est valide mais le SIRET complet ne respecte pas la clé de contrôle (numéro d'établissement erroné).",
        S,
        _ID_COLS,
    ),
    Rule(
        "identifiant_format",
        "L'identifiant ne respecte pas le format de son type (TVA, TAHITI, RIDET, FRWF, IREP, HORS-UE).",
        S,
        "titulaire_id, sous_traitant_id",
    ),
    Rule(
        "type_identifiant_variante",
        "Type d'identifiant écrit autrement que la valeur officielle (« Siret », « TVA_INTRACOMMUNAUTAIRE », « HORS_UE »…) : remplacé par la valeur officielle.",
        C,
        "type_identifiant, sous_traitant_type_identifiant",
    ),
    Rule(
        "type_identifiant_deduit",
        "Type d'identifiant vide avec un identifiant de 14 chiffres : c'est un SIRET.",
        C,
        "type_identifiant, sous_traitant_type_identifiant",
    ),
    Rule(
        "type_identifiant_inconnu",
        "Type d'identifiant absent ou inconnu : l'identifiant ne peut pas être interprété.",
        S,
        "type_identifiant, sous_traitant_type_identifiant",
    ),
    Rule(
        "titulaire_vide",
        "Titulaire sans identifiant (entrée vide) : il ne peut pas être identifié.",
        S,
        "titulaire_id",
    ),
    Rule(
        "titulaires_absents",
        "Aucun titulaire identifiable pour ce contrat (liste vide, absente ou mal formée).",
        S,
        "titulaire_id",
    ),
    Rule("id_espaces", "Des espaces dans le numéro du contrat ont été retirés.", C, "id, id_accord_cadre"),
    Rule(
        "id_trop_long",
        "Le numéro du contrat dépasse 16 caractères (maximum du format officiel) : conservé, à vérifier.",
        S,
        "id, id_accord_cadre",
    ),
    Rule(
        "lieu_code_espaces", "Des espaces dans le code du lieu d'exécution ont été retirés.", C, "lieu_execution_code"
    ),
    # CPV
    Rule("cpv_espaces", "Des espaces dans le code CPV ont été retirés.", C, "code_cpv"),
    Rule(
        "cpv_cle_retiree",
        "Le code CPV était écrit avec sa clé de contrôle (NNNNNNNN-C), vérifiée puis retirée.",
        C,
        "code_cpv",
    ),
    Rule(
        "cpv_cle_invalide",
        "La clé de contrôle du code CPV ne correspond pas au code : le code est conservé, à vérifier.",
        S,
        "code_cpv",
    ),
    Rule(
        "cpv_zero_perdu",
        "Code CPV de 7 chiffres : le zéro initial perdu a été rétabli (le code à 8 chiffres existe dans la nomenclature).",
        C,
        "code_cpv",
    ),
    Rule(
        "cpv_invalide",
        "Code CPV mal formé (ni 8 chiffres, ni 7 chiffres récupérables) : inutilisable, mis à vide.",
        S,
        "code_cpv",
    ),
    Rule(
        "cpv_inconnu",
        "Code CPV bien formé mais absent de la nomenclature CPV 2008 : conservé, à vérifier.",
        S,
        "code_cpv",
    ),
    Rule("cpv_absent", "Code CPV absent (champ obligatoire).", S, "code_cpv"),
    # Enumerations
    Rule(
        "libelle_variante",
        "Valeur écrite autrement que le libellé officiel (majuscules, accents ou apostrophes différents, trait d'union) : remplacée par le libellé officiel.",
        C,
        _ENUM_COLS,
    ),
    Rule(
        "libelle_ancien",
        "Libellé de procédure de l'ancien format (1.4), remplacé par le libellé actuel équivalent.",
        C,
        "procedure",
    ),
    Rule(
        "prix_2019",
        "Forme de prix du format 2019 (Ferme, Ferme et actualisable, Révisable) traduite en type de prix du format 2022.",
        C,
        "types_prix",
    ),
    Rule(
        "nature_2019",
        "Nature du format 2019 (« Accord-cadre », « Marché subséquent ») traduite dans le format 2022 : nature « Marché » avec la technique « Accord-cadre » ou la modalité « Marchés subséquents ».",
        C,
        "nature, techniques, modalites_execution",
    ),
    Rule(
        "libelle_inconnu",
        "Valeur hors de la liste officielle : ignorée (mise à vide), la valeur d'origine est conservée.",
        S,
        _ENUM_COLS,
    ),
    Rule(
        "considerations_contradictoires",
        "« Pas de considération sociale/environnementale » déclaré en même temps qu'une clause ou un critère : déclaration contradictoire.",
        S,
        "considerations_sociales, considerations_environnementales",
    ),
    Rule(
        "non_communique",
        "Valeur « NC » (non communiqué) à la place d'une donnée : mise à vide.",
        S,
        "offres_recues, duree_mois, marche_innovant, ccag, considerations_sociales, attribution_avance, sous_traitance_declaree, montant, taux_avance",
    ),
    # Dates
    Rule(
        "date_fuseau",
        "Date écrite avec un fuseau horaire ou une heure (« 2019-04-25+02:00 ») : seule la date est gardée.",
        C,
        _DATE_COLS,
    ),
    Rule("date_jj_mm_aaaa", "Date écrite JJ/MM/AAAA, convertie.", C, _DATE_COLS),
    Rule("date_anglaise", "Date écrite à l'anglaise (« September, 16 2021 ») : convertie.", C, _DATE_COLS),
    Rule("date_impossible", "Année impossible (0224, 2924…) : date mise à vide.", S, _DATE_COLS),
    Rule(
        "date_future",
        "Date postérieure à la date d'import : impossible pour une notification ou une publication, mise à vide.",
        S,
        _DATE_COLS,
    ),
    Rule("date_illisible", "Date illisible : mise à vide.", S, _DATE_COLS),
    Rule(
        "date_manquante",
        "Date de notification ou de publication absente (champ obligatoire).",
        S,
        "date_notification, date_publication_donnees",
    ),
    Rule(
        "date_publication_avant_notification",
        "Données publiées avant la notification du contrat : l'une des deux dates est fausse.",
        S,
        "date_publication_donnees, date_notification",
    ),
    # Numbers
    Rule(
        "montant_texte",
        "Montant écrit comme un texte (« 137 614,00 ») : lu comme un nombre, sans changer sa valeur.",
        C,
        "montant, montant_subvention_publique",
    ),
    Rule("montant_illisible", "Montant illisible : mis à vide.", S, "montant, montant_subvention_publique"),
    Rule("montant_symbolique", "Montant de 0 ou 1 € : valeur symbolique, pas le vrai montant.", S, "montant"),
    Rule(
        "montant_faible",
        "Montant inférieur à 1 000 € alors que les données essentielles concernent les contrats d'au moins 25 000 € : peut-être une erreur d'unité, à vérifier (compté dans les sommes).",
        V,
        "montant",
    ),
    Rule(
        "montant_sentinelle",
        "Montant « bouche-trou » (999 999 999, 123 456 789, une suite de chiffres comme 123 456,78, 9 876 543,21 ou 111 111,21…) : pas le vrai montant.",
        S,
        "montant",
    ),
    Rule("montant_excessif", "Montant supérieur à 10 milliards d'euros : erreur de saisie ou d'unité.", S, "montant"),
    Rule(
        "montant_erreur_mille",
        "Montant qui vaut 1 000 fois (ou un millième) celui des autres états du même contrat (une copie ou une modification quand le montant est atypique, au moins deux sinon) : erreur d'unité prouvée, pas le vrai montant.",
        S,
        "montant",
    ),
    Rule(
        "montant_erreur_mille_plafond",
        "Procédure adaptée à plus de 30 fois le seuil européen de sa nature, au-delà de ce que la loi permet à cette procédure (hors services sociaux et spécifiques), alors que le montant divisé par 1 000 y serait cohérent : erreur d'unité (×1000) prouvée par le plafond légal, pas le vrai montant.",
        S,
        "montant",
    ),
    Rule(
        "montant_inferieur_sous_traitance",
        "Montant inférieur de plus de moitié à celui d'un acte de sous-traitance du même marché : impossible, le titulaire ne peut sous-traiter que « certaines parties » de son marché (code de la commande publique, art. L. 2193-3) ; pas le vrai montant (souvent saisi en milliers d'euros).",
        S,
        "montant",
    ),
    Rule(
        "montant_atypique",
        "Montant très éloigné de ceux des contrats comparables (même division CPV et même nature) : à vérifier (compté dans les sommes).",
        V,
        "montant",
    ),
    Rule(
        "montant_negatif",
        "Montant de subvention publique négatif : impossible, à vérifier.",
        S,
        "montant_subvention_publique",
    ),
    Rule(
        "entier_illisible",
        "Nombre entier attendu mais illisible ou décimal : mis à vide.",
        S,
        "offres_recues, duree_mois",
    ),
    Rule("entier_hors_bornes", "Nombre inférieur au minimum autorisé : mis à vide.", S, "offres_recues, duree_mois"),
    Rule(
        "offres_recues_zero",
        "Nombre d'offres reçues égal à 0 alors qu'un contrat a été attribué : mis à vide.",
        S,
        "offres_recues",
    ),
    Rule("duree_invalide", "Durée de 0 mois ou négative : mise à vide.", S, "duree_mois"),
    Rule(
        "booleen_texte",
        "Oui/non écrit en texte (« oui », « non », « 1 », « 0 ») : converti.",
        C,
        "marche_innovant, attribution_avance, sous_traitance_declaree",
    ),
    Rule(
        "booleen_illisible",
        "Oui/non illisible : mis à vide.",
        S,
        "marche_innovant, attribution_avance, sous_traitance_declaree",
    ),
    Rule(
        "taux_avance_pourcentage",
        "Taux d'avance donné en pourcentage (5 pour 5 %) : converti en proportion (0,05).",
        C,
        "taux_avance",
    ),
    Rule(
        "origine_pourcentage",
        "Part d'origine donnée en pourcentage (80 pour 80 %) : convertie en proportion (0,8).",
        C,
        "origine_ue, origine_france",
    ),
    Rule(
        "taux_hors_bornes", "Taux ou part hors de 0-100 % : mis à vide.", S, "taux_avance, origine_ue, origine_france"
    ),
    Rule(
        "origine_france_superieure",
        "Part d'origine France supérieure à la part d'origine UE (la France est dans l'UE).",
        S,
        "origine_ue, origine_france",
    ),
    Rule(
        "nombre_texte",
        "Nombre écrit comme un texte (virgule décimale, espaces) : lu comme un nombre.",
        C,
        "taux_avance, origine_ue, origine_france, offres_recues, duree_mois",
    ),
    Rule("nombre_illisible", "Nombre illisible : mis à vide.", S, "taux_avance, origine_ue, origine_france"),
    # Text
    Rule(
        "texte_mojibake",
        "Caractères accentués abîmés par un mauvais encodage (« rÃ©novation ») : réparés (« rénovation »).",
        C,
        _TEXT_COLS,
    ),
    Rule(
        "texte_caracteres_perdus",
        "Caractères accentués perdus à la source (remplacés par « � ») : impossible à réparer, texte conservé.",
        S,
        _TEXT_COLS,
    ),
    Rule(
        "texte_html",
        "Codes HTML dans le texte (« &#039; », « <br /> ») : remplacés par le caractère voulu.",
        C,
        _TEXT_COLS,
    ),
    Rule("texte_controle", "Caractères de contrôle invisibles retirés du texte.", C, _TEXT_COLS),
]
RULES: dict[str, Rule] = {r.code: r for r in _RULES}
READER_CODES = (
    "forme_enveloppe",
    "titulaires_forme",
    "champs_hors_schema",
    "titulaires_imbriques",
    "titulaires_illisibles",
    "titulaires_vides",
    "titulaires_absents",
    "acheteur_cle_pointee",
    "valeur_composee",
    "tabulaire_etats_multiples",
)


def amount_unknowable_codes() -> tuple[str, ...]:
    """Codes that say a contract's amount cannot be its true amount: the "signalement" rules about `montant`
    alone (the read side's `unusable_amount_codes` applies the same definition)."""
    return tuple(
        sorted(
            code
            for code, rule in RULES.items()
            if rule.kind == S
            and all(f.strip().startswith("montant") for f in rule.field.split(","))
            and "montant" in [f.strip() for f in rule.field.split(",")]
        )
    )


def count_rules(qualite: pl.Series | Iterable[list[str] | None]) -> dict[str, int]:
    """Number of records carrying each rule code (a record counts once per code), most frequent first."""
    if isinstance(qualite, pl.Series):
        exploded = qualite.list.unique().explode().drop_nulls()
        counts = exploded.value_counts(sort=True)
        return {row[0]: int(row[1]) for row in counts.iter_rows()}
    counter: Counter[str] = Counter()
    for codes in qualite:
        counter.update(set(codes or ()))
    return dict(counter.most_common())
