"""Static files storage of production: WhiteNoise's compressed, hashed files, without source-map rewriting.

The vendored libraries (vega, vega-lite, vega-embed, htmx, swagger-ui) are kept byte-identical to their npm
packages (their SHA256SUMS), and some end with a `sourceMappingURL` comment naming a map that is not shipped.
Django's manifest storage rewrites those comments and fails `collectstatic` on the missing map; a source map only
serves a browser's developer tools, so the references are left as they are (a missing map is a 404 there, never
a page error). CSS `url()` and `@import` references are still hashed and checked."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    kept = []
    for glob, rules in patterns:
        rules = tuple(rule for rule in rules if "sourceMappingURL" not in str(rule))
        if rules:
            kept.append((glob, rules))
    return tuple(kept)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(ManifestStaticFilesStorage.patterns)
