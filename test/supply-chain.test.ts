/**
 * The native libraries that do all the arithmetic are verified before use, like the data: the
 * tensorflow-cpu wheel and the Maven jar by exact file name and SHA-256, Keras' wheels for the
 * benchmarks by pip's hash-checking mode.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256 } from '../lib/data/idx-files';
import { PROJECT_DIRECTORY } from './paths';

const script = readFileSync(join(PROJECT_DIRECTORY, 'scripts/provision-tensorflow.sh'), 'utf8');
const pinned = (name: string) => new RegExp(`^${name}="([^"]+)"$`, 'm').exec(script)![1];

/** The script's own `say` and `verified` functions, run on `file` against `digest`. */
function verified(file: string, digest: string) {
  const functions = [/^say\(\) \{.*\}$/m, /^verified\(\) \{[\s\S]*?^\}$/m].map((pattern) => pattern.exec(script)![0]).join('\n');
  return spawnSync('bash', ['-c', `${functions}\nverified "$1" "$2"`, 'verify', file, digest], { encoding: 'utf8' });
}

test('a native library whose SHA-256 differs from the pinned one is refused with one message', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'supply-')), pinned('wheel_file'));
  writeFileSync(file, 'not the wheel');
  const result = verified(file, pinned('wheel_sha256'));
  assert.equal(result.status, 1);
  assert.match(result.stderr, new RegExp(`${pinned('wheel_file').replace(/\./g, '\\.')} has SHA-256 [0-9a-f]{64}, expected ${pinned('wheel_sha256')}: refusing to use it`));
  assert.equal(verified(file, sha256(Buffer.from('not the wheel'))).status, 0, 'the right digest passes');
});

test('the wheel make native used is the pinned one', { skip: !existsSync(join(PROJECT_DIRECTORY, '.cache/wheels', pinned('wheel_file'))) && 'no wheel downloaded (a libtensorflow came from elsewhere)' }, () => {
  const wheel = readFileSync(join(PROJECT_DIRECTORY, '.cache/wheels', pinned('wheel_file')));
  assert.equal(sha256(wheel), pinned('wheel_sha256'));
});

test('every wheel Keras installs for the benchmarks is pinned by version and SHA-256', () => {
  const requirements = readFileSync(join(PROJECT_DIRECTORY, 'requirements-bench.txt'), 'utf8').replace(/ *\\\n\s*/g, ' ');
  const lines = requirements.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  assert.ok(lines.length > 10);
  for (const line of lines) assert.match(line, /^[A-Za-z0-9._-]+==[^ ]+ --hash=sha256:[0-9a-f]{64}$/, line);
  assert.match(requirements, new RegExp(`tensorflow-cpu==2\\.21\\.0 --hash=sha256:${pinned('wheel_sha256')}`), 'the same tensorflow-cpu wheel as make native');
});
