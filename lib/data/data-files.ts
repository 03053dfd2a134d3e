/**
 * `make data`: puts the four verified Fashion-MNIST files in data/.
 *
 * For each file, the first source that has it wins: data/ itself, then a local directory
 * (Debian's dataset-fashion-mnist package installs the files in /usr/share/datasets/fashion-mnist),
 * then the data set's official mirror. A copied or downloaded file is written beside its target
 * under a temporary name, verified, and only then renamed into place, so data/ never holds a
 * half-written or unverified file of ours.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFileError, DataFileSpec, FASHION_MNIST_FILES, verifyDataFile } from './idx-files';

export const DEBIAN_DATASET_DIRECTORY = '/usr/share/datasets/fashion-mnist';
/** The mirror named by the data set's authors (zalandoresearch/fashion-mnist README). */
export const OFFICIAL_MIRROR = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

export interface PrepareOptions {
  dataDirectory: string;
  /** Local directories to copy from, in order. */
  sourceDirectories?: string[];
  /** Base URL to download from; null disables downloading. */
  mirror?: string | null;
  files?: readonly DataFileSpec[];
  log?: (message: string) => void;
}

export type FileOrigin = 'already in place' | `copied from ${string}` | `downloaded from ${string}`;

async function download(url: string, target: string, fileName: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    throw new DataFileError(fileName, `download from ${url} failed (${(error as Error).message})`);
  }
  if (!response.ok) throw new DataFileError(fileName, `download from ${url} answered HTTP ${response.status}`);
  writeFileSync(target, Buffer.from(await response.arrayBuffer()));
}

/** Places and verifies every file; throws DataFileError on the first file that cannot be had. */
export async function prepareDataDirectory(options: PrepareOptions): Promise<Map<string, FileOrigin>> {
  const files = options.files ?? FASHION_MNIST_FILES;
  const sources = options.sourceDirectories ?? [DEBIAN_DATASET_DIRECTORY];
  const mirror = options.mirror === undefined ? OFFICIAL_MIRROR : options.mirror;
  const log = options.log ?? (() => undefined);
  mkdirSync(options.dataDirectory, { recursive: true });
  const origins = new Map<string, FileOrigin>();
  for (const spec of files) {
    const target = join(options.dataDirectory, spec.fileName);
    if (existsSync(target)) {
      // A file the user put there: verify it, but never delete it.
      try {
        verifyDataFile(target, spec);
      } catch (error) {
        if (error instanceof DataFileError) {
          throw new DataFileError(spec.fileName, `${error.problem} (in ${options.dataDirectory}; delete it and run make data again)`);
        }
        throw error;
      }
      origins.set(spec.fileName, 'already in place');
      continue;
    }
    const partial = `${target}.partial-${process.pid}`;
    try {
      const source = sources.map((directory) => join(directory, spec.fileName)).find((path) => existsSync(path));
      let origin: FileOrigin;
      if (source) {
        copyFileSync(source, partial);
        origin = `copied from ${source}`;
      } else if (mirror) {
        log(`downloading ${spec.fileName} from ${mirror} ...`);
        await download(mirror + spec.fileName, partial, spec.fileName);
        origin = `downloaded from ${mirror}`;
      } else {
        throw new DataFileError(spec.fileName, `not found in ${[options.dataDirectory, ...sources].join(', ')} and downloading is off`);
      }
      verifyDataFile(partial, spec);
      renameSync(partial, target);
      origins.set(spec.fileName, origin);
      log(`${spec.fileName}: ${origin}, SHA-256 of content verified`);
    } finally {
      rmSync(partial, { force: true });
    }
  }
  return origins;
}
