"""Train N random neural networks on scikit-learn's digits data, epoch by epoch, and log them with MLflow.

Each network is a scikit-learn MLPClassifier with a random depth (1-3 hidden layers), widths, activation, solver,
learning rate, batch size and L2 penalty. It is trained one epoch at a time with `partial_fit`; after every epoch the
validation accuracy and loss and the training loss are logged. The parameters and the architecture are logged as
MLflow params with keys ProvKit's taxonomy classifies (see README.md), through the unmodified mlflow client, so any
MLflow tracking server works; `provkit serve` turns them into provenance that `provkit analyze` explains.

    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python campaign.py --runs 20 --epochs 30
"""
import argparse
import json
import math
import os
import random
import time
import warnings

import mlflow
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler


def random_configuration(rng: random.Random) -> dict:
    """One random network and its training settings."""
    depth = rng.randint(1, 3)
    solver = rng.choice(["sgd", "adam"])
    configuration = {
        "hidden_layer_sizes": [rng.choice([8, 16, 32, 64, 128]) for _ in range(depth)],
        "activation": rng.choice(["relu", "tanh", "logistic"]),
        "solver": solver,
        "learning_rate": 10 ** rng.uniform(-4, -0.5),
        "batch_size": rng.choice([16, 32, 64, 128, 256]),
        "alpha": 10 ** rng.uniform(-6, -1),
        "momentum": 0.9 if solver == "sgd" else None,
    }
    return configuration


def parameter_count(model: MLPClassifier) -> int:
    return int(sum(w.size for w in model.coefs_) + sum(b.size for b in model.intercepts_))


def train(configuration: dict, data, epochs: int, seed: int, experiment: str, run_name: str) -> dict:
    x_train, x_val, y_train, y_val, classes = data
    model = MLPClassifier(
        hidden_layer_sizes=tuple(configuration["hidden_layer_sizes"]),
        activation=configuration["activation"],
        solver=configuration["solver"],
        learning_rate_init=configuration["learning_rate"],
        batch_size=configuration["batch_size"],
        alpha=configuration["alpha"],
        momentum=configuration["momentum"] or 0.9,
        random_state=seed,
    )
    history = []
    with mlflow.start_run(run_name=run_name):
        params = {
            # Architecture: keys the taxonomy classifies (model.architecture.*).
            "hidden_layer_sizes": json.dumps(configuration["hidden_layer_sizes"]),
            "num_layers": len(configuration["hidden_layer_sizes"]),
            "activation": configuration["activation"],
            # Training (model.hyperparameter.*): `learning_rate` is MLPClassifier's learning_rate_init, `l2_penalty`
            # its alpha, `solver` the optimizer.
            "solver": configuration["solver"],
            "learning_rate": f"{configuration['learning_rate']:.6g}",
            "batch_size": configuration["batch_size"],
            "l2_penalty": f"{configuration['alpha']:.6g}",
            "epochs": epochs,
            "random_state": seed,
            # Data (data.*).
            "dataset": "sklearn-digits",
            "num_classes": len(classes),
            "train_size": len(y_train),
            "val_size": len(y_val),
        }
        if configuration["momentum"] is not None:
            params["momentum"] = configuration["momentum"]
        mlflow.log_params(params)
        mlflow.set_tag("model_type", "MLPClassifier")
        for epoch in range(1, epochs + 1):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                warnings.simplefilter("ignore", RuntimeWarning)
                model.partial_fit(x_train, y_train, classes=classes)
            if epoch == 1:
                mlflow.log_param("num_params", parameter_count(model))
            probabilities = model.predict_proba(x_val)
            accuracy = float(np.mean(classes[np.argmax(probabilities, axis=1)] == y_val))
            if np.all(np.isfinite(probabilities)):
                validation_loss = float(log_loss(y_val, probabilities, labels=classes))
            else:
                validation_loss = math.nan
            training_loss = float(model.loss_) if model.loss_ is not None else math.nan
            mlflow.log_metrics(
                {"val_accuracy": accuracy, "val_loss": validation_loss, "train_loss": training_loss}, step=epoch
            )
            history.append({"epoch": epoch, "val_accuracy": accuracy, "val_loss": validation_loss,
                            "train_loss": training_loss})
        run_id = mlflow.active_run().info.run_id
    return {"run_id": run_id, "run_name": run_name, "configuration": configuration,
            "num_params": parameter_count(model), "history": history}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="how many networks to train (default 20)")
    parser.add_argument("--epochs", type=int, default=30, help="epochs per network (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random configurations (default 0)")
    parser.add_argument("--experiment", default="random-nn-campaign", help="the MLflow experiment name")
    parser.add_argument("--summary", help="write what was trained and measured to this JSON file")
    arguments = parser.parse_args()
    if arguments.runs < 1 or arguments.epochs < 1:
        parser.error("--runs and --epochs must be at least 1")
    if not os.environ.get("MLFLOW_TRACKING_URI"):
        parser.error("set MLFLOW_TRACKING_URI to the tracking server (such as `provkit serve`'s URL)")

    digits = load_digits()
    x_train, x_val, y_train, y_val = train_test_split(
        digits.data, digits.target, test_size=0.25, stratify=digits.target, random_state=arguments.seed)
    scaler = StandardScaler().fit(x_train)
    data = (scaler.transform(x_train), scaler.transform(x_val), y_train, y_val, np.unique(digits.target))

    mlflow.set_experiment(arguments.experiment)
    rng = random.Random(arguments.seed)
    runs = []
    started = time.monotonic()
    for index in range(arguments.runs):
        configuration = random_configuration(rng)
        run = train(configuration, data, arguments.epochs, arguments.seed * 1000 + index, arguments.experiment,
                    f"net-{index:03d}")
        final = run["history"][-1]["val_accuracy"]
        print(f"{run['run_name']}: {configuration['hidden_layer_sizes']} {configuration['activation']} "
              f"{configuration['solver']} lr={configuration['learning_rate']:.3g} -> val_accuracy {final:.3f}",
              flush=True)
        runs.append(run)
    print(f"trained {len(runs)} networks in {time.monotonic() - started:.1f} s")
    if arguments.summary:
        with open(arguments.summary, "w") as file:
            json.dump({"experiment": arguments.experiment, "runs": runs}, file, indent=1)


if __name__ == "__main__":
    main()
