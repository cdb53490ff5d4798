"""Forms of the register and of the evolution clause builder (French labels; the services validate the rules)."""

from django import forms

from pilote.clauses.impact import parse_impact_questions
from pilote.clauses.queries import segments_for
from pilote.evolutions.legal import SUBSTANTIAL_TESTS, Ground
from pilote.evolutions.models import Body, Criterion, EvolutionClause, Register, TheatreRoleKind, Verdict


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterForm(forms.ModelForm):
    class Meta:
        model = Register
        fields = ["title", "decp_id", "nature", "initial_amount", "initial_duration", "notified_on", "procedure",
                  "awarded_by_cao", "utility", "titulaires"]  # fmt: skip
        widgets = {"notified_on": DATE}


class FromDataForm(forms.Form):
    contrat_uid = forms.CharField(label="Contrat des données", max_length=200)
    awarded_by_cao = forms.BooleanField(label="Attribué par la commission d'appel d'offres", required=False)


class QuestionnaireMixin:
    def add_questionnaire(self):
        for code, question in SUBSTANTIAL_TESTS:
            self.fields[f"r7_{code}"] = forms.BooleanField(label=question, required=False)

    def answers(self) -> dict:
        return {code: bool(self.cleaned_data.get(f"r7_{code}")) for code, _q in SUBSTANTIAL_TESTS}


class ProposalForm(QuestionnaireMixin, forms.Form):
    ground = forms.ChoiceField(label="Fondement juridique (L. 2194-1)", choices=[
        c for c in Ground.choices if c[0] not in (Ground.INCONNU, Ground.CLAUSE)])  # fmt: skip
    description = forms.CharField(label="Objet de la modification", widget=forms.Textarea(attrs={"rows": 2}))
    amount_delta = forms.DecimalField(label="Effet sur le montant (€ HT, négatif pour une baisse)", decimal_places=2)
    new_duration = forms.IntegerField(label="Nouvelle durée (mois, facultatif)", required=False, min_value=1)
    new_titulaire = forms.CharField(label="Nouveau titulaire (facultatif)", required=False, max_length=300)
    dated = forms.DateField(label="Date de notification prévue", widget=DATE)
    nonconforming = forms.BooleanField(
        label="Enregistrer quand même comme non conforme (ne pourra pas être signée)", required=False
    )
    justification = forms.CharField(label="Justification", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_questionnaire()


class OpinionForm(forms.Form):
    body = forms.ChoiceField(label="Instance", choices=Body.choices)
    jury = forms.ModelChoiceField(label="Jury citoyen", queryset=None, required=False)
    verdict = forms.ChoiceField(label="Avis", choices=Verdict.choices)
    given_on = forms.DateField(label="Date de la séance", widget=DATE)
    text = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, juries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jury"].queryset = juries


class PublishForm(forms.Form):
    published_on = forms.DateField(label="Date de publication dans les DECP", widget=DATE)


class ClauseForm(forms.ModelForm):
    class Meta:
        model = EvolutionClause
        fields = ["title", "register", "scope", "change_nature", "trigger", "measure", "threshold", "cap_share",
                  "proposer", "decider", "jury_opinion"]  # fmt: skip
        widgets = {"scope": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, registers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].queryset = registers
        self.fields["register"].label = "Contrat (registre)"
        for name in ("title", "scope", "change_nature", "trigger", "measure", "cap_share", "proposer", "decider"):
            self.fields[name].required = False  # the builder names every missing field itself


class ActivateForm(QuestionnaireMixin, forms.Form):
    register = forms.ModelChoiceField(label="Contrat (registre)", queryset=None)
    description = forms.CharField(label="Constat qui déclenche la clause", widget=forms.Textarea(attrs={"rows": 2}))
    amount_delta = forms.DecimalField(label="Effet sur le montant (€ HT)", decimal_places=2)
    dated = forms.DateField(label="Date de notification prévue", widget=DATE)

    def __init__(self, *args, registers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].queryset = registers
        self.add_questionnaire()


class SessionActivateForm(ActivateForm):
    """Activation from a théâtre session: the contract is the session's. Prefixed: the proposal form on the same
    page has fields of the same names."""

    prefix = "activation"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, registers=None, **kwargs)
        del self.fields["register"]


class NegotiationForm(forms.Form):
    title = forms.CharField(label="Consultation", max_length=200)
    segment = forms.ModelChoiceField(
        label="Segment d'achat", queryset=None, required=False,
        help_text="Ses questions d'impact (guide du segment) servent de questionnaire de départ.",
    )  # fmt: skip
    bidders = forms.CharField(label="Soumissionnaires (un par ligne)", widget=forms.Textarea(attrs={"rows": 3}))
    questions = forms.CharField(
        label="Questions d'impact (une par ligne : critère | question)",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Critères : " + ", ".join(f"{c.value} ({c.label})" for c in Criterion),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = segments_for(organisation)

    def clean_questions(self):
        # One format for the guide's impact questions and the negotiation's (pilote.clauses.impact).
        return parse_impact_questions(self.cleaned_data["questions"])

    def fields_for_service(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "bidders": data["bidders"].splitlines(), "questions": data["questions"],
                "segment": data["segment"]}  # fmt: skip


class StartingSegmentForm(forms.Form):
    """GET form: reload the negotiation form with a segment's impact questions."""

    segment = forms.ModelChoiceField(label="Segment d'achat", queryset=None, to_field_name="code")

    def __init__(self, *args, organisation, **kwargs):
        kwargs.setdefault("auto_id", "depart_%s")  # the page's other form has a segment field too
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = segments_for(organisation)


class ClaimForm(forms.Form):
    bidder = forms.ModelChoiceField(label="Soumissionnaire", queryset=None)
    criterion = forms.ChoiceField(label="Critère", choices=Criterion.choices)
    value = forms.DecimalField(label="Valeur annoncée", decimal_places=2)
    evidence = forms.CharField(label="Preuve", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, bidders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bidder"].queryset = bidders


class CommitmentForm(forms.Form):
    indicator = forms.CharField(label="Indicateur suivi", max_length=200)


class AchievedForm(forms.Form):
    achieved = forms.DecimalField(label="Réalisé", decimal_places=2)
    measured_on = forms.DateField(label="Mesuré le", widget=DATE)


class TheatreForm(forms.Form):
    title = forms.CharField(label="Séance", max_length=200)
    register = forms.ModelChoiceField(label="Contrat (registre)", queryset=None, required=False)
    clause = forms.ModelChoiceField(label="Clause activée (facultatif)", queryset=None, required=False)
    rehearsal = forms.BooleanField(label="Répétition avec des données fictives (formation)", required=False)
    agenda = forms.CharField(label="Ordre du jour", widget=forms.Textarea(attrs={"rows": 3}))
    roles = forms.CharField(
        label="Rôles (un par ligne : rôle | joué par | consigne privée)",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Rôles : " + ", ".join(f"{k.value} ({k.label})" for k in TheatreRoleKind),
    )

    def __init__(self, *args, registers, clauses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].queryset = registers
        self.fields["clause"].queryset = clauses

    def clean_roles(self):
        out = []
        for number, line in enumerate(self.cleaned_data["roles"].splitlines(), start=1):
            if line.strip():
                parts = [p.strip() for p in line.split("|", 2)]
                if len(parts) != 3 or parts[0] not in TheatreRoleKind.values:
                    raise forms.ValidationError(
                        f"Ligne {number} : « rôle | joué par | consigne » avec un rôle de la liste."
                    )
                out.append(tuple(parts))
        return out


class TheatreProposalForm(QuestionnaireMixin, forms.Form):
    role = forms.ModelChoiceField(label="Proposée par", queryset=None)
    ground = forms.ChoiceField(label="Fondement", choices=[c for c in Ground.choices if c[0] != Ground.INCONNU])
    amount_delta = forms.DecimalField(label="Effet sur le montant (€ HT)", decimal_places=2)
    text = forms.CharField(label="Proposition", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles
        self.add_questionnaire()


class NoteForm(forms.Form):
    role = forms.ModelChoiceField(label="Auteur", queryset=None, required=False)
    text = forms.CharField(label="Note au compte rendu", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles
