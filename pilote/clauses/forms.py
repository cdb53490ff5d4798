"""Forms of the segment guides and the clause library."""

from django import forms

from pilote.clauses.models import Clause, Segment, SegmentGuide
from pilote.clauses.queries import clauses_for, segments_for
from pilote.clauses.services import GUIDE_FIELDS


class GuideForm(forms.ModelForm):
    class Meta:
        model = SegmentGuide
        fields = [*GUIDE_FIELDS, "recommended_clauses", "common_criteria"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "questions": forms.Textarea(attrs={"rows": 5}),
            "legal_references": forms.Textarea(attrs={"rows": 3}),
            "labels": forms.Textarea(attrs={"rows": 2}),
            "pitfalls": forms.Textarea(attrs={"rows": 3}),
            "sourcing_tips": forms.Textarea(attrs={"rows": 3}),
            "sourcing_questions": forms.Textarea(attrs={"rows": 4}),
            "impact_questions": forms.Textarea(attrs={"rows": 5}),
            "recommended_clauses": forms.CheckboxSelectMultiple,
            "common_criteria": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("recommended_clauses", "common_criteria"):
            self.fields[name].queryset = clauses_for(organisation).order_by("kind", "title")


class ClauseForm(forms.ModelForm):
    class Meta:
        model = Clause
        fields = ["kind", "title", "text", "legal_basis", "segments", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8}), "segments": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segments"].queryset = segments_for(organisation)


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["code", "label", "cpv_prefixes", "description"]
        widgets = {"cpv_prefixes": forms.TextInput, "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": "Lettres minuscules, chiffres et tirets ; il apparaît dans l'adresse du guide."}
