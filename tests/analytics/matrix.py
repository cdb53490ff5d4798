"""Permission-matrix extension of the cockpit (see tests/core/test_permission_matrix.py)."""

PUBLIC_VIEWS = {
    "analytics:public_cockpit": "public: only organisations that chose to publish (is_public)",
    "analytics:public_method": "public: the Méthode page of a published cockpit (is_public)",
}
KWARG_PROVIDERS = {}
