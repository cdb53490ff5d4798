"""The explorer's contract tables read every CPV code « code — libellé » (issue 17), not a bare code."""

import pytest
from django.urls import reverse

from pilote.contracts.semantics import cpv_label
from pilote.core.enums import Role


pytestmark = pytest.mark.django_db


def test_search_results_show_the_cpv_label(client, org_a, members_a, store):
    client.force_login(members_a[Role.AGENT])
    html = client.get(reverse("explorer:search", kwargs={"slug": org_a.slug}), {"q": "voirie"}).content.decode()
    label = cpv_label("45233140")
    assert label  # the nomenclature knows it: otherwise the test would prove nothing
    assert f"45233140 — {label}" in html
    assert "<td>45233140</td>" not in html
