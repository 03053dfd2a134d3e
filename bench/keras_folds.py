"""The original's cross-validation protocol in Keras, fold by fold: the seed-42 stratified 5-fold
split of the study itself (the same images in every fold, from bench/fold-assignment.ts), the five
variants of bench/keras_lenet.py (the study's layers and dropout design), batch 32, 15 epochs, Adam
0.001, validation after every epoch. Answers "framework or protocol?": which differences between the
original and our tfjs-node runs Keras shares (the protocol) and which it does not (the framework).

Each finished run is kept in .cache/keras-folds/<variant>-fold<i>.json, so an interrupted call
resumes and two calls may split the variants (--variants relu,dropout); with every run present the
whole set is written to the output (default results/keras-folds.json) as one JSON document:
  {"keras", "tensorflow", "machine", "threads", "seed", "k", "batchSize", "epochs",
   "runs": [{"variant", "fold", "seconds", "history": [{"epoch", "train": {...}, "validation": {...}}]}]}
with loss (categorical cross-entropy), accuracy, precision and recall (Keras' metrics) per epoch.
Usage: .venv/bin/python bench/keras_folds.py [--variants a,b] [--out FILE]   (make keras-folds)"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

from keras_lenet import keras, lenet, load_split

VARIANTS = ["baseline", "relu", "maxpooling", "dropout", "leakyrelu"]
SEED, K, BATCH, EPOCHS = 42, 5, 32, 15
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CACHE = os.path.join(ROOT, ".cache", "keras-folds")


def fold_assignment():
    """The study's folds: 0-based fold per training image, from the TypeScript split itself."""
    output = subprocess.run(["node", os.path.join(ROOT, "dist", "bench", "fold-assignment.js"), "--seed", str(SEED), "--k", str(K)],
                            check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output)["foldOf"]


def machine():
    with open("/proc/cpuinfo") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores, {model}"


def train_fold(variant, fold, images, labels, fold_of):
    import numpy as np
    in_fold = np.asarray(fold_of) == fold
    keras.utils.set_random_seed(SEED)
    model = lenet(variant)
    started = time.perf_counter()
    history = model.fit(images[~in_fold], keras.utils.to_categorical(labels[~in_fold], 10), batch_size=BATCH, epochs=EPOCHS, verbose=0,
                        validation_data=(images[in_fold], keras.utils.to_categorical(labels[in_fold], 10)))
    seconds = time.perf_counter() - started
    h = history.history
    metric = {"loss": "loss", "accuracy": "accuracy", "precision": next(n for n in h if n.startswith("precision")),
              "recall": next(n for n in h if n.startswith("recall"))}
    epochs = [{"epoch": e + 1,
               "train": {name: float(h[key][e]) for name, key in metric.items()},
               "validation": {name: float(h["val_" + key][e]) for name, key in metric.items()}} for e in range(EPOCHS)]
    return {"variant": variant, "fold": fold, "seconds": seconds, "history": epochs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", default=os.path.join(ROOT, "results", "keras-folds.json"))
    args = parser.parse_args()
    variants = args.variants.split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        sys.exit(f"keras_folds: unknown variant {', '.join(unknown)} (one of {', '.join(VARIANTS)})")
    os.makedirs(CACHE, exist_ok=True)
    fold_of = fold_assignment()
    images, labels = load_split("train")
    for variant in variants:
        for fold in range(K):
            path = os.path.join(CACHE, f"{variant}-fold{fold + 1}.json")
            if os.path.exists(path):
                continue
            run = train_fold(variant, fold, images, labels, fold_of)
            with open(path + ".partial", "w") as out:
                json.dump(run, out)
            os.replace(path + ".partial", path)
            last = run["history"][-1]["validation"]
            print(f"[keras folds] {variant} fold {fold + 1}/{K}: validation accuracy {last['accuracy']:.4f}, {run['seconds']:.0f} s", file=sys.stderr)
    paths = [os.path.join(CACHE, f"{v}-fold{f + 1}.json") for v in VARIANTS for f in range(K)]
    if not all(os.path.exists(p) for p in paths):
        print(f"[keras folds] {sum(map(os.path.exists, paths))} of {len(paths)} runs done; the rest by another call", file=sys.stderr)
        return
    import tensorflow as tf
    runs = [json.load(open(p)) for p in paths]
    document = {"keras": keras.__version__, "tensorflow": tf.__version__, "machine": machine(),
                "threads": {"intraOp": os.environ.get("TF_NUM_INTRAOP_THREADS"), "interOp": os.environ.get("TF_NUM_INTEROP_THREADS"),
                            "oneDNN": os.environ.get("TF_ENABLE_ONEDNN_OPTS")},
                "seed": SEED, "k": K, "batchSize": BATCH, "epochs": EPOCHS, "runs": runs}
    with open(args.out + ".partial", "w") as out:
        json.dump(document, out, indent=1)
        out.write("\n")
    os.replace(args.out + ".partial", args.out)
    print(f"[keras folds] {len(runs)} runs written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
