/**
 * An unsupported Node.js is refused where tfjs-node loads (lib/base/tensorflow.ts), so every entry
 * point says so in one message: the command line, the backend check, a notebook's kernel (which
 * imports dist/lib like any module). Node.js 24 itself is not installed by the project, so these
 * processes run this Node.js with the version it reports set to 24.1.0 before anything loads (the
 * guard reads process.versions.node); the guard was also checked by hand under a real Node.js 24.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertSupportedNode, nodeVersionProblem } from '../lib/base/node-version';
import { PROJECT_DIRECTORY } from './paths';

const UNSUPPORTED = /Node\.js 24\.1\.0 is not supported: tfjs-node 4\.22 needs Node\.js 20 to 22 \(install Node\.js 22/;

/** Runs node with its reported version set to 24.1.0 before `argv` loads. */
function asNode24(argv: string[]) {
  const preload = join(mkdtempSync(join(tmpdir(), 'node24-')), 'as-node-24.js');
  writeFileSync(preload, "Object.defineProperty(process.versions, 'node', { value: '24.1.0' });\n");
  return spawnSync(process.execPath, ['--require', preload, ...argv], { encoding: 'utf8', cwd: PROJECT_DIRECTORY });
}

test('the guard takes the version as input: 20 to 22 pass, anything else is named with what to do', () => {
  for (const version of ['20.0.0', '20.20.2', '22.1.0']) assert.equal(nodeVersionProblem(version), null);
  for (const version of ['18.19.0', '19.9.0', '23.1.0', '24.1.0', '25.0.0']) assert.match(nodeVersionProblem(version)!, /is not supported: tfjs-node 4\.22 needs Node\.js 20 to 22/);
  assert.throws(() => assertSupportedNode('24.1.0'), (error: Error) => error.name === 'NodeVersionError' && UNSUPPORTED.test(error.message));
});

test('under Node.js 24, loading TensorFlow through the project (what a notebook does) throws the guard\'s message, before tfjs-node loads', () => {
  const script = "try { require('./dist/lib/base/tensorflow'); } catch (error) { console.log(error.name + ': ' + error.message); }" +
    " console.log('tfjs-node loaded: ' + Object.keys(require.cache).some((path) => path.includes('tfjs-node')));";
  const result = asNode24(['-e', script]);
  assert.match(result.stdout, new RegExp(`NodeVersionError: ${UNSUPPORTED.source}`));
  assert.match(result.stdout, /tfjs-node loaded: false/);
});

test('under Node.js 24, the study command line and the backend check say so in one line (not "run make native")', () => {
  const study = asNode24([join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js'), 'plan']);
  assert.equal(study.status, 1);
  assert.match(study.stderr.trim(), new RegExp(`^study: ${UNSUPPORTED.source}`));
  const check = asNode24([join(PROJECT_DIRECTORY, 'dist/lib/cli/check-backend.js')]);
  assert.equal(check.status, 1);
  assert.equal(check.stderr.trim().split('\n').length, 1, check.stderr);
  assert.match(check.stderr, new RegExp(`^native backend check: ${UNSUPPORTED.source}`));
  assert.doesNotMatch(check.stderr, /make native/);
});
