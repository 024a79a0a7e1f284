"""`provkit migrate`: a whole store copied between back-ends (SQLite -> PostgreSQL -> SQLite, and SQLite -> SQLite
without PostgreSQL) answers every query as the original does, with the counts checked."""
import json
import subprocess

import pytest

from conftest import postgres_store


def provkit(binary, *args, cwd, check=True):
    result = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, f"provkit {' '.join(args)}: {result.stdout}\n{result.stderr}"
    return result


def views(binary, store, cwd):
    """What the query commands answer about a store, as JSON: experiments, runs, every run shown and exported."""
    runs = json.loads(provkit(binary, "runs", "--json", "--store", store, cwd=cwd).stdout)
    answer = {
        "experiments": json.loads(provkit(binary, "experiments", "--json", "--store", store, cwd=cwd).stdout),
        "runs": runs,
        "stats": json.loads(provkit(binary, "stats", "--json", "--store", store, cwd=cwd).stdout),
    }
    for run in runs:
        answer[run["id"]] = [
            json.loads(provkit(binary, "show", run["id"], "--json", "--store", store, cwd=cwd).stdout),
            provkit(binary, "export", run["id"], "--format", "prov-json", "--store", store, cwd=cwd).stdout,
        ]
    return answer


@pytest.fixture(scope="module")
def source(provkit_binary, tmp_path_factory):
    folder = tmp_path_factory.mktemp("migrate-source")
    provkit(provkit_binary, "demo", "--store", str(folder / "store"), cwd=folder)
    return folder, str(folder / "store")


def migrate(binary, source, target, cwd):
    result = provkit(binary, "migrate", "--from", source, "--to", target, "--json", cwd=cwd)
    report = json.loads(result.stdout)
    assert report["matches"] is True
    counts = {row["what"]: (row["source"], row["target"]) for row in report["counts"]}
    assert counts["runs"][0] > 0 and counts["metric points"][0] > 0
    assert all(a == b for a, b in counts.values()), counts
    return report


def test_sqlite_to_sqlite(provkit_binary, source, tmp_path):
    folder, store = source
    copy = str(tmp_path / "copy")
    migrate(provkit_binary, store, copy, tmp_path)
    assert views(provkit_binary, copy, tmp_path) == views(provkit_binary, store, folder)


def test_sqlite_to_postgres_and_back(provkit_binary, source, tmp_path):
    folder, store = source
    database = postgres_store()
    migrate(provkit_binary, store, database, tmp_path)
    original = views(provkit_binary, store, folder)
    assert views(provkit_binary, database, tmp_path) == original
    back = str(tmp_path / "back")
    migrate(provkit_binary, database, back, tmp_path)
    assert views(provkit_binary, back, tmp_path) == original


def test_a_non_empty_target_is_refused(provkit_binary, source, tmp_path):
    folder, store = source
    copy = str(tmp_path / "copy")
    migrate(provkit_binary, store, copy, tmp_path)
    again = provkit(provkit_binary, "migrate", "--from", store, "--to", copy, cwd=tmp_path, check=False)
    assert again.returncode != 0
    assert "not empty" in again.stderr
