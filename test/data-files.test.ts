/**
 * Bad input for `make data`: each problem gives one message naming the file and the problem,
 * and data/ is left without half-written files. Small generated IDX files stand in for the real ones.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { prepareDataDirectory } from '../lib/data/data-files';
import { DataFileError, DataFileSpec, IMAGE_FILE_MAGIC, LABEL_FILE_MAGIC, sha256 } from '../lib/data/idx-files';
import { PROJECT_DIRECTORY } from './paths';

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
