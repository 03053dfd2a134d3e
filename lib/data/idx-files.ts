/**
 * Fashion-MNIST's files: the IDX format, the expected files, and their validation.
 * (No TensorFlow here, so `make data` runs before the native backend exists.)
 *
 * The four original files are gzip-compressed IDX files. Their compressed bytes differ between
 * distributors (Debian recompresses them), so they are identified by the SHA-256 of their
 * decompressed content, which is the same everywhere. What a file holds is decided by its first
 * bytes, not its name (readIdxContent): a `.gz` file that is an uncompressed IDX file is accepted.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** IDX magic numbers: 0x00000803 (unsigned bytes, 3 dimensions) and 0x00000801 (1 dimension). */
export const IMAGE_FILE_MAGIC = 2051;
export const LABEL_FILE_MAGIC = 2049;
const IMAGE_HEADER_BYTES = 16;
const LABEL_HEADER_BYTES = 8;
export const IMAGE_SIDE = 28;
export const NUM_CLASSES = 10;

/** Class names in label order, spelled as in the study. */
export const CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle Boot',
] as const;

export type Split = 'train' | 'test';

/** What one data file must be: the expected record count and the digest of its decompressed bytes. */
export interface DataFileSpec {
  /** File name in data/, e.g. `train-images-idx3-ubyte.gz`. */
  fileName: string;
  kind: 'images' | 'labels';
  split: Split;
  count: number;
  decompressedBytes: number;
  decompressedSha256: string;
}

export const FASHION_MNIST_FILES: readonly DataFileSpec[] = [
  { fileName: 'train-images-idx3-ubyte.gz', kind: 'images', split: 'train', count: 60000, decompressedBytes: 47040016,
    decompressedSha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888' },
  { fileName: 'train-labels-idx1-ubyte.gz', kind: 'labels', split: 'train', count: 60000, decompressedBytes: 60008,
    decompressedSha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9' },
  { fileName: 't10k-images-idx3-ubyte.gz', kind: 'images', split: 'test', count: 10000, decompressedBytes: 7840016,
    decompressedSha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b' },
  { fileName: 't10k-labels-idx1-ubyte.gz', kind: 'labels', split: 'test', count: 10000, decompressedBytes: 10008,
    decompressedSha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
];

/** A problem with one data file: the message always names the file and what is wrong with it. */
export class DataFileError extends Error {
  constructor(readonly fileName: string, readonly problem: string) {
    super(`${fileName}: ${problem}`);
    this.name = 'DataFileError';
  }
}

/** gzip's first two bytes (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b];
/** An IDX file's first three bytes: two zero bytes, then the type code 0x08 (unsigned bytes). */
const IDX_PREFIX = [0x00, 0x00, 0x08];

const startsWith = (bytes: Uint8Array, prefix: number[]) => bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
export const isGzip = (bytes: Uint8Array) => startsWith(bytes, GZIP_MAGIC);
export const isIdx = (bytes: Uint8Array) => startsWith(bytes, IDX_PREFIX);
/** Text that starts like a web page (a server's error or login page saved under the file's name). */
export const looksLikeHtml = (bytes: Uint8Array) => /^\s*<(!doctype html|html|head|body|title|\?xml|!--)/i.test(Buffer.from(bytes.subarray(0, 256)).toString('latin1'));

/** How a data file's bytes were stored: gzip-compressed (as distributed), or the IDX content itself. */
export type StoredForm = 'gzip' | 'uncompressed IDX';

/**
 * A data file's IDX content, whatever its name says, decided by its first bytes: gzip is
 * decompressed, an uncompressed IDX file is taken as it is (its content is verified the same way);
 * a file compressed twice, a web page and anything else are refused, each with its own message.
 * @throws DataFileError naming the file and the problem
 */
export function readIdxContent(path: string, fileName: string): { bytes: Buffer; form: StoredForm } {
  if (!existsSync(path)) throw new DataFileError(fileName, `file not found at ${path}`);
  if (statSync(path).isDirectory()) throw new DataFileError(fileName, `${path} is a folder, not a file`);
  let stored: Buffer;
  try {
    stored = readFileSync(path);
  } catch (error) {
    throw new DataFileError(fileName, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (isIdx(stored)) return { bytes: stored, form: 'uncompressed IDX' };
  if (!isGzip(stored)) throw new DataFileError(fileName, `${path} is neither gzip nor IDX: ${unknownContent(stored)}`);
  let bytes: Buffer;
  try {
    bytes = gunzipSync(stored);
  } catch (error) {
    throw new DataFileError(fileName, `not a complete gzip file (${(error as Error).message}); it is truncated or corrupt`);
  }
  if (isGzip(bytes)) throw new DataFileError(fileName, `${path} is compressed twice (a gzip file inside a gzip file): decompress it once (gunzip) and keep the .gz name`);
  return { bytes, form: 'gzip' };
}

/** What a file that is neither gzip nor IDX starts with, for the message. */
function unknownContent(bytes: Buffer): string {
  if (bytes.length === 0) return 'it is empty';
  if (looksLikeHtml(bytes)) return 'it is a web page (HTML), not a data file: a server\'s error or login page saved under its name';
  return `it starts with the bytes ${[...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ')}`;
}

/**
 * Checks an IDX payload's header and content against its spec; returns the records (pixels or labels).
 * Throws DataFileError naming the first problem found.
 */
export function parseIdx(bytes: Buffer, spec: Pick<DataFileSpec, 'fileName' | 'kind' | 'count'>): Uint8Array {
  const isImages = spec.kind === 'images';
  const headerBytes = isImages ? IMAGE_HEADER_BYTES : LABEL_HEADER_BYTES;
  if (bytes.length < headerBytes) {
    throw new DataFileError(spec.fileName, `only ${bytes.length} bytes, shorter than the ${headerBytes}-byte IDX header`);
  }
  const magic = bytes.readUInt32BE(0);
  const expectedMagic = isImages ? IMAGE_FILE_MAGIC : LABEL_FILE_MAGIC;
  if (magic !== expectedMagic) {
    throw new DataFileError(spec.fileName, `wrong IDX magic number ${magic} (expected ${expectedMagic} for ${spec.kind})`);
  }
  const count = bytes.readUInt32BE(4);
  if (count !== spec.count) {
    throw new DataFileError(spec.fileName, `header says ${count} items, expected ${spec.count}`);
  }
  const recordBytes = isImages ? IMAGE_SIDE * IMAGE_SIDE : 1;
  if (isImages) {
    const rows = bytes.readUInt32BE(8);
    const columns = bytes.readUInt32BE(12);
    if (rows !== IMAGE_SIDE || columns !== IMAGE_SIDE) {
      throw new DataFileError(spec.fileName, `images are ${rows}×${columns}, expected ${IMAGE_SIDE}×${IMAGE_SIDE}`);
    }
  }
  const expectedLength = headerBytes + count * recordBytes;
  if (bytes.length !== expectedLength) {
    throw new DataFileError(spec.fileName, `${bytes.length} bytes, expected ${expectedLength} for ${count} items`);
  }
  const records = new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, count * recordBytes);
  if (!isImages) {
    const badIndex = records.findIndex((label) => label >= NUM_CLASSES);
    if (badIndex >= 0) {
      throw new DataFileError(spec.fileName, `label ${records[badIndex]} at item ${badIndex} is outside 0–${NUM_CLASSES - 1}`);
    }
  }
  return records;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads the IDX content (gzip or uncompressed: readIdxContent), checks its structure, then its digest.
 * @returns the records (pixels or labels)
 * @throws DataFileError naming the file and the first problem
 */
export function verifyDataFile(path: string, spec: DataFileSpec): Uint8Array {
  return verifiedContent(path, spec).records;
}

/** verifyDataFile, also saying how the file was stored. @throws DataFileError */
export function verifiedContent(path: string, spec: DataFileSpec): { records: Uint8Array; form: StoredForm } {
  const { bytes, form } = readIdxContent(path, spec.fileName);
  // Structure first: a wrong magic or count says more than a digest mismatch would.
  const records = parseIdx(bytes, spec);
  const digest = sha256(bytes);
  if (digest !== spec.decompressedSha256) {
    throw new DataFileError(spec.fileName,
      `SHA-256 of the decompressed content is ${digest}, expected ${spec.decompressedSha256}`);
  }
  return { records, form };
}
