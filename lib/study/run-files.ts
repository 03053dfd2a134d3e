/**
 * The files of the run cache, written so that no reader ever sees half of one: every file and
 * folder is written under a temporary name in its final folder and renamed into place, and every
 * file a later read depends on is listed with its SHA-256, recorded when it was written and
 * checked before use.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as tf from '../base/tensorflow';
import { injectedWriteFailure } from './faults';

/** The damage found in a cached file or folder: the message names the path and what is wrong. */
export class CorruptRunError extends Error {
  /** `hint`: what to do about it, appended to the message. */
  constructor(readonly path: string, readonly problem: string, hint?: string) {
    super(`${path}: ${problem}${hint ? `; ${hint}` : ''}`);
    this.name = 'CorruptRunError';
  }
}

/** A name beside `path` that no other process or call uses, recognisable as temporary. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export const TEMPORARY_NAME = /\.tmp-(\d+)-[0-9a-f]{8}$/;

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * The error of a failed write, naming `path` when the system did not (a failed write(2), e.g. a full
 * disk, carries no path): what the one-line message of the command line shows.
 */
function namingPath(error: unknown, path: string): unknown {
  const failure = error as NodeJS.ErrnoException;
  if (failure && typeof failure === 'object' && typeof failure.code === 'string' && !failure.path) failure.path = path;
  return error;
}

/** Writes `content` to `path` atomically (a temporary name, then rename). @throws the system's error, naming `path` */
export function writeFileAtomically(path: string, content: string | Buffer): void {
  const temporary = temporaryPath(path);
  try {
    writeTemporary(temporary, path, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw namingPath(error, path);
  }
}

function writeTemporary(temporary: string, path: string, content: string | Buffer): void {
  injectedWriteFailure(path);
  writeFileSync(temporary, content);
}

/** A file that cannot be written: the message names it, the problem and what to do. */
export class OutputFileError extends Error {
  constructor(what: string, problem: string, hint: string) {
    super(`cannot write ${what}: ${problem}; ${hint}`);
    this.name = 'OutputFileError';
  }
}

/**
 * Why a file must not be written at `path`, or null when it may: nothing there yet, or a regular file.
 * (Renaming a new file into place would replace a symbolic link or a device node with a regular file.)
 */
export function notARegularFile(path: string): string | null {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw namingPath(error, path);
  }
  if (stat.isFile()) return null;
  if (stat.isSymbolicLink()) return 'it is a symbolic link, not a regular file';
  if (stat.isDirectory()) return 'it is a folder';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'it is a device, not a regular file';
  return stat.isFIFO() ? 'it is a named pipe, not a regular file' : 'it is a socket, not a regular file';
}

/**
 * Writes several files as one set: every one under a temporary name first, and only when all are
 * written are they renamed into place; if any write fails (a full disk), every temporary is removed
 * and every file keeps its previous content.
 * @throws OutputFileError when a path holds something other than a regular file; the system's error (naming the path) when a write fails
 */
export function writeFilesTogether(files: [path: string, content: string][]): void {
  for (const [path] of files) {
    const problem = notARegularFile(path);
    if (problem) throw new OutputFileError(path, problem, 'give a new path or a regular file (nothing was written)');
  }
  const written: [string, string][] = [];
  try {
    for (const [path, content] of files) {
      const temporary = temporaryPath(path);
      written.push([temporary, path]);
      writeTemporary(temporary, path, content);
    }
  } catch (error) {
    for (const [temporary] of written) rmSync(temporary, { force: true });
    throw namingPath(error, written[written.length - 1][1]);
  }
  for (const [temporary, path] of written) renameSync(temporary, path);
}

/**
 * Fills a new folder with `write` and renames it to `target` in one step. If `target` exists, it is
 * replaced (for checkpoints: a newer state of the same run) unless `keepExisting` (a finished run
 * another process stored first: theirs is the same run, so ours is dropped).
 */
export async function writeFolderAtomically(target: string, write: (folder: string) => Promise<void>, keepExisting = false): Promise<void> {
  const temporary = temporaryPath(target);
  mkdirSync(temporary, { recursive: true });
  try {
    await write(temporary);
    if (existsSync(target)) {
      if (keepExisting) return;
      rmSync(target, { recursive: true, force: true });
    }
    renameSync(temporary, target);
  } catch (error) {
    throw namingPath(error, target);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

/** SHA-256 of each named file in `folder`. */
export function digests(folder: string, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, sha256File(join(folder, name))]));
}

/** Checks each listed file against its recorded digest. @throws CorruptRunError naming the first bad one */
export function verifyDigests(folder: string, recorded: Record<string, string>): void {
  for (const [name, expected] of Object.entries(recorded)) {
    const path = join(folder, name);
    if (!existsSync(path)) throw new CorruptRunError(path, 'missing');
    if (sha256File(path) !== expected) throw new CorruptRunError(path, 'content differs from the digest recorded when it was written');
  }
}

/** Reads and parses a JSON file. @throws CorruptRunError on a missing, unreadable or malformed file */
export function readJson<T>(path: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CorruptRunError(path, `unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CorruptRunError(path, `not valid JSON (${(error as Error).message})`);
  }
}

/** The files `model.save('file://…')` writes. */
export const MODEL_FILES = ['model.json', 'weights.bin'];

/** Saves a tfjs model (with optional metadata) into `folder`; returns the digests of its files. */
export async function saveModel(model: tf.LayersModel, folder: string, metadata?: Record<string, unknown>): Promise<Record<string, string>> {
  if (metadata) model.setUserDefinedMetadata(metadata);
  await model.save(`file://${folder}`);
  return digests(folder, MODEL_FILES);
}

/**
 * Temporary files and folders left by processes that no longer run (killed mid-write). Only this
 * machine's processes can be checked; a folder shared with other machines keeps their leftovers
 * until `removeStaleTemporaries` runs there.
 */
export function removeStaleTemporaries(folder: string): string[] {
  if (!existsSync(folder)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(folder)) {
    const owner = TEMPORARY_NAME.exec(name)?.[1];
    if (owner && !processIsAlive(Number(owner))) {
      rmSync(join(folder, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
