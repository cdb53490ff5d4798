"""Permission-matrix extension of the core app (see tests/core/test_permission_matrix.py)."""

PUBLIC_VIEWS = {}
KWARG_PROVIDERS = {}
