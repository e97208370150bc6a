"""When two bibliography entries are the same work, and how imported readings join a library.

Identifiers are compared in a normal form: DOIs lower-cased without their resolver prefix, arXiv
ids without a version, ISBNs as ISBN-13, titles case-folded without LaTeX, accents or
punctuation. Two entries with the same normal title are only taken as one work when nothing
contradicts it (different DOIs, a different first author), because short titles repeat: LeCun et
al.'s Nature review and Goodfellow et al.'s book are both "Deep Learning".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from planner.content.identifiers import arxiv_problem, isbn_problem
from planner.core.imports import ImportedReading, MergePlan, NewReading, ReadingMerge
from planner.core.models import Reading
from planner.core.readings import NAME_SUFFIXES

_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>{}]+")
_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_BARE = re.compile(rf"^(?:arxiv:)?{_ARXIV_ID}$", re.IGNORECASE)
# In free text (a journal field, a URL) an id only counts next to the word arXiv.
_ARXIV_IN_TEXT = re.compile(rf"arxiv(?:\.org/(?:abs|pdf)/|\s*(?:preprint)?\s*(?:arxiv)?\s*[:/]?\s*)"
                            rf"{_ARXIV_ID}", re.IGNORECASE)
# Letters NFKD does not split into a base letter and an accent.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th",
                       "ð": "d", "ŀ": "l", "ß": "ss"})
_LATEX_LETTERS = {r"\ss": "ss", r"\o": "o", r"\O": "o", r"\l": "l", r"\L": "l", r"\ae": "ae",
                  r"\AE": "ae", r"\oe": "oe", r"\OE": "oe", r"\aa": "a", r"\AA": "a", r"\i": "i"}
_LATEX_LETTER = re.compile(r"\\(?:ss|o|O|l|L|ae|AE|oe|OE|aa|AA|i)(?![a-zA-Z])")
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?|\\.")
TITLE_STOPWORDS = frozenset({"a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "is",
                             "are", "from", "by", "at", "via", "using", "towards", "toward"})
_ID_FIELDS = ("doi", "arxiv", "isbn")
_FILLABLE = ("authors", "year", "venue", "arxiv", "doi", "isbn", "url", "month", "tags", "notes")


def clean_doi(value: str | None) -> str | None:
    """The DOI in `value` ('https://doi.org/10.1109/CVPR.2016.90', 'doi:10…'), or None."""
    match = _DOI.search(value.replace(r"\_", "_")) if value else None
    return match.group(0).rstrip(".,;") if match else None


def normalise_doi(value: str | None) -> str | None:
    """A DOI for comparison: no resolver prefix, lower case (DOIs ignore case)."""
    doi = clean_doi(value)
    return doi.lower() if doi else None


def clean_arxiv(value: str | None, *, bare: bool = True) -> str | None:
    """The arXiv id in `value` without its version ('1706.03762v5' → '1706.03762'), or None.

    With `bare`, `value` may be just the id (an eprint field); otherwise the id must follow
    the word arXiv, as in 'arXiv preprint arXiv:1412.6980' or an arxiv.org URL."""
    if not value:
        return None
    value = value.strip()
    match = (_ARXIV_BARE.match(value) if bare else None) or _ARXIV_IN_TEXT.search(value)
    if not match:
        return None
    ident = match.group(1)
    return None if arxiv_problem(ident) else ident


def normalise_arxiv(value: str | None) -> str | None:
    """An arXiv id for comparison: no version, lower case ('cs.LG/0601001v2' → 'cs.lg/0601001')."""
    ident = clean_arxiv(value) or clean_arxiv(value, bare=False)
    return ident.lower() if ident else None


def clean_isbn(value: str | None) -> str | None:
    """An ISBN as its digits ('978-0-262-03561-3' → '9780262035613'), None if not valid."""
    if not value:
        return None
    digits = re.sub(r"[\s-]", "", value).upper().removeprefix("ISBN:").removeprefix("ISBN")
    return digits if digits and not isbn_problem(digits) else None


def first_isbn(value: str | None) -> str | None:
    """The first valid ISBN of a field that may hold several, as Zotero writes them
    ('978-1-… 978-0-…', or separated by ';' or ','), as its digits; None if none is valid."""
    if not value:
        return None
    if whole := clean_isbn(value):
        return whole
    for part in re.split(r"[;,/|]", value):
        if found := clean_isbn(part):
            return found
        for word in part.split():
            if found := clean_isbn(word):
                return found
    return None


def normalise_isbn(value: str | None) -> str | None:
    """An ISBN for comparison: ISBN-10s become their ISBN-13."""
    digits = clean_isbn(value)
    if digits is None or len(digits) == 13:
        return digits
    body = "978" + digits[:9]
    check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body)) % 10) % 10
    return body + str(check)


def ascii_fold(text: str) -> str:
    """Case-folded text with LaTeX accents and Unicode diacritics removed: 'Sch{\\"o}lkopf' → 'scholkopf'."""
    text = _LATEX_LETTER.sub(lambda m: _LATEX_LETTERS[m.group(0)], text)
    text = _LATEX_COMMAND.sub("", text).replace("{", "").replace("}", "")
    text = text.casefold().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).translate(_FOLD)


def normalise_title(title: str) -> str:
    """A title for comparison: folded, braces and punctuation gone, spaces collapsed."""
    return " ".join(re.sub(r"[\W_]+", " ", ascii_fold(title)).split())


def surname(name: str) -> str:
    """The folded family name of 'First von Last Jr.' (the last word before a suffix)."""
    words = [w for w in normalise_title(name).split()]
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else ""


def citation_parts(reading: Reading | ImportedReading) -> tuple[str, str, str]:
    """(surname, year, first significant title word), ASCII only, for citation keys and slugs:
    ('vaswani', '2017', 'attention')."""
    who = re.sub(r"[^a-z0-9]", "", surname(reading.authors[0])) if reading.authors else ""
    words = (re.sub(r"[^a-z0-9]", "", w) for w in normalise_title(reading.title).split()
             if w not in TITLE_STOPWORDS)
    return who, str(reading.year or ""), next((w for w in words if w), "")


def dedupe_keys(reading: Reading | ImportedReading) -> dict[str, str]:
    """The normal forms under which a reading may match another: doi, arxiv, isbn, title."""
    keys = {"doi": normalise_doi(reading.doi), "arxiv": normalise_arxiv(reading.arxiv),
            "isbn": normalise_isbn(reading.isbn), "title": normalise_title(reading.title)}
    return {kind: key for kind, key in keys.items() if key}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == () or value == 0


def _compatible(a: Reading | ImportedReading, b: Reading | ImportedReading) -> bool:
    """False when an identifier of one contradicts the same identifier of the other."""
    ka, kb = dedupe_keys(a), dedupe_keys(b)
    return all(ka.get(k) == kb.get(k) for k in _ID_FIELDS if k in ka and k in kb)


def _same_work_by_title(a: Reading | ImportedReading, b: Reading | ImportedReading) -> bool:
    if a.authors and b.authors:
        return surname(a.authors[0]) == surname(b.authors[0])
    return _empty(a.year) or _empty(b.year) or a.year == b.year


def _filled(target: Reading | ImportedReading, incoming: ImportedReading) -> dict[str, Any]:
    """Fields the target lacks and the incoming entry has; nothing the target has is replaced."""
    return {name: getattr(incoming, name) for name in _FILLABLE
            if hasattr(target, name) and _empty(getattr(target, name))
            and not _empty(getattr(incoming, name, None))}


class _Group:
    """One work: an existing reading or a new one, with the incoming entries folded into it."""

    def __init__(self, view: Reading | ImportedReading, existing: int | None):
        self.view = view
        self.existing = existing
        self.incoming: list[int] = []
        self.filled: dict[str, Any] = {}
        self.matched_by = ""

    def absorb(self, index: int, entry: ImportedReading, how: str) -> None:
        self.incoming.append(index)
        self.matched_by = self.matched_by or how
        fill = _filled(self.view, entry)
        self.filled.update(fill)
        self.view = replace(self.view, **fill)


class _Index:
    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], list[_Group]] = {}

    def add(self, group: _Group, reading: Reading | ImportedReading) -> None:
        for kind, key in dedupe_keys(reading).items():
            bucket = self.by_key.setdefault((kind, key), [])
            if group not in bucket:
                bucket.append(group)

    def find(self, entry: ImportedReading) -> tuple[_Group, str] | None:
        """The group `entry` belongs to, strongest identifier first; existing before new."""
        keys = dedupe_keys(entry)
        for kind in (*_ID_FIELDS, "title"):
            for group in self.by_key.get((kind, keys.get(kind, "")), ()):
                if not _compatible(group.view, entry):
                    continue
                if kind != "title" or _same_work_by_title(group.view, entry):
                    return group, kind
        return None


def merge_readings(existing: Sequence[Reading | ImportedReading],
                   incoming: Sequence[ImportedReading]) -> MergePlan:
    """Plan how `incoming` joins `existing`: each entry is new or fills gaps of one existing.

    An entry matches a reading with the same DOI, arXiv id or ISBN, or the same title when no
    identifier or first author contradicts it. Duplicates within `incoming` become one new
    reading. Pure: nothing is written; the plan lists indices (and slugs) and filled fields."""
    index = _Index()
    groups: list[_Group] = []
    for position, reading in enumerate(existing):
        group = _Group(reading, position)
        groups.append(group)
        index.add(group, reading)
    for position, entry in enumerate(incoming):
        found = index.find(entry)
        if found is None:
            group = _Group(entry, None)
            group.incoming.append(position)
            groups.append(group)
        else:
            group, how = found
            group.absorb(position, entry, how)
        index.add(group, entry)
    merges = tuple(
        ReadingMerge(existing=g.existing, slug=getattr(g.view, "slug", None),
                     incoming=tuple(g.incoming), matched_by=g.matched_by, filled=g.filled)
        for g in groups if g.existing is not None and g.incoming
    )
    new = tuple(NewReading(reading=g.view, incoming=tuple(g.incoming), filled=g.filled)
                for g in groups if g.existing is None)
    return MergePlan(new=new, merges=merges)
