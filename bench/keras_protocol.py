"""The seed's protocol in Keras, timed on this machine (tensorflow-cpu 2.21.0, default threads, one
run after another as the seed ran it): one cross-validation fold of each of the five variants
(15 epochs on 48,000 images with per-epoch validation on 12,000) and the three full retrainings
(ReLU, LeakyReLU, ReLU with the learning rate halved every 5 epochs; 60,000 images, per-epoch
evaluation on the 10,000 test images). All folds of a variant have the same size, so the whole
protocol's time is 5 x (the five fold times) + the three retrainings. Prints one JSON line.
Long (about 15 minutes on 2 cores): `make bench-keras-protocol`, not part of `make bench`."""
import json
import sys
import time

import numpy as np
from keras_lenet import keras, lenet, load_split

train_x, train_y = load_split("train")
test_x, test_y = load_split("t10k")


def timed_run(variant, x, y, validation, decay=False):
    keras.utils.set_random_seed(42)
    model = lenet(variant)
    callbacks = [keras.callbacks.LearningRateScheduler(lambda epoch: 0.001 * 0.5 ** (epoch // 5))] if decay else []
    started = time.perf_counter()
    history = model.fit(x, keras.utils.to_categorical(y, 10), batch_size=32, epochs=15, verbose=0, callbacks=callbacks,
                        validation_data=(validation[0], keras.utils.to_categorical(validation[1], 10)))
    seconds = time.perf_counter() - started
    print(f"[keras protocol] {variant}{' + decay' if decay else ''}: {seconds:.0f} s, "
          f"final validation accuracy {history.history['val_accuracy'][-1]:.4f}", file=sys.stderr)
    return seconds


# Fold 1 of a stratified 5-fold split: a fifth of every class held out.
rng = np.random.default_rng(42)
held_out = np.concatenate([rng.permutation(np.flatnonzero(train_y == label))[:1200] for label in range(10)])
mask = np.zeros(len(train_y), dtype=bool)
mask[held_out] = True
fold = {v: timed_run(v, train_x[~mask], train_y[~mask], (train_x[mask], train_y[mask]))
        for v in ["baseline", "relu", "maxpooling", "dropout", "leakyrelu"]}
full = {"relu": timed_run("relu", train_x, train_y, (test_x, test_y)),
        "leakyrelu": timed_run("leakyrelu", train_x, train_y, (test_x, test_y)),
        "relu + decay": timed_run("relu", train_x, train_y, (test_x, test_y), decay=True)}
protocol_minutes = (5 * sum(fold.values()) + sum(full.values())) / 60
print(json.dumps({"foldSeconds": fold, "fullSeconds": full, "protocolMinutes": protocol_minutes, "keras": keras.__version__}))
