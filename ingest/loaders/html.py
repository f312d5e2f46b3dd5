"""HTML: main content only, without navigation, banners, scripts or hidden text."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from lxml.etree import LxmlError

from assistant.errors import CorruptFileError
from ingest.loaders._common import RawBlock, clean_inline

# Elements that never hold the page's main text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "form", "button", "select", "input", "textarea", "nav", "aside", "footer", "dialog", "menu",
)  # fmt: skip
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert"}
_NOISE_WORDS = ("cookie", "consent", "banner", "breadcrumb", "skip-link", "skiplink", "gdpr")
_HIDDEN_CLASSES = {
    "hidden",
    "d-none",
    "sr-only",
    "visually-hidden",
    "govuk-visually-hidden",
    "hide",
}
_HIDDEN_STYLE_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$)|"
    r"font-size\s*:\s*0(?:px|em|rem|pt)?\s*(?:;|$)",
    re.IGNORECASE,
)
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = {
    "address", "article", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table",
    "ul", "header", "body", "html", "center", "caption",
} | set(_HEADING_TAGS)  # fmt: skip
_TITLE_SPLIT_RE = re.compile(r"\s+[|–—]\s+|\s+-\s+(?=[^-]*$)")
_SITE_SUFFIX_RE = re.compile(
    r"association|council|gov\.uk|\blga\b|website|home|\.co\.uk|\.org|\.com", re.IGNORECASE
)


def parse_html(
    data: bytes, path: Path
) -> tuple[list[RawBlock], dict[str, str | None], list[tuple[str, str]]]:
    """Blocks of the page's main content, inferred metadata and extra metadata."""
    try:
        soup = BeautifulSoup(data, "lxml")
    except (ValueError, LookupError, LxmlError) as exc:  # control bytes, unknown charset
        raise CorruptFileError(
            f"{path.name}: not readable as HTML ({exc}); re-save it as UTF-8 HTML and re-run."
        ) from exc
    meta = _metadata(soup)
    extra: list[tuple[str, str]] = []
    description = _meta_content(soup, "description") or _meta_content(soup, "og:description")
    if description:
        extra.append(("description", clean_inline(description)))

    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    body = soup.body or soup
    _remove_noise(body)
    root = _main_root(body)
    blocks: list[RawBlock] = []
    _walk(root, blocks)
    if not meta.get("title"):
        h1 = root.find("h1") or soup.find("h1")
        if isinstance(h1, Tag):
            meta["title"] = clean_inline(h1.get_text(" "))
    return [b for b in blocks if b.text], meta, extra


def clean_title(title: str) -> str:
    """Strip a site suffix: ``"Transformation Network | Local Government Association"``."""
    title = clean_inline(title)
    parts = [p for p in _TITLE_SPLIT_RE.split(title) if p.strip()]
    if len(parts) >= 2 and (" | " in title or _SITE_SUFFIX_RE.search(parts[-1])):
        return parts[0].strip()
    return title


def _meta_content(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
    if isinstance(tag, Tag):
        content = tag.get("content")
        if isinstance(content, str) and content.strip():
            return content.strip()
    return None


def _metadata(soup: BeautifulSoup) -> dict[str, str | None]:
    meta: dict[str, str | None] = {}
    if soup.title and soup.title.string and soup.title.string.strip():
        meta["title"] = clean_title(soup.title.string)
    meta["author"] = _meta_content(soup, "author")
    meta["publisher"] = _meta_content(soup, "og:site_name")
    meta["published"] = (
        _meta_content(soup, "article:published_time")
        or _meta_content(soup, "dcterms.date")
        or _meta_content(soup, "date")
    )
    canonical = soup.find("link", rel="canonical")
    href = canonical.get("href") if isinstance(canonical, Tag) else None
    meta["url"] = (
        href if isinstance(href, str) and href.startswith("http") else _meta_content(soup, "og:url")
    )
    return meta


_WHITE = r"(?:white|#fff(?:fff)?\b|rgba?\(\s*255\s*,\s*255\s*,\s*255\s*(?:,\s*[\d.]+\s*)?\))"
_WHITE_TEXT_RE = re.compile(r"(?:^|;|\s)color\s*:\s*" + _WHITE, re.IGNORECASE)
_BACKGROUND_RE = re.compile(r"background(?:-color)?\s*:\s*([^;]+)", re.IGNORECASE)


def _white_on_white(style: str) -> bool:
    """White text with no background or a white one: invisible on the page (an injection
    vector). White text on a stated dark background is kept."""
    if not _WHITE_TEXT_RE.search(style):
        return False
    background = _BACKGROUND_RE.search(style)
    return background is None or re.fullmatch(_WHITE, background.group(1).strip(), re.I) is not None


def _is_hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if tag.name == "input" and str(tag.get("type", "")).lower() == "hidden":
        return True
    style = tag.get("style")
    if isinstance(style, str) and (_HIDDEN_STYLE_RE.search(style) or _white_on_white(style)):
        return True
    classes: list[str] = [str(c) for c in (tag.get("class") or [])]
    return any(c.lower() in _HIDDEN_CLASSES for c in classes)


def _holds_content(tag: Tag) -> bool:
    """Does a wrapper hold the page's content (ASP.NET pages put everything in one <form>)?"""
    if tag.find(["main", "article", "h1"]) or tag.find(True, attrs={"role": "main"}):
        return True
    return len(tag.find_all("p", limit=3)) >= 3


def _is_noise(tag: Tag) -> bool:
    if tag.name == "form":
        return not _holds_content(tag)
    if tag.name in _DROP_TAGS:
        return True
    if str(tag.get("role", "")).lower() in _DROP_ROLES:
        return True
    if tag.name in ("main", "article", "body", "html") or tag.get("role") == "main":
        return False
    label = " ".join(
        [str(tag.get("id", ""))]
        + [str(c) for c in (tag.get("class") or [])]
        + [str(tag.get("aria-label", ""))]
    ).lower()
    if not any(word in label for word in _NOISE_WORDS):
        return False
    # A "page-banner" or "hero-banner" may carry the page's own title: keep one with a heading.
    only_banner = not any(word in label for word in _NOISE_WORDS if word != "banner")
    return not (only_banner and tag.find(["h1", "h2"]) is not None)


def _remove_noise(body: Tag) -> None:
    # Collect first, then remove: decomposing while iterating skips siblings.
    doomed = [t for t in body.find_all(True) if _is_hidden(t) or _is_noise(t)]
    for tag in doomed:
        if not tag.decomposed:
            tag.decompose()
    for header in body.find_all("header"):
        # A page header is chrome; an article's own header may hold its title: keep headings.
        inside_content = header.find_parent(["main", "article"]) is not None
        if not inside_content or not header.find(list(_HEADING_TAGS)):
            header.decompose()


def _main_root(body: Tag) -> Tag:
    main = body.find("main") or body.find(True, attrs={"role": "main"})
    if isinstance(main, Tag) and main.get_text(strip=True):
        return main
    articles = [a for a in body.find_all("article") if a.get_text(strip=True)]
    if len(articles) == 1:
        return articles[0]
    for key in ("content", "main-content", "maincontent"):
        found = body.find(id=key)
        if isinstance(found, Tag) and found.get_text(strip=True):
            return found
    return body


def _inline_text(tag: Tag, *, skip: tuple[str, ...] = ()) -> str:
    parts: list[str] = []
    for node in tag.descendants:
        if isinstance(node, NavigableString):
            if _inside(node, tag, skip):
                continue
            parts.append(str(node))
        elif isinstance(node, Tag) and node.name == "br":
            parts.append(" ")
    return clean_inline("".join(parts))


def _inside(node: NavigableString, stop: Tag, names: tuple[str, ...]) -> bool:
    """Is ``node`` inside an element named in ``names`` below ``stop``?"""
    parent = node.parent
    while parent is not None and parent is not stop:
        if parent.name in names:
            return True
        parent = parent.parent
    return False


def _walk(node: Tag, blocks: list[RawBlock]) -> None:
    buffer: list[str] = []

    def flush() -> None:
        text = clean_inline("".join(buffer))
        buffer.clear()
        if text:
            blocks.append(RawBlock(text))

    for child in node.children:
        if isinstance(child, NavigableString):
            buffer.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            buffer.append(" ")
            continue
        if name not in _BLOCK_TAGS:
            if child.find(list(_BLOCK_TAGS)):  # an inline wrapper around blocks (e.g. <a><div>)
                flush()
                _walk(child, blocks)
            else:
                buffer.append(_inline_text(child) if child.find("br") else child.get_text())
            continue
        flush()
        if name in _HEADING_TAGS:
            text = clean_inline(child.get_text(" "))
            if text:
                blocks.append(RawBlock(text, kind="heading", level=_HEADING_TAGS[name]))
        elif name == "li":
            text = _inline_text(child, skip=("ul", "ol", "table"))
            if text:
                blocks.append(RawBlock(text, kind="list_item"))
            for nested in child.find_all(["ul", "ol", "table"], recursive=False):
                _walk_block(nested, blocks)
        elif name == "table":
            _table(child, blocks)
        elif name == "pre":
            text = child.get_text().strip()
            if text:
                blocks.append(RawBlock(text))
        elif name in ("p", "dt", "dd", "figcaption", "summary", "caption", "address"):
            if child.find(list(_BLOCK_TAGS - {"br"})):
                _walk(child, blocks)
            else:
                text = _inline_text(child)
                if text:
                    blocks.append(RawBlock(text))
        elif name != "hr":
            _walk(child, blocks)
    flush()


def _walk_block(tag: Tag, blocks: list[RawBlock]) -> None:
    if tag.name == "table":
        _table(tag, blocks)
    else:
        _walk(tag, blocks)


def _table(table: Tag, blocks: list[RawBlock]) -> None:
    rows: list[str] = []
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue
        cells = [clean_inline(c.get_text(" ")) for c in row.find_all(["th", "td"], recursive=False)]
        if any(cells):
            rows.append(" | ".join(cells))
    if rows:
        blocks.append(RawBlock("\n".join(rows), kind="table"))
