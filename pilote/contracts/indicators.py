"""The cockpit's indicators: pure, documented functions over the aggregates computed by `queries`.

Each indicator returns a `Valeur`: the value, the number of contracts whose field is filled (its coverage:
many DECP fields are often empty) out of the contracts in scope, and for amounts how many contracts were
left out because their amount is flagged as an anomaly. A share is computed over the contracts whose field is
filled, never over all contracts (an empty field is "unknown", not "no"). Formulas: docs/indicateurs.md.

A share also carries its base (the contracts it is computed over) and, when it counts contracts, a Wilson 95 %
interval; below `MIN_BASE` contracts in its base it is "insufficient": pages print "échantillon insuffisant"
instead of a percentage, and no colour code nor target progress is computed from it.
"""

import math
from dataclasses import dataclass, replace

from pilote.reglementation import seuils


# Below this many contracts in its base (contracts whose field is filled), a share is not shown as a headline:
# with 30 contracts the Wilson 95 % interval of a 50 % share is still 33-67 %, with 3 it is 9-91 %.
MIN_BASE = 30
Z_95 = 1.959963984540054


def wilson(num: int, base: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval (95 % by default) of the share num / base; None without a base."""
    if base <= 0:
        return None
    p = num / base
    denominator = 1 + z * z / base
    centre = (p + z * z / (2 * base)) / denominator
    half = z * math.sqrt(p * (1 - p) / base + z * z / (4 * base * base)) / denominator
    low = 0.0 if num <= 0 else max(0.0, centre - half)
    high = 1.0 if num >= base else min(1.0, centre + half)
    return low, high


def insuffisant(base: int | None) -> bool:
    """Whether a share computed over `base` contracts is below the minimum base (`MIN_BASE`); a share over no
    contract at all (base 0 or unknown) is insufficient too."""
    return (base or 0) < MIN_BASE


@dataclass(frozen=True)
class Valeur:
    valeur: float | None
    renseignes: int  # contracts in scope whose field(s) are filled
    total: int  # contracts in scope
    unite: str = "part"  # "part" (0-1), "nombre", "euros", "indice"
    exclus: int = 0  # contracts left out of an amount because their amount is an anomaly
    numerateur: int | None = None  # for a share: the contracts counted (drill-down target)
    a_verifier: float | None = None  # for a total: the part of it whose amounts are flagged for review
    n_a_verifier: int = 0  # for a total: the contracts whose amount is flagged for review (still counted)
    subsequents: float | None = None  # for a total: amounts of marchés subséquents left out (accord-cadre counted)
    n_subsequents: int = 0

    @property
    def couverture(self) -> float | None:
        return self.renseignes / self.total if self.total else None

    @property
    def base(self) -> int:
        """The contracts the value is computed over (those whose field is filled)."""
        return self.renseignes

    @property
    def intervalle(self) -> tuple[float, float] | None:
        """Wilson 95 % interval of a share that counts contracts (None for amounts, means and weighted shares)."""
        if self.unite != "part" or self.numerateur is None or self.valeur is None:
            return None
        return wilson(self.numerateur, self.renseignes)

    @property
    def insuffisant(self) -> bool:
        """A share over fewer than MIN_BASE contracts: shown as "échantillon insuffisant", never coloured nor
        compared with a target; a share over no contract (base 0) is insufficient too."""
        return self.unite == "part" and insuffisant(self.renseignes)

    @property
    def affichable(self) -> float | None:
        """The value to compare with a threshold or a target: None when unknown or insufficient."""
        return None if self.insuffisant else self.valeur

    def as_json(self) -> dict:
        interval = self.intervalle
        return {
            "valeur": self.valeur,
            "couverture": self.couverture,
            "renseignes": self.renseignes,
            "total": self.total,
            "unite": self.unite,
            "exclus_montant_anomalie": self.exclus,
            "montant_a_verifier": self.a_verifier,
            "n_montant_a_verifier": self.n_a_verifier,
            "montant_marches_subsequents": self.subsequents,
            "n_marches_subsequents": self.n_subsequents,
            "numerateur": self.numerateur,
            "base": self.base,
            "intervalle": list(interval) if interval else None,
            "insuffisant": self.insuffisant,
            "base_minimum": MIN_BASE,
        }


def _n(agg, key) -> int:
    return int(agg.get(key) or 0)


def _share(num, den) -> float | None:
    return num / den if den else None


def _part(agg, num_key, den_key) -> Valeur:
    num, den = _n(agg, num_key), _n(agg, den_key)
    return Valeur(_share(num, den), den, _n(agg, "n"), "part", numerateur=num)


def part_ligne(row, num_key: str, base_key: str) -> Valeur:
    """A share of one row of a breakdown (a year, a procedure, a nature, a division) as a Valeur: its numerator,
    base (the row's contracts whose field is filled), Wilson interval and insufficiency, as every headline."""
    return _part(row, num_key, base_key)


def _part_montant(agg, num_key, den_key) -> Valeur:
    num, den = float(agg.get(num_key) or 0), float(agg.get(den_key) or 0)
    return Valeur(
        _share(num, den),
        _n(agg, den_key.replace("montant_", "n_")),
        _n(agg, "n"),
        "part",
        _n(agg, "n_montant_anomalie"),
    )


# 1. Volume
def nb_contrats(agg) -> Valeur:
    """Number of contracts in scope (one per contract after deduplication)."""
    return Valeur(_n(agg, "n"), _n(agg, "n"), _n(agg, "n"), "nombre")


def _amount(agg, key) -> Valeur:
    value = agg.get(key)
    return Valeur(
        float(value) if value is not None else None,
        _n(agg, "n_montant_ok"),
        _n(agg, "n"),
        "euros",
        _n(agg, "n_montant_anomalie"),
    )


def montant_total(agg) -> Valeur:
    """Sum of the initial amounts (HT) of the contracts whose amount is filled and usable (semantics), marchés
    subséquents of accords-cadres left out (their accord-cadre counts them; their sum is given beside), with the
    part of it whose amounts are flagged for review (unusual, kept in the sum)."""
    return replace(
        _amount(agg, "montant_total"),
        a_verifier=float(agg.get("montant_a_verifier") or 0),
        n_a_verifier=_n(agg, "n_montant_a_verifier"),
        subsequents=float(agg.get("montant_subsequent") or 0),
        n_subsequents=_n(agg, "n_montant_subsequent"),
    )


def montant_median(agg) -> Valeur:
    """Median amount over the same contracts as montant_total."""
    return _amount(agg, "montant_median")


# 2. Responsible purchasing
def part_consideration_sociale(agg) -> Valeur:
    """Contracts with at least one social consideration (clause, critère, marché/concession réservé) over the
    contracts whose considérations sociales are filled."""
    return _part(agg, "n_soc", "n_soc_renseigne")


def part_consideration_sociale_montant(agg) -> Valeur:
    """Same as part_consideration_sociale, weighted by trustworthy amount."""
    return _part_montant(agg, "montant_soc", "montant_soc_renseigne")


def part_consideration_environnementale(agg) -> Valeur:
    """Contracts with an environmental clause or criterion over those whose field is filled."""
    return _part(agg, "n_env", "n_env_renseigne")


def part_consideration_environnementale_montant(agg) -> Valeur:
    return _part_montant(agg, "montant_env", "montant_env_renseigne")


def part_clause_sociale(agg) -> Valeur:
    return _part(agg, "n_soc_clause", "n_soc_renseigne")


def part_critere_social(agg) -> Valeur:
    return _part(agg, "n_soc_critere", "n_soc_renseigne")


def part_marche_reserve(agg) -> Valeur:
    return _part(agg, "n_soc_reserve", "n_soc_renseigne")


def part_clause_environnementale(agg) -> Valeur:
    return _part(agg, "n_env_clause", "n_env_renseigne")


def part_critere_environnemental(agg) -> Valeur:
    return _part(agg, "n_env_critere", "n_env_renseigne")


def part_innovant(agg) -> Valeur:
    """Contracts declared innovative over those where marché innovant is filled."""
    return _part(agg, "n_innovant", "n_innovant_renseigne")


# 3. Obligations
def nb_art35_a_verifier(agg) -> Valeur:
    """Contracts notified from the loi Climat et Résilience art. 35 date without any environmental
    consideration: "à vérifier" (DECP has no launch date). Coverage: contracts notified from that date."""
    return Valeur(_n(agg, "n_art35"), _n(agg, "n_apres_art35"), _n(agg, "n"), "nombre", numerateur=_n(agg, "n_art35"))


def nb_ue_sans_social(agg) -> Valeur:
    """Contracts at or above the EU threshold in force on their notification date without social
    consideration. Coverage: contracts with a trustworthy amount at or above the threshold."""
    return Valeur(
        _n(agg, "n_ue_sans_social"),
        _n(agg, "n_au_dessus_ue"),
        _n(agg, "n"),
        "nombre",
        _n(agg, "n_montant_anomalie"),
        numerateur=_n(agg, "n_ue_sans_social"),
    )


def part_publication_tardive(agg) -> Valeur:
    """Contracts published more than two months after notification over those with both dates."""
    return _part(agg, "n_publication_tardive", "n_dates")


# 4. Competition
def nb_offres_moyen(agg) -> Valeur:
    """Mean number of offers received over the contracts where it is filled."""
    value = agg.get("offres_moyenne")
    return Valeur(float(value) if value is not None else None, _n(agg, "n_offres_renseigne"), _n(agg, "n"), "nombre")


def taux_offre_unique(agg) -> Valeur:
    """Contracts that received exactly one offer over those where offres reçues is filled."""
    return _part(agg, "n_offre_unique", "n_offres_renseigne")


def couleur_offre_unique(taux: float | None) -> str:
    """European Commission's Single Market Scoreboard colour for single bidding: ≤ 10 % green, > 20 % red,
    in between orange."""
    if taux is None:
        return "inconnu"
    if taux <= 0.10:
        return "vert"
    return "rouge" if taux > 0.20 else "orange"


def part_sans_publicite(agg) -> Valeur:
    """Contracts passed without publicity or competition over those whose procedure is filled."""
    return _part(agg, "n_sans_publicite", "n_procedure_renseigne")


def part_procedure_adaptee(agg) -> Valeur:
    return _part(agg, "n_procedure_adaptee", "n_procedure_renseigne")


# 5. Access
def part_groupement(agg) -> Valeur:
    """Contracts awarded to a groupement (conjoint or solidaire) over those where the field is filled."""
    return _part(agg, "n_groupement", "n_groupement_renseigne")


def part_sous_traitance(agg) -> Valeur:
    return _part(agg, "n_sous_traitance", "n_sous_traitance_renseigne")


def part_avance(agg) -> Valeur:
    return _part(agg, "n_avance", "n_avance_renseigne")


def part_pme(agg) -> Valeur:
    """Contracts whose first titulaire is an SME (INSEE category "PME") over those whose titulaire's category
    is known (DECP consolidated data, else the organisation's SIRENE extract)."""
    return _part(agg, "n_pme", "n_pme_renseigne")


def part_pme_montant(agg) -> Valeur:
    return _part_montant(agg, "montant_pme", "montant_pme_renseigne")


def part_locale(agg) -> Valeur:
    """Contracts whose first titulaire is in the buyer's département over those where both départements are
    known (DECP consolidated data, else the organisation's SIRENE extract)."""
    return _part(agg, "n_locale", "n_locale_renseigne")


def part_locale_montant(agg) -> Valeur:
    return _part_montant(agg, "montant_locale", "montant_locale_renseigne")


# 7. Evolution
def part_modifies(agg) -> Valeur:
    """Contracts with at least one modification over all contracts (a missing list means none)."""
    return Valeur(
        _share(_n(agg, "n_modifies"), _n(agg, "n")),
        _n(agg, "n"),
        _n(agg, "n"),
        "part",
        numerateur=_n(agg, "n_modifies"),
    )


def hausse_par_modifications(evo, total: int) -> Valeur:
    """Relative growth of the amount through modifications: (Σ final − Σ initial) / Σ initial, over the
    contracts with a trustworthy initial amount whose modifications state a new amount."""
    initial, final = float(evo.get("montant_initial") or 0), float(evo.get("montant_final") or 0)
    return Valeur(_share(final - initial, initial), _n(evo, "n_avec_montant_modifie"), total, "part")


# 8. Data quality
def part_signalement(agg) -> Valeur:
    """Contracts carrying at least one "signalement" quality flag over all contracts."""
    return _part(agg, "n_signalement", "n")


def part_signalement_hors_absence(agg) -> Valeur:
    """Contracts carrying a "signalement" code other than a missing field's (semantics.ABSENCE_CODES: a format
    without the column flags all its contracts) over all contracts: shown beside part_signalement."""
    return _part(agg, "n_signalement_hors_absence", "n")


# 6. Concentration
def hhi(shares) -> float | None:
    """Herfindahl-Hirschman index on the 0-10 000 scale: Σ (100 × share)² over the suppliers' shares."""
    shares = list(shares)
    if not shares:
        return None
    return sum((100 * s) ** 2 for s in shares)


def hhi_label(value: float | None) -> str:
    """Reading of the HHI used by competition authorities: < 1 500 low, 1 500-2 500 moderate, > 2 500 high."""
    if value is None:
        return "inconnu"
    if value < 1500:
        return "faible"
    return "forte" if value > 2500 else "modérée"


def part_premiers(amounts, total: float, k: int = 5) -> float | None:
    """Share of the k largest suppliers in the total amount."""
    if not total:
        return None
    return sum(sorted(amounts, reverse=True)[:k]) / total


# Targets and peers
def progression(valeur: float | None, cible: float | None) -> float | None:
    """How far a share is towards its target (1 = reached), capped at 1."""
    if valeur is None or not cible:
        return None
    return min(valeur / cible, 1.0)


def rank_and_percentile(value, values, higher_is_better: bool = True) -> tuple[int | None, float | None]:
    """Rank (1 = best) of `value` among `values` (itself included) and its percentile (share of the values
    it does at least as well as, 0-100)."""
    known = [v for v in values if v is not None]
    if value is None or not known:
        return None, None
    better = sum(1 for v in known if (v > value if higher_is_better else v < value))
    not_better = sum(1 for v in known if (v <= value if higher_is_better else v >= value))
    return better + 1, 100 * not_better / len(known)


PNAD_TARGETS = {
    "part_consideration_environnementale": float(seuils.PNAD_CIBLE_ENVIRONNEMENT),
    "part_consideration_sociale": float(seuils.PNAD_CIBLE_SOCIAL),
}

# The catalogue shown by the cockpit and the API: (code, French label, group, function, drill-down key,
# whether a higher value is better — for peer ranking).
CATALOGUE = [
    ("nb_contrats", "Contrats", "Volume", nb_contrats, "tous", True),
    ("montant_total", "Montant total initial (HT)", "Volume", montant_total, "tous", True),
    ("montant_median", "Montant médian initial (HT)", "Volume", montant_median, "tous", True),
    ("part_consideration_sociale", "Avec considération sociale", "Achat responsable", part_consideration_sociale, "sociale", True),
    ("part_consideration_sociale_montant", "Avec considération sociale (en montant)", "Achat responsable", part_consideration_sociale_montant, "sociale", True),
    ("part_consideration_environnementale", "Avec considération environnementale", "Achat responsable", part_consideration_environnementale, "environnementale", True),
    ("part_consideration_environnementale_montant", "Avec considération environnementale (en montant)", "Achat responsable", part_consideration_environnementale_montant, "environnementale", True),
    ("part_clause_sociale", "Clause sociale", "Achat responsable", part_clause_sociale, "sociale", True),
    ("part_critere_social", "Critère social", "Achat responsable", part_critere_social, "sociale", True),
    ("part_marche_reserve", "Marché ou concession réservé", "Achat responsable", part_marche_reserve, "sociale", True),
    ("part_clause_environnementale", "Clause environnementale", "Achat responsable", part_clause_environnementale, "environnementale", True),
    ("part_critere_environnemental", "Critère environnemental", "Achat responsable", part_critere_environnemental, "environnementale", True),
    ("part_innovant", "Marchés innovants", "Achat responsable", part_innovant, "innovant", True),
    ("nb_art35_a_verifier", "Loi Climat et Résilience art. 35 : à vérifier", "Obligations", nb_art35_a_verifier, "art35", False),
    ("nb_ue_sans_social", "Au-dessus du seuil européen sans considération sociale", "Obligations", nb_ue_sans_social, "ue_sans_social", False),
    ("part_publication_tardive", "Publiés plus de 2 mois après notification", "Obligations", part_publication_tardive, "publication_tardive", False),
    ("nb_offres_moyen", "Nombre moyen d'offres", "Concurrence", nb_offres_moyen, "tous", True),
    ("taux_offre_unique", "Offre unique", "Concurrence", taux_offre_unique, "offre_unique", False),
    ("part_sans_publicite", "Sans publicité ni mise en concurrence", "Concurrence", part_sans_publicite, "sans_publicite", False),
    ("part_procedure_adaptee", "Procédures adaptées", "Concurrence", part_procedure_adaptee, "procedure_adaptee", True),
    ("part_groupement", "Attribués à un groupement", "Accès", part_groupement, "groupement", True),
    ("part_sous_traitance", "Sous-traitance déclarée", "Accès", part_sous_traitance, "sous_traitance", True),
    ("part_avance", "Avance attribuée", "Accès", part_avance, "avance", True),
    ("part_pme", "Attribués à une PME", "Accès", part_pme, "pme", True),
    ("part_pme_montant", "Attribués à une PME (en montant)", "Accès", part_pme_montant, "pme", True),
    ("part_locale", "Titulaire dans le département de l'acheteur", "Accès", part_locale, "locale", True),
    ("part_locale_montant", "Titulaire dans le département de l'acheteur (en montant)", "Accès", part_locale_montant, "locale", True),
    ("part_modifies", "Contrats modifiés", "Évolution", part_modifies, "modifies", False),
    ("part_signalement", "Avec un signalement qualité", "Qualité des données", part_signalement, "tous", False),
]  # fmt: skip


def compute_all(agg) -> dict[str, Valeur]:
    """Every catalogue indicator over one overview aggregate."""
    return {code: func(agg) for code, _label, _group, func, _drill, _hib in CATALOGUE}
