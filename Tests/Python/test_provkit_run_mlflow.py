"""`provkit run` hands the program an MLflow endpoint: an unmodified mlflow-instrumented script logs into the run."""
import json
import os
import subprocess
import sys

SCRIPT = """
import os, sys, mlflow
given = os.environ["MLFLOW_RUN_ID"]  # read first: mlflow.start_run() takes it out of the environment
with mlflow.start_run() as run:
    mlflow.log_param("learning_rate", 0.05)
    for step in range(3):
        mlflow.log_metric("val_acc", 0.5 + step / 10, step=step)
    mlflow.set_tag("team", "vision")
    print("run", run.info.run_id, "env", given, "experiment", os.environ.get("MLFLOW_EXPERIMENT_ID"))
sys.exit(int(os.environ.get("EXIT_CODE", "0")))
"""


def clean_environment(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROVKIT_", "MLFLOW_"))}
    env.update(extra)
    return env


def run_detail(provkit, run_id, *store_args):
    return json.loads(provkit("show", run_id, "--json", *store_args, store=not store_args).stdout)


def check_logged(detail):
    parameters = {p["key"]: p for p in detail["parameters"]}
    assert parameters["learning_rate"]["value"] == "0.05"
    assert parameters["learning_rate"]["term"] == "model.hyperparameter.learning_rate"
    metrics = {m["key"]: m for m in detail["metrics"]}
    assert metrics["val_acc"]["count"] == 3 and abs(metrics["val_acc"]["last"] - 0.7) < 1e-9
    tags = {t["key"]: t["value"] for t in detail["tags"]}
    assert tags["team"] == "vision"
    assert tags["exit_code"] == "0"
    assert "python_version" in tags  # the wrapper's own record of the same run


def test_script_logs_into_the_wrapper_run(provkit_binary, tmp_path, provkit):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    store = tmp_path / "store"
    result = subprocess.run(
        [provkit_binary, "run", "--store", str(store), "--interval", "0", "--no-gpu", "--", sys.executable, str(script)],
        cwd=tmp_path, capture_output=True, text=True, env=clean_environment(), timeout=300)
    assert result.returncode == 0, result.stderr
    words = result.stdout.split()
    run_id = words[words.index("run") + 1]
    assert words[words.index("env") + 1] == run_id  # MLFLOW_RUN_ID is the wrapper's run
    assert words[words.index("experiment") + 1].isdigit()  # MLFLOW_EXPERIMENT_ID, the experiment's MLflow id
    assert f"recorded run {run_id}" in result.stderr
    detail = run_detail(provkit, run_id)
    assert detail["run"]["name"] == "train.py"
    assert detail["run"]["status"] == "finished"
    check_logged(detail)
    runs = json.loads(provkit("runs", "--json").stdout)
    assert [r["id"] for r in runs] == [run_id]  # one run holds both views


def test_exit_code_wins_over_the_scripts_own_end(provkit_binary, tmp_path, provkit):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    result = subprocess.run(
        [provkit_binary, "run", "--store", str(tmp_path / "store"), "--interval", "0", "--no-gpu", "--",
         sys.executable, str(script)],
        cwd=tmp_path, capture_output=True, text=True, env=clean_environment(EXIT_CODE="3"), timeout=300)
    assert result.returncode == 3
    run_id = result.stdout.split()[1]
    assert run_detail(provkit, run_id)["run"]["status"] == "failed"


def test_with_a_server_the_script_logs_there(provkit_binary, tmp_path, start_server, provkit):
    server = start_server()
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    result = subprocess.run(
        [provkit_binary, "run", "--server", server.url, "--interval", "0", "--no-gpu", "--", sys.executable,
         str(script)],
        cwd=tmp_path, capture_output=True, text=True, env=clean_environment(), timeout=300)
    assert result.returncode == 0, result.stderr
    run_id = result.stdout.split()[1]
    assert server.stop() == 0
    check_logged(run_detail(provkit, run_id, "--store", str(server.store)))
