/** Small functions: no function in lib/ is longer than 50 lines (the house's rule of thumb). */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';
import { PROJECT_DIRECTORY } from './paths';

const LIMIT = 50;
const LIB = join(PROJECT_DIRECTORY, 'lib');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : []);
}

/** Every function, method and arrow function of a file longer than LIMIT lines, with its name and length. */
function longFunctions(path: string): string[] {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const lines = file.getLineAndCharacterOfPosition(node.getEnd()).line - file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const name = (node as ts.FunctionLikeDeclaration).name?.getText(file) ?? `(anonymous, line ${file.getLineAndCharacterOfPosition(node.getStart()).line + 1})`;
      if (lines > LIMIT) found.push(`${relative(PROJECT_DIRECTORY, path)}: ${name}, ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

test(`no function in lib/ is longer than ${LIMIT} lines`, () => {
  assert.deepEqual(sources(LIB).flatMap(longFunctions), []);
});
