"""The full backup: every kind of learner's record survives export and import exactly; an import
goes only into an empty database, validates first, and never half-writes (fuzzed)."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.errors import LodestarError, PlanError
from planner.core.models import LabRunStatus, Profile, TopicStatus
from planner.core.progress import ReviewGrade
from planner.services import Lodestar, resolve

CCFDDL = """\
- title: MYCONF
  description: A workshop of my own
  sub: AI
  confs:
    - year: 2031
      id: myconf31
      link: https://example.org/myconf
      timeline:
        - abstract_deadline: '2031-01-10 23:59:59'
          deadline: '2031-01-17 23:59:59'
      timezone: AoE
      date: May 1-2, 2031
      place: Lisbon, Portugal
- title: ICML
  description: International Conference on Machine Learning
  sub: AI
  dblp: icml
  confs:
    - year: 2031
      id: icml31
      timeline:
        - deadline: '2031-01-30 23:59:59'
      timezone: UTC-12
"""


def fill(lodestar: Lodestar, tmp_path: Path) -> int:
    """Every kind of user record, made through the services; returns the profile's id."""
    profile = lodestar.save_profile(Profile(
        0, "Ada", datetime.now(UTC), target_role="engineer", hours_per_week=7,
        start_date=date.today() - timedelta(days=30), skills={"python": 1}, day_boundary="05:30",
        desired_retention=0.85))
    lodestar.create_profile("Grace")
    topics = lodestar.topics()
    lodestar.set_topic_state(profile.id, topics[0].slug, TopicStatus.DONE)
    lodestar.set_topic_state(profile.id, topics[1].slug, TopicStatus.IN_PROGRESS)
    lodestar.replan(profile.id, "first plan")
    run = lodestar.start_lab_run("cnn", {"epochs": 2, "lr": 0.001}, profile.id)
    lodestar.add_lab_metrics(run.id, [(1, 0, "train/loss", 2.25), (2, 0, "train/loss", 1.0 / 3)])
    lodestar.finish_lab_run(run.id, LabRunStatus.FINISHED,
                            summary={"metrics": {"test/accuracy": 0.975}, "target_reached": True})
    lodestar.start_lab_run("mlp", {}, None)  # a run from the command line, of no profile
    lodestar.log_study(profile.id, 42.5, topic=topics[0].slug, note="Ünïcode ✓ notes")
    lodestar.start_timer(profile.id, topics[1].slug)
    card = lodestar.review_queue(profile.id)[0]
    lodestar.grade_card(profile.id, card.topic, card.index, ReviewGrade.GOOD, duration_ms=4200)
    own = lodestar.add_reading("My own paper", authors=["A. Person"], year=2024,
                               doi="10.1234/abc", topics=[topics[0].slug])
    lodestar.set_reading_state(profile.id, own.slug, status="read", rating=4, notes="good",
                               tags="ml, mine")
    lodestar.set_reading_state(profile.id, lodestar.readings()[0].slug, status="reading")
    conferences = tmp_path / "mine.yml"
    conferences.write_text(CCFDDL, encoding="utf-8")
    result = lodestar.import_conferences(conferences)
    assert not result.skipped, result.problems
    lodestar.follow_conference(profile.id, "icml")
    return profile.id


def document(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("exported_at")
    return data


@pytest.fixture
def exported(synced, tmp_path) -> tuple[Path, int]:
    profile_id = fill(synced, tmp_path)
    path = tmp_path / "backup.json"
    assert synced.export_backup(path) > 0
    return path, profile_id


@pytest.fixture
def fresh(tmp_path):
    """A new, empty database with no content synced (as on a new computer)."""
    with Lodestar.open(resolve(data_dir=tmp_path / "fresh")) as opened:
        yield opened


def test_every_table_round_trips_exactly(exported, fresh, tmp_path):
    path, profile_id = exported
    tables = document(path)["tables"]
    empty = [name for name, table in tables.items() if not table["rows"]]
    assert empty == []  # the fill made every kind of row
    result = fresh.import_backup(path)
    assert result.imported == sum(
        len(t["rows"]) for name, t in tables.items() if name != "conference_series") + 1
    again = tmp_path / "again.json"
    fresh.export_backup(again)
    assert document(again) == document(path)

    ada = fresh.profile(profile_id)
    assert (ada.name, ada.day_boundary, ada.desired_retention, ada.skills) == ("Ada", "05:30", 0.85,
                                                                               {"python": 1})
    sessions = fresh.study_sessions(profile_id)
    assert [(s.minutes, s.note) for s in sessions] == [(42.5, "Ünïcode ✓ notes")]
    assert fresh.running_timer(profile_id) is not None
    runs = fresh.lab_runs()
    assert {r.lab for r in runs} == {"cnn", "mlp"}
    cnn = next(r for r in runs if r.lab == "cnn")
    assert fresh.lab_run_metrics(cnn.id)["train/loss"][1].value == 1.0 / 3
    # Packed curves are derived, so not in the backup: the import packs the ended runs again.
    assert "lab_curves" not in tables
    with fresh._session() as session:
        packed = session.execute(sa.text("SELECT run_id, name, points FROM lab_curves")).all()
    assert [tuple(row) for row in packed] == [(cnn.id, "train/loss", 2)]
    assert fresh.lab_run_series(cnn.id)["train/loss"][1].tolist() == [2.25, 1.0 / 3]
    assert fresh.followed(profile_id) == {"icml"}
    own = next(e.reading for e in fresh.reading_list(profile_id) if e.reading.title == "My own paper")
    assert own.slug in [h.slug for h in fresh.search("my own paper")]  # indexed on restore
    assert fresh.streak_now(profile_id).current == 1


def test_import_refuses_a_database_with_data_and_changes_nothing(exported, synced):
    path, _ = exported
    before = synced.study_sessions(1)
    with pytest.raises(LodestarError, match=r"already holds a learner's data.*Nothing was changed"):
        synced.import_backup(path)
    assert synced.study_sessions(1) == before
    assert [p.name for p in synced.profiles()] == ["Ada", "Grace"]


def test_the_blank_first_profile_is_replaced(exported, fresh, tmp_path):
    path, profile_id = exported
    blank = fresh.default_profile()
    assert blank.name == "Me"
    fresh.import_backup(path)
    assert [p.name for p in fresh.profiles()] == ["Ada", "Grace"]
    assert fresh.profile(profile_id).target_role == "engineer"


def test_a_profile_of_ones_own_is_not_replaced(exported, fresh):
    path, _ = exported
    fresh.create_profile("Me", target_role="engineer")
    with pytest.raises(LodestarError, match="already holds"):
        fresh.import_backup(path)


def _broken(path: Path, change) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    broken = path.with_name("broken.json")
    broken.write_text(json.dumps(data), encoding="utf-8")
    return broken


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(version=2), "newer Lodestar"),
    (lambda d: d.update(format="other"), "not a Lodestar backup"),
    (lambda d: d["tables"].pop("cards"), "lacks the tables cards"),
    (lambda d: d["tables"].update(extra={"columns": [], "rows": []}), "does not know: extra"),
    (lambda d: d["tables"]["study_sessions"]["rows"][0].__setitem__(4, "long"),
     "study_sessions, row 1, column minutes: 'long' is not a number"),
    (lambda d: d["tables"]["activity_log"]["rows"][0].__setitem__(2, "2026-01-01T10:00:00"),
     "activity_log, row 1, column at: .* no UTC offset"),
    (lambda d: d["tables"]["topic_states"]["rows"][0].__setitem__(0, 99),
     "topic_states, row 1: profile_id 99 is not in profiles"),
    (lambda d: d["tables"]["profiles"]["rows"].append(d["tables"]["profiles"]["rows"][0]),
     "profiles, row 3: id 1 appears twice"),
    (lambda d: d["tables"]["profiles"]["rows"][0].pop(), "profiles, row 1: expected 15 values"),
    (lambda d: d["tables"]["conference_deadlines"]["rows"][0].__setitem__(1, "gone"),
     "conference_deadlines, row 1: edition .*gone is not in conference_editions"),
])
def test_a_bad_backup_names_its_problem_and_writes_nothing(exported, fresh, change, message):
    path, _ = exported
    with pytest.raises(LodestarError, match=message):
        fresh.import_backup(_broken(path, change))
    assert fresh.profiles() == [] and fresh.lab_runs() == []


def _set(table: str, column: str, value):
    def change(data):
        columns = data["tables"][table]["columns"]
        data["tables"][table]["rows"][0][columns.index(column)] = value
    return change


@pytest.mark.parametrize(("change", "message"), [
    (_set("topic_states", "status", "hacked"),
     r"broken\.json: Backup table topic_states, row 1, column status: 'hacked' is not one of "
     r"not_started, in_progress, done, skipped\. Nothing was imported"),
    (_set("reading_states", "status", "burned"), "reading_states, row 1, column status: .burned. is not one"),
    (_set("reading_states", "rating", 99), "column rating: 99 is not from 1 to 5"),
    (_set("skill_assessments", "level", 6), "column level: 6 is not from 0 to 5"),
    (_set("review_logs", "grade", 0), "column grade: 0 is not one of 1, 2, 3, 4"),
    (_set("lab_runs", "status", "exploded"), "column status: 'exploded' is not one of running"),
    (_set("user_readings", "kind", "scroll"), "column kind: 'scroll' is not one of paper"),
    (_set("user_readings", "authors", [1, 2]), "column authors: .* is not a list of text"),
    (_set("activity_log", "kind", "hack"), "column kind: 'hack' is not one of study"),
    (_set("study_sessions", "source", "hack"), "column source: 'hack' is not one of timer, manual"),
    (_set("conference_deadlines", "kind", "hack"), "column kind: 'hack' is not one of abstract, paper"),
    (_set("profiles", "hours_per_week", 0), "column hours_per_week: 0 is not above 0 and at most 100"),
    (_set("profiles", "desired_retention", 1.5), "column desired_retention: 1.5 is not above 0.7"),
    (_set("profiles", "day_boundary", "25:00"), "column day_boundary: '25:00' is not like 04:00"),
    (_set("profiles", "study_days", "7"), "column study_days: '7' is not like 0,1,2,3,4"),
    (_set("profiles", "start_date", "0001-01-01"), "column start_date: .* is not in the years 1900-2200"),
    (_set("cards", "state", {"due": "soon"}), "column state: is not a card schedule"),
    (_set("study_plans", "plan", {"version": 1}), "study_plans, row 1, column plan: The stored plan"),
])
def test_values_the_app_cannot_read_are_refused(exported, fresh, change, message):
    path, _ = exported
    with pytest.raises(LodestarError, match=message):
        fresh.import_backup(_broken(path, change))
    assert fresh.profiles() == [] and fresh.lab_runs() == []


def test_an_unknown_role_is_refused_where_the_roles_are_known(exported, synced, tmp_path):
    path, _ = exported
    folder = tmp_path / "other"
    with Lodestar.open(resolve(data_dir=folder)) as other:
        other.sync_content()
        with pytest.raises(LodestarError, match=r"column target_role: 'astronaut' is not one of the roles"):
            other.import_backup(_broken(path, _set("profiles", "target_role", "astronaut")))
        assert [p.name for p in other.profiles()] in ([], ["Me"])


def test_a_huge_number_is_refused_at_once(exported, fresh, tmp_path):
    path, _ = exported
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tables"]["profiles"]["rows"][0][0] = 0  # placeholder, replaced by the digits below
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(data).replace('"rows": [[0,', '"rows": [[' + "9" * 100_000 + ",", 1),
                    encoding="utf-8")
    with pytest.raises(LodestarError, match="a number of more than 40 digits"):
        fresh.import_backup(huge)
    assert fresh.profiles() == []


def test_files_that_are_not_backups(fresh, tmp_path):
    cases = {"empty.json": b"", "text.json": b"hello", "list.json": b"[1, 2]",
             "deep.json": b"[" * 100_000}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(LodestarError, match="not a Lodestar backup"):
            fresh.import_backup(tmp_path / name)
    (tmp_path / "latin1.json").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(LodestarError, match=r"latin1\.json is not UTF-8 text \(line 1"):
        fresh.import_backup(tmp_path / "latin1.json")
    with pytest.raises(LodestarError, match="Cannot read"):
        fresh.import_backup(tmp_path / "missing.json")


def test_export_is_written_whole_or_not_at_all(synced, tmp_path):
    synced.create_profile("Ada")
    with pytest.raises(LodestarError, match="Could not write"):
        synced.export_backup(tmp_path / "no" / "such" / "folder" / "b.json")
    target = tmp_path / "b.json"
    target.write_text("old", encoding="utf-8")
    synced.export_backup(target)
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "lodestar-backup"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


# --- fuzzing ---------------------------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5),
                                                                                 inner, max_size=3),
                    max_leaves=6)


@pytest.fixture(scope="module")
def sample(tmp_path_factory, shipped_db) -> tuple[dict, Path]:
    """A backup holding every kind of row, and an empty database to copy for every example."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(shipped_db, root / "source", ignore=shutil.ignore_patterns("*.lock"))
    with Lodestar.open(resolve(data_dir=root / "source")) as source:
        fill(source, root)
        source.export_backup(root / "backup.json")
    # The database restored into holds the shipped content, so that plans can be made from what
    # was restored; it holds no learner's data.
    shutil.copytree(shipped_db, root / "empty", ignore=shutil.ignore_patterns("*.lock"))
    return json.loads((root / "backup.json").read_text(encoding="utf-8")), root / "empty"


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _mutate(document: dict, path: tuple, value, drop: bool) -> dict:
    data = json.loads(json.dumps(document))
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if drop:
        parent.pop(path[-1])
    else:
        parent[path[-1]] = value
    return data


def _read_everything(lodestar: Lodestar, profile_id: int, folder: Path) -> None:
    """What `profile show`, `plan`, the exports and the pages read; a PlanError (a profile that
    cannot make a plan, naming the field to fix) is an answer, any other exception a failure."""
    profile = lodestar.profile(profile_id)
    lodestar.profile_named(profile.name)
    with contextlib.suppress(PlanError):
        lodestar.skill_gap(profile_id)
    for plan_id, *_ in lodestar.plan_history(profile_id):
        lodestar.stored_plan(plan_id)
    with contextlib.suppress(PlanError):
        lodestar.plan_progress(profile_id, lodestar.current_plan(profile_id))
    with contextlib.suppress(PlanError):
        lodestar.replan(profile_id, "fuzz")
    lodestar.topic_states(profile_id)
    lodestar.reading_list(profile_id)
    lodestar.export_bibtex(folder / "out.bib", profile_id)
    lodestar.lab_runs()
    lodestar.conference_list(profile_id)
    lodestar.progress_overview(profile_id)
    lodestar.review_queue(profile_id)
    lodestar.review_stats(profile_id)
    lodestar.study_sessions(profile_id)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_import_of_a_mutated_backup_never_crashes_or_half_writes(sample, tmp_path, data):
    document, empty = sample
    paths = list(_paths(document))
    mutations = data.draw(st.lists(st.tuples(st.sampled_from(paths), JSON, st.booleans()),
                                   min_size=1, max_size=3))
    for path, value, drop in mutations:
        try:
            document = _mutate(document, path, value, drop)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this place
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "data"
    shutil.copytree(empty, folder, ignore=shutil.ignore_patterns("*.lock"))
    file = folder / "mutated.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    try:
        with Lodestar.open(resolve(data_dir=folder), lock=False) as lodestar:
            try:
                lodestar.import_backup(file)
            except LodestarError:
                assert lodestar.profiles() == [] and lodestar.lab_runs() == []
            else:  # what was let in must read back: profile show, plan, reading list, pages
                for profile in lodestar.profiles():
                    _read_everything(lodestar, profile.id, folder)
    finally:
        shutil.rmtree(folder.parent)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_import_of_garbage_is_a_clear_error(sample, tmp_path, garbage):
    _, empty = sample
    file = tmp_path / "garbage.json"
    file.write_bytes(garbage)
    with Lodestar.open(resolve(data_dir=empty), lock=False) as lodestar:
        with pytest.raises(LodestarError):
            lodestar.import_backup(file)
        assert lodestar.profiles() == []


def test_backup_layout_is_one_row_per_line(sample):
    document, _ = sample
    from planner.services.backup import backup_json

    text = backup_json(document)
    assert json.loads(text) == document
    assert text.count("\n") >= sum(len(t["rows"]) for t in document["tables"].values())
