/**
 * `node dist/lib/cli/data.js [--data-dir DIR] [--source-dir DIR ...] [--offline] [--manifest FILE]`
 * Places the four Fashion-MNIST files in data/ and verifies them. On any problem: one message
 * naming the file and the problem, exit code 1.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataFileError, DataFileSpec } from '../data/idx-files';
import { DEBIAN_DATASET_DIRECTORY, prepareDataDirectory } from '../data/data-files';

function valueAfter(argv: string[], flag: string): string[] {
  return argv.flatMap((argument, index) => (argument === flag && index + 1 < argv.length ? [argv[index + 1]] : []));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dataDirectory = resolve(valueAfter(argv, '--data-dir')[0] ?? 'data');
  const sourceDirectories = valueAfter(argv, '--source-dir');
  const manifest = valueAfter(argv, '--manifest')[0];
  try {
    const origins = await prepareDataDirectory({
      dataDirectory,
      sourceDirectories: sourceDirectories.length > 0 ? sourceDirectories : [DEBIAN_DATASET_DIRECTORY],
      mirror: argv.includes('--offline') ? null : undefined,
      files: manifest ? (JSON.parse(readFileSync(manifest, 'utf8')) as DataFileSpec[]) : undefined,
      log: (message) => console.log(message),
    });
    console.log(`data ready in ${dataDirectory}: ${origins.size} files verified by the SHA-256 of their content`);
  } catch (error) {
    if (error instanceof DataFileError) {
      console.error(`make data: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

void main();
