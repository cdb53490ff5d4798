"""The articles that draw the edges of a contract modification, kept as dated data with their citation.

Each rule is valid on [valid_from, valid_to] (None = in force): a modification is judged with the rules of its own
date. Shares are fractions of the initial amount (0.50 = 50 %). The de minimis shares (R. 2194-8) and the EU
thresholds stay in pilote.reglementation.seuils (one definition); the texts quoted here were checked against the
published article texts listed in docs/evolutions.md.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils import timezone


CCP_START = date(2019, 4, 1)  # entry into force of the Code de la commande publique


@dataclass(frozen=True)
class Article:
    code: str
    citation: str
    summary: str
    valid_from: date
    valid_to: date | None = None
    share: Decimal | None = None

    def applies_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


ARTICLES: tuple[Article, ...] = (
    Article(
        "L2194-1",
        "CCP art. L. 2194-1",
        "Un marché peut être modifié sans nouvelle procédure dans les seuls cas prévus : modifications prévues "
        "(clause de réexamen, option), prestations supplémentaires, circonstances imprévues, nouveau titulaire, "
        "modifications non substantielles, modifications de faible montant.",
        CCP_START,
    ),
    Article(
        "R2194-1",
        "CCP art. R. 2194-1",
        "Modification prévue dans les documents contractuels initiaux sous la forme de clauses de réexamen ou "
        "d'options claires, précises et sans équivoque, qui indiquent le champ d'application, la nature des "
        "modifications et les conditions dans lesquelles il peut en être fait usage.",
        CCP_START,
    ),
    Article(
        "R2194-3",
        "CCP art. R. 2194-3",
        "Prestations supplémentaires (R. 2194-2) : pour un pouvoir adjudicateur, le montant de chaque "
        "modification ne peut être supérieur à 50 % du montant du marché initial.",
        CCP_START,
        share=Decimal("0.50"),
    ),
    Article(
        "R2194-4",
        "CCP art. R. 2194-4",
        "Modifications successives : la limite de 50 % s'applique au montant de chaque modification ; elles ne "
        "doivent pas avoir pour objet de contourner les obligations de publicité et de mise en concurrence.",
        CCP_START,
    ),
    Article(
        "R2194-5",
        "CCP art. R. 2194-5",
        "Circonstances qu'un acheteur diligent ne pouvait pas prévoir : les articles R. 2194-3 et R. 2194-4 "
        "s'appliquent (50 % par modification pour un pouvoir adjudicateur).",
        CCP_START,
        share=Decimal("0.50"),
    ),
    Article(
        "R2194-6",
        "CCP art. R. 2194-6",
        "Nouveau titulaire : en application d'une clause de réexamen ou d'une option, ou à la suite d'une "
        "restructuration du titulaire initial.",
        CCP_START,
    ),
    Article(
        "R2194-7",
        "CCP art. R. 2194-7",
        "Une modification non substantielle est permise quel que soit son montant. Elle est substantielle "
        "notamment lorsqu'au moins une des conditions du questionnaire est remplie.",
        CCP_START,
    ),
    Article(
        "R2194-8",
        "CCP art. R. 2194-8",
        "Modification de faible montant : inférieure aux seuils européens et à 10 % du montant initial "
        "(services, fournitures) ou 15 % (travaux), sans vérifier les conditions de l'article R. 2194-7.",
        CCP_START,
    ),
    Article(
        "R2194-9",
        "CCP art. R. 2194-9",
        "Modifications successives de faible montant : l'acheteur prend en compte leur montant cumulé.",
        CCP_START,
    ),
    Article(
        "L1414-4",
        "CGCT art. L. 1414-4",
        "Tout projet d'avenant entraînant une augmentation du montant global supérieure à 5 % est soumis pour "
        "avis à la commission d'appel d'offres (marchés soumis à la CAO des collectivités territoriales).",
        date(2016, 4, 1),
        share=Decimal("0.05"),
    ),
    Article(
        "R2161-17",
        "CCP art. R. 2161-17",
        "Procédure avec négociation : l'acheteur assure l'égalité de traitement de tous les soumissionnaires et "
        "ne donne pas d'information susceptible d'avantager certains d'entre eux ; les exigences minimales et "
        "les critères d'attribution ne sont pas négociables.",
        CCP_START,
    ),
    Article(
        "DECP",
        "CCP art. R. 2196-1 ; arrêté du 22 décembre 2022 (données essentielles)",
        "Les modifications sont publiées dans les données essentielles du marché, dans les deux mois de leur "
        "notification.",
        date(2020, 1, 1),
    ),
)

# R. 2194-7: a modification is substantial when at least one of these is true (yes/no questionnaire).
SUBSTANTIAL_TESTS: tuple[tuple[str, str], ...] = (
    (
        "conditions",
        "1° Introduit-elle des conditions qui, si elles avaient figuré dans la procédure initiale, auraient attiré "
        "davantage de participants ou permis l'admission d'autres candidats ou le choix d'une autre offre ?",
    ),
    (
        "equilibre",
        "2° Modifie-t-elle l'équilibre économique du marché en faveur du titulaire d'une manière non prévue ?",
    ),
    ("champ", "3° Modifie-t-elle considérablement l'objet du marché ?"),
    ("titulaire", "4° Substitue-t-elle un nouveau titulaire en dehors des cas prévus à l'article R. 2194-6 ?"),
)

# Collectivités whose appel d'offres contracts go to a commission d'appel d'offres (CGCT L. 1414-2).
LOCAL_AUTHORITY_KINDS = frozenset({"region", "departement", "commune", "epci"})


class Ground(models.TextChoices):
    """The legal ground of a modification (L. 2194-1); the DECP has no field for it."""

    CLAUSE = "clause", "Clause de réexamen ou option (R. 2194-1)"
    SUPPLEMENTAIRES = "supplementaires", "Prestations supplémentaires (R. 2194-2, R. 2194-3)"
    IMPREVUES = "imprevues", "Circonstances imprévues (R. 2194-5)"
    TITULAIRE = "titulaire", "Nouveau titulaire (R. 2194-6)"
    NON_SUBSTANTIELLE = "non_substantielle", "Modification non substantielle (R. 2194-7)"
    FAIBLE_MONTANT = "faible_montant", "Modification de faible montant (R. 2194-8, R. 2194-9)"
    INCONNU = "inconnu", "Fondement inconnu (importée des données)"


FIFTY_PERCENT_GROUNDS = frozenset({Ground.SUPPLEMENTAIRES, Ground.IMPREVUES})


def article(code: str, on: date | None = None) -> Article:
    on = on or timezone.localdate()
    for entry in ARTICLES:
        if entry.code == code and entry.applies_on(on):
            return entry
    raise LookupError(f"Aucun article « {code} » en vigueur le {on:%d/%m/%Y}.")
