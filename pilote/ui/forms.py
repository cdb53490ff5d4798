"""Form helpers shared by every app's views."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service function's ValidationError on the form: each field's errors beside that field when the
    form has it, everything else at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@dataclass(frozen=True)
class Submitted:
    """What `submit` did: `ok` when the form was valid and the service accepted it, with the service's result
    (services may return None, hence the flag rather than a sentinel result)."""

    ok: bool
    result: Any = None


def submit(form, action: Callable[[dict], Any]) -> Submitted:
    """The write step every form view repeats: validate the form, run the service with the cleaned data, and put
    a service's refusal (ValidationError) on the form, beside its field when the form has one."""
    if not form.is_valid():
        return Submitted(False)
    try:
        return Submitted(True, action(form.cleaned_data))
    except ValidationError as error:
        add_service_errors(form, error)
        return Submitted(False)


def errors_as_messages(request, form) -> None:
    """For views that redirect back to the page the form came from instead of rendering it again: each error of
    the form becomes a message, prefixed with its field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label} : {message}" if label else message)


def submit_and_report(request, form, action: Callable[[dict], Any], success: str) -> Submitted:
    """`submit`, then the outcome as messages: `success` when accepted, the form's errors otherwise."""
    submitted = submit(form, action)
    if submitted.ok:
        messages.success(request, success)
    else:
        errors_as_messages(request, form)
    return submitted
