"""Shared fixtures for ProvKit's Python interoperability tests."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def provkit_binary() -> str:
    path = os.environ.get("PROVKIT_BINARY") or str(ROOT / ".build" / "debug" / "provkit")
    if not os.access(path, os.X_OK):
        pytest.fail(f"provkit binary not found at {path}; run `swift build` or set PROVKIT_BINARY")
    return path


@pytest.fixture()
def provkit(provkit_binary, tmp_path):
    """Runs provkit against a fresh store in a temporary folder; returns the CompletedProcess."""

    def run(*args, check=True, store=True):
        command = [provkit_binary, *args]
        if store:
            command += ["--store", str(tmp_path / "store")]
        env = {k: v for k, v in os.environ.items() if k != "PROVKIT_STORE"}
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"provkit {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    return run
