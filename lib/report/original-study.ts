/**
 * The numbers the original study reports (G. Picarella, INFOMCV assignment 4), transcribed once here
 * so every comparison table can put them beside ours. They are the original's, not results of this project.
 */
import type { VariantName } from '../model/tfjs-model';

export interface OriginalMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  loss: number;
}

/** "Table with training and validation top-1 accuracy": the best fold of each, as "value@fold". */
export const ORIGINAL_BEST_FOLD: Record<VariantName, { train: number; trainFold: number; validation: number; validationFold: number }> = {
  baseline: { train: 0.9205, trainFold: 0, validation: 0.8989, validationFold: 1 },
  relu: { train: 0.9141, trainFold: 3, validation: 0.9054, validationFold: 3 },
  maxpooling: { train: 0.9405, trainFold: 0, validation: 0.9115, validationFold: 1 },
  // The original prints "0.0.8728@fold 0"; 0.8728 is the only reading that fits.
  dropout: { train: 0.8406, trainFold: 1, validation: 0.8728, validationFold: 0 },
  leakyrelu: { train: 0.9084, trainFold: 1, validation: 0.8999, validationFold: 3 },
};

/** The validation tables of the "Discuss your results" section (fold-averaged, Keras-style precision/recall). */
export const ORIGINAL_VALIDATION: Record<VariantName, OriginalMetrics> = {
  baseline: { accuracy: 0.8908, precision: 0.9049, recall: 0.8802, loss: 0.2952 },
  relu: { accuracy: 0.8955, precision: 0.9098, recall: 0.8809, loss: 0.2917 },
  maxpooling: { accuracy: 0.9068, precision: 0.9172, recall: 0.8995, loss: 0.2594 },
  dropout: { accuracy: 0.8665, precision: 0.8904, recall: 0.8439, loss: 0.3779 },
  leakyrelu: { accuracy: 0.8964, precision: 0.9147, recall: 0.8812, loss: 0.2670 },
};

/** The original's choice of the best two (it passed over MaxPooling for overfitting). */
export const ORIGINAL_SELECTION: VariantName[] = ['relu', 'leakyrelu'];

/** Test-set results after retraining on all training images. */
export const ORIGINAL_TEST: Partial<Record<VariantName, OriginalMetrics>> = {
  relu: { accuracy: 0.8974, precision: 0.9089, recall: 0.8880, loss: 0.2836 },
  leakyrelu: { accuracy: 0.8909, precision: 0.9083, recall: 0.8761, loss: 0.3008 },
};

/** Test-set results of ReLU with the learning rate halved every 5 epochs. */
export const ORIGINAL_DECAY: { variant: VariantName; metrics: OriginalMetrics } = {
  variant: 'relu', metrics: { accuracy: 0.9085, precision: 0.9167, recall: 0.9016, loss: 0.3028 },
};

/** Confusions the original reads off ReLU's test confusion matrix. */
export const ORIGINAL_CONFUSIONS = [
  { actual: 'T-shirt/top', predicted: 'Shirt', count: 156 },
  { actual: 'Shirt', predicted: 'T-shirt/top', count: 75 },
];

/** "a test set of 10k samples", 1,000 per class ("6000 and 1000 samples each"). */
export const ORIGINAL_TEST_IMAGES = 10_000;
export const ORIGINAL_TEST_IMAGES_PER_CLASS = 1_000;

/** The classes it names as examples of high accuracy: "(like Bags, Sneakers and Trousers)". */
export const ORIGINAL_EASY_CLASSES = ['Bag', 'Sneaker', 'Trouser'];
