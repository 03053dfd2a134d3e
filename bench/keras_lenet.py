"""What the Keras benchmarks share: the Fashion-MNIST files of data/ as arrays, and the seed's
LeNet-5 variants as Keras models (Adam 0.001, categorical cross-entropy, accuracy/precision/recall)."""
import gzip
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import keras  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def read_idx(name: str, header: int) -> np.ndarray:
    with gzip.open(os.path.join(DATA, name)) as source:
        return np.frombuffer(source.read(), dtype=np.uint8, offset=header)


def load_split(split: str):
    """(images [n, 28, 28, 1] scaled to [0, 1], class indices [n]) of 'train' or 't10k'."""
    images = read_idx(f"{split}-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1).astype("float32") / 255
    return images, read_idx(f"{split}-labels-idx1-ubyte.gz", 8)


def lenet(variant: str) -> keras.Model:
    """The seed's variant, layer by layer as lib/models.ts builds it, compiled."""
    activation = {"baseline": "tanh", "relu": "relu", "maxpooling": "tanh", "dropout": "tanh", "leakyrelu": None}[variant]
    pool = keras.layers.MaxPooling2D if variant == "maxpooling" else keras.layers.AveragePooling2D
    layers = [keras.Input((28, 28, 1))]

    def activation_and_dropout(rate=0.25):
        if variant == "leakyrelu":
            layers.append(keras.layers.LeakyReLU(negative_slope=0.3))
        if variant == "dropout":
            layers.append(keras.layers.Dropout(rate))

    layers.append(keras.layers.Conv2D(6, 5, padding="same", activation=activation))
    activation_and_dropout()
    layers.append(pool(2))
    layers.append(keras.layers.Conv2D(16, 5, activation=activation))
    activation_and_dropout()
    layers.append(pool(2))
    layers.append(keras.layers.Conv2D(120, 5, activation=activation))
    activation_and_dropout()
    layers.append(keras.layers.Flatten())
    if variant == "dropout":
        layers.append(keras.layers.Dropout(0.25))
    layers.append(keras.layers.Dense(84, activation=activation))
    activation_and_dropout(0.5)
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss="categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.Precision(), keras.metrics.Recall()])
    return model
