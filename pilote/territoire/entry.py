"""Forms to enter an actor or a support scheme by hand (support service). Each field is checked here with a French
message of its own; the services then apply the same checks as the imports (scheme: the national schema's)."""

import csv
import datetime as dt
import json
import uuid
from functools import cache
from pathlib import Path

from django import forms
from django.utils import timezone

from pilote.territoire import geo
from pilote.territoire.identifiers import clean, company_problem, rna_problem
from pilote.territoire.schemes_csv import CIBLES, GEO
from pilote.territoire.themes import THEMES


DATA = Path(__file__).parent / "data"


@cache
def typologies() -> list[tuple[str, str]]:
    with open(DATA / "typologies_de_structures.csv", encoding="utf-8") as handle:
        return [(row["value"], row["label"]) for row in csv.DictReader(handle)]


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").replace("|", ",").split(",") if part.strip()]


class ActorForm(forms.Form):
    name = forms.CharField(label="Nom de l'acteur", max_length=250)
    identifier = forms.CharField(label="SIRET, SIREN ou numéro RNA (facultatif)", max_length=20, required=False)
    commune_code = forms.CharField(label="Commune (code INSEE)", max_length=5)
    kind = forms.ChoiceField(label="Type (typologie data·inclusion)", choices=())
    themes = forms.MultipleChoiceField(label="Thématiques", choices=list(THEMES.items()), required=False,
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip
    labels = forms.CharField(label="Labels (ESS, SIAE…, séparés par des virgules)", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *typologies()]
        self.fields["kind"].required = False

    def clean_identifier(self):
        ident = clean(self.cleaned_data["identifier"])
        if not ident:
            return {}
        if ident.startswith("W"):
            if problem := rna_problem(ident):
                raise forms.ValidationError(problem)
            return {"rna": ident}
        if problem := company_problem(ident):
            raise forms.ValidationError(problem)
        return {"siret": ident, "siren": ident[:9]} if len(ident) == 14 else {"siren": ident}

    def clean_commune_code(self):
        code = clean(self.cleaned_data["commune_code"])
        if code not in geo.communes():
            raise forms.ValidationError(f"Le code commune « {code} » est inconnu du COG.")
        return code

    def actor_data(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"].strip(), **data["identifier"], "commune_code": data["commune_code"],
                "kinds": [data["kind"]] if data["kind"] else [], "themes": data["themes"],
                "labels": _words(data["labels"])}  # fmt: skip


class SchemeForm(forms.Form):
    titre = forms.CharField(label="Titre du dispositif", max_length=300)
    promesse = forms.CharField(label="Promesse (180 caractères au plus)", max_length=180, required=False)
    description = forms.CharField(label="Description", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    eligibilite = forms.CharField(label="Éligibilité", widget=forms.Textarea(attrs={"rows": 2}))
    types_aides = forms.CharField(label="Types d'aides (séparés par des virgules : financement, conseil…)")
    porteur_nom = forms.CharField(label="Porteur (nom)", max_length=250)
    porteur_siren = forms.CharField(label="SIREN du porteur", max_length=11)
    porteur_roles = forms.CharField(label="Rôles du porteur (séparés par des virgules : financeur, instructeur…)")
    cibles = forms.MultipleChoiceField(label="Cibles", choices=[(c, c) for c in CIBLES],
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip
    geographie = forms.CharField(label="Éligibilité géographique (codes COG : DEP-14, REG-28…)")
    url_source = forms.URLField(label="Adresse de la source", max_length=500, required=False, assume_scheme="https")
    date_ouverture = forms.DateField(label="Ouverture", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_cloture = forms.DateField(label="Clôture", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_types_aides(self):
        return _words(self.cleaned_data["types_aides"])

    def clean_porteur_siren(self):
        siren = clean(self.cleaned_data["porteur_siren"])
        if len(siren) != 9 or company_problem(siren):
            raise forms.ValidationError(f"« {self.cleaned_data['porteur_siren']} » n'est pas un SIREN valide.")
        return siren

    def clean_geographie(self):
        codes = [c.upper() for c in _words(self.cleaned_data["geographie"].replace(" ", ","))]
        bad = [c for c in codes if not GEO.match(c)]
        if bad or not codes:
            raise forms.ValidationError(f"« {', '.join(bad) or '—'} » : codes TYPE-code attendus (DEP-14, REG-28…).")
        return codes

    def clean(self):
        data = super().clean()
        if data.get("date_ouverture") and data.get("date_cloture") and data["date_cloture"] < data["date_ouverture"]:
            self.add_error("date_cloture", "La clôture doit suivre l'ouverture.")
        return data

    def row(self) -> dict:
        """The scheme in the national schema's columns, as do_add_scheme reads them."""
        data = self.cleaned_data

        def moment(day):
            return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).isoformat() if day else ""

        porteur = {"nom": data["porteur_nom"], "siren": data["porteur_siren"], "roles": _words(data["porteur_roles"])}
        return {
            "id": str(uuid.uuid4()), "titre": data["titre"], "promesse": data["promesse"],
            "description": data["description"], "eligibilite": data["eligibilite"],
            "types_aides": "|".join(data["types_aides"]), "porteurs": json.dumps([porteur], ensure_ascii=False),
            "url_source": data["url_source"], "cibles": "|".join(data["cibles"]),
            "eligibilite_geographique": "|".join(data["geographie"]), "date_ouverture": moment(data["date_ouverture"]),
            "date_cloture": moment(data["date_cloture"]), "date_mise_a_jour": timezone.now().isoformat(),
        }  # fmt: skip
