"""Notices that other apps contribute to the needs of a census: e.g. the ressource-o-thèque's « vérifiez d'abord
le catalogue » beside a need for shareable equipment.

A contributor registers in its AppConfig.ready: `register_need_notice(function)`, where `function(need)` returns
a French text to show under the need's object, or "" when it has nothing to say. Nothing guards the functions: a
contributor that fails makes the page fail, so that a broken sibling shows in tests."""

from collections.abc import Callable


_NOTICES: list[Callable] = []


def register_need_notice(function: Callable) -> None:
    if function not in _NOTICES:
        _NOTICES.append(function)


def need_notices(need) -> list[str]:
    return [text for text in (function(need) for function in _NOTICES) if text]
