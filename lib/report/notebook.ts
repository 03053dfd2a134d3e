/**
 * What every notebook does first: one line saying which study profile it reproduces and on which
 * TensorFlow, and the study options (with progress drawn in the notebook). The full environment is
 * the appendix's (notebook 14, `showEnvironment`). Profiles: lib/study/profiles.ts (STUDY_PROFILE).
 */
import * as tf from '../base/tensorflow';
import { currentProfile } from '../study/profiles';
import { terminalReporter } from '../study/progress';
import { libraryVersions } from '../model/native/ops';
import type { StudyOptions } from '../study/study';
import { kernelDisplayChannel } from './display-channel';
import { notebookReporter } from './notebook-progress';
import { showMarkdown, showTable } from './tables';
import { setFigureExports } from './display';
import { describeChanges, NotebookParameters, optionsFromParameters } from './parameters';

/** "profile full · all images · 15 epochs · 5 folds · …" */
export function describeProfile(options: StudyOptions): string {
  const seeds = (values: number[]) => (values.length > 1 ? `seeds ${values.join(', ')}` : `seed ${values[0]}`);
  return `profile **${currentProfile()}** · ${options.limit === null ? 'all' : `the first ${options.limit}`} images · ${options.protocol.epochs} epochs · ` +
    `${options.k} folds · cross-validation ${seeds(options.cvSeeds)} · retraining ${seeds(options.finalSeeds)} · batch sizes ${options.batchSizes.join(', ')}`;
}

/** Training workers a notebook starts: both cores of the machines this study runs on. */
const NOTEBOOK_WORKERS = 2;

/**
 * Says what this notebook reproduces and returns its study options: the profile's, with the
 * parameters cell's changed values applied (lib/report/parameters.ts). Missing runs train in the
 * worker pool, with one live progress output; with a reader's values, figures are not exported.
 * @throws ParameterError on an invalid parameter
 */
export function setUpNotebook(parameters: NotebookParameters = {}): StudyOptions {
  const changes = describeChanges(parameters);
  // Long steps show their progress in the notebook, one updating output each.
  const options: StudyOptions = {
    ...optionsFromParameters(parameters), progress: kernelDisplayChannel() ? notebookReporter : terminalReporter, workers: NOTEBOOK_WORKERS,
  };
  setFigureExports(changes === '');
  const { tensorflow } = libraryVersions();
  const { oneDNN, intraOpThreads } = tf.SETTINGS;
  showMarkdown(`${describeProfile(options)} · TensorFlow ${tensorflow} (${tf.getBackend()}, oneDNN ${oneDNN ? 'on' : 'off'}, ${intraOpThreads} thread)` +
    (changes ? `\n\n**Your values:** ${changes}. Runs the cache lacks train in ${NOTEBOOK_WORKERS} worker processes (Kernel → Interrupt stops them and keeps every finished run and each run's last epoch); figures are shown, not exported to figures/.` : ''));
  return options;
}

/** The versions and TensorFlow settings a notebook runs with (the appendix). */
export function showEnvironment(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tslab = require('tslab') as { versions: { tslab: string; typescript: string; node: string } };
  const { tfjsNode, tensorflow } = libraryVersions();
  const settings = tf.SETTINGS;
  showTable([
    { component: 'TensorFlow.js', version: tf.version.tfjs },
    { component: 'tfjs-node backend', version: `${tf.getBackend()} (tfjs-node ${tfjsNode})` },
    { component: 'libtensorflow', version: tensorflow },
    { component: 'TensorFlow settings', version: `oneDNN ${settings.oneDNN ? 'on' : 'off'}, ${settings.intraOpThreads} intra-op and ${settings.interOpThreads} inter-op thread(s)` },
    { component: 'tslab', version: tslab.versions.tslab },
    { component: 'TypeScript (tslab)', version: tslab.versions.typescript },
    { component: 'Node.js', version: process.version },
  ], { caption: 'Environment' });
}

/** The appendix's findings: does the kernel run native TensorFlow, with the pinned settings? */
export function showEnvironmentFindings(check: { backend: string; maxAbsoluteDifference: number; tolerance: number; passed: boolean }): void {
  const settings = tf.SETTINGS;
  showMarkdown([
    `- **${check.passed ? 'Yes' : 'No'}:** the backend is \`${check.backend}\`, and its 5×5 convolution and both gradients agree with the reference JavaScript backend within ${check.maxAbsoluteDifference.toExponential(1)} (the check allows ${check.tolerance}).`,
    `- TensorFlow runs with oneDNN ${settings.oneDNN ? 'on' : 'off'}, ${settings.intraOpThreads} intra-op and ${settings.interOpThreads} inter-op thread(s): ${settings.oneDNN && settings.intraOpThreads === 1 && settings.interOpThreads === 1 ? 'the settings every committed run was trained with' : 'not the settings the committed runs were trained with, so this kernel would train its own runs'}.`,
    '- The figure above arrives as one output holding its PNG, which GitHub, the HTML report and JupyterLab show; its interactive version is the exported page in figures/ (with your own parameters, the output also holds the plotly figure, which JupyterLab draws live).',
  ].join('\n'));
}
