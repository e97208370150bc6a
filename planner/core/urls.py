"""Which addresses content may send to the operating system.

One policy for the whole app: a pack reading's `url`, a learner's own reading, a lesson link and
every address the window hands to the desktop go through `is_safe_external_url`. Only web pages
and e-mail leave Lodestar; `file:`, `javascript:`, `data:`, custom handlers and the like never
do, because the desktop would open (or run) whatever they name.
"""

from __future__ import annotations

import re

EXTERNAL_SCHEMES = ("http", "https", "mailto")
# Links inside a lesson that Lodestar answers itself, never the desktop.
INTERNAL_SCHEMES = ("topic", "lab", "reading")
# A lesson image inside the content pack, `pack:<path in the pack>`; the lesson view reads it.
PACK_SCHEME = "pack"
MAX_URL_LENGTH = 2000

_WEB = re.compile(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$", re.IGNORECASE)
_MAIL = re.compile(r"^mailto:[^\s@/]+@[^\s@/]+$", re.IGNORECASE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def is_safe_external_url(url: str, *, web_only: bool = False) -> bool:
    """True for an http(s) web address or (unless `web_only`) a mailto: address, nothing else:
    no whitespace or control characters, at most `MAX_URL_LENGTH` characters."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return False
    if any(ord(c) < 0x20 or c == "\x7f" for c in url):
        return False
    return bool(_WEB.match(url) or (not web_only and _MAIL.match(url)))


def url_scheme(url: str) -> str:
    """The scheme of `url` in lower case, '' when it has none (a relative path)."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a web address for a reading, or None when it can."""
    if is_safe_external_url(url, web_only=True):
        return None
    if len(url) > MAX_URL_LENGTH:
        return f"the address is {len(url):,} characters long (at most {MAX_URL_LENGTH:,})"
    scheme = url_scheme(url)
    if scheme and scheme not in ("http", "https"):
        return f"{scheme}: addresses are not opened; use an http(s):// web address"
    return "not a web address (https://…)"


def shorten(value: object, limit: int = 80) -> str:
    """`repr(value)` cut to about `limit` characters, for quoting in a message."""
    text = repr(value) if not isinstance(value, str) or len(value) <= limit * 4 else repr(value[:limit * 4])
    return text if len(text) <= limit else text[:limit - 1] + "…"


def clip(text: str, limit: int = 80) -> str:
    """`text` cut to `limit` characters (with an ellipsis), for quoting it unquoted."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
