"""Forms of the training catalogue. They only collect and check input; services do the writes."""

from django import forms

from pilote.annuaire.forms import DATETIME
from pilote.annuaire.models import Module, Person, TrainingSession


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "subject", "audience", "duration_hours", "prerequisites", "qualifies_reservist"]


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["starts_at", "ends_at", "online", "place", "seats"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}


class EnrolOtherForm(forms.Form):
    person = forms.ModelChoiceField(label="Personne à inscrire", queryset=Person.objects.none())

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
