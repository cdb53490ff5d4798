"""Forms of the reserve. They only collect and check input; services do the writes."""

from django import forms

from pilote.annuaire.forms import DATE
from pilote.annuaire.models import ReservistRequest
from pilote.clauses.queries import segments_for


class ReservistRequestForm(forms.ModelForm):
    skills_text = forms.CharField(
        label="Compétences recherchées", required=False, help_text="Séparées par des virgules."
    )

    class Meta:
        model = ReservistRequest
        fields = ["subject", "description", "segment", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["segment"].queryset = segments_for(organisation)


class NoteForm(forms.Form):
    text = forms.CharField(label="Note de suivi", widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    feedback = forms.CharField(label="Bilan de la mission", widget=forms.Textarea(attrs={"rows": 4}))
