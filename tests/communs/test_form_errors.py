"""A POST form of a page that is re-rendered on refusal shows the service's refusal beside its field (the board's
representative form: only the service knows whether the address belongs to a member)."""

import pytest
from django.urls import reverse

from pilote.communs.models import Representative
from tests.communs import helpers
from tests.core.factories import OrganisationFactory


pytestmark = pytest.mark.django_db


def test_a_representative_who_is_not_a_member_is_refused_beside_the_email(client):
    org = OrganisationFactory()
    actor = helpers.manager(org)
    lilas = helpers.initiative(org, actor)
    client.force_login(actor)
    response = client.post(
        reverse("communs:representative_appoint", kwargs={"slug": org.slug}),
        {"initiative": lilas.pk, "email": "inconnu@example.org"},
    )
    assert response.status_code == 200
    assert response.context["representative_form"].errors == {
        "email": ["Aucun membre de l'organisation n'a cette adresse : invitez d'abord la personne."]
    }
    assert not Representative.objects.exists()
