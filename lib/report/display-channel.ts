/**
 * The Jupyter display channel of a tslab kernel, with several mimetypes in one output.
 *
 * tslab's public `display` sends one mimetype per call, so a multi-mimetype bundle goes through
 * the kernel's own channel (tslab/dist/jupyter's lastWriteDisplayData, tslab 1.0.22). Outside a
 * kernel (plain node, tests) the text/plain part is printed instead.
 */
type MimeBundle = Record<string, unknown>;
type WriteDisplayData = (content: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

/** The kernel's display channel, or null outside a tslab kernel (plain node, tests). */
export function kernelDisplayChannel(): WriteDisplayData | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData?: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** Sends one output with several mimetypes; outside a kernel prints the text/plain part. */
export function displayBundle(bundle: MimeBundle, displayId?: string, update = false): void {
  const write = kernelDisplayChannel();
  if (write) {
    write({ data: bundle, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, update);
  } else if (typeof bundle['text/plain'] === 'string') {
    console.log(bundle['text/plain']);
  }
}
