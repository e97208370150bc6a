"""Full-text search over topics (title, summary, lesson), readings (shipped and the learner's
own) and conferences.

SQLite: an FTS5 table (migration 0003) rebuilt by every content sync, a conference import and a
restored backup, and kept up to date as the learner adds, edits or deletes own readings; queried
with bm25 ranking
(title matches weigh ten times a body match) and prefix matching, so results come as you type.
Other databases fall back to a LIKE scan of titles.
"""

from __future__ import annotations

import re

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from planner.core.models import SearchHit
from planner.db.models import ConferenceSeriesRow, ReadingRow, TopicReadingRow, TopicRow, UserReadingRow

_WORD = re.compile(r"\w+", re.UNICODE)
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def _plain(markdown: str) -> str:
    """Lesson text without code, formulas and Markdown punctuation."""
    body = _MATH.sub(" ", _FENCE.sub(" ", markdown))
    return re.sub(r"[#*_`>\[\]()|]", " ", body)


def _fts(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _reading_text(authors, year, venue) -> str:
    return f"{', '.join(authors)} {year or ''} {venue or ''}"


def rebuild(session: Session) -> int:
    """Refill the index from the current (not archived) content; returns the rows written."""
    if not _fts(session):
        return 0
    rows = []
    for t in session.scalars(select(TopicRow).where(TopicRow.archived.is_(False))):
        rows.append(("topic", t.slug, t.title, f"{t.summary}\n{_plain(t.body)}"))
    for r in session.scalars(select(ReadingRow).where(ReadingRow.archived.is_(False))):
        rows.append(("reading", r.slug, r.title, _reading_text(r.authors, r.year, r.venue)))
    for u in session.scalars(select(UserReadingRow)):
        rows.append(("reading", u.slug, u.title, _reading_text(u.authors, u.year, u.venue)))
    for c in session.scalars(select(ConferenceSeriesRow).where(ConferenceSeriesRow.archived.is_(False))):
        rows.append(("conference", c.slug, c.title, f"{c.description} {c.field}"))
    session.execute(text("DELETE FROM search_index"))
    if rows:  # none in a database that holds no content yet
        session.execute(text("INSERT INTO search_index (kind, slug, title, body) VALUES (:k, :s, :t, :b)"),
                        [{"k": k, "s": s, "t": t, "b": b} for k, s, t, b in rows])
    return len(rows)


def index_reading(session: Session, slug: str, title: str, authors, year, venue) -> None:
    """Put (or replace) one of the learner's own readings in the index."""
    if not _fts(session):
        return
    unindex(session, "reading", slug)
    session.execute(text("INSERT INTO search_index (kind, slug, title, body) VALUES (:k, :s, :t, :b)"),
                    {"k": "reading", "s": slug, "t": title, "b": _reading_text(authors, year, venue)})


def unindex(session: Session, kind: str, slug: str) -> None:
    if _fts(session):
        session.execute(text("DELETE FROM search_index WHERE kind = :k AND slug = :s"),
                        {"k": kind, "s": slug})


def search(session: Session, query: str, limit: int = 30) -> list[SearchHit]:
    """Best matches first. Every word must match; the last may be a prefix (typing in progress)."""
    words = _WORD.findall(query)
    if not words:
        return []
    if not _fts(session):
        return _like(session, words, limit)
    terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    rows = session.execute(text(
        "SELECT kind, slug, title, snippet(search_index, 3, '[', ']', '…', 12) "
        "FROM search_index WHERE search_index MATCH :q "
        # bm25 is negative, lower is better: lessons first, then conferences, then readings
        "ORDER BY bm25(search_index, 0, 0, 10.0, 1.0) * "
        "CASE kind WHEN 'topic' THEN 2.0 WHEN 'conference' THEN 1.5 ELSE 1.0 END LIMIT :n"),
        {"q": " ".join(terms), "n": limit}).all()
    hits = [SearchHit(kind, slug, title, snippet) for kind, slug, title, snippet in rows]
    return _with_citing_topics(session, hits)


def _with_citing_topics(session: Session, hits: list[SearchHit]) -> list[SearchHit]:
    """A reading hit names the first topic that cites it, so the app has a lesson to open."""
    slugs = [h.slug for h in hits if h.kind == "reading"]
    if not slugs:
        return hits
    rows = session.execute(
        select(ReadingRow.slug, TopicRow.slug)
        .join(TopicReadingRow, TopicReadingRow.reading_id == ReadingRow.id)
        .join(TopicRow, TopicRow.id == TopicReadingRow.topic_id)
        .where(ReadingRow.slug.in_(slugs)).order_by(TopicRow.id)).all()
    first: dict[str, str] = {}
    for reading, topic in rows:
        first.setdefault(reading, topic)
    return [SearchHit(h.kind, h.slug, h.title, h.snippet, first.get(h.slug)) if h.kind == "reading"
            else h for h in hits]


def _like(session: Session, words: list[str], limit: int) -> list[SearchHit]:
    hits: list[SearchHit] = []
    for kind, model in (("topic", TopicRow), ("reading", ReadingRow), ("reading", UserReadingRow),
                        ("conference", ConferenceSeriesRow)):
        query = select(model.slug, model.title)
        if hasattr(model, "archived"):
            query = query.where(model.archived.is_(False))
        for word in words:
            query = query.where(model.title.ilike(f"%{word}%"))
        hits += [SearchHit(kind, slug, title, "") for slug, title in session.execute(query.limit(limit))]
    return _with_citing_topics(session, hits[:limit])
