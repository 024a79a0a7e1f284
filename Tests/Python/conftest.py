"""Shared fixtures for ProvKit's Python interoperability tests."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


# --- what a test needs: skipped with the reason outside CI, a failure under CI=true ---------------------------------

def in_ci() -> bool:
    """Whether the tests run under CI (`CI=true`), where nothing a test needs may be missing."""
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str, module_level: bool = False):
    """Skips the test (or, with `module_level`, the whole module) with `reason`; under CI=true fails instead, so that
    CI never passes a test that checked nothing. `scripts/test.sh` prints every skip reason (`pytest -rs`)."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true requires it)", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def require_module(name: str, module_level: bool = True):
    """Imports and returns the Python module `name` (a pinned peer in requirements-test.txt); skips without it, or
    fails under CI. Use it instead of `pytest.importorskip`."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as error:
        skip_or_fail(f"Python module {name} is not installed ({error}); scripts/test.sh installs it into .venv",
                     module_level=module_level)


def require_tool(name: str) -> str:
    """The path of the program `name` on PATH; skips without it, or fails under CI."""
    import shutil

    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"the program {name} is not on PATH")
    return path


def shared_data() -> pathlib.Path | None:
    """The team's shared data folder, located as ProvTesting's SharedData does."""
    configured = os.environ.get("PROVKIT_SHARED_DATA")
    folder = pathlib.Path(configured) if configured else ROOT.parent / "shared" / "data"
    return folder if folder.is_dir() else None


def require_shared(relative: str) -> pathlib.Path:
    """A path inside the shared data (`../tools/...` reaches the shared tools); skips when absent, fails under CI."""
    folder = shared_data()
    path = (folder / relative).resolve() if folder else None
    if path is None or not path.exists():
        skip_or_fail(f"shared data missing: {path}" if folder
                     else "shared data not found: set PROVKIT_SHARED_DATA or place it at ../shared/data")
    return path


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


class ProvKitServer:
    """A `provkit serve` process on a free loopback port, with its own store and artifact folder."""

    def __init__(self, binary, folder, extra_args=(), env=None, store=None):
        import re
        import select
        import time

        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        # A store folder of its own, or the store given (such as a postgres:// URL).
        self.store = store or (self.folder / "store")
        self.log = open(self.folder / "server.stderr", "w")
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("PROVKIT_", "MLFLOW_"))}
        environment.update(env or {})
        command = [binary, "serve", "--port", "0", "--store", str(self.store), *extra_args]
        self.process = subprocess.Popen(
            command, cwd=self.folder, stdout=subprocess.PIPE, stderr=self.log, text=True, env=environment
        )
        deadline = time.monotonic() + 120
        self.banner = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline()
                if not line:
                    break
                self.banner += line
                match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
                if match:
                    self.url = match.group(1)
                    return
            if self.process.poll() is not None:
                break
        self.stop()
        raise AssertionError(
            f"provkit serve did not start: {self.banner}\n{(self.folder / 'server.stderr').read_text()}"
        )

    def stop(self, sig=None):
        """Stops the server (SIGTERM unless told otherwise) and returns its exit status."""
        import signal

        if self.process.poll() is None:
            self.process.send_signal(sig or signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.rest = self.process.stdout.read() if self.process.stdout else ""
        self.process.stdout.close()
        self.log.close()
        return self.process.returncode


@pytest.fixture()
def start_server(provkit_binary, tmp_path):
    """Starts `provkit serve` processes for one test; every one is stopped when the test ends."""
    servers = []

    def start(*extra_args, env=None):
        server = ProvKitServer(provkit_binary, tmp_path / f"server{len(servers)}", extra_args, env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.stop()


def postgres_store():
    """A fresh, empty PostgreSQL database on the server that PROVKIT_TEST_POSTGRES_URL names (scripts/test.sh starts
    a throwaway cluster and sets it), as a postgres:// URL. Without the variable the test skips; under CI it fails."""
    import urllib.parse
    import uuid

    url = os.environ.get("PROVKIT_TEST_POSTGRES_URL")
    if not url:
        skip_or_fail("PostgreSQL tests need PROVKIT_TEST_POSTGRES_URL (scripts/test.sh starts a throwaway cluster)")
    name = f"provkit_test_{uuid.uuid4().hex[:12]}"
    created = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", f"CREATE DATABASE {name}"],
        capture_output=True, text=True, timeout=60,
    )
    if created.returncode != 0:
        pytest.fail(f"cannot create a test database with psql on {url}: {created.stderr}")
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def mlflow_server(request, provkit_binary, tmp_path_factory):
    """One `provkit serve` shared by a test module (each test uses its own experiment), once on the embedded store
    and once on PostgreSQL."""
    store = postgres_store() if request.param == "postgres" else None
    server = ProvKitServer(provkit_binary, tmp_path_factory.mktemp(f"mlflow-server-{request.param}"), store=store)
    yield server
    if server.process.poll() is None:
        server.stop()
