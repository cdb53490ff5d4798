"""Labels of codes shown on pages (a CPV division « 45 » reads « 45 — Travaux de construction »). ui knows no
nomenclature: the app that owns one registers its labeller in its AppConfig.ready
(`register_code_labels("cpv", semantics.cpv_label)`); templates use `{{ code|ui_code_label:"cpv" }}`."""

from collections.abc import Callable


_LABELLERS: dict[str, Callable[[str], str]] = {}


def register_code_labels(kind: str, labeller: Callable[[str], str]) -> None:
    _LABELLERS[kind] = labeller


def code_with_label(code, kind: str) -> str:
    """« code — label », or the code alone when the nomenclature does not know it (or nobody registered it)."""
    text = str(code or "").strip()
    if not text:
        return ""
    labeller = _LABELLERS.get(kind)
    label = labeller(text) if labeller else ""
    return f"{text} — {label}" if label else text
