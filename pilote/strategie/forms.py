"""Forms of the strategy app. They check types and required fields; the rules (legal routes, targets, envelope,
quotas) are the services' and come back as French ValidationErrors shown beside the field."""

from django import forms

from pilote.contracts.indicators import CATALOGUE
from pilote.strategie.legal import InstrumentKind, Nature
from pilote.strategie.models import IndicatorKind, InstrumentStatus, ParticipantRole, Verdict


class ObjectiveForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    text = forms.CharField(label="Objectif", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    territory = forms.CharField(label="Territoire", max_length=200)
    horizon = forms.IntegerField(label="Horizon (année)", min_value=2000, max_value=2100)


class TargetsField(forms.CharField):
    """ "2027: 35" lines → {2027: 35.0}."""

    def to_python(self, value):
        text = super().to_python(value)
        targets = {}
        for number, line in enumerate(text.replace(";", "\n").splitlines(), start=1):
            if not line.strip():
                continue
            year, _sep, amount = line.partition(":")
            try:
                targets[int(year.strip())] = float(amount.strip().replace(",", "."))
            except ValueError as error:
                raise forms.ValidationError(
                    f"Ligne {number} : écrivez « année : valeur », par exemple « 2030 : 50 »."
                ) from error
        return targets


class IndicatorForm(forms.Form):
    label = forms.CharField(label="Indicateur", max_length=200)
    kind = forms.ChoiceField(label="Type", choices=IndicatorKind.choices)
    contract_code = forms.ChoiceField(
        label="Indicateur des contrats",
        choices=[("", "—")] + [(c, label) for c, label, *_ in CATALOGUE],
        required=False,
    )
    cpv_prefix = forms.RegexField(label="Préfixe CPV (facultatif)", regex=r"^\d{2,8}$", required=False)
    unit = forms.CharField(label="Unité", max_length=30, initial="%")
    source = forms.CharField(label="Source (indicateur saisi)", max_length=300, required=False)
    baseline_year = forms.IntegerField(label="Année de référence", min_value=2000, max_value=2100)
    baseline_value = forms.FloatField(label="Valeur de référence")
    targets = TargetsField(label="Cibles (une par ligne : année : valeur)", widget=forms.Textarea(attrs={"rows": 3}))


class SessionForm(forms.Form):
    title = forms.CharField(label="Intitulé de la séance", max_length=200)
    envelope = forms.DecimalField(label="Enveloppe annuelle (€ HT)", min_value=1, decimal_places=0)
    constraints_text = forms.CharField(label="Contraintes", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    decided_by_vote = forms.BooleanField(label="Décision par vote des participants", required=False, initial=True)


class JoinForm(forms.Form):
    name = forms.CharField(label="Votre nom (affiché aux autres participants)", max_length=80)
    role = forms.ChoiceField(label="Votre rôle", choices=ParticipantRole.choices)
    table = forms.CharField(label="Votre table", max_length=40, initial="Table 1")


class ScenarioForm(forms.Form):
    title = forms.CharField(label="Nom du scénario", max_length=120)


class InstrumentForm(forms.Form):
    """An instrument of a scenario or a strategy; one "effect" field per indicator of the objective."""

    axis = forms.CharField(label="Axe", max_length=200)
    lever = forms.CharField(label="Levier", max_length=200)
    kind = forms.ChoiceField(label="Type d'instrument", choices=InstrumentKind.choices)
    label = forms.CharField(label="Instrument", max_length=200)
    nature = forms.ChoiceField(label="Nature", choices=Nature.choices, initial=Nature.SERVICES)
    annual_amount = forms.DecimalField(label="Coût annuel (€ HT)", min_value=0, decimal_places=0)
    start_year = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="Dernière année", min_value=2000, max_value=2100)
    carrier = forms.CharField(label="Porté par", max_length=200, required=False)
    beneficiary_initiative = forms.BooleanField(label="Projet à l'initiative du bénéficiaire", required=False)
    ordered_by_organisation = forms.BooleanField(
        label="Prestation définie et commandée par l'organisation pour ses besoins", required=False
    )
    assumption = forms.CharField(
        label="Hypothèse des effets", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"effet_{indicator.key}"] = forms.FloatField(
                label=f"Effet attendu : {indicator.label} ({indicator.unit})", required=False
            )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        effects = {i.key: data.pop(f"effet_{i.key}") for i in self.indicators}
        data["effects"] = {k: v for k, v in effects.items() if v}
        return data


class RationaleForm(forms.Form):
    rationale = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}))


class AdoptForm(RationaleForm):
    title = forms.CharField(label="Intitulé de la stratégie", max_length=200)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Avancement", choices=InstrumentStatus.choices)


class WeightForm(forms.Form):
    weight = forms.FloatField(label="Poids du levier", min_value=0)


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label="Type de lien")
    ref = forms.CharField(label="Référence (n° ou uid)", max_length=120)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.label) for k in kinds]


class ResultForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    value = forms.FloatField(label="Résultat")
    source = forms.CharField(label="Source", max_length=300)


class CommentForm(forms.Form):
    stance = forms.ChoiceField(
        label="Position", choices=[("accord", "D'accord"), ("desaccord", "Pas d'accord"), ("neutre", "Remarque")]
    )
    text = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}))


class QuotasField(forms.CharField):
    """ "genre ; femme ; 3 ; 5" lines → [(category, value, min, max)]."""

    def to_python(self, value):
        rows = []
        for number, line in enumerate(super().to_python(value).splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 4 or not all(parts[:2]) or not (parts[2].isdigit() and parts[3].isdigit()):
                raise forms.ValidationError(f"Ligne {number} : écrivez « catégorie ; valeur ; minimum ; maximum ».")
            rows.append((parts[0], parts[1], int(parts[2]), int(parts[3])))
        return rows


class JuryForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    mandate = forms.CharField(
        label="Mandat (objets sur lesquels le jury rend un avis)", widget=forms.Textarea(attrs={"rows": 2})
    )
    strategy = forms.ModelChoiceField(label="Stratégie concernée", queryset=None, required=False)
    term_start = forms.DateField(label="Début du mandat", widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(label="Fin du mandat", widget=forms.DateInput(attrs={"type": "date"}))
    size = forms.IntegerField(label="Nombre de membres", min_value=1, max_value=200)
    quotas = QuotasField(
        label="Quotas (une strate par ligne : catégorie ; valeur ; minimum ; maximum)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    purpose = forms.CharField(
        label="Finalité du traitement des données des volontaires",
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="Tirer au sort le jury citoyen, le réunir et publier ses avis.",
    )
    retention_until = forms.DateField(
        label="Données conservées jusqu'au", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, strategies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = strategies


class VolunteerForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=120)
    email = forms.EmailField(label="E-mail", required=False)
    employer_siren = forms.CharField(label="SIREN de l'employeur", max_length=20, required=False)
    company_siren = forms.CharField(label="SIREN de son entreprise", max_length=20, required=False)
    interests = forms.CharField(
        label="Déclaration d'intérêts", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    consent = forms.BooleanField(
        label="Le volontaire consent au traitement de ses données pour cette finalité", required=False
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for index, category in enumerate(self.categories):
            self.fields[f"strate_{index}"] = forms.CharField(
                label=category.capitalize(), max_length=60, required=False
            )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["strata"] = {c: data.pop(f"strate_{i}") for i, c in enumerate(self.categories)}
        return data


class SeedForm(forms.Form):
    seed = forms.CharField(label="Graine", max_length=200)


class OpinionForm(forms.Form):
    version = forms.ModelChoiceField(label="Version concernée", queryset=None, required=False)
    subject = forms.CharField(label="Objet (si ce n'est pas une version)", max_length=200, required=False)
    verdict = forms.ChoiceField(label="Avis", choices=Verdict.choices)
    reasons = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 3}))
    minority = forms.CharField(label="Avis minoritaire", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: f"{v.strategy} — version {v.number}"


class JurorOpinionForm(forms.Form):
    verdict = forms.ChoiceField(label="Votre avis", choices=Verdict.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label="Vos motifs", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
