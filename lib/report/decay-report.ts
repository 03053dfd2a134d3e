/**
 * Notebook 09: the best model with the learning rate halved every 5 epochs, against a constant
 * rate, seed by seed on the same test images.
 */
import { VARIANT_TITLES } from '../model/network';
import { learningRateAt } from '../model/train';
import { testSetEvidence, TestSetEvidence } from '../study/evidence';
import { decayWords } from '../study/protocol';
import type { StudyOptions } from '../study/study';
import { showFigure } from './display';
import { errataRows } from './errata';
import { dotPlotFigure, learningRateFigure, seedCurvesFigure } from './figures';
import { decayFindings } from './findings';
import { ORIGINAL_DECAY, ORIGINAL_TEST } from './original-study';
import { pairedTestRows } from './rows';
import { showMarkdown, showTable } from './tables';

export const testSet = (options: StudyOptions): Promise<TestSetEvidence> => testSetEvidence(options);

/** The decay the decayed retrainings were trained with. */
const decayOf = (test: TestSetEvidence) => test.finals.decay[0].run.spec.protocol.decay!;

export async function showSchedule(options: StudyOptions): Promise<void> {
  const decayed = { ...options.protocol, decay: options.decay };
  const epochs = Array.from({ length: options.protocol.epochs }, (_, epoch) => epoch);
  await showFigure(learningRateFigure([
    { name: 'constant', key: 'constant', rates: epochs.map((epoch) => learningRateAt(options.protocol, epoch)) },
    { name: decayWords(options.decay), key: 'decayed', rates: epochs.map((epoch) => learningRateAt(decayed, epoch)) },
  ]), { name: '09-learning-rate', height: 380 });
}

export function showPaired(test: TestSetEvidence): void {
  const best = test.finals.chosen[0];
  showTable(pairedTestRows(['decayed', 'constant'], test.finals.decay, test.finals.constant[best], test.decayAgainstConstant, true),
    { caption: `${VARIANT_TITLES[best]}: learning rate ${decayWords(decayOf(test))} against constant, on the same test images: test accuracy and test loss side by side` });
}

export async function showTestAccuracy(test: TestSetEvidence): Promise<void> {
  const best = test.finals.chosen[0];
  const dots = (runs: typeof test.finals.decay) => runs.map((run) => ({ category: `seed ${run.run.spec.seed}`, value: run.accuracy, low: run.interval.lower, high: run.interval.upper }));
  const original = (value: number | undefined) => (value === undefined ? [] : [{ category: 'original', value, low: value, high: value }]);
  await showFigure(dotPlotFigure([
    { name: decayWords(decayOf(test)), key: 'decayed', dots: [...dots(test.finals.decay), ...original(ORIGINAL_DECAY.variant === best ? ORIGINAL_DECAY.metrics.accuracy : undefined)] },
    { name: 'constant', key: 'constant', dots: [...dots(test.finals.constant[best]), ...original(ORIGINAL_TEST[best]?.accuracy)] },
  ], `${VARIANT_TITLES[best]}: test accuracy per seed, with 95 % Wilson intervals (the original: one run each)`, 'test accuracy'), { name: '09-test-accuracy', height: 440 });
}

export async function showCurves(test: TestSetEvidence): Promise<void> {
  const best = test.finals.chosen[0];
  await showFigure(seedCurvesFigure([
    { name: 'constant', key: 'constant', histories: test.finals.constant[best].map((run) => run.run.history) },
    { name: decayWords(decayOf(test)), key: 'decayed', histories: test.finals.decay.map((run) => run.run.history) },
  ], `${VARIANT_TITLES[best]}: loss and accuracy per epoch`, 'test set'), { name: '09-decay-curves', width: 1000, height: 440 });
}

export function showErrata(): void {
  showTable(errataRows('09-lr-decay'), { caption: 'Where the original contradicts itself on the decay' });
}

export function showFindings(test: TestSetEvidence): void {
  showMarkdown(decayFindings(test));
}
