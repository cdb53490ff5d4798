"""Forms of the fund's pages (the services check the rules; the forms only parse)."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.text import slugify

from pilote.territoire.models import MatchingRule
from pilote.territoire.themes import THEMES


class PoolForm(forms.Form):
    name = forms.CharField(label="Nom du fonds", max_length=200)
    matching_rule = forms.ChoiceField(label="Règle d'abondement", choices=MatchingRule.choices)
    cap_per_initiative = forms.DecimalField(label="Plafond par initiative (€)", min_value=0, max_digits=12)
    cap_per_contributor = forms.DecimalField(label="Plafond par contributeur (€)", min_value=0, max_digits=12)
    is_public = forms.BooleanField(label="Publier la page du fonds", required=False)


class ContributionForm(forms.Form):
    contributor = forms.CharField(label="Contributeur", max_length=200)
    is_public = forms.BooleanField(label="Contributeur public", required=False)
    amount = forms.DecimalField(label="Montant de l'apport (€)", max_digits=12, decimal_places=2)
    conditions = forms.CharField(label="Conditions", max_length=300, required=False)


class CallForm(forms.Form):
    title = forms.CharField(label="Intitulé de l'appel", max_length=200)
    themes = forms.MultipleChoiceField(label="Thématiques", choices=list(THEMES.items()), required=False,
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip
    objectives = forms.ModelMultipleChoiceField(label="Objectifs de la stratégie servis", queryset=None,
                                                required=False, widget=forms.CheckboxSelectMultiple)  # fmt: skip
    eligibility = forms.CharField(label="Éligibilité", widget=forms.Textarea(attrs={"rows": 2}))
    opens_on = forms.DateField(label="Ouverture", widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label="Clôture", widget=forms.DateInput(attrs={"type": "date"}))
    criteria = forms.CharField(label="Critères publiés (un par ligne : libellé ; poids)",
                               widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, objectives=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = objectives

    def clean_criteria(self):
        criteria = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            text, _, weight = line.partition(";")
            try:
                value = float(weight.strip().replace(",", ".") or 1)
            except ValueError:
                raise forms.ValidationError(
                    f"Ligne {number} : le poids « {weight.strip()} » n'est pas un nombre."
                ) from None
            criteria.append(
                {"code": slugify(text)[:40] or f"critere-{number}", "label": text.strip(), "weight": value}
            )
        return criteria


class ApplicationForm(forms.Form):
    carrier_name = forms.CharField(label="Porteur (structure)", max_length=250)
    carrier_id = forms.CharField(label="SIRET ou numéro RNA du porteur", max_length=20)
    commune_code = forms.CharField(label="Commune du porteur (code INSEE)", max_length=5, required=False)
    title = forms.CharField(label="Initiative", max_length=200)
    summary = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label="Budget total (€)", min_value=0, max_digits=12, decimal_places=2)
    cofunding = forms.DecimalField(label="Cofinancements acquis (€)", min_value=0, max_digits=12, decimal_places=2)
    cofunders = forms.CharField(label="Apports des cofinanceurs, un montant par ligne (facultatif)", required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    requested = forms.DecimalField(label="Montant demandé (€)", min_value=0, max_digits=12, decimal_places=2)
    from_carrier = forms.BooleanField(label="L'initiative a été conçue par le porteur (et non commandée)",
                                      required=False)  # fmt: skip

    def clean_cofunders(self):
        amounts = []
        for number, line in enumerate(self.cleaned_data["cofunders"].splitlines(), start=1):
            text = line.strip().replace("\u202f", "").replace(" ", "").replace("€", "").replace(",", ".")
            if not text:
                continue
            try:
                amount = Decimal(text)
            except InvalidOperation:
                raise forms.ValidationError(f"Ligne {number} : « {line.strip()} » n'est pas un montant.") from None
            if not amount.is_finite() or amount <= 0:
                raise forms.ValidationError(f"Ligne {number} : un apport doit être positif.")
            amounts.append(amount)
        return amounts


class ForumForm(forms.Form):
    held_on = forms.DateField(label="Date du forum", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="Lieu", max_length=200)
    agenda = forms.CharField(label="Ordre du jour", widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label="Compte rendu public", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MemberForm(forms.Form):
    name = forms.CharField(label="Nom du membre", max_length=200)
    conflicts = forms.ModelMultipleChoiceField(label="Porteurs avec lesquels le membre a un lien", queryset=None,
                                               required=False, widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, carriers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conflicts"].queryset = carriers


class MilestoneForm(forms.Form):
    label = forms.CharField(label="Jalon", max_length=200)
    due_on = forms.DateField(label="Échéance", widget=forms.DateInput(attrs={"type": "date"}))
    payment = forms.DecimalField(label="Versement prévu (€)", min_value=0, max_digits=12, decimal_places=2)
