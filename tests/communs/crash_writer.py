"""Run by test_crash.py in a child process on a SQLite file database: approves bookings one by one and, in the
last one, stops inside the transaction (after the ledger movement is written, before the commit) and waits to
be killed. Prints one line per committed approval, then PAUSED."""

import datetime as dt
import os
import sys
import time

import django


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from pilote.communs import ledger, services  # noqa: E402
from pilote.communs.models import AccountKind, Booking, Movement  # noqa: E402
from pilote.core.models import Organisation, User  # noqa: E402
from tests.communs import helpers  # noqa: E402


def main(committed: int) -> None:
    organisation = Organisation.objects.create(name="Crash", slug="crash", kind="commune")
    actor = User.objects.create_user(email="crash@exemple.fr", password="x-Y-z-123456789")
    initiative = helpers.initiative(organisation, actor)
    helpers.grant(initiative, actor, 1000)
    resource = helpers.room(organisation, actor)
    start = dt.datetime(2026, 1, 5, 9, tzinfo=timezone.get_current_timezone())
    for n in range(committed + 1):
        begin = start + dt.timedelta(days=n)
        booking = services.do_request_booking(
            resource,
            initiative,
            starts_at=begin,
            ends_at=begin + dt.timedelta(hours=2),
            purpose="atelier",
            actor=actor,
        )
        if n < committed:
            services.do_approve_booking(booking, actor=actor)
            print("COMMITTED", flush=True)
            continue
        with transaction.atomic():
            # What do_approve_booking does, with a pause between the movement and the status change.
            ledger.post(
                organisation,
                kind=Movement.Kind.RESERVATION,
                debit=ledger.initiative_account(initiative),
                credit=ledger.system_account(organisation, AccountKind.USAGES),
                amount=booking.credit_cost,
                memo="interrompue",
                actor=actor,
                booking=booking,
            )
            print("PAUSED", flush=True)
            time.sleep(60)
            Booking.objects.filter(pk=booking.pk).update(status="approuvee")


if __name__ == "__main__":
    main(int(sys.argv[1]))
