/**
 * `node dist/lib/cli/data.js [--data-dir DIR] [--source-dir DIR ...] [--mirror URL | --offline] [--manifest FILE]`
 * Places the four Fashion-MNIST files in data/ and verifies them. On any problem, a bad argument
 * included: one line `make data: <what happened>`, exit code 1 (2 for a bad argument).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataFileError, DataFileSpec } from '../data/idx-files';
import { DEBIAN_DATASET_DIRECTORY, OFFICIAL_MIRROR, prepareDataDirectory } from '../data/data-files';

const USAGE = `usage: node dist/lib/cli/data.js [--data-dir DIR] [--source-dir DIR ...] [--mirror URL | --offline] [--manifest FILE]
  --data-dir DIR     where the verified files go (default: data/)
  --source-dir DIR   a local folder to copy them from, tried in order (repeatable; default: ${DEBIAN_DATASET_DIRECTORY})
  --mirror URL       the base URL to download a file no folder has (default: ${OFFICIAL_MIRROR})
  --offline          never download
  --manifest FILE    a JSON list of the files to place (tests use small ones)`;

/** A command line this program cannot take. */
class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

interface DataArguments { dataDirectory: string; sourceDirectories: string[]; mirror: string | null | undefined; manifest: string | null }

/** A mirror's base URL: http or https, ending in a slash (file names are appended). @throws ArgumentError */
function mirrorUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ArgumentError(`--mirror needs an http:// or https:// URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ArgumentError(`--mirror needs an http:// or https:// URL, got "${value}"`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/** Reads the arguments; any unknown option or missing value is refused. @throws ArgumentError */
export function parseDataArguments(argv: string[]): DataArguments | 'help' {
  const parsed: DataArguments = { dataDirectory: resolve('data'), sourceDirectories: [], mirror: undefined, manifest: null };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--offline') { parsed.mirror = null; continue; }
    const value = argv[(index += 1)];
    if (!['--data-dir', '--source-dir', '--mirror', '--manifest'].includes(flag)) throw new ArgumentError(`unknown option "${flag}"`);
    if (value === undefined || value === '' || value.startsWith('--')) throw new ArgumentError(`${flag} needs a value`);
    if (flag === '--data-dir') parsed.dataDirectory = resolve(value);
    if (flag === '--source-dir') parsed.sourceDirectories.push(value);
    if (flag === '--manifest') parsed.manifest = value;
    if (flag === '--mirror') parsed.mirror = mirrorUrl(value);
  }
  if (argv.includes('--offline') && argv.includes('--mirror')) throw new ArgumentError('--mirror and --offline exclude each other');
  return parsed;
}

/** The manifest's files. @throws ArgumentError on a file that cannot be read or is not a JSON list */
function readManifest(path: string): DataFileSpec[] {
  try {
    const files = JSON.parse(readFileSync(path, 'utf8')) as DataFileSpec[];
    if (!Array.isArray(files)) throw new Error('not a list');
    return files;
  } catch (error) {
    throw new ArgumentError(`--manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function main(): Promise<void> {
  const parsed = parseDataArguments(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  const origins = await prepareDataDirectory({
    dataDirectory: parsed.dataDirectory,
    sourceDirectories: parsed.sourceDirectories.length > 0 ? parsed.sourceDirectories : [DEBIAN_DATASET_DIRECTORY],
    mirror: parsed.mirror,
    files: parsed.manifest ? readManifest(parsed.manifest) : undefined,
    log: (message) => console.log(message),
  });
  console.log(`data ready in ${parsed.dataDirectory}: ${origins.size} files verified by the SHA-256 of their content`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    if (!(error instanceof DataFileError || error instanceof ArgumentError || (error as NodeJS.ErrnoException)?.code)) throw error;
    const message = error instanceof ArgumentError ? `${error.message} (--help lists the options)` : (error as Error).message.split('\n')[0];
    console.error(`make data: ${message}`);
    process.exitCode = error instanceof ArgumentError ? 2 : 1;
  });
}
