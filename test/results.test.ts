/**
 * Every number the README and results/ state traces to the run cache: results/study.json and its
 * CSV files are what the study computes from the committed runs, and the README's generated
 * sections are what the results give.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { csvOf, finalFrame, foldFrame, historyFrame } from '../lib/study/frames';
import { profileOptions } from '../lib/study/profiles';
import { busyWallMinutes, studySummary } from '../lib/study/results';
import type { RunRecord } from '../lib/study/runs';
import { PROJECT_DIRECTORY } from './paths';

const RESULTS = join(PROJECT_DIRECTORY, 'results');

test('results/study.json and its CSV files are what the committed runs give', async () => {
  const { summary, runs } = await studySummary({ ...profileOptions('full'), runsDirectory: join(PROJECT_DIRECTORY, 'runs') });
  const committed = JSON.parse(readFileSync(join(RESULTS, 'study.json'), 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify({ command: 'all', ...summary })));
  assert.equal(readFileSync(join(RESULTS, 'cv-folds.csv'), 'utf8'), csvOf(foldFrame(runs)));
  assert.equal(readFileSync(join(RESULTS, 'final-runs.csv'), 'utf8'), csvOf(finalFrame(runs)));
  assert.equal(readFileSync(join(RESULTS, 'histories.csv'), 'utf8'), csvOf(historyFrame(runs)));
});

test('the README\'s generated sections (headline, errata) are what results/study.json and the errata give', () => {
  const check = spawnSync(process.execPath, [join(PROJECT_DIRECTORY, 'dist/lib/cli/readme.js'), '--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

test('wall time while any run trained: overlapping spans counted once, the gap between sessions not at all (by hand)', () => {
  const run = (start: string, end: string) => ({ startedAt: `2026-11-28T${start}:00.000Z`, finishedAt: `2026-11-28T${end}:00.000Z` }) as RunRecord;
  // 10:00–10:30 and 10:20–10:50 overlap (50 min); 14:00–14:10 is a second session (10 min).
  assert.equal(busyWallMinutes([run('14:00', '14:10'), run('10:00', '10:30'), run('10:20', '10:50')]), 60);
  // A span inside another adds nothing.
  assert.equal(busyWallMinutes([run('10:00', '11:00'), run('10:10', '10:20')]), 60);
});
