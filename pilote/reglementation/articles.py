"""Articles of law cited by the UI (contract modifications, negotiation, sourcing), kept as dated data.

Each article is valid on [valid_from, valid_to] (None = in force): a modification is judged with the rules of its
own date. `summary` is our own summary of the article, never presented as its wording. `verified_from` says where
the article's wording was read to check that summary (a published reproduction of the text, with its date when
known); empty means the summary could not be checked against the text: the UI then says « texte non vérifié —
consulter Légifrance » with `legifrance_url` instead of presenting the summary as authoritative. Légifrance itself
was not reachable from here: the checks are on reproductions that cite it as their source.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone


CCP_START = date(2019, 4, 1)  # entry into force of the Code de la commande publique
CHECKED_ON = "05/12/2026"  # date the reproductions below were read

# Légifrance addresses: the code's table of contents, or the article itself when its identifier was read in a
# reproduction (doctrine.fr gives the LEGIARTI identifiers of R. 2194-1 and R. 2194-8).
CCP = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019/"
CGCT = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070633/"
CCP_L2194 = "https://www.legifrance.gouv.fr/codes/section_lc/LEGITEXT000037701019/LEGISCTA000037703839/"


def _legiarti(identifier: str) -> str:
    return f"https://www.legifrance.gouv.fr/codes/article_lc/{identifier}"


@dataclass(frozen=True)
class Article:
    code: str
    citation: str
    summary: str
    valid_from: date
    valid_to: date | None = None
    share: Decimal | None = None
    verified_from: str = ""
    legifrance_url: str = CCP

    def applies_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def verified(self) -> bool:
        return bool(self.verified_from)


ARTICLES: tuple[Article, ...] = (
    Article(
        "L2194-1",
        "CCP art. L. 2194-1",
        "Un marché peut être modifié sans nouvelle procédure de mise en concurrence dans les seuls cas prévus : "
        "modifications prévues dans les documents contractuels initiaux, prestations supplémentaires devenues "
        "nécessaires, circonstances imprévues, nouveau titulaire, modifications non substantielles, modifications "
        "de faible montant ; elles ne peuvent changer la nature globale du marché.",
        CCP_START,
        verified_from=f"legifrance.gouv.fr, section « Modification du marché » (L2194-1 à L2194-3), lu le {CHECKED_ON}",
        legifrance_url=CCP_L2194,
    ),
    Article(
        "R2194-1",
        "CCP art. R. 2194-1",
        "Modification prévue dans les documents contractuels initiaux sous la forme de clauses de réexamen, dont des "
        "clauses de variation du prix, ou d'options claires, précises et sans équivoque, qui indiquent le champ "
        "d'application et la nature des modifications ou options envisageables ainsi que les conditions dans "
        "lesquelles il peut en être fait usage.",
        CCP_START,
        verified_from=f"doctrine.fr (LEGIARTI000037729565, version du 01/04/2019) et code-commande-publique.com, "
        f"lus le {CHECKED_ON}",
        legifrance_url=_legiarti("LEGIARTI000037729565"),
    ),
    Article(
        "R2194-3",
        "CCP art. R. 2194-3",
        "Prestations supplémentaires (R. 2194-2) : pour un pouvoir adjudicateur, le montant de la modification ne "
        "peut être supérieur à 50 % du montant du marché initial ; en cas de modifications successives, la limite "
        "s'applique au montant de chaque modification, qui ne doivent pas contourner les obligations de publicité "
        "et de mise en concurrence.",
        CCP_START,
        share=Decimal("0.50"),
        verified_from=f"marche-public.fr (reproduction « Source : Legifrance », mise à jour du 12/11/2023), lu le "
        f"{CHECKED_ON}",
    ),
    Article(
        "R2194-4",
        "CCP art. R. 2194-4",
        "Article auquel renvoient R. 2194-5 et R. 2194-8 ; son texte n'a pas pu être relu (la règle des "
        "modifications successives citée auparavant sous ce numéro figure en fait à l'article R. 2194-3).",
        CCP_START,
    ),
    Article(
        "R2194-5",
        "CCP art. R. 2194-5",
        "Modification rendue nécessaire par des circonstances qu'un acheteur diligent ne pouvait pas prévoir : les "
        "articles R. 2194-3 et R. 2194-4 s'appliquent (50 % par modification pour un pouvoir adjudicateur).",
        CCP_START,
        share=Decimal("0.50"),
        verified_from=f"weka.fr (« Source : DILA, 20/01/2025 ») et marche-public.fr, lus le {CHECKED_ON}",
    ),
    Article(
        "R2194-6",
        "CCP art. R. 2194-6",
        "Nouveau titulaire : en application d'une clause de réexamen ou d'une option (R. 2194-1), ou par cession à "
        "la suite d'une restructuration du titulaire initial, sans autre modification substantielle, le nouveau "
        "titulaire remplissant les conditions de participation initiales.",
        CCP_START,
        verified_from=f"code-commande-publique.com, lu le {CHECKED_ON}",
    ),
    Article(
        "R2194-7",
        "CCP art. R. 2194-7",
        "Une modification non substantielle est permise quel que soit son montant. Elle est substantielle "
        "notamment lorsqu'au moins une des quatre conditions du questionnaire est remplie.",
        CCP_START,
        verified_from=f"marche-public.fr (« Source : Legifrance », 12/11/2023) et code-commande-publique.com, lus le "
        f"{CHECKED_ON}",
    ),
    Article(
        "R2194-8",
        "CCP art. R. 2194-8",
        "Modification de faible montant : inférieure aux seuils européens et à 10 % du montant initial "
        "(services, fournitures) ou 15 % (travaux), sans vérifier les conditions de l'article R. 2194-7.",
        CCP_START,
        verified_from=f"doctrine.fr (LEGIARTI000037729541, en vigueur le 01/04/2019) et marche-public.fr, lus le "
        f"{CHECKED_ON}",
        legifrance_url=_legiarti("LEGIARTI000037729541"),
    ),
    Article(
        "R2194-9",
        "CCP art. R. 2194-9",
        "Modifications successives de faible montant (R. 2194-8) : l'acheteur prend en compte leur montant cumulé.",
        CCP_START,
        verified_from=f"phrase citée entre guillemets par sensei-avocats.fr (29/03/2023) et maires51.fr (réponse "
        f"ministérielle JO Sénat du 30/03/2023), lus le {CHECKED_ON}",
    ),
    Article(
        "L1414-4",
        "CGCT art. L. 1414-4",
        "Tout projet d'avenant à un marché public entraînant une augmentation du montant global supérieure à 5 % "
        "est soumis pour avis à la commission d'appel d'offres ; pas applicable aux marchés qui ne sont pas soumis "
        "à la commission d'appel d'offres.",
        date(2016, 4, 1),
        share=Decimal("0.05"),
        verified_from=f"code-commande-publique.com (version modifiée par l'ordonnance n° 2015-899), lu le "
        f"{CHECKED_ON}",
        legifrance_url=CGCT,
    ),
    Article(
        "R2161-17",
        "CCP art. R. 2161-17",
        "Procédure avec négociation : le pouvoir adjudicateur négocie avec tous les soumissionnaires leurs offres "
        "initiales et ultérieures (sauf les offres finales) ; les exigences minimales et les critères d'attribution "
        "ne peuvent faire l'objet de négociations.",
        CCP_START,
        verified_from=f"marche-public.info (« Source : Legifrance 30/09/19 ») et code-commande-publique.com, lus le "
        f"{CHECKED_ON}",
    ),
    Article(
        "R2111-1",
        "CCP art. R. 2111-1",
        "Sourçage : pour préparer la passation, l'acheteur peut consulter, réaliser des études de marché, solliciter "
        "des avis ou informer les opérateurs économiques de son projet ; il en utilise les résultats à condition de "
        "ne pas fausser la concurrence ni méconnaître les principes de l'article L. 3.",
        CCP_START,
        verified_from=f"marche-public.fr (« Source : Legifrance », 12/11/2023) et marche-public.info, lus le "
        f"{CHECKED_ON}",
    ),
    Article(
        "DECP",
        "CCP art. R. 2196-1 ; arrêté du 22 décembre 2022 (données essentielles)",
        "Les modifications sont publiées dans les données essentielles du marché, dans les deux mois de leur "
        "notification.",
        date(2020, 1, 1),
    ),
)


def article(code: str, on: date | None = None) -> Article:
    """The article `code` in force on `on` (today by default)."""
    on = on or timezone.localdate()
    for entry in ARTICLES:
        if entry.code == code and entry.applies_on(on):
            return entry
    raise LookupError(f"Aucun article « {code} » en vigueur le {on:%d/%m/%Y}.")


def articles_in_force(codes=None, on: date | None = None) -> list[Article]:
    """The articles in force on `on`, all of them or those of `codes` in that order."""
    on = on or timezone.localdate()
    wanted = codes or [a.code for a in ARTICLES]
    return [article(code, on) for code in wanted]
