/** Where tests find the project (they run from dist/test/). */
import { resolve } from 'node:path';

export const PROJECT_DIRECTORY = resolve(__dirname, '..', '..');
export const DATA_DIRECTORY = resolve(PROJECT_DIRECTORY, 'data');
