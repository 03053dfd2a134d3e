/**
 * The run-cache key tracks behaviour, not text: on a copy of the compiled project, a comment, a
 * renamed helper or a moved file keeps every key; a change of arithmetic, of the data split or of
 * a pinned TensorFlow setting changes it, for exactly the variants whose runs it touches.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runKey } from '../lib/study/run-key';
import type { RunSpec } from '../lib/study/run-spec';
import { STUDY_PROTOCOL } from '../lib/study/protocol';
import { PROJECT_DIRECTORY } from './paths';

const SPECS: RunSpec[] = [
  { variant: 'relu', protocol: STUDY_PROTOCOL, seed: 42, split: { kind: 'fold', k: 5, index: 0 }, limit: null },
  { variant: 'dropout', protocol: STUDY_PROTOCOL, seed: 42, split: { kind: 'full' }, limit: null },
  { variant: 'leakyrelu', protocol: STUDY_PROTOCOL, seed: 43, split: { kind: 'fold', k: 5, index: 4 }, limit: null },
];

/** A copy of the compiled project (dist/ and the arithmetic lock), with `edit` applied to one compiled file. */
function editedCopy(file: string, edit: (text: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), 'key-'));
  cpSync(join(PROJECT_DIRECTORY, 'dist'), join(root, 'dist'), { recursive: true });
  mkdirSync(join(root, 'lib', 'study'), { recursive: true });
  cpSync(join(PROJECT_DIRECTORY, 'lib', 'study', 'arithmetic.lock.json'), join(root, 'lib', 'study', 'arithmetic.lock.json'));
  symlinkSync(join(PROJECT_DIRECTORY, 'node_modules'), join(root, 'node_modules'));
  const path = join(root, 'dist', 'lib', file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, `the edit of ${file} changed nothing`);
  writeFileSync(path, after);
  return root;
}

/** The keys of SPECS as the copy at `root` computes them, in a process of its own. */
function keysOf(root: string, environment: Record<string, string> = {}): string[] {
  const script = `const { runKey } = require(${JSON.stringify(join(root, 'dist', 'lib', 'study', 'run-key.js'))});
Promise.all(${JSON.stringify(SPECS)}.map(runKey)).then((keys) => console.log(JSON.stringify(keys)));`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...environment } });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

const replace = (from: string, to: string) => (text: string) => {
  assert.ok(text.includes(from), `"${from}" not found`);
  return text.split(from).join(to);
};

let keysHere: string[];
test('the same code in another folder gives the same keys as here', async () => {
  keysHere = await Promise.all(SPECS.map((spec) => runKey(spec)));
  assert.deepEqual(keysOf(editedCopy('model/network.js', (text) => `${text}\n// unchanged behaviour\n`)), keysHere);
});

const KEEPS: [string, string, (text: string) => string][] = [
  ['a comment in the native step', 'model/native/lenet.js', (text) => text.replace('"use strict";', '"use strict";\n// A new comment: nothing computes differently.')],
  ['a renamed helper in the training loop', 'model/train.js', replace('addChunkSums', 'addMetricSumsOfChunk')],
  ['reformatted fold code', 'data/folds.js', (text) => text.replace(/\n {4}/g, '\n        ')],
];

for (const [change, file, edit] of KEEPS) {
  test(`${change} keeps every key`, () => {
    assert.deepEqual(keysOf(editedCopy(file, edit)), keysHere);
  });
}

/** Edits that change what runs compute, and the variants whose runs they change. */
const CHANGES: [string, string, (text: string) => string, string[]][] = [
  ['the loss gradient scaled differently (arithmetic)', 'model/native/lenet.js', replace('this.scalar(1 / images.shape[0])', 'this.scalar(1 / (images.shape[0] + 1))'), ['relu', 'dropout', 'leakyrelu']],
  ['LeakyReLU\'s slope (arithmetic of one variant)', 'model/network.js', replace('exports.LEAKY_RELU_ALPHA = 0.3', 'exports.LEAKY_RELU_ALPHA = 0.2'), ['leakyrelu']],
  ['the folds dealt from another position (data split)', 'data/folds.js', replace('let dealer = 0;', 'let dealer = 1;'), ['relu', 'dropout', 'leakyrelu']],
  ['the full runs validated on the training set (data selection)', 'study/run-spec.js', replace('return { train, validation: test, test };', 'return { train, validation: train, test };'), ['relu', 'dropout', 'leakyrelu']],
  ['pixels scaled differently (data)', 'data/fashion-mnist.js', replace('/ 255;', '/ 256;'), ['relu', 'dropout', 'leakyrelu']],
];

for (const [change, file, edit, changed] of CHANGES) {
  test(`${change} changes the keys of ${changed.join(', ')} and no others`, () => {
    const keys = keysOf(editedCopy(file, edit));
    keys.forEach((key, index) => {
      const variant = SPECS[index].variant;
      if (changed.includes(variant)) assert.notEqual(key, keysHere[index], `${variant}: key unchanged`);
      else assert.equal(key, keysHere[index], `${variant}: key changed`);
    });
  });
}

test('a pinned TensorFlow setting (threads, oneDNN) changes every key', () => {
  const root = editedCopy('model/network.js', (text) => `${text}\n`);
  for (const environment of [{ TF_NUM_INTRAOP_THREADS: '2' }, { TF_ENABLE_ONEDNN_OPTS: '0' }] as Record<string, string>[]) {
    const keys = keysOf(root, environment);
    keys.forEach((key, index) => assert.notEqual(key, keysHere[index], `${JSON.stringify(environment)}: key unchanged`));
  }
});
