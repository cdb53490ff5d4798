"""Shared by the import page's tests: a real DECP 2022 file, and background tasks run at once."""

from pathlib import Path

import pytest


REAL_2022 = (
    Path(__file__).resolve().parents[2].parent
    / "shared/data/decp/real/megalis-2024/decp-59920013600241-2024-07-09-01.json"
)

MEGALIS_BUYER = "59920013600241"  # the buyer SIRET of every record of REAL_2022


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
