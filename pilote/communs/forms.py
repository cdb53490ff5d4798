"""Forms of the ressource-o-thèque (French labels; the services validate again)."""

from django import forms

from pilote.communs import catalogue, photos
from pilote.communs.models import Decision, Initiative, Proposal, Resource
from pilote.territoire.models import Actor


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        # the kind, the name and description, then every kind's own fields, then the rules of use (catalogue.py)
        fields = [
            "kind",
            *catalogue.COMMON_FIELDS[:2],
            *dict.fromkeys(name for names in catalogue.KIND_FIELDS.values() for name in names),
            *catalogue.COMMON_FIELDS[2:],
        ]


class ResourceEditForm(forms.ModelForm):
    """The card of a resource already in the catalogue: the fields of its kind (catalogue.editable_fields)."""

    class Meta:
        model = Resource
        fields = sorted({name for kind in catalogue.KIND_FIELDS for name in catalogue.editable_fields(kind)})

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        keep = catalogue.editable_fields(instance.kind)
        self.fields = {name: self.fields[name] for name in keep}

    def _post_clean(self):
        """The service validates the whole resource (full_clean) under its lock: not the form."""


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo (JPEG ou PNG)",
        help_text=f"{photos.MAX_BYTES // photos.uploads.MB} Mo au plus ; les métadonnées (position, appareil) sont "
        "retirées.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    alt_text = forms.CharField(
        label="Texte alternatif (ce que montre la photo)",
        max_length=250,
        help_text="Lu aux personnes qui ne voient pas la photo, par exemple « Nettoyeur sur son chariot, lance "
        "repliée ».",
    )


class ActorLinkForm(forms.Form):
    territory_actor = forms.ModelChoiceField(
        label="Acteur du territoire",
        queryset=Actor.objects.none(),
        required=False,
        empty_label="Aucun lien explicite (SIRET, SIREN ou RNA identiques)",
    )

    def __init__(self, *args, initiative, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["territory_actor"]
        field.queryset = Actor.objects.filter(organisation_id=initiative.organisation_id, merged_into=None)
        field.initial = initiative.actor_id
        field.widget.choices = [("", field.empty_label)] + [
            (a.pk, f"{a.name}{' · SIRET ' + a.siret if a.siret else ''}{' · RNA ' + a.rna if a.rna else ''}")
            for a in candidates
        ]


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = ["name", "kind", "siret", "rna", "purpose", "credit_limit"]


class BookingForm(forms.Form):
    initiative = forms.ModelChoiceField(label="Initiative", queryset=Initiative.objects.none())
    starts_at = forms.DateTimeField(label="Début", widget=DATETIME, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label="Fin", widget=DATETIME, input_formats=DATETIME_FORMATS)
    purpose = forms.CharField(label="Objet", max_length=250)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = Initiative.objects.filter(organisation=organisation)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "La fin de la réservation doit suivre son début.")
        return data


class GrantForm(forms.Form):
    amount = forms.IntegerField(label="Crédits attribués", min_value=1)
    body = forms.ChoiceField(label="Instance qui décide", choices=Decision.Body.choices)
    reference = forms.CharField(label="Référence de la décision", max_length=100)
    decided_on = forms.DateField(
        label="Date de la décision", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reasons = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 3}))


class ContributionForm(forms.Form):
    amount = forms.IntegerField(label="Crédits reconnus", min_value=1)
    memo = forms.CharField(label="Contribution (objet prêté, heures de bénévolat…)", max_length=250)


class ReverseForm(forms.Form):
    reason = forms.CharField(label="Motif de la contrepassation", max_length=200)


class ReturnForm(forms.Form):
    condition = forms.CharField(label="État au retour", max_length=250)
    problem = forms.CharField(
        label="Problème à réparer (ouvre un ticket de maintenance)", max_length=500, required=False
    )


class CheckoutForm(forms.Form):
    condition = forms.CharField(label="État à la remise", max_length=250, required=False)


class TicketForm(forms.Form):
    description = forms.CharField(label="Problème constaté", max_length=500)


class RefuseForm(forms.Form):
    reason = forms.CharField(label="Motif", max_length=200, required=False)


class RepresentativeForm(forms.Form):
    initiative = forms.ModelChoiceField(label="Initiative", queryset=Initiative.objects.none())
    email = forms.EmailField(label="Courriel du représentant (membre de l'organisation)")

    def __init__(self, *args, organisation, **kwargs):
        # Its own ids: the proposal form on the same page has an « initiative » field too (one id, one label).
        kwargs.setdefault("auto_id", "id_representant_%s")
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = Initiative.objects.filter(organisation=organisation)


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label="Objet", choices=Proposal.Kind.choices)
    resource = forms.ModelChoiceField(label="Ressource (prix)", queryset=Resource.objects.none(), required=False)
    new_price = forms.IntegerField(label="Nouveau prix en crédits", min_value=0, required=False)
    effective_from = forms.DateField(
        label="Applicable à partir du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    initiative = forms.ModelChoiceField(
        label="Initiative (attribution)", queryset=Initiative.objects.none(), required=False
    )
    amount = forms.IntegerField(label="Crédits proposés", min_value=1, required=False)
    reasons = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = Resource.objects.filter(organisation=organisation)
        self.fields["initiative"].queryset = Initiative.objects.filter(organisation=organisation)


class DeliverForm(forms.ModelForm):
    """What a draft item bought needs before it can be booked: where it is, its state, its rate and price."""

    class Meta:
        model = Resource
        fields = ["location", "condition", "valuation_rate", "credit_price"]
