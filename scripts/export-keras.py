"""make keras-export: the study's final models in Keras' own format, checked against their tfjs test accuracy.

For every final retraining in results/study.json (or the run folders given after the output folder),
reads the saved tfjs layers model (runs/<variant>/<key>/model/model.json and weights.bin: standard
layers only, with the input contract in its metadata), builds the same layers in Keras from that
topology, copies the weights in the manifest's order, and saves exports/<variant>-seed<seed>[-decay].keras.
Then loads each file back with keras.models.load_model, evaluates it on the 10,000 test images
(pixels / 255, as the contract says) and compares its accuracy with the run's own, printing one
JSON line per model; exits 1 if any differs by more than TOLERANCE.

Usage: .venv/bin/python scripts/export-keras.py OUT_DIR [RUN_DIR ...]
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import keras  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from keras_lenet import load_split  # noqa: E402

PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
# 0.1 percentage point of accuracy.
TOLERANCE = 0.001


def keras_layer(layer: dict):
    """One tfjs layer (class name and config from model.json) as the Keras layer it stands for."""
    kind, config = layer["class_name"], layer["config"]
    if kind == "Conv2D":
        return keras.layers.Conv2D(config["filters"], config["kernel_size"], strides=config["strides"], padding=config["padding"],
                                   activation=config["activation"], name=config["name"])
    if kind == "Dense":
        return keras.layers.Dense(config["units"], activation=config["activation"], name=config["name"])
    if kind in ("AveragePooling2D", "MaxPooling2D"):
        return getattr(keras.layers, kind)(config["pool_size"], strides=config["strides"], padding=config["padding"], name=config["name"])
    if kind == "Dropout":
        return keras.layers.Dropout(config["rate"], name=config["name"])
    if kind == "Flatten":
        return keras.layers.Flatten(name=config["name"])
    if kind == "LeakyReLU":
        return keras.layers.LeakyReLU(negative_slope=config["alpha"], name=config["name"])
    raise ValueError(f"no Keras layer for tfjs layer {kind}")


def load_tfjs(model_dir: str):
    """The Keras model rebuilt from a tfjs layers model's files, and its metadata."""
    with open(os.path.join(model_dir, "model.json")) as source:
        artifacts = json.load(source)
    layers = artifacts["modelTopology"]["config"]["layers"]
    model = keras.Sequential([keras.Input(tuple(artifacts["userDefinedMetadata"]["input"]["shape"][1:]))] + [keras_layer(layer) for layer in layers])
    manifest = [weight for group in artifacts["weightsManifest"] for weight in group["weights"]]
    values = np.fromfile(os.path.join(model_dir, "weights.bin"), dtype="<f4")
    weights, offset = [], 0
    for weight in manifest:
        size = int(np.prod(weight["shape"]))
        weights.append(values[offset:offset + size].reshape(weight["shape"]))
        offset += size
    model.set_weights(weights)
    return model, artifacts["userDefinedMetadata"]


def final_runs() -> list:
    """The run folders of every final retraining in results/study.json."""
    with open(os.path.join(PROJECT, "results", "study.json")) as source:
        summary = json.load(source)
    finals = summary["finals"]["constant"] + summary["finals"]["decay"]
    return [os.path.join(PROJECT, "runs", run["variant"], run["key"]) for run in finals]


def main() -> int:
    out_dir, run_dirs = sys.argv[1], sys.argv[2:] or final_runs()
    os.makedirs(out_dir, exist_ok=True)
    images, labels = load_split("t10k")
    failed = False
    for run_dir in run_dirs:
        with open(os.path.join(run_dir, "run.json")) as source:
            record = json.load(source)
        spec = record["spec"]
        model, metadata = load_tfjs(os.path.join(run_dir, "model"))
        name = f"{spec['variant']}-seed{spec['seed']}{'-decay' if spec['protocol']['decay'] else ''}.keras"
        path = os.path.join(out_dir, name)
        model.save(path)
        reloaded = keras.models.load_model(path)
        limit = spec["limit"] or len(labels)
        predictions = reloaded.predict(images[:limit], batch_size=1000, verbose=0).argmax(axis=1)
        keras_accuracy = float((predictions == labels[:limit]).mean())
        tfjs_accuracy = record["history"][-1]["validation"]["accuracy"]
        agrees = abs(keras_accuracy - tfjs_accuracy) <= TOLERANCE
        failed = failed or not agrees
        print(json.dumps({"model": path, "key": record["key"], "classes": metadata["output"]["classes"][:2] + ["…"],
                          "kerasTestAccuracy": keras_accuracy, "tfjsTestAccuracy": tfjs_accuracy, "agrees": agrees}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
