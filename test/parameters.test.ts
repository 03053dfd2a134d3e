/**
 * A notebook's parameters cell: its defaults are the committed study's values (so `make figures`
 * regenerates the committed notebooks), a changed value reaches the study options, a preset profile
 * keeps its values for the parameters left at the default, and a bad value gets one message.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { changedParameters, isCommittedStudy, optionsFromParameters, ParameterError, STUDY_PARAMETERS } from '../lib/report/parameters';
import { profileOptions } from '../lib/study/profiles';
import { PROJECT_DIRECTORY } from './paths';

const NOTEBOOKS = join(PROJECT_DIRECTORY, 'notebooks');

/** `const name = value;` lines of a parameters cell, evaluated as JavaScript literals. */
function parameterValues(source: string): Record<string, unknown> {
  return Object.fromEntries([...source.matchAll(/^const (\w+)(?:: [^=]+)? = (.+?);\s*(?:\/\/.*)?$/gm)].map(([, name, value]) => [name, JSON.parse(value.replace(/'/g, '"'))]));
}

for (const name of readdirSync(NOTEBOOKS).filter((file) => /^\d\d-.*\.ipynb$/.test(file))) {
  test(`${name} opens with one parameters cell, every line commented, at the committed study's values`, () => {
    const cells: { cell_type: string; metadata: { tags?: string[] }; source: string | string[] }[] = JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')).cells;
    const tagged = cells.filter((cell) => cell.metadata.tags?.includes('parameters'));
    assert.equal(tagged.length, 1, 'exactly one cell tagged parameters');
    assert.equal(cells.find((cell) => cell.cell_type === 'code'), tagged[0], 'it is the first code cell');
    const source = [tagged[0].source].flat().join('');
    for (const line of source.split('\n').filter((text) => text.startsWith('const '))) assert.match(line, /; +\/\/ \S/, `a comment on: ${line}`);
    for (const [parameter, value] of Object.entries(parameterValues(source))) {
      if (parameter in STUDY_PARAMETERS) assert.deepEqual(value, STUDY_PARAMETERS[parameter as keyof typeof STUDY_PARAMETERS], `${parameter} is the study's value`);
    }
  });
}

test('the committed values give the profile\'s options; a changed one is applied, in the fast preset too', () => {
  const full = profileOptions('full');
  assert.ok(isCommittedStudy(optionsFromParameters({ ...STUDY_PARAMETERS }, full), full));
  const changed = optionsFromParameters({ ...STUDY_PARAMETERS, epochs: 20, seeds: [7] }, full);
  assert.equal(changed.protocol.epochs, 20);
  assert.deepEqual([changed.seed, changed.cvSeeds], [7, [7]]);
  assert.ok(!isCommittedStudy(changed, full));
  assert.deepEqual(changedParameters({ ...STUDY_PARAMETERS, epochs: 20, seeds: [7] }), ['epochs', 'seeds']);
  const fast = profileOptions('fast');
  const fastDefault = optionsFromParameters({ ...STUDY_PARAMETERS }, fast);
  assert.deepEqual([fastDefault.protocol.epochs, fastDefault.limit], [fast.protocol.epochs, fast.limit], 'defaults stand for the preset');
  assert.equal(optionsFromParameters({ ...STUDY_PARAMETERS, learningRate: 0.0005 }, fast).protocol.learningRate, 0.0005);
});

test('a bad parameter gets one message naming it and what is allowed', () => {
  const refused = (parameters: object, pattern: RegExp) => assert.throws(() => optionsFromParameters(parameters), (error: unknown) => error instanceof ParameterError && pattern.test(error.message));
  refused({ epochs: 0 }, /parameter epochs = 0 is not valid: an integer ≥ 1/);
  refused({ seeds: [] }, /parameter seeds = \[\] is not valid/);
  refused({ seeds: [7, 7] }, /distinct/);
  refused({ variant: 'lenet' }, /one of baseline, relu, maxpooling, dropout, leakyrelu/);
  refused({ imageLimit: 5 }, /null \(all images\) or an integer ≥ 10/);
});
