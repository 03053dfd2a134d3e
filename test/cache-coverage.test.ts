/**
 * The committed run cache (runs/) against what the study and the notebooks ask for, in the full
 * profile: every run they need is there under the key this code computes, and nothing else is.
 * Fails in seconds, naming the missing keys, so an accidental change of keys (a retrain of hours)
 * is caught here rather than by a notebook that starts training.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { profileOptions } from '../lib/study/profiles';
import { describeRun } from '../lib/study/run-spec';
import { runLocation } from '../lib/study/runs';
import { studyPlan } from '../lib/study/study';
import { PROJECT_DIRECTORY } from './paths';

const RUNS = join(PROJECT_DIRECTORY, 'runs');

test('runs/ holds every run of the full study under its current key, and nothing else', async () => {
  const options = { ...profileOptions('full'), runsDirectory: RUNS };
  const { specs, complete } = await studyPlan(options);
  const needed = await Promise.all(specs.map(async (spec) => ({ spec, ...(await runLocation(spec, RUNS)) })));
  const missing = needed.filter(({ folder }) => !existsSync(join(folder, 'run.json')));
  assert.deepEqual(missing.map(({ spec, key }) => `${describeRun(spec)} (seed ${spec.seed}, batch ${spec.protocol.batchSize}): ${spec.variant}/${key}`), [],
    `runs/ lacks ${missing.length} of ${specs.length} runs: their keys changed or they were never trained (npm run study -- plan lists them; make study trains them)`);
  assert.ok(complete, 'the plan is incomplete: the reproduction\'s cross-validation is missing, so the final retrainings cannot be listed');
  const kept = new Set(needed.map(({ spec, key }) => `${spec.variant}/${key}`));
  const stored = readdirSync(RUNS, { withFileTypes: true }).filter((entry) => entry.isDirectory())
    .flatMap((variant) => readdirSync(join(RUNS, variant.name)).map((key) => `${variant.name}/${key}`));
  assert.deepEqual(stored.filter((run) => !kept.has(run)), [], 'runs/ holds runs the study no longer asks for');
});
