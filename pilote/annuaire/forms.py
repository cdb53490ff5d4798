"""Forms of the directory, the lessons learnt and the sourcing charter (training and reserve: their subpackages).
They only collect and check input; services do the writes."""

from django import forms

from pilote.annuaire.models import CharterVersion, Lesson, Person
from pilote.clauses.queries import segments_for
from pilote.fiches.models import Fiche


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SearchForm(forms.Form):
    q = forms.CharField(label="Recherche libre", required=False)
    skill = forms.CharField(label="Compétence", required=False)
    segment = forms.CharField(
        label="Segment d'achat", required=False, widget=forms.TextInput(attrs={"list": "segments-connus"})
    )
    organisation = forms.CharField(label="Organisation", required=False)


class PersonForm(forms.ModelForm):
    skills_text = forms.CharField(
        label="Compétences",
        required=False,
        help_text="Séparées par des virgules, par exemple : sourçage, clauses sociales, énergie.",
    )

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "job_title",
            "department",
            "contact_notes",
            "segments",
            "share_with_partners",
            "volunteer_reservist",
            "available_from",
            "available_until",
        ]
        widgets = {"available_from": DATE, "available_until": DATE}

    def __init__(self, *args, organisation=None, consent_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["segments"].queryset = segments_for(organisation)
        # Consent belongs to the person: others see it but cannot change it once the person has an account.
        if self.instance.user_id and consent_by is not None and consent_by.pk != self.instance.user_id:
            for name in ("share_with_partners", "volunteer_reservist"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Seule la personne peut modifier son accord, depuis « Ma fiche »."
        self.fields["segments"].help_text = "Ctrl+clic (Cmd+clic sur Mac) pour en choisir plusieurs."
        if self.instance.pk and not self.is_bound:
            self.fields["skills_text"].initial = ", ".join(s.name for s in self.instance.skills.all())

    def validate_unique(self):
        pass  # duplicates are checked by the service, with a message naming the existing entry


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class LessonForm(forms.ModelForm):
    documents = MultipleFileField(
        label="Documents",
        required=False,
        help_text="PDF, bureautique, images ou texte ; 10 Mo au plus par fichier.",
    )

    class Meta:
        model = Lesson
        fields = [
            "title",
            "segment",
            "context",
            "actions",
            "results",
            "contacts",
            "contract_uids",
            "fiches",
            "shared_with_partners",
        ]
        widgets = {
            "context": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 4}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "contract_uids": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation=None, contact_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contact_choices is not None:
            self.fields["contacts"].queryset = contact_choices
        if organisation is not None:
            self.fields["contacts"].label_from_instance = lambda p: (
                str(p) if p.organisation_id == organisation.pk else f"{p} ({p.organisation})"
            )
            self.fields["segment"].queryset = segments_for(organisation)
            self.fields["fiches"].queryset = Fiche.objects.filter(organisation=organisation)
        self.fields["fiches"].help_text = "Fiches visa de l'organisation concernées par ce retour."
        self.fields["contacts"].help_text = "Personnes à contacter pour en savoir plus (Ctrl+clic pour plusieurs)."


class CharterForm(forms.ModelForm):
    class Meta:
        model = CharterVersion
        fields = ["title", "text", "change_note"]
        widgets = {"text": forms.Textarea(attrs={"rows": 18})}
