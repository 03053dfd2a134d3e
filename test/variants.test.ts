/**
 * A variant is data: a reader's design is checked with one clear message, keyed by its whole design
 * (two designs never share a key; the five named variants keep theirs), carried by its spec into a
 * worker process, and trained like the five.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defineVariant, placedLayers, VARIANT_DESIGNS, VariantDesign, VariantDesignError, variantTitle } from '../lib/model/network';
import { DROPOUT_READINGS, flattenReading, flattenReadingDesign } from '../lib/study/dropout-question';
import { STUDY_PROTOCOL } from '../lib/study/protocol';
import { runKey } from '../lib/study/run-key';
import { parseSpec, RunSpec, SpecError, variantFields } from '../lib/study/run-spec';
import { cachedRun } from '../lib/study/runs';
import { runInWorkers } from '../lib/study/workers';
import { DATA_DIRECTORY } from './paths';

const design = (overrides: Partial<VariantDesign>): VariantDesign => ({ activation: 'relu', pooling: 'max', dropoutRates: null, ...overrides });
const foldSpec = (variant: string): RunSpec => ({ ...variantFields(variant), protocol: STUDY_PROTOCOL, seed: 42, split: { kind: 'fold', k: 5, index: 0 }, limit: null });

test('an invalid design or name is refused with one message naming the problem', () => {
  const refused = (call: () => unknown, pattern: RegExp) => assert.throws(call, (error: unknown) => error instanceof VariantDesignError && pattern.test(error.message));
  refused(() => defineVariant('mine', design({ activation: 'sigmoid' as never })), /activation must be one of tanh, relu, leakyrelu, got "sigmoid"/);
  refused(() => defineVariant('mine', design({ pooling: 'min' as never })), /pooling must be one of average, max/);
  refused(() => defineVariant('mine', design({ dropoutRates: [0.25, 0.25] })), /dropoutRates must be null or 5 entries/);
  refused(() => defineVariant('mine', design({ dropoutRates: [0.25, 1, null, null, 0.5] })), /after conv2 must be null \(no layer\) or a number with 0 < rate < 1, got 1/);
  refused(() => defineVariant('My Variant', design({})), /lower-case letters, digits and dashes/);
  refused(() => defineVariant('relu', design({})), /one of the study's five variants/);
  defineVariant('relu-max-test', design({}));
  refused(() => defineVariant('relu-max-test', design({ pooling: 'average' })), /already declared with another design/);
  assert.equal(defineVariant('relu-max-test', design({})), 'relu-max-test', 'declaring the same design again is harmless');
});

test('a reader\'s design is keyed by its whole design: never the key of another design, the same key under another name', async () => {
  const named = await Promise.all(['baseline', 'relu', 'maxpooling', 'dropout', 'leakyrelu'].map((variant) => runKey(foldSpec(variant))));
  const readings = await Promise.all(DROPOUT_READINGS.map((variant) => runKey(foldSpec(variant))));
  const other = await runKey(foldSpec(defineVariant('relu-max-key', design({}))));
  const renamed = await runKey(foldSpec(defineVariant('relu-max-renamed', design({}))));
  assert.equal(new Set([...named, ...readings, other]).size, named.length + readings.length + 1, 'every design has keys of its own');
  assert.equal(renamed, other, 'the name is not part of the key');
  // The five keep their committed keys: run.json files under runs/ answer to them.
  assert.ok(await cachedRun(foldSpec('relu')), 'ReLU\'s committed fold run is found under its key');
});

test('the dropout readings are our Dropout with another rate after Flatten, or no layer there', () => {
  assert.equal(flattenReading(0.25), 'dropout', 'our own rate is our Dropout');
  const [half, four] = DROPOUT_READINGS;
  const dropoutLayers = (variant: string) => placedLayers(variant).filter((placed) => placed.layer.kind === 'dropout').map((placed) => placed.layer);
  assert.deepEqual(dropoutLayers(half).map((layer) => layer.kind === 'dropout' && layer.rate), [0.25, 0.25, 0.25, 0.5, 0.5]);
  assert.deepEqual(dropoutLayers(four).map((layer) => layer.kind === 'dropout' && layer.index), [0, 1, 2, 4], 'four layers, each keeping its position (and its masks)');
  assert.equal(variantTitle(four), 'Dropout, four layers');
  assert.deepEqual(flattenReadingDesign(null).dropoutRates, [0.25, 0.25, 0.25, null, 0.5]);
  assert.equal(VARIANT_DESIGNS.dropout.dropoutRates![3], 0.25);
});

test('a spec carries its design: parsed with every field checked, and trained in a worker process that never saw the declaration', async () => {
  const line = JSON.stringify({ ...foldSpec('relu-max-test'), protocol: { ...STUDY_PROTOCOL, epochs: 1 }, limit: 300 });
  const spec = parseSpec(line);
  assert.deepEqual(spec.design, design({}));
  assert.throws(() => parseSpec(JSON.stringify({ ...spec, design: { ...spec.design, activation: 'gelu' } })), (error: unknown) => error instanceof SpecError && /design: activation must be one of/.test(error.message));
  assert.throws(() => parseSpec(JSON.stringify({ ...spec, variant: 'relu' })), /"relu" is one of the five and takes no design/);
  const runsDirectory = mkdtempSync(join(tmpdir(), 'runs-'));
  await runInWorkers([spec], { workers: 1, dataDirectory: DATA_DIRECTORY, runsDirectory });
  const record = await cachedRun(spec, runsDirectory);
  assert.ok(record, 'trained and cached under its design\'s key');
  assert.deepEqual(record.spec.design, design({}));
});
