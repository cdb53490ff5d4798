"""Forms of the census: opening a campaign, a need, an upload, the split-purchase search."""

from django import forms
from django.utils import timezone

from pilote.core.validators import normalize_siret, siret_problem
from pilote.recensement import analysis
from pilote.recensement.models import Need


class CampaignForm(forms.Form):
    year = forms.IntegerField(label="Année recensée", min_value=2000, max_value=2100)
    title = forms.CharField(label="Intitulé", max_length=200)
    deadline = forms.DateField(
        label="Date limite de saisie", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    big_purchase_threshold = forms.DecimalField(
        label="Seuil de la fiche visa obligatoire (€ HT)",
        min_value=1,
        max_digits=14,
        decimal_places=2,
        initial=90000,
        help_text="Les besoins de ce montant ou plus doivent passer par une fiche visa.",
    )
    services = forms.CharField(
        label="Services invités",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Un service par ligne (par exemple : Éducation, Bâtiments, Solidarités).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            next_year = timezone.localdate().year + 1
            self.initial.setdefault("year", next_year)
            self.initial.setdefault("title", f"Recensement des besoins {next_year}")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError("La date limite est déjà passée.")
        return deadline

    def clean_services(self):
        names = [line.strip() for line in self.cleaned_data["services"].splitlines() if line.strip()]
        if not names:
            raise forms.ValidationError("Invitez au moins un service.")
        too_long = [n for n in names if len(n) > 200]
        if too_long:
            raise forms.ValidationError("Un nom de service fait au plus 200 caractères.")
        return names


class ServicesForm(forms.Form):
    services = forms.CharField(
        label="Services à inviter en plus", widget=forms.Textarea(attrs={"rows": 3}), help_text="Un par ligne."
    )


class NeedForm(forms.ModelForm):
    # Wider than the stored 8 digits: people paste "55523100-3" (with the check digit).
    code_cpv = forms.CharField(label="Code CPV", max_length=12, required=False)

    class Meta:
        model = Need
        fields = [
            "service",
            "objet",
            "description",
            "code_cpv",
            "montant_estime",
            "recurrence",
            "date_souhaitee",
            "site",
            "contrat_en_cours",
            "date_fin_contrat",
            "renouvellement",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "date_souhaitee": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_fin_contrat": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "montant_estime": "Montant de l'année, en euros hors taxes.",
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = campaign.services.all()
        self.fields["service"].empty_label = "Choisissez votre service"
        self.fields["code_cpv"].help_text = "8 chiffres ; des codes vous sont suggérés à partir de l'objet."

    def clean_code_cpv(self):
        from pilote.recensement.values import parse_cpv

        raw = self.cleaned_data.get("code_cpv", "")
        if not raw:
            return ""
        try:
            return parse_cpv(raw)
        except ValueError as error:
            raise forms.ValidationError(str(error).capitalize() + ".") from error

    def _post_clean(self):
        # Validation of the model is the service's job (it also sets campaign and author).
        pass


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tableur des besoins",
        help_text="XLSX, ODS ou CSV ; une ligne par besoin, sous une ligne d'en-têtes (voir le modèle).",
    )
    service = forms.ModelChoiceField(
        label="Service (si le fichier n'a pas de colonne Service)",
        queryset=None,
        required=False,
        empty_label="Pris dans le fichier",
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = campaign.services.all()


class GroupingForm(forms.Form):
    par = forms.ChoiceField(label="Regrouper par", choices=list(analysis.GROUPINGS.items()), required=False)


class SplitSearchForm(forms.Form):
    siret = forms.CharField(
        label="SIRET de l'acheteur", max_length=20, help_text="Tout acheteur présent dans les données."
    )

    def clean_siret(self):
        raw = self.cleaned_data["siret"].strip()
        problem = siret_problem(raw)
        if problem:
            raise forms.ValidationError(problem)
        return normalize_siret(raw)
