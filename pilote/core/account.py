"""The account's personal API tokens: list, create (the secret shown once), revoke (after a confirmation).
Thin views over the services of pilote.core.api_tokens; a person sees and revokes only their own tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from pilote.core.api_tokens import MAX_ACTIVE_PER_USER, ApiToken, do_create_api_token, do_revoke_api_token


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton", max_length=100, help_text="L'outil ou le script qui l'utilisera (ex. « tableau DSI »)."
    )


@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = do_create_api_token(request.user, name=form.cleaned_data["name"], actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            created = {"token": token, "secret": secret}  # shown in this response only, never again
            form = ApiTokenForm()
    return render(
        request,
        "core/api_tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=request.user),
            "max_active": MAX_ACTIVE_PER_USER,
        },
    )


@login_required
def api_token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at=None)
    if request.method == "POST":
        do_revoke_api_token(token, actor=request.user)
        messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.")
        return redirect("core:api_tokens")
    return render(request, "core/api_token_revoke.html", {"token": token})
