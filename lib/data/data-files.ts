/**
 * `make data`: puts the four verified Fashion-MNIST files in data/.
 *
 * For each file, the first source that has it wins: data/ itself, then a local directory
 * (Debian's dataset-fashion-mnist package installs the files in /usr/share/datasets/fashion-mnist),
 * then the data set's official mirror. A copied or downloaded file is written beside its target
 * under a temporary name, verified, and only then renamed into place, so data/ never holds a
 * half-written or unverified file of ours.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFileError, DataFileSpec, FASHION_MNIST_FILES, isIdx, looksLikeHtml, verifiedContent, verifyDataFile } from './idx-files';

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

/**
 * Downloads `url` into `target`, as gzip. Node's fetch undoes a Content-Encoding: a mirror that sends
 * the .gz file "Content-Encoding: gzip" hands back its IDX content, which is compressed again here so
 * that data/ holds what the name says. A web page (a captive portal, an error page answered with 200)
 * is refused as such.
 * @returns a note on what the server sent, if it was not the file as is
 * @throws DataFileError
 */
async function download(url: string, target: string, fileName: string): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    throw new DataFileError(fileName, `download from ${url} failed (${(error as Error).message})`);
  }
  if (!response.ok) throw new DataFileError(fileName, `download from ${url} answered HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  if (/html/i.test(type) || looksLikeHtml(body)) {
    throw new DataFileError(fileName, `the server answered ${url} with an HTML page (Content-Type: ${type || 'none'}), not the data file: check the mirror (--mirror URL)`);
  }
  if (isIdx(body)) {
    writeFileSync(target, gzipSync(body));
    return `the server sent it decompressed (Content-Encoding: ${response.headers.get('content-encoding') ?? 'none'}); stored compressed again`;
  }
  writeFileSync(target, body);
  return null;
}

/** Copies `source` into `target`, as gzip (an uncompressed IDX source is compressed on the way). */
function copyAsGzip(source: string, target: string): string | null {
  const bytes = readFileSync(source);
  if (!isIdx(bytes)) {
    copyFileSync(source, target);
    return null;
  }
  writeFileSync(target, gzipSync(bytes));
  return 'an uncompressed IDX file under a .gz name; stored compressed';
}

/**
 * A file already in data/ (the user's, maybe): verified, never deleted or rewritten. An uncompressed
 * IDX file under the .gz name is accepted (its content is what is verified) and said so.
 * @throws DataFileError
 */
function checkInPlace(target: string, spec: DataFileSpec, dataDirectory: string, log: (message: string) => void): FileOrigin {
  try {
    const { form } = verifiedContent(target, spec);
    if (form === 'uncompressed IDX') log(`${spec.fileName}: an uncompressed IDX file under a .gz name; accepted, its content verified`);
  } catch (error) {
    if (error instanceof DataFileError) {
      throw new DataFileError(spec.fileName, `${error.problem} (in ${dataDirectory}; delete it and run make data again)`);
    }
    throw error;
  }
  return 'already in place';
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
      origins.set(spec.fileName, checkInPlace(target, spec, options.dataDirectory, log));
      continue;
    }
    const partial = `${target}.partial-${process.pid}`;
    try {
      const source = sources.map((directory) => join(directory, spec.fileName)).find((path) => existsSync(path));
      let origin: FileOrigin;
      let note: string | null;
      if (source) {
        note = copyAsGzip(source, partial);
        origin = `copied from ${source}`;
      } else if (mirror) {
        log(`downloading ${spec.fileName} from ${mirror} ...`);
        note = await download(mirror + spec.fileName, partial, spec.fileName);
        origin = `downloaded from ${mirror}`;
      } else {
        throw new DataFileError(spec.fileName, `not found in ${[options.dataDirectory, ...sources].join(', ')} and downloading is off`);
      }
      verifyDataFile(partial, spec);
      renameSync(partial, target);
      origins.set(spec.fileName, origin);
      log(`${spec.fileName}: ${origin}${note ? ` (${note})` : ''}, SHA-256 of content verified`);
    } finally {
      rmSync(partial, { force: true });
    }
  }
  return origins;
}
