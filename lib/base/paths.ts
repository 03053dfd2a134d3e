/**
 * Where the project's folders are. This file is compiled to dist/lib/base/, three levels below the project.
 * RUNS_DIRECTORY, FIGURES_DIRECTORY and DATA_DIRECTORY move them (tests use scratch folders); an
 * empty value counts as unset.
 */
import { resolve } from 'node:path';

export const PROJECT_DIRECTORY = resolve(__dirname, '..', '..', '..');

function fromEnvironment(name: string, fallback: string): string {
  const value = process.env[name];
  return value ? resolve(value) : resolve(PROJECT_DIRECTORY, fallback);
}

/** The run cache (committed). */
export const DEFAULT_RUNS_DIRECTORY = fromEnvironment('RUNS_DIRECTORY', 'runs');
/** The verified Fashion-MNIST files (`make data`). */
export const DEFAULT_DATA_DIRECTORY = fromEnvironment('DATA_DIRECTORY', 'data');
/** Exported figures (PNG, SVG, HTML). */
export const FIGURES_DIRECTORY = fromEnvironment('FIGURES_DIRECTORY', 'figures');
/** Machine-readable summaries (JSON, CSV). */
export const RESULTS_DIRECTORY = resolve(PROJECT_DIRECTORY, 'results');
