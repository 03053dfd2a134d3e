/** Every committed notebook is small enough to review as a diff and to open fast. */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_DIRECTORY } from './paths';

const LIMIT = 600 * 1024;

test('every committed notebook is at most 600 KB', () => {
  const folder = join(PROJECT_DIRECTORY, 'notebooks');
  const sizes = readdirSync(folder).filter((name) => name.endsWith('.ipynb')).map((name) => ({ name, bytes: statSync(join(folder, name)).size }));
  assert.deepEqual(sizes.filter(({ bytes }) => bytes > LIMIT).map(({ name, bytes }) => `${name}: ${Math.round(bytes / 1024)} KB`), []);
});
