"""Forms of the core domain (labels and messages in French)."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from pilote.core.enums import Role
from pilote.core.models import Organisation
from pilote.core.services import parse_sirets


class LoginForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OrganisationForm(forms.ModelForm):
    sirets_text = forms.CharField(
        label="SIRET des entités acheteuses",
        help_text="Un SIRET par ligne (14 chiffres). Ce sont les identifiants d'acheteur des données essentielles.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "population", "peer_group", "is_public"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["sirets_text"] = "\n".join(self.instance.sirets)

    def clean_sirets_text(self):
        return parse_sirets(self.cleaned_data["sirets_text"])


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail de la personne invitée")
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 10 caractères, pas uniquement des chiffres.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise ValidationError("Les deux mots de passe ne sont pas identiques.")
        if data.get("password1"):
            from pilote.core.models import User

            password_validation.validate_password(
                data["password1"], User(email=self.email, first_name=data.get("first_name", ""))
            )
        return data
