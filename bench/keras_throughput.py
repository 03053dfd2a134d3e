"""Training throughput of Keras (tensorflow-cpu) on the same task as bench/train-throughput.ts:
LeNet-5 (ReLU variant), Adam, categorical cross-entropy with accuracy/precision/recall, batch 32,
two epochs on the first 48,000 real training images. The first epoch includes tracing the training
step into a TensorFlow graph (once per model.fit call, so once per run of the study); the second is
the steady rate. Prints one JSON line like the tfjs bench."""
import gzip
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import keras  # noqa: E402

SAMPLES = int(os.environ.get("BENCH_SAMPLES", 48000))
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def read_idx(name: str, header: int) -> np.ndarray:
    with gzip.open(os.path.join(DATA, name)) as source:
        return np.frombuffer(source.read(), dtype=np.uint8, offset=header)


images = read_idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1)[:SAMPLES].astype("float32") / 255
labels = keras.utils.to_categorical(read_idx("train-labels-idx1-ubyte.gz", 8)[:SAMPLES], 10)

model = keras.Sequential([
    keras.Input((28, 28, 1)),
    keras.layers.Conv2D(6, 5, padding="same", activation="relu"),
    keras.layers.AveragePooling2D(2),
    keras.layers.Conv2D(16, 5, activation="relu"),
    keras.layers.AveragePooling2D(2),
    keras.layers.Conv2D(120, 5, activation="relu"),
    keras.layers.Flatten(),
    keras.layers.Dense(84, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(0.001), loss="categorical_crossentropy",
              metrics=["accuracy", keras.metrics.Precision(), keras.metrics.Recall()])


class EpochTimer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds.append(time.perf_counter() - self.started)


seconds = []
model.fit(images, labels, batch_size=32, epochs=2, verbose=0, callbacks=[EpochTimer()])
print(json.dumps({"engine": "keras", "samples": SAMPLES, "firstEpochSeconds": seconds[0], "steadyEpochSeconds": seconds[1],
                  "samplesPerSecond": SAMPLES / seconds[1], "firstEpochSamplesPerSecond": SAMPLES / seconds[0],
                  "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "tensorflow": keras.__version__}))
sys.stdout.flush()
