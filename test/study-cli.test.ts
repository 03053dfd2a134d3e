/** Bad arguments to the study command: one clear message, exit code 2. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_DIRECTORY } from './paths';

const cli = join(PROJECT_DIRECTORY, 'dist/lib/cli/study.js');

const CASES: [string[], RegExp][] = [
  [['kfold', '--variant', 'lenet'], /unknown variant "lenet"; expected one of baseline, relu, maxpooling, dropout, leakyrelu/],
  [['kfold'], /kfold needs --variant NAME/],
  [['kfold', '--variant', 'relu', '--k', '1'], /--k needs an integer ≥ 2, got "1"/],
  [['kfold', '--variant', 'relu', '--epochs', '0'], /--epochs needs an integer ≥ 1, got "0"/],
  [['kfold', '--variant', 'relu', '--epochs', 'many'], /--epochs needs an integer ≥ 1, got "many"/],
  [['train'], /unknown command "train"/],
  [['all', '--fast'], /unknown option "--fast"/],
];

for (const [argv, message] of CASES) {
  test(`study ${argv.join(' ')} is rejected`, () => {
    const result = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, message);
    assert.equal(result.stdout, '');
  });
}

test('study --help prints usage and exits 0', () => {
  const result = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(result.status, 0);
  assert.match(result.stdout, /Usage: npm run study/);
});
