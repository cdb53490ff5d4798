"""The legal grounds of a contract modification and the R. 2194-7 questionnaire.

The articles themselves (dated, with where their wording was checked) live in pilote.reglementation.articles and are
re-exported here; the de minimis shares (R. 2194-8) and the EU thresholds stay in pilote.reglementation.seuils (one
definition each).
"""

from django.db import models

from pilote.reglementation.articles import ARTICLES, CCP_START, Article, article, articles_in_force  # noqa: F401 (re-exported)


# The articles the register page cites; those the negotiation page cites (equal treatment, sourcing).
MODIFICATION_ARTICLES = ("L2194-1", "R2194-1", "R2194-3", "R2194-4", "R2194-5", "R2194-6", "R2194-7", "R2194-8",
                         "R2194-9", "L1414-4", "DECP")  # fmt: skip
NEGOTIATION_ARTICLES = ("R2161-17", "R2111-1")

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
