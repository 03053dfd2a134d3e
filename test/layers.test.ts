/**
 * lib/ is built in layers, each folder one, and data flows one way: base → data → model → study →
 * report → cli. No module imports from a layer above its own, and no modules import each other in
 * a circle.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { PROJECT_DIRECTORY } from './paths';

const LAYERS = ['base', 'data', 'model', 'study', 'report', 'cli'];
const LIB = join(PROJECT_DIRECTORY, 'lib');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : []);
}

/** Each module (path relative to lib/, without .ts) and the modules of lib/ it imports. */
const modules = new Map(sources(LIB).map((path) => {
  const name = relative(LIB, path).replace(/\.ts$/, '');
  const imports = [...readFileSync(path, 'utf8').matchAll(/(?:from|import\(|require\()\s*'(\.[^']+)'/g)]
    .map((match) => normalize(join(dirname(name), match[1])).replace(/\.json$/, ''))
    .filter((target) => !target.endsWith('arithmetic.lock'));
  return [name, imports] as const;
}));

const layerOf = (module: string) => LAYERS.indexOf(module.split('/')[0]);

test('every module of lib/ sits in one of the layer folders', () => {
  assert.deepEqual([...modules.keys()].filter((module) => layerOf(module) < 0), []);
});

test('no module imports from a layer above its own', () => {
  const upward = [...modules].flatMap(([module, imports]) => imports
    .filter((target) => layerOf(target) > layerOf(module))
    .map((target) => `${module} → ${target}`));
  assert.deepEqual(upward, []);
});

test('no circular imports', () => {
  const cycles: string[] = [];
  const visit = (module: string, path: string[]) => {
    if (path.includes(module)) { cycles.push([...path.slice(path.indexOf(module)), module].join(' → ')); return; }
    for (const target of modules.get(module) ?? []) visit(target, [...path, module]);
  };
  for (const module of modules.keys()) visit(module, []);
  assert.deepEqual([...new Set(cycles)], []);
});
