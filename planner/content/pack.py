"""Load the whole content pack from `resources/`, validate it, and return plain records."""

from __future__ import annotations

import hashlib
import heapq
import posixpath
import re
from pathlib import Path

from planner.content.conferences import parse_conference_file
from planner.content.fields import Problems, Record
from planner.content.files import MAX_FILE_BYTES, MAX_IMAGE_BYTES, FileRefused, read_bounded, read_pack_file
from planner.content.formulas import formula_problem, formulas_with_lines
from planner.content.identifiers import arxiv_problem, doi_problem, isbn_problem
from planner.content.lesson import CODE_SPAN, image_path, lesson_link_allowed, lesson_sections, sub_fences
from planner.content.yamlsource import LineList, YamlSyntaxError, load_yaml
from planner.core.errors import ContentError, Problem
from planner.core.models import (
    Card,
    ConferenceSeries,
    ContentPack,
    Difficulty,
    Lab,
    Reading,
    ReadingKind,
    Role,
    RoleSkill,
    Skill,
    SkillLevel,
    Topic,
    Track,
)
from planner.core.urls import clip, shorten, url_problem

TOP_FILES = ("tracks.yaml", "skills.yaml", "roles.yaml", "readings.yaml", "labs.yaml")
MIN_CARDS = 3


def content_files(root: Path) -> list[Path]:
    """Every file that belongs to the pack, in a stable order."""
    found = [root / name for name in TOP_FILES if (root / name).is_file()]
    found += sorted((root / "readings").glob("*.yaml"))
    found += sorted((root / "topics").glob("*/*.md"))
    found += sorted(p for p in (root / "conferences").rglob("*") if p.suffix in (".yml", ".yaml"))
    return found


def fingerprint(root: Path) -> dict[str, str]:
    """sha256 of each pack file by relative path; equal fingerprints mean nothing changed."""
    return {p.relative_to(root).as_posix(): _file_hash(p) for p in content_files(root)}


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(read_bounded(path, MAX_FILE_BYTES)).hexdigest()
    except FileRefused as exc:  # never equal to a real hash: the next sync loads and reports it
        return f"unreadable: {exc}"


def load_pack(root: Path | str, *, typeset: bool = False) -> ContentPack:
    """Read and validate the pack at `root`; raise `ContentError` listing every problem.

    Formulas are always parsed (syntax errors and unknown commands are problems); with
    `typeset=True` each is also typeset in full, as `content check` does (about 4 ms a formula).
    """
    root = Path(root)
    problems = Problems()
    if not root.is_dir():
        raise ContentError([Problem(str(root), 0, "no such content folder")])
    pack = ContentPack(root=root)
    loader = _Loader(root, problems)
    loader.typeset = typeset
    pack.tracks = loader.top("tracks.yaml", _track)
    pack.skills = loader.top("skills.yaml", _skill)
    pack.roles = loader.top("roles.yaml", _role)
    pack.readings = loader.top("readings.yaml", _reading, more=sorted((root / "readings").glob("*.yaml")))
    pack.labs = loader.top("labs.yaml", _lab)
    pack.topics = loader.topics()
    pack.conferences = loader.conferences()
    _check_references(pack, loader, problems)
    if problems:
        raise ContentError(list(problems))
    pack.topics = _learning_order(pack.topics)
    pack.files = loader.hashes
    return pack


class _Loader:
    def __init__(self, root: Path, problems: Problems):
        self.root = root
        self.problems = problems
        self.typeset = False
        self.hashes: dict[str, str] = {}
        self.lines: dict[tuple[str, str], tuple[str, int]] = {}  # (kind, id) -> (file, line)
        self.refs: list[tuple[str, str, str, int, str]] = []  # kind, id, file, line, referrer
        self.lab_after_lines: dict[str, tuple[str, int]] = {}  # lab -> where its `after` is

    def read(self, path: Path) -> str | None:
        rel = self.rel(path)
        try:
            raw = read_bounded(path, MAX_FILE_BYTES)
        except FileRefused as exc:
            self.problems.add(rel, 0, str(exc))
            return None
        self.hashes[rel] = hashlib.sha256(raw).hexdigest()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problems.add(rel, line, "not valid UTF-8 text")
            return None

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def parse(self, path: Path, text: str, first_line: int = 1):
        try:
            return load_yaml(text, first_line)
        except YamlSyntaxError as exc:
            self.problems.add(self.rel(path), exc.line, str(exc))
            return None

    def claim(self, kind: str, slug: str, file: str, line: int) -> bool:
        """Register an id; report a duplicate and return False if it was already taken."""
        if not slug:
            return False
        if (kind, slug) in self.lines:
            first_file, first_line = self.lines[(kind, slug)]
            self.problems.add(file, line, f"duplicate {kind} id {shorten(slug)} "
                                          f"(first defined at {first_file}:{first_line})")
            return False
        self.lines[(kind, slug)] = (file, line)
        return True

    def top(self, name: str, build, more: list[Path] = ()):
        """Records of a top-level list file, then of any `more` files of the same kind."""
        path = self.root / name
        if not path.is_file():
            self.problems.add(name, 0, "missing file")
            return []
        kind = name.removesuffix(".yaml").removesuffix("s")
        out = []
        for each in (path, *more):
            out += self._records(each, kind, build)
        return out

    def _records(self, path: Path, kind: str, build):
        name = self.rel(path)
        text = self.read(path)
        data = self.parse(path, text) if text is not None else None
        if data is None:
            return []
        if not isinstance(data, list):
            self.problems.add(name, getattr(data, "line", 1), f"{name} must be a list")
            return []
        out = []
        for index, item in enumerate(data):
            rec = Record(item, name, self.problems, f"{kind} {index + 1}", data.line_of(index))
            slug = rec.slug("id")
            if slug:
                rec.what = f"{kind} {shorten(slug)}"
            record = build(rec, slug, self)
            if record is not None and self.claim(kind, slug, name, rec.line):
                out.append(record)
        return out

    def topics(self) -> list[Topic]:
        out = []
        folder = self.root / "topics"
        if not folder.is_dir():
            self.problems.add("topics", 0, "missing folder")
            return out
        for path in sorted(folder.rglob("*.md")):
            if path.parent.parent != folder:
                self.problems.add(self.rel(path), 0, "a lesson must sit in topics/<track>/<id>.md")
                continue
            text = self.read(path)
            topic = _topic(self, path, text) if text is not None else None
            if topic is not None:
                out.append(topic)
        return out

    def conferences(self) -> list[ConferenceSeries]:
        out: list[ConferenceSeries] = []
        folder = self.root / "conferences"
        if not folder.is_dir():
            return out
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".yml", ".yaml"):
                continue
            text = self.read(path)
            data = self.parse(path, text) if text is not None else None
            if data is None:
                continue
            for series in parse_conference_file(data, self.rel(path), self.problems):
                if self.claim("conference", series.slug, self.rel(path), 1):
                    out.append(series)
        return out


def _track(rec: Record, slug: str, loader: _Loader) -> Track | None:
    title = rec.text("title")
    description = rec.text("description", required=False)
    rec.unknown(["id", "title", "description"])
    position = len([k for k in loader.lines if k[0] == "track"])
    return Track(slug, title, description, position) if slug and title else None


def _skill(rec: Record, slug: str, loader: _Loader) -> Skill | None:
    name = rec.text("name")
    description = rec.text("description")
    levels = {}
    raw = rec.mapping("levels", required=True)
    for key, text in raw.items():
        if not isinstance(key, int) or not 1 <= key <= 5 or not isinstance(text, str):
            rec.problems.add(rec.file, raw.line_of(key),
                             f"{rec.what}: levels must map 1..5 to a line of text, not {shorten(key)}")
            continue
        levels[key] = text.strip()
    if raw and set(levels) != {1, 2, 3, 4, 5}:
        missing = sorted({1, 2, 3, 4, 5} - set(levels))
        if missing:
            rec.error("levels", f"levels {missing} are not described")
    rec.unknown(["id", "name", "description", "levels"])
    return Skill(slug, name, description, levels) if slug and name else None


def _role(rec: Record, slug: str, loader: _Loader) -> Role | None:
    name = rec.text("name")
    description = rec.text("description")
    daily = rec.texts("daily_work", required=True)
    advice = rec.texts("advice")
    skills = []
    raw = rec.mapping("skills", required=True)
    for skill, spec in raw.items():
        line = raw.line_of(skill)
        sub = Record(spec, rec.file, rec.problems, f"{rec.what} skill {shorten(skill)}", line)
        levels = _role_levels(sub)
        weight = float(sub.number("weight", 0.0001, 1000))
        sub.unknown(["target", "entry", "mid", "senior", "weight"])
        loader.refs.append(("skill", str(skill), rec.file, line, rec.what))
        if levels and weight:
            entry, mid, senior = levels
            skills.append(RoleSkill(str(skill), senior, weight, entry=entry, mid=mid))
    rec.unknown(["id", "name", "description", "daily_work", "advice", "skills"])
    if not (slug and name):
        return None
    return Role(slug, name, description, tuple(daily), tuple(advice), tuple(skills))


def _role_levels(sub: Record) -> tuple[int, int, int] | None:
    """(entry, mid, senior) targets of a role skill: `{entry: 2, mid: 3, senior: 4}` (entry and
    mid may be 0, "not asked at this level"), or one `target` for all three."""
    if "target" in sub.data:
        if any(key in sub.data for key in ("entry", "mid", "senior")):
            sub.error("target", "give either target or entry/mid/senior, not both")
            return None
        target = int(sub.number("target", 1, 5, integer=True))
        return (target, target, target) if target else None
    senior = int(sub.number("senior", 1, 5, integer=True))
    entry = int(sub.number("entry", 0, 5, integer=True))
    mid = int(sub.number("mid", 0, 5, integer=True))
    if not senior:
        return None
    if not entry <= mid <= senior:
        sub.error("mid", f"targets must not fall from entry to senior: entry {entry}, mid {mid}, "
                         f"senior {senior}")
        return None
    return entry, mid, senior


def _reading(rec: Record, slug: str, loader: _Loader) -> Reading | None:
    kind = rec.choice("kind", [k.value for k in ReadingKind])
    title = rec.text("title")
    authors = rec.texts("authors", required=True)
    year = int(rec.number("year", 1600, 2100, integer=True))
    venue = rec.text("venue")
    ids = {}
    for key, check in (("arxiv", arxiv_problem), ("doi", doi_problem), ("isbn", isbn_problem)):
        value = rec.text(key, required=False) or None
        if value and (problem := check(value)):
            rec.error(key, problem)
        ids[key] = value
    if rec.ok and not any(ids.values()):
        rec.problems.add(rec.file, rec.line, f"{rec.what}: needs an identifier: arxiv, doi or isbn")
    url = rec.text("url", required=False) or None
    if url and (problem := url_problem(url)):
        rec.error("url", f"'url' {shorten(url)}: {problem}")
        url = None
    rec.unknown(["id", "kind", "title", "authors", "year", "venue", "arxiv", "doi", "isbn", "url"])
    if not (slug and kind and title and authors and year):
        return None
    return Reading(slug, ReadingKind(kind), title, tuple(authors), year, venue, url=url, **ids)


def _lab(rec: Record, slug: str, loader: _Loader) -> Lab | None:
    title = rec.text("title")
    summary = rec.text("summary")
    topics = rec.slugs("topics")
    for topic, line in topics:
        loader.refs.append(("topic", topic, rec.file, line, rec.what))
    after = rec.slugs("after")
    for topic, line in after:
        loader.refs.append(("topic", topic, rec.file, line, rec.what))
    if after:
        loader.lab_after_lines[slug] = (rec.file, after[0][1])
    rec.unknown(["id", "title", "summary", "topics", "after"])
    return (Lab(slug, title, summary, tuple(t for t, _ in topics), tuple(t for t, _ in after))
            if slug and title else None)


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line the body starts on), or None without a front matter block."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return None


TOPIC_FIELDS = ["id", "title", "track", "summary", "hours", "difficulty", "prerequisites",
                "skills", "labs", "readings", "cards"]


def _topic(loader: _Loader, path: Path, text: str) -> Topic | None:
    rel = loader.rel(path)
    split = _split_front_matter(text)
    if split is None:
        loader.problems.add(rel, 1, "a lesson must start with YAML front matter between '---' lines")
        return None
    front, body, body_line = split
    data = loader.parse(path, front, first_line=2)
    if data is None:
        return None
    rec = Record(data, rel, loader.problems, "front matter", 1)
    if not rec.ok:
        return None
    slug = rec.slug("id")
    if slug and slug != path.stem:
        rec.error("id", f"id {shorten(slug)} must match the file name {shorten(path.stem)}")
    track = rec.slug("track")
    if track and track != path.parent.name:
        rec.error("track", f"track {shorten(track)} must match the folder {shorten(path.parent.name)}")
    if track:
        loader.refs.append(("track", track, rel, rec.line_of("track"), "topic"))
    title = rec.text("title")
    summary = rec.text("summary")
    hours = float(rec.number("hours", 0.25, 200))
    difficulty = rec.choice("difficulty", [d.value for d in Difficulty])
    refs = {}
    for key, kind in (("prerequisites", "topic"), ("labs", "lab"), ("readings", "reading")):
        refs[key] = rec.slugs(key)
        for target, line in refs[key]:
            loader.refs.append((kind, target, rel, line, f"topic {shorten(slug)}"))
    skills = []
    raw = rec.mapping("skills")
    for skill, level in raw.items():
        line = raw.line_of(skill)
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            loader.problems.add(rel, line, f"skill {shorten(skill)}: level must be a whole number 1-5")
            continue
        loader.refs.append(("skill", str(skill), rel, line, f"topic {shorten(slug)}"))
        skills.append(SkillLevel(str(skill), level))
    cards = _cards(rec)
    if not body.strip():
        loader.problems.add(rel, body_line, "the lesson text after the front matter is empty")
    _collect_links(loader, rel, body, body_line)
    for formula in formulas_with_lines(body):
        problem = formula_problem(formula.latex, typeset=loader.typeset)
        if problem:
            loader.problems.add(rel, body_line + formula.line - 1, problem)
    rec.unknown(TOPIC_FIELDS)
    if not (slug and title and track and hours and difficulty):
        return None
    if not loader.claim("topic", slug, rel, rec.line_of("id")):
        return None
    return Topic(
        slug=slug, title=title, track=track, summary=summary, hours=hours,
        difficulty=Difficulty(difficulty),
        prerequisites=tuple(t for t, _ in refs["prerequisites"]),
        body=body, skills=tuple(skills), labs=tuple(t for t, _ in refs["labs"]),
        readings=tuple(t for t, _ in refs["readings"]), cards=tuple(cards),
        sections=lesson_sections(body),
    )


def _cards(rec: Record) -> list[Card]:
    raw = rec.data.get("cards")
    if not isinstance(raw, list):
        rec.error("cards", f"needs 'cards': a list of at least {MIN_CARDS} {{q, a}} questions")
        return []
    cards = []
    for index, item in enumerate(raw):
        line = raw.line_of(index) if isinstance(raw, LineList) else rec.line_of("cards")
        card = Record(item, rec.file, rec.problems, f"card {index + 1}", line)
        question, answer = card.text("q"), card.text("a")
        card.unknown(["q", "a"])
        if question and answer:
            cards.append(Card(question, answer))
    if len(cards) < MIN_CARDS:
        rec.error("cards", f"has {len(cards)} self-check cards; at least {MIN_CARDS} are needed")
    return cards


_LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
LINK_KINDS = {"topic": "topic", "lab": "lab", "reading": "reading"}


def _collect_links(loader: _Loader, rel: str, body: str, body_line: int) -> None:
    """Register `[text](topic:id)`, `lab:` and `reading:` links for checking; refuse other
    targets that are not web addresses (a relative file link would be dead inside the app)."""
    def blank(match: re.Match | str) -> str:  # keep line numbers, drop what code says
        return re.sub(r"[^\n]", " ", match if isinstance(match, str) else match.group(0))

    visible = CODE_SPAN.sub(blank, sub_fences(body, blank))
    images = {m.end(1) for m in _IMAGE.finditer(visible)}
    for match in _IMAGE.finditer(visible):
        _check_image(loader, rel, match.group(1), body_line + visible.count("\n", 0, match.start()))
    for match in _RAW_HTML.finditer(visible):
        line = body_line + visible.count("\n", 0, match.start())
        loader.problems.add(rel, line, f"raw HTML {clip(match.group(0), 40)!r} is shown as text, "
                                       "not used: write it in Markdown")
    for match in _LINK.finditer(visible):
        target = match.group(1)
        if match.end(1) in images:
            continue
        line = body_line + visible.count("\n", 0, match.start())
        scheme, sep, slug = target.partition(":")
        if sep and scheme in LINK_KINDS:
            loader.refs.append((LINK_KINDS[scheme], slug, rel, line, f"link {shorten(target)}"))
        elif not lesson_link_allowed(target):
            loader.problems.add(rel, line, f"link {shorten(target)} goes nowhere in the app: use "
                                           "topic:ID, lab:ID, reading:ID or a web address")


_IMAGE = re.compile(r"!\[[^\]\n]*\]\(([^)\s]+)")
# A tag, closing tag or comment; `<https://…>` (an autolink) and `a < b` are not.
_RAW_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|/[A-Za-z][A-Za-z0-9-]*\s*>|!--)")


def _check_image(loader: _Loader, rel: str, src: str, line: int) -> None:
    """An image must be a file of the pack, written relative to the lesson."""
    path = image_path(src, posixpath.dirname(rel))
    if path is None:
        loader.problems.add(rel, line, f"image {shorten(src)} is not shown: an image must be a file "
                                       "in the content pack, written relative to the lesson")
    elif read_pack_file(loader.root, path, MAX_IMAGE_BYTES) is None:
        loader.problems.add(rel, line, f"image {shorten(src)}: no such file in the content pack "
                                       f"(or larger than {MAX_IMAGE_BYTES // 1048576} MB)")


def _check_references(pack: ContentPack, loader: _Loader, problems: Problems) -> None:
    for kind, target, file, line, referrer in loader.refs:
        if (kind, target) not in loader.lines:
            problems.add(file, line, f"{referrer}: unknown {kind} {shorten(target)}")
    cycles = _cycles(pack.topics)
    for cycle in cycles:
        file, line = loader.lines[("topic", cycle[0])]
        problems.add(file, line, "prerequisite cycle: " + " → ".join([*cycle, cycle[0]]))
    if not cycles:
        _check_lab_places(pack, loader, problems)


# Every lab trains a network: it comes after the lessons on how one is trained.
TRAINING_LESSONS = ("gradient-descent", "backpropagation")


def _check_lab_places(pack: ContentPack, loader: _Loader, problems: Problems) -> None:
    """A lab names in `after` the lessons whose ideas it exercises (default: every lesson that
    names it): lessons that name the lab or that labs.yaml lists for it. Together they must
    require the training lessons, and every other lesson that names the lab must come before
    one of them or after one of them (a lesson may build on a lab it follows)."""
    topics = {t.slug: t for t in pack.topics}
    named = {lab.slug: set(lab.topics) for lab in pack.labs}
    for topic in pack.topics:
        for lab in topic.labs:
            named.setdefault(lab, set()).add(topic.slug)
    closure = _closures(pack.topics)
    for lab in pack.labs:
        file, line = loader.lab_after_lines.get(lab.slug, loader.lines[("lab", lab.slug)])
        # Without `after` a lab follows every lesson that names it; unknown ones are reported.
        after = [t for t in lab.after or sorted(named.get(lab.slug, ())) if t in topics]
        for slug in after:
            if slug not in named.get(lab.slug, ()):
                problems.add(file, line, f"lab {lab.slug!r}: 'after' names {shorten(slug)}, which neither "
                                         "names the lab nor is listed in its 'topics'")
        before = set().union(*(closure[t] for t in after))
        missing = [t for t in TRAINING_LESSONS if t in topics and t not in before]
        if after and missing:
            problems.add(file, line, f"lab {shorten(lab.slug)} trains a network, but its 'after' lessons do "
                                     f"not require {', '.join(missing)}: the lab would come first")
        for other in sorted(named.get(lab.slug, set()) - set(after)):
            if other in topics and other not in before and not set(after) & closure[other]:
                problems.add(file, line, f"lab {lab.slug!r}: lesson {shorten(other)} names the lab but comes "
                                         f"neither before nor after its 'after' lessons")


def _closures(topics: list[Topic]) -> dict[str, set[str]]:
    """Slug -> the slugs it needs, directly or through others, itself included."""
    by_slug = {t.slug: t for t in topics}
    found: dict[str, set[str]] = {}

    def visit(slug: str) -> set[str]:
        if slug not in found:
            found[slug] = {slug}
            for p in by_slug[slug].prerequisites:
                if p in by_slug:
                    found[slug] |= visit(p)
        return found[slug]

    for t in topics:
        visit(t.slug)
    return found


def _learning_order(topics: list[Topic]) -> list[Topic]:
    """Topics so that each comes after its prerequisites (ties keep file order), which is the
    order a track lists them in."""
    index = {t.slug: i for i, t in enumerate(topics)}
    waiting = {t.slug: {p for p in t.prerequisites if p in index} for t in topics}
    unlocks: dict[str, list[str]] = {}
    for slug, needs in waiting.items():
        for need in needs:
            unlocks.setdefault(need, []).append(slug)
    ready = [i for i, t in enumerate(topics) if not waiting[t.slug]]
    heapq.heapify(ready)
    ordered = []
    while ready:
        topic = topics[heapq.heappop(ready)]
        ordered.append(topic)
        for later in unlocks.get(topic.slug, []):
            waiting[later].discard(topic.slug)
            if not waiting[later]:
                heapq.heappush(ready, index[later])
    return ordered


def _cycles(topics: list[Topic]) -> list[list[str]]:
    """Each prerequisite cycle once, as the list of topic ids around it."""
    graph = {t.slug: [p for p in t.prerequisites] for t in topics}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(graph[start]))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif child in graph and state.get(child) == 1:
                cycle = path[path.index(child):]
                if frozenset(cycle) not in seen:
                    seen.add(frozenset(cycle))
                    cycles.append(cycle)
            elif child in graph and not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph[child])))
    return cycles
