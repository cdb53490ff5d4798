"""Forms of the cockpit's write side (SPASER targets, report comment)."""

from django import forms

from pilote.analytics.models import TargetIndicator


class TargetForm(forms.Form):
    annee = forms.IntegerField(label="Année", min_value=2015, max_value=2100)
    indicateur = forms.ChoiceField(label="Indicateur", choices=TargetIndicator.choices)
    cible = forms.DecimalField(
        label="Cible (%)", min_value=0, max_value=100, max_digits=5, decimal_places=1, help_text="Entre 0 et 100."
    )


class CommentForm(forms.Form):
    annee = forms.IntegerField(label="Année", min_value=2015, max_value=2100)
    texte = forms.CharField(
        label="Commentaire du service d'appui pour le rapport annuel", widget=forms.Textarea, max_length=10000
    )
