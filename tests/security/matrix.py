"""Permission-matrix extension (see tests/core/test_permission_matrix.py): the account's own pages."""

PUBLIC_VIEWS = {
    "core:api_tokens": "own account (login required): a person's own API tokens",
    "core:api_token_revoke": "own account (login required): only the person's own token (404 otherwise)",
}
KWARG_PROVIDERS = {}
