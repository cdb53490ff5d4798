"""User-written Markdown to safe HTML, in one place (the sourcing charter today): markdown-it-py renders
CommonMark with raw HTML disabled (typed tags come out escaped, javascript: links are refused), then nh3 keeps
only an allow-list of tags and attributes, so that a later change of the renderer's options cannot open a hole.
Headings are shifted down one level: the page keeps its own h1."""

import nh3
from markdown_it import MarkdownIt


_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
_SHIFT = {f"h{n}": f"h{min(n + 1, 6)}" for n in range(1, 7)}


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = _SHIFT[token.tag]


def render_markdown(text: str) -> str:
    """Safe HTML of `text` (Markdown)."""
    tokens = _RENDERER.parse(text or "")
    _shift_headings(tokens)
    html = _RENDERER.renderer.render(tokens, _RENDERER.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
