"""Training throughput of Keras (tensorflow-cpu) on the same task as bench/train-throughput.ts:
LeNet-5 (ReLU variant), Adam, categorical cross-entropy with accuracy/precision/recall, batch 32,
two epochs on the first 48,000 real training images. The first epoch includes tracing the training
step into a TensorFlow graph (once per model.fit call, so once per run of the study); the second is
the steady rate. Prints one JSON line like the tfjs bench."""
import json
import os
import resource
import sys
import time

from keras_lenet import keras, lenet, load_split

SAMPLES = int(os.environ.get("BENCH_SAMPLES", 48000))
train_images, train_labels = load_split("train")
images = train_images[:SAMPLES]
labels = keras.utils.to_categorical(train_labels[:SAMPLES], 10)
model = lenet("relu")


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
                  "keras": keras.__version__}))
sys.stdout.flush()
