"""Forms of the fiches app. The fiche form builds its guide questions from the segment's guide and its
checklists from those other apps register (pilote.fiches.panels: the annuaire's sourcing charter)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from pilote.clauses.queries import clauses_for, guide_for, segment_for_cpv, segments_for
from pilote.contracts.semantics import cpv_digits
from pilote.fiches.cpv import cpv_label
from pilote.fiches.models import Evaluation, Fiche
from pilote.fiches.panels import checklists_for
from pilote.fiches.services import ATTACHMENT_RULES, EDITABLE_FIELDS


class AmountField(forms.DecimalField):
    """Accepts "120 000", "120000,50", "120 000 €"; refuses text and 0 with a French message."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f€]", "", value).replace("HT", "").replace(",", ".")
            if value and not re.fullmatch(r"\d+(\.\d{1,2})?", value):
                raise ValidationError("Saisissez le montant en chiffres (par exemple 85000 ou 85 000,50).")
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError("Saisissez le montant en chiffres (par exemple 85000 ou 85 000,50).") from None

    def validate(self, value):
        super().validate(value)
        if value is not None and value <= 0:
            raise ValidationError("Le montant estimé doit être supérieur à 0 € HT.")


class FicheForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    montant_estime = AmountField(
        label="Montant estimé (€ HT)",
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text="Montant total sur toute la durée, reconductions comprises (CCP art. R. 2121-1).",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    class Meta:
        model = Fiche
        fields = [f for f in EDITABLE_FIELDS if f not in ("reponses_guide", "sourcing_charte")]
        widgets = {
            "besoin": forms.Textarea(attrs={"rows": 4}),
            "methode_estimation": forms.Textarea(attrs={"rows": 2}),
            "lots": forms.Textarea(attrs={"rows": 2}),
            "justification_lot_unique": forms.Textarea(attrs={"rows": 2}),
            "motif_urgence": forms.Textarea(attrs={"rows": 2}),
            "sourcing_fournisseurs": forms.Textarea(attrs={"rows": 2}),
            "date_lancement": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "code_cpv": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }
        help_texts = {
            "code_cpv": "8 chiffres ; des suggestions s'affichent à partir de l'objet et du besoin.",
            "methode_estimation": "Marché précédent, devis, sourçage, prix de référence…",
            "segment": "Laissé vide, il est déduit du code CPV.",
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["segment"].queryset = segments_for(organisation)
        self.fields["segment"].empty_label = "— déduit du code CPV —"
        self.fields["reconductions"].required = False
        self.checklist_names = []
        ticked = set(self.instance.sourcing_charte or [])
        for checklist, items in checklists_for(organisation, fiche=self.instance):
            self.fields[checklist.field_name] = forms.MultipleChoiceField(
                label=checklist.label,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(item, item) for item in items],
                initial=[item for item in items if item in ticked],
            )
            self.checklist_names.append(checklist.field_name)
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision
        self.guide = guide_for(organisation, self._current_segment())
        answers = self.instance.reponses_guide or {}
        self.question_names = []
        for index, question in enumerate(self.guide.question_list if self.guide else []):
            name = f"guide_q_{index}"
            self.fields[name] = forms.CharField(
                label=question, required=False, widget=forms.Textarea(attrs={"rows": 2}), initial=answers.get(question)
            )
            self.question_names.append(name)

    def _current_segment(self):
        if self.is_bound:
            raw = self.data.get("segment")
            if raw and str(raw).isdigit() and len(str(raw)) < 19:  # beyond, no database id: not a segment
                found = segments_for(self.organisation).filter(pk=raw).first()
                if found:
                    return found
            code = cpv_digits(self.data.get("code_cpv", ""))
        else:
            if self.instance.segment_id:
                return self.instance.segment
            code = self.instance.code_cpv or ""
        return segment_for_cpv(self.organisation, code) if code else None

    def checklist_fields(self):
        return [self[name] for name in self.checklist_names]

    def question_fields(self):
        return [self[name] for name in self.question_names]

    def clean_reconductions(self):
        return self.cleaned_data.get("reconductions") or 0  # left empty in a draft: none

    def clean_code_cpv(self):
        code = cpv_digits(self.cleaned_data.get("code_cpv", ""))
        if not code:
            return ""  # a draft may not have one yet: asked at submission
        if len(code) != 8:
            raise ValidationError("Le code CPV compte 8 chiffres (par exemple 90911200).")
        if cpv_label(code) is None:
            raise ValidationError(f"Le code CPV « {code} » n'existe pas dans la nomenclature CPV 2008.")
        return code

    def clean(self):
        data = super().clean()
        if not data.get("segment") and data.get("code_cpv"):
            data["segment"] = segment_for_cpv(self.organisation, data["code_cpv"])
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name in data}
        fields["sourcing_charte"] = [item for name in self.checklist_names for item in data.get(name, [])]
        fields["reponses_guide"] = {self.fields[n].label: data.get(n, "") for n in self.question_names if data.get(n)}
        return fields


class CommentForm(forms.Form):
    text = forms.CharField(label="Votre commentaire", widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Pièce jointe",
        help_text="PDF, documents bureautiques ou images ; 10 Mo au maximum.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ATTACHMENT_RULES.extensions))}),
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label="Commentaire ou motivation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour une demande de compléments, des réserves, un refus ou une réouverture.",
    )
    justification = forms.CharField(
        label="Justification des obligations non remplies",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour viser une fiche dont une obligation reste non remplie par les clauses retenues ;"
        " elle figure sur le PDF et dans les statistiques.",
    )
    retained_clauses = forms.ModelMultipleChoiceField(
        label="Clauses et critères retenus",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retained_clauses"].queryset = clauses_for(organisation).order_by("kind", "title")


class ReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label="Instructeur", queryset=None, required=False, empty_label="— non désigné —"
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = choices


class LinkContractForm(forms.Form):
    contrat = forms.CharField(label="Marché notifié", widget=forms.HiddenInput)


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "objet",
            "contrat_id",
            "fructueux",
            "offres_recues",
            "heures_insertion",
            "dechets_tonnes",
            "emissions_tco2e",
            "relation_fournisseur",
            "effet_clauses",
            "commentaire",
        ]
        widgets = {
            "effet_clauses": forms.Textarea(attrs={"rows": 3}),
            "commentaire": forms.Textarea(attrs={"rows": 3}),
        }


def parse_amount(value) -> Decimal | None:
    try:
        return AmountField(required=False).clean(value)
    except (ValidationError, InvalidOperation):
        return None
