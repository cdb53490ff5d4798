"""Permission-matrix extension of the core app (see tests/core/test_permission_matrix.py)."""

PUBLIC_VIEWS = {
    "core:notifications": "the person's own notifications (login required, every organisation)",
    "core:notification_open": "one of the person's own notifications (POST, 404 for another's)",
    "core:notifications_read_all": "the person's own notifications (POST, login required)",
}
KWARG_PROVIDERS = {}
