"""Password reset, limited: a few requests an hour per client address (a refused request says so, with a 429),
and a few e-mails an hour per address asked for (beyond, the page answers as usual and sends nothing, so that
the limit neither floods a mailbox nor tells whether an account exists)."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from pilote.core.throttling import password_reset_allowed_for, password_reset_allowed_from


TOO_MANY_RESETS = "Trop de demandes de réinitialisation depuis cette adresse : réessayez dans une heure."


class PasswordResetView(auth_views.PasswordResetView):
    def post(self, request, *args, **kwargs):
        if not password_reset_allowed_from(request):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, TOO_MANY_RESETS)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not password_reset_allowed_for(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
