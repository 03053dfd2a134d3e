/**
 * The Node.js versions the project runs on, checked where tfjs-node loads (lib/base/tensorflow.ts),
 * so every entry point — the command line, a worker, a notebook's kernel, a test — refuses an
 * unsupported Node.js with one message before tfjs-node fails in its own way (on Node.js 24, the
 * first tensor op throws `(0 , util_1.isNullOrUndefined) is not a function`).
 */

/** tfjs-node 4.22's native binding builds and runs on Node.js 20 to 22 (N-API 8; it breaks on 23+). */
export const SUPPORTED_NODE = { lowest: 20, highest: 22 };

/** What is wrong with this Node.js (`version`, e.g. "24.1.0") for the project, or null. */
export function nodeVersionProblem(version = process.versions.node): string | null {
  const major = Number(version.split('.')[0]);
  if (major >= SUPPORTED_NODE.lowest && major <= SUPPORTED_NODE.highest) return null;
  return `Node.js ${version} is not supported: tfjs-node 4.22 needs Node.js ${SUPPORTED_NODE.lowest} to ${SUPPORTED_NODE.highest} ` +
    `(install Node.js ${SUPPORTED_NODE.highest}, e.g. with nvm, and run make again)`;
}

/** Node.js outside the supported range, found before tfjs-node loads. */
export class NodeVersionError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'NodeVersionError';
  }
}

/** @throws NodeVersionError when `version` is outside the supported range */
export function assertSupportedNode(version = process.versions.node): void {
  const problem = nodeVersionProblem(version);
  if (problem) throw new NodeVersionError(problem);
}
