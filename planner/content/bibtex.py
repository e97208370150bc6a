"""BibTeX in and out: a learner's own bibliography becomes `ImportedReading`s, and readings
become a `.bib` file their LaTeX can cite.

bibtexparser (v2) splits the file, resolves `@string` macros and skips `@comment`s; each entry is
then decoded on its own (LaTeX accents to Unicode, protective braces dropped, names split into
"First von Last Jr"), so an entry that cannot be read costs only itself. Identifier fields (DOI,
URL, eprint, ISBN) are read from the undecoded text, where `%` and `_` mean themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    Entry,
    Field,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)

from planner.content.dedupe import (
    citation_parts,
    clean_arxiv,
    clean_doi,
    dedupe_keys,
    first_isbn,
    merge_readings,
    normalise_arxiv,
    normalise_doi,
    normalise_isbn,
    normalise_title,
)
from planner.core.imports import ImportedReading, ImportProblem, ImportResult
from planner.core.models import Reading, ReadingKind
from planner.core.readings import NAME_SUFFIXES
from planner.core.urls import is_safe_external_url, shorten

__all__ = ["citation_key", "dedupe_keys", "merge_readings", "normalise_arxiv", "normalise_doi",
           "normalise_isbn", "normalise_title", "parse_bibtex", "reading_kind", "readings_to_bibtex"]

_BOOK, _PAPER, _ARTICLE = ReadingKind.BOOK, ReadingKind.PAPER, ReadingKind.ARTICLE
KINDS: dict[str, ReadingKind] = {
    **dict.fromkeys(("book", "inbook", "incollection", "bookinbook", "booklet", "collection",
                     "mvbook", "mvcollection", "proceedings", "mvproceedings", "reference"), _BOOK),
    **dict.fromkeys(("article", "inproceedings", "conference", "phdthesis", "mastersthesis",
                     "thesis", "techreport", "report", "misc", "unpublished"), _PAPER),
    **dict.fromkeys(("online", "webpage", "electronic", "www", "software", "dataset", "manual"),
                    _ARTICLE),
}
_BOOKISH = {t for t, kind in KINDS.items() if kind is _BOOK} - {"inbook", "incollection"}
_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "howpublished", "school", "institution",
                 "organization", "publisher")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"), start=1)}
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
# A value that runs on into `key = {` on a later line: the comma after it is missing.
_RUN_ON = re.compile(r"[}\"]\s*\n\s*([A-Za-z][\w-]*)\s*=")
_DECODE = LatexDecodingMiddleware(allow_inplace_modification=False)
_PERSON = "lodestar-person-"  # field names under which each author is decoded
_TEXT_FIELDS = {"title", "note", "annote", "keywords", "year", "date", *_VENUE_FIELDS}
_LATEX = re.compile(r"[\\{}$~%]|--|``|''|[!?]`")  # what the decoder would change
# NUL and the other control characters: invisible, they break search, exports and some widgets.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_TITLE = 2_000  # characters; the longest real titles are a few hundred
MAX_FIELD = 100_000  # characters of any other field: a long abstract, a thousand-author list


def reading_kind(entry_type: str) -> ReadingKind | None:
    """paper, book or article for a BibTeX entry type; None for a type BibTeX does not know."""
    return KINDS.get(entry_type.lower())


def parse_bibtex(text: str, source: str = "") -> ImportResult:
    """Read every entry of a `.bib` file; an entry that cannot be read is a problem, not an error.

    Skipped with a problem naming the line the entry starts on: syntax errors, duplicate
    citation keys, entries without a title, a field that runs into the next for want of a comma.
    Imported with a problem: unknown entry types (read as papers), malformed identifiers
    (left out), years that are not years."""
    problems: list[ImportProblem] = []
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # bibtexparser raises on states it calls its own bugs; never on ours
        problem = ImportProblem(1, f"the file could not be read as BibTeX: {exc}")
        return ImportResult((), (problem,), source, 0)
    items, skipped = [], 0
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, ParsingFailedBlock):
            skipped += _failed_block(block, line, problems)
        elif isinstance(block, Entry):
            reading = _read_entry(block, line, library, problems)
            skipped += reading is None
            if reading is not None:
                items.append(reading)
    last = text.count("\n") + 1  # a line bibtexparser counts past the end is the last one
    problems = [replace(p, line=min(max(p.line, 1), last)) for p in problems]
    return ImportResult(tuple(items), tuple(sorted(problems)), source, skipped)


def _failed_block(block: ParsingFailedBlock, line: int, problems: list[ImportProblem]) -> int:
    """Report a block bibtexparser gave up on; 1 if it was an entry (so one was skipped)."""
    raw = (block.raw or "").lstrip()
    kind = raw[1:].split("{", 1)[0].split("(", 1)[0].strip().lower() if raw.startswith("@") else ""
    is_entry = kind not in ("string", "comment", "preamble")
    if isinstance(block, DuplicateBlockKeyBlock):
        first = (block.previous_block.start_line or 0) + 1 if block.previous_block else 0
        what = "citation key" if is_entry else "@string name"
        problems.append(ImportProblem(line, f"duplicate {what} {shorten(block.key)} (first used on line "
                                            f"{first}); this one was skipped"))
        return int(is_entry)
    reason = getattr(block.error, "abort_reason", None) or str(block.error) or "syntax error"
    reason = " ".join(reason.split())
    label = f"@{kind} entry" if kind else "entry"
    problems.append(ImportProblem(line, f"the {label} starting here could not be read "
                                        f"(a brace, quote or comma is probably missing): {reason}"))
    return int(is_entry)


def _read_entry(entry: Entry, line: int, library: Library,
                problems: list[ImportProblem]) -> ImportedReading | None:
    """One entry, or None (after reporting why) when it cannot be imported."""
    name = f"entry {shorten(entry.key)}" if entry.key else "entry"
    for field in entry.fields:
        if not isinstance(field.value, str):
            continue
        most = MAX_TITLE if field.key.lower() == "title" else MAX_FIELD
        if len(field.value) > most:
            problems.append(ImportProblem(line, f"{name}: the '{field.key[:40]}' field is "
                                                f"{len(field.value):,} characters long (at most "
                                                f"{most:,}); skipped"))
            return None
    if any(isinstance(f.value, str) and CONTROL.search(f.value) for f in entry.fields) \
            or CONTROL.search(entry.key or ""):
        problems.append(ImportProblem(line, f"{CONTROL.sub('', name)}: control characters (such as "
                                            "NUL) removed"))
        name = CONTROL.sub("", name)
        entry.key = CONTROL.sub("", entry.key or "")
        for field in entry.fields:
            if isinstance(field.value, str):
                field.value = CONTROL.sub("", field.value)
    for field in entry.fields:
        run_on = _RUN_ON.search(field.value) if isinstance(field.value, str) else None
        if run_on and field.enclosing == "no-enclosing":
            problems.append(ImportProblem(line, f"{name}: the '{field.key}' field runs into "
                                                f"'{run_on.group(1)}' — a comma is missing after "
                                                f"it (line {field.start_line + 1}); skipped"))
            return None
    try:
        text, authors = _decoded(entry, library)
    except Exception as exc:  # the LaTeX decoder or name splitter choking costs one entry only
        problems.append(ImportProblem(line, f"{name} could not be read: {exc}; skipped"))
        return None
    raw = {key.lower(): _verbatim(value) for key, value in entry.items() if isinstance(value, str)}
    title = text.get("title", "")
    if not title:
        problems.append(ImportProblem(line, f"{name} has no title; skipped"))
        return None
    entry_type = entry.entry_type.lower()
    kind = reading_kind(entry_type)
    if kind is None:
        problems.append(ImportProblem(line, f"{name}: unknown entry type @{entry.entry_type}; "
                                            "imported as a paper"))
    report = _Reporter(line, name, problems)
    arxiv = _arxiv(raw, text)
    venue = _venue(text, entry_type, arxiv)
    return ImportedReading(
        kind=kind or _PAPER, title=title, authors=authors, year=_year(text, report), venue=venue,
        arxiv=arxiv, doi=report.ident("doi", raw.get("doi"), clean_doi(raw.get("doi"))),
        isbn=report.ident("isbn", raw.get("isbn"), first_isbn(raw.get("isbn"))),
        url=_url(raw.get("url")), bibtex_key=entry.key, entry_type=entry_type,
        month=_month(raw.get("month") or raw.get("date", "")[5:7]), tags=_tags(text),
        notes="\n".join(v for v in (text.get("note"), text.get("annote")) if v), line=line,
    )


class _Reporter:
    def __init__(self, line: int, name: str, problems: list[ImportProblem]):
        self.line, self.name, self.problems = line, name, problems

    def ident(self, key: str, given: str | None, found: str | None) -> str | None:
        if given and found is None:
            self.add(f"'{key}' {shorten(given)} is not a valid {key.upper()}; left out")
        return found

    def add(self, message: str) -> None:
        self.problems.append(ImportProblem(self.line, f"{self.name}: {message}"))


def _decoded(entry: Entry, library: Library) -> tuple[dict[str, str], tuple[str, ...]]:
    """The entry's text fields as Unicode with spaces collapsed, and its authors (or editors).

    Names are split on `and` before decoding, so a braced `{Simon and Schuster}` stays one name;
    each name then travels through the decoder as a field of its own."""
    fields, roles = [], {}
    for field in entry.fields:
        key = field.key.lower()
        if isinstance(field.value, str) and key in ("author", "editor"):
            roles[key] = field.value
        elif isinstance(field.value, str) and key in _TEXT_FIELDS:
            fields.append(Field(key, field.value))
    people = roles.get("author") or roles.get("editor") or ""
    names = [parse_single_name_into_parts(name, strict=False)
             for name in split_multiple_persons_names(people)]
    fields += [Field(f"{_PERSON}{i}", " ".join(p.first + p.von + p.last + p.jr))
               for i, p in enumerate(names)]
    text = {f.key: f.value for f in fields if not _LATEX.search(f.value)}
    # Decoding is most of an import's time, so only text that holds LaTeX goes through it.
    latex = [f for f in fields if f.key not in text]
    block = _DECODE.transform_block(Entry(entry.entry_type, entry.key, latex), library)
    if isinstance(block, MiddlewareErrorBlock):  # some LaTeX would not decode; keep the rest
        block = block.ignore_error_block
    text.update((f.key, f.value) for f in block.fields if isinstance(f.value, str))
    text = {key: " ".join(value.split()) for key, value in text.items()}
    authors = tuple(text.pop(f"{_PERSON}{i}", "") for i in range(len(names)))
    return text, tuple(a for a in authors if a)


def _verbatim(value: str) -> str:
    """An identifier field as written: without \\url{}, braces or TeX escapes of _ % & #."""
    value = re.sub(r"\\url\s*\{([^{}]*)\}", r"\1", value)
    value = re.sub(r"\\([_%&#~])", r"\1", value)
    return " ".join(value.replace("{", "").replace("}", "").split())


def _arxiv(raw: dict[str, str], text: dict[str, str]) -> str | None:
    """The arXiv id from eprint (+ archivePrefix), an arxiv field, the venue text or the URL."""
    prefix = (raw.get("archiveprefix") or raw.get("eprinttype") or "arxiv").lower()
    candidates = [raw.get("eprint")] if prefix == "arxiv" else []
    candidates += [raw.get("arxiv"), raw.get("arxivid")]
    for ident in candidates:
        if found := clean_arxiv(ident):
            return found
    for key in ("journal", "journaltitle", "booktitle", "howpublished", "note", "url", "eprint"):
        if found := clean_arxiv(raw.get(key) or text.get(key), bare=False):
            return found
    return None


def _venue(text: dict[str, str], entry_type: str, arxiv: str | None) -> str:
    order = ("publisher", "howpublished") if entry_type in _BOOKISH else _VENUE_FIELDS
    for key in order:
        if value := text.get(key, ""):
            if arxiv and clean_arxiv(value, bare=False):  # 'arXiv preprint arXiv:1412.6980'
                value = re.sub(r"\s*arxiv:\s*\S+$", "", value, flags=re.IGNORECASE) or "arXiv"
            return value
    return ""


def _year(text: dict[str, str], report: _Reporter) -> int | None:
    given = text.get("year") or text.get("date", "")
    match = _YEAR.search(given)
    if given and not match:
        report.add(f"year {shorten(given)} is not a year; imported without one")
    return int(match.group(1)) if match else None


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    return _MONTHS.get(value[:3])


def _url(value: str | None) -> str | None:
    if not value:
        return None
    url = value.split()[0]
    return url if is_safe_external_url(url, web_only=True) else None


def _tags(text: dict[str, str]) -> tuple[str, ...]:
    words = re.split(r"[,;]", text.get("keywords", ""))
    return tuple(dict.fromkeys(w.strip() for w in words if w.strip()))


# --- export -----------------------------------------------------------------------------------

_VENUE_KEY = {"article": "journal", "inproceedings": "booktitle", "conference": "booktitle",
              "incollection": "booktitle", "inbook": "booktitle", "phdthesis": "school",
              "mastersthesis": "school", "thesis": "school", "techreport": "institution",
              "report": "institution", **dict.fromkeys(_BOOKISH, "publisher")}
_CONFERENCE = re.compile(r"proceedings|conference|workshop|symposium|\b(neurips|nips|icml|iclr|"
                         r"cvpr|iccv|eccv|acl|emnlp|naacl|aaai|ijcai|kdd|sigir|chi)\b", re.I)
_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$",
        "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_TOKENS = re.compile(r"\$[^$]+\$|\s+|[^\s$]+|\$")  # mathematics, spaces, words
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+/-]*$")


def readings_to_bibtex(readings: Iterable[Reading | ImportedReading]) -> str:
    """A `.bib` file of `readings`, UTF-8, one entry each, keys unique and stable.

    An imported reading keeps its own citation key (the learner's papers cite it); others get
    `surname` + year + first title word (`vaswani2017attention`), later clashes suffixed b, c…
    Text is escaped for LaTeX (`&`, `%`, `#`, `_`, `$`, braces), capitals in words such as
    BERT or ImageNet are protected with braces, and non-ASCII letters are written as they are."""
    used: set[str] = set()
    entries = [_entry(r, _claim(r, used)) for r in readings]
    return "\n".join(entries)


def citation_key(reading: Reading | ImportedReading) -> str:
    """`surname` + year + first significant title word, ASCII only: 'vaswani2017attention'."""
    return "".join(citation_parts(reading)) or "reading"


def _claim(reading: Reading | ImportedReading, used: set[str]) -> str:
    own = getattr(reading, "bibtex_key", "")
    base = own if own and _KEY.match(own) else citation_key(reading)
    key, n = base, 1
    while key.casefold() in used:  # biber compares keys without case
        n += 1
        key = base + (chr(ord("a") + n - 1) if n <= 26 else str(n))
    used.add(key.casefold())
    return key


def _entry(reading: Reading | ImportedReading, key: str) -> str:
    kind = _export_type(reading)
    month = getattr(reading, "month", None)
    fields = [
        ("title", _title(reading.title)),
        ("author", " and ".join(_name(a) for a in reading.authors)),
        ("year", str(reading.year) if reading.year else ""),
        (_VENUE_KEY.get(kind, "howpublished"), _tex(reading.venue)),
        ("doi", _bare(reading.doi)), ("eprint", _bare(reading.arxiv)),
        ("archiveprefix", "arXiv" if reading.arxiv else ""), ("isbn", _bare(reading.isbn)),
        ("url", _safe_url(reading.url)),
        ("keywords", _tex(", ".join(getattr(reading, "tags", ())))),
        ("note", _tex(" ".join(getattr(reading, "notes", "").split()))),
    ]
    lines = [f"@{kind}{{{key},"] + [f"  {k} = {{{v}}}," for k, v in fields if v]
    if month and 1 <= month <= 12:
        lines.append(f"  month = {list(_MONTHS)[month - 1]},")
    return "\n".join(lines) + "\n}\n"


def _export_type(reading: Reading | ImportedReading) -> str:
    given = getattr(reading, "entry_type", "")
    if given in KINDS and KINDS[given] is reading.kind:
        return given
    if reading.kind is _BOOK:
        return "book"
    if reading.kind is _ARTICLE:
        return "online"
    if reading.venue and _CONFERENCE.search(reading.venue):
        return "inproceedings"
    return "article" if reading.venue and not reading.venue.lower().startswith("arxiv") else "misc"


def _tex(text: str) -> str:
    """Text as LaTeX, specials escaped."""
    return "".join(_escaped_chars(text))


def _escaped_chars(text: str) -> list[str]:
    """Each character of `text` as LaTeX. Braces are escaped in pairs; BibTeX counts even
    escaped braces, so a lone one becomes a macro that has none (and is lost on re-import)."""
    stack, paired = [], set()
    for i, c in enumerate(text):
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            paired.update((stack.pop(), i))
    out = []
    for i, c in enumerate(text):
        if c in "{}":
            lone = r"\textbraceleft{}" if c == "{" else r"\textbraceright{}"
            out.append("\\" + c if i in paired else lone)
        else:
            out.append(_TEX.get(c, c))
    return out


def _title(title: str) -> str:
    """Escaped title; `$…$` kept as mathematics; words with inner capitals kept from lowering."""
    title = " ".join(title.split())
    escaped = _escaped_chars(title)
    out = []
    for token in _TOKENS.finditer(title):
        text, plain = token.group(0), "".join(escaped[token.start():token.end()])
        if text.startswith("$") and text.count("{") == text.count("}") and "\\$" not in text:
            out.append(text)
        # 'BERT', 'ImageNet', 'BackProp' keep their capitals; 'Short-Term' is title case.
        elif any(c.isupper() for piece in text.split("-") for c in piece[1:]):
            out.append("{" + plain + "}")
        else:
            out.append(plain)
    return "".join(out)


def _name(name: str) -> str:
    """'Henry L. Roediger III' → 'Roediger, III, Henry L.'; a name holding 'and' is braced."""
    words = name.split()
    if len(words) > 2 and words[-1].casefold() in NAME_SUFFIXES:
        return ", ".join(_tex(w) for w in (words[-2], words[-1], " ".join(words[:-2])))
    if "," in name or re.search(r"\band\b", name, re.I):
        return "{" + _tex(name) + "}"
    return _tex(" ".join(words))


def _bare(value: str | None) -> str:
    """An identifier with nothing that could unbalance the entry."""
    return re.sub(r"[{}\\\s]", "", value or "")


def _safe_url(url: str | None) -> str:
    if not url:
        return ""
    for char, code in (("{", "%7B"), ("}", "%7D"), ("\\", "%5C"), (" ", "%20")):
        url = url.replace(char, code)
    return "".join(url.split())
