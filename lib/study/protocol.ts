/**
 * The original study's protocol, the one every run of the reproduction trains with unless a part of
 * the study varies it on purpose (the seeds, the batch-size study, the learning-rate decay).
 */
import type { LearningRateDecay, TrainingProtocol } from '../model/train';

/** The original's protocol: Adam at 0.001 (Keras' default), 15 epochs, batch 32 (Keras' default; the original names none). */
export const STUDY_PROTOCOL: TrainingProtocol = { epochs: 15, batchSize: 32, learningRate: 0.001, decay: null };

/** The original's choice 2: halve the learning rate every 5 epochs. */
export const STEP_DECAY: LearningRateDecay = { factor: 0.5, everyEpochs: 5 };

/** "halved every 5 epochs" (factor 0.5), "multiplied by 0.7 every 3 epochs" (any other). */
export const decayWords = (decay: LearningRateDecay) =>
  `${decay.factor === 0.5 ? 'halved' : `multiplied by ${decay.factor}`} every ${decay.everyEpochs} epoch${decay.everyEpochs === 1 ? '' : 's'}`;
