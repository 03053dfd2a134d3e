/**
 * Bad input for `make data`: each problem gives one message naming the file and the problem,
 * and data/ is left without half-written files. Small generated IDX files stand in for the real ones,
 * except where a local mirror serves the real test-set files in the ways real servers get it wrong.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { prepareDataDirectory } from '../lib/data/data-files';
import { DataFileError, DataFileSpec, FASHION_MNIST_FILES, IMAGE_FILE_MAGIC, LABEL_FILE_MAGIC, sha256 } from '../lib/data/idx-files';
import { DATA_DIRECTORY, PROJECT_DIRECTORY } from './paths';

const COUNT = 3;

function idxImages(count: number, magic = IMAGE_FILE_MAGIC): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  return Buffer.concat([header, Buffer.alloc(count * 784, 7)]);
}

function idxLabels(labels: number[], magic = LABEL_FILE_MAGIC): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(labels.length, 4);
  return Buffer.concat([header, Buffer.from(labels)]);
}

/** A source folder with valid small files, and the manifest that describes them. */
function fixture(): { source: string; data: string; files: DataFileSpec[] } {
  const root = mkdtempSync(join(tmpdir(), 'idx-'));
  const source = join(root, 'source');
  const data = join(root, 'data');
  mkdirSync(source);
  const images = idxImages(COUNT);
  const labels = idxLabels([0, 9, 4]);
  writeFileSync(join(source, 'imgs.gz'), gzipSync(images));
  writeFileSync(join(source, 'lbls.gz'), gzipSync(labels));
  const files: DataFileSpec[] = [
    { fileName: 'imgs.gz', kind: 'images', split: 'train', count: COUNT, decompressedBytes: images.length, decompressedSha256: sha256(images) },
    { fileName: 'lbls.gz', kind: 'labels', split: 'train', count: COUNT, decompressedBytes: labels.length, decompressedSha256: sha256(labels) },
  ];
  return { source, data, files };
}

async function expectProblem(setUp: (f: ReturnType<typeof fixture>) => void, fileName: string, problem: RegExp): Promise<void> {
  const f = fixture();
  setUp(f);
  await assert.rejects(
    prepareDataDirectory({ dataDirectory: f.data, sourceDirectories: [f.source], mirror: null, files: f.files }),
    (error: unknown) => {
      assert.ok(error instanceof DataFileError, `expected DataFileError, got ${error}`);
      assert.equal(error.fileName, fileName);
      assert.match(error.message, problem);
      return true;
    },
  );
  assert.deepEqual(readdirSync(f.data).filter((name) => name.includes('partial')), [], 'a partial file was left in data/');
  assert.ok(!readdirSync(f.data).includes(fileName), 'a bad file was moved into data/');
}

test('valid small files are copied and verified', async () => {
  const f = fixture();
  const origins = await prepareDataDirectory({ dataDirectory: f.data, sourceDirectories: [f.source], mirror: null, files: f.files });
  assert.deepEqual([...origins.keys()], ['imgs.gz', 'lbls.gz']);
  assert.deepEqual(readdirSync(f.data).sort(), ['imgs.gz', 'lbls.gz']);
});

test('missing file', () => expectProblem((f) => { f.files[1].fileName = 'absent.gz'; }, 'absent.gz', /not found/));

test('truncated gzip', () => expectProblem((f) => {
  const whole = gzipSync(idxLabels([0, 9, 4]));
  writeFileSync(join(f.source, 'lbls.gz'), whole.subarray(0, whole.length - 6));
}, 'lbls.gz', /truncated or corrupt/));

test('wrong magic number', () => expectProblem((f) => {
  writeFileSync(join(f.source, 'imgs.gz'), gzipSync(idxImages(COUNT, 1234)));
}, 'imgs.gz', /wrong IDX magic number 1234/));

test('wrong item count', () => expectProblem((f) => {
  writeFileSync(join(f.source, 'imgs.gz'), gzipSync(idxImages(COUNT + 1)));
}, 'imgs.gz', /header says 4 items, expected 3/));

test('label outside 0–9', () => expectProblem((f) => {
  writeFileSync(join(f.source, 'lbls.gz'), gzipSync(idxLabels([0, 12, 4])));
}, 'lbls.gz', /label 12 at item 1 is outside 0–9/));

test('checksum mismatch', () => expectProblem((f) => {
  writeFileSync(join(f.source, 'lbls.gz'), gzipSync(idxLabels([0, 9, 5])));
}, 'lbls.gz', /SHA-256 of the decompressed content is [0-9a-f]{64}, expected/));

test('the make data command prints one message and exits non-zero', () => {
  const f = fixture();
  writeFileSync(join(f.source, 'imgs.gz'), gzipSync(idxImages(COUNT, 99)));
  const manifest = join(f.source, 'manifest.json');
  writeFileSync(manifest, JSON.stringify(f.files));
  const result = spawnSync(process.execPath, [
    resolve(PROJECT_DIRECTORY, 'dist/lib/cli/data.js'), '--data-dir', f.data, '--source-dir', f.source, '--offline', '--manifest', manifest,
  ], { encoding: 'utf8' });
  assert.equal(result.status, 1);
  assert.equal(result.stderr.trim().split('\n').length, 1, `expected one line, got:\n${result.stderr}`);
  assert.match(result.stderr, /^make data: imgs\.gz: wrong IDX magic number 99/);
});

// ---------------------------------------------------------------------------------------------
// Files that are not what their name says, decided by their first bytes.

test('an uncompressed IDX file under the .gz name: a copy is stored compressed, one already in data/ is accepted as it is', async () => {
  const f = fixture();
  writeFileSync(join(f.source, 'lbls.gz'), idxLabels([0, 9, 4]));
  const logged: string[] = [];
  await prepareDataDirectory({ dataDirectory: f.data, sourceDirectories: [f.source], mirror: null, files: f.files, log: (line) => logged.push(line) });
  assert.deepEqual([...readFileSync(join(f.data, 'lbls.gz')).subarray(0, 2)], [0x1f, 0x8b], 'stored as gzip');
  assert.ok(logged.some((line) => /lbls\.gz: copied from .*uncompressed IDX file under a \.gz name; stored compressed/.test(line)), logged.join('\n'));
  writeFileSync(join(f.data, 'imgs.gz'), idxImages(COUNT));
  const again: string[] = [];
  const origins = await prepareDataDirectory({ dataDirectory: f.data, sourceDirectories: [f.source], mirror: null, files: f.files, log: (line) => again.push(line) });
  assert.equal(origins.get('imgs.gz'), 'already in place');
  assert.ok(again.some((line) => /imgs\.gz: an uncompressed IDX file under a \.gz name; accepted/.test(line)), again.join('\n'));
  assert.deepEqual(readFileSync(join(f.data, 'imgs.gz')), idxImages(COUNT), 'the user\'s file is left as it is');
});

test('a file compressed twice', () => expectProblem((f) => {
  writeFileSync(join(f.source, 'imgs.gz'), gzipSync(gzipSync(idxImages(COUNT))));
}, 'imgs.gz', /is compressed twice \(a gzip file inside a gzip file\): decompress it once/));

test('a web page under the file\'s name', () => expectProblem((f) => {
  writeFileSync(join(f.source, 'lbls.gz'), '<!DOCTYPE html><html><body>Sign in to the network</body></html>');
}, 'lbls.gz', /neither gzip nor IDX: it is a web page \(HTML\), not a data file/));

test('a file of something else names its first bytes', () => expectProblem((f) => {
  writeFileSync(join(f.source, 'lbls.gz'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
}, 'lbls.gz', /neither gzip nor IDX: it starts with the bytes 50 4b 03 04/));

// ---------------------------------------------------------------------------------------------
// Mirrors that serve the real files in bad ways (a local server on 127.0.0.1).

/** The test set's two real files (7.8 MB of images, 10 kB of labels), as make data's manifest. */
const REAL_FILES = FASHION_MNIST_FILES.filter((file) => file.split === 'test');

/** Serves `respond` on 127.0.0.1; runs `use` with its base URL; closes it. */
async function withServer(respond: (name: string, response: ServerResponse) => void, use: (base: string) => Promise<void>): Promise<void> {
  const server = createServer((request, response) => respond(decodeURIComponent(request.url!.slice(1)), response));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    await new Promise((done) => server.close(done));
  }
}

/** make data against a mirror, as the command line runs it (asynchronously: the server answers from this process). */
async function makeData(argv: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const manifest = join(mkdtempSync(join(tmpdir(), 'manifest-')), 'manifest.json');
  writeFileSync(manifest, JSON.stringify(REAL_FILES));
  return new Promise((done) => {
    execFile(process.execPath, [resolve(PROJECT_DIRECTORY, 'dist/lib/cli/data.js'), '--manifest', manifest, '--source-dir', mkdtempSync(join(tmpdir(), 'none-')), ...argv],
      { encoding: 'utf8' }, (error, stdout, stderr) => done({ status: error ? (error.code as number) : 0, stdout, stderr }));
  });
}

test('a mirror that sends the .gz files with Content-Encoding: gzip: accepted, stored as gzip, verified', () => withServer((name, response) => {
  response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' });
  response.end(readFileSync(join(DATA_DIRECTORY, name)));
}, async (base) => {
  const data = mkdtempSync(join(tmpdir(), 'data-'));
  const result = await makeData(['--data-dir', data, '--mirror', base]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /t10k-images-idx3-ubyte\.gz: downloaded from .*sent it decompressed \(Content-Encoding: gzip\); stored compressed again/);
  for (const file of REAL_FILES) assert.deepEqual([...readFileSync(join(data, file.fileName)).subarray(0, 2)], [0x1f, 0x8b]);
}));

test('a mirror that answers 200 with an HTML page: one line saying the server answered HTML, nothing left in data/', () => withServer((_name, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  response.end('<!doctype html><title>Portal</title><p>Accept the terms to continue</p>');
}, async (base) => {
  const data = mkdtempSync(join(tmpdir(), 'data-'));
  const result = await makeData(['--data-dir', data, '--mirror', base]);
  assert.equal(result.status, 1);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /^make data: t10k-images-idx3-ubyte\.gz: the server answered http:\/\/127\.0\.0\.1:\d+\/t10k-images-idx3-ubyte\.gz with an HTML page \(Content-Type: text\/html/);
  assert.deepEqual(readdirSync(data), []);
}));

test('make data refuses a bad argument in one line: an unknown option, a missing value, a mirror that is not a URL', async () => {
  for (const [argv, message] of [
    [['--mirorr', 'http://x/'], /unknown option "--mirorr"/], [['--mirror'], /--mirror needs a value/],
    [['--mirror', 'ftp://example.org/'], /--mirror needs an http:\/\/ or https:\/\/ URL, got "ftp:\/\/example\.org\/"/],
    [['--offline', '--mirror', 'http://x/'], /--mirror and --offline exclude each other/],
  ] as [string[], RegExp][]) {
    const result = await makeData(argv);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, message);
  }
});
