"""Forms of the explorer: the search box (the filters are the cockpit's FilterForm), the description of a need
("préparer un achat") and the SIRENE extract upload. Every message is in French."""

import re

from django import forms

from pilote.contracts.geo import departements
from pilote.contracts.search.query import SORTS
from pilote.contracts.search.text import query_terms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Mots de l'objet",
        required=False,
        max_length=300,
        help_text="Accents, majuscules et pluriels sont ignorés : « restauration scolaire » trouve aussi "
        "« Restaurations scolaires ».",
    )
    tri = forms.ChoiceField(label="Trier par", choices=list(SORTS.items()), required=False)
    page = forms.IntegerField(label="Page", required=False, min_value=1, max_value=100_000)


def _departement_choices():
    return [("", "Toute la France")] + [
        (code, f"{code} — {name}")
        for code, name in zip(departements()["departement_code"], departements()["departement_nom"], strict=True)
    ]


class NeedForm(forms.Form):
    """A purchase being prepared, described in words, for similar contracts, a price reference and suppliers."""

    objet = forms.CharField(
        label="Objet de l'achat",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Décrivez le besoin en quelques mots, comme l'objet d'un marché.",
    )
    code_cpv = forms.CharField(
        label="Code CPV",
        required=False,
        max_length=12,
        help_text="Facultatif : 8 chiffres (ex. 55523100). Sans code, Pilote le déduit des contrats semblables.",
    )
    montant = forms.DecimalField(
        label="Montant estimé (€ HT)", required=False, min_value=0, max_digits=15, decimal_places=2
    )
    duree_mois = forms.IntegerField(label="Durée (mois)", required=False, min_value=1, max_value=600)
    departement = forms.ChoiceField(label="Département d'exécution", required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = _departement_choices()

    def clean_code_cpv(self):
        value = re.sub(r"[\s.]", "", self.cleaned_data.get("code_cpv") or "")
        if value and not re.fullmatch(r"\d{8}(-\d)?", value):
            raise forms.ValidationError("Le code CPV s'écrit avec 8 chiffres, éventuellement suivis de « -clé ».")
        return value[:8]

    def clean_objet(self):
        value = " ".join((self.cleaned_data.get("objet") or "").split())
        if not query_terms(value):
            raise forms.ValidationError(
                "Décrivez l'achat avec des mots porteurs de sens (par exemple « nettoyage des locaux »)."
            )
        return value


class SireneForm(forms.Form):
    fichier = forms.FileField(
        label="Extrait SIRENE (CSV)",
        help_text="Une ligne par établissement (colonne « siret ») ou par entreprise (colonne « siren »), avec "
        "un nom (« denominationUniteLegale », « enseigne1Etablissement » ou « nom »), la catégorie "
        "(« categorieEntreprise » : PME, ETI, GE) et/ou le lieu (« codeCommuneEtablissement », "
        "« codePostalEtablissement » ou « departement »). Séparateur virgule ou point-virgule.",
    )


class InclusionForm(forms.Form):
    fichier = forms.FileField(
        label="Liste des structures inclusives (CSV)",
        help_text="Une ligne par structure : « siret », « type » ou « mesure » (ACI, AI, EI, ETTI, EITI, EA, EATT, "
        "ESAT), et si possible « denomination_sociale » ou « nom », « code_postal » ou « code_departement », "
        "« code_naf ». Séparateur virgule ou point-virgule. La liste officielle des SIAE de l'ASP s'importe telle "
        "quelle.",
    )
