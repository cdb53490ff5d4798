"""French error pages (400, 403, 404, 500 and CSRF failure)."""

from django.shortcuts import render


def error_page(request, status, title, message):
    """A French error page with its HTTP status."""
    return render(request, "ui/error.html", {"title": title, "message": message, "status": status}, status=status)


def bad_request(request, exception=None):
    return error_page(request, 400, "Requête incorrecte", "La demande envoyée n'a pas pu être comprise.")


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else "Votre rôle ne permet pas d'accéder à cette page."
    return error_page(request, 403, "Accès refusé", detail)


def page_not_found(request, exception=None):
    return error_page(request, 404, "Page introuvable", "Cette page n'existe pas, ou vous n'y avez pas accès.")


def server_error(request):
    return error_page(
        request, 500, "Erreur du serveur", "Une erreur inattendue s'est produite. L'équipe a été prévenue."
    )


def csrf_failure(request, reason=""):
    return error_page(
        request,
        403,
        "Formulaire expiré",
        "Le formulaire n'a pas pu être vérifié (jeton de sécurité absent ou expiré). "
        "Rechargez la page puis envoyez-le à nouveau : rien n'a été enregistré.",
    )
