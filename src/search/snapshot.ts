/**
 * Binary envelope of an index snapshot: a header, a checksum and length-prefixed sections, so that
 * a large index is written as JSON for its small parts and typed arrays for its postings, never
 * as one giant string.
 *
 * Layout: "ZBSI" | u32 format version | u32 checksum of the rest | u32 section count | sections,
 * each u32 byte length + bytes. Little-endian throughout.
 */

export const SNAPSHOT_FORMAT_VERSION = 3;
const MAGIC = "ZBSI";
const HEADER_BYTES = 16;

export type SnapshotFailure = "version" | "corrupt" | "lexicon";

/** The snapshot cannot be served: rebuild the index from the store. */
export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
  constructor(
    readonly reason: SnapshotFailure,
    message: string,
  ) {
    super(message);
  }
}

function checksum(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  const words = Math.floor(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words; i++) hash = Math.imul(hash ^ view.getUint32(i * 4, true), 0x01000193);
  for (let i = words * 4; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

export function writeSnapshot(sections: Uint8Array[]): Buffer {
  const bodyLength = sections.reduce((sum, section) => sum + 4 + section.length, 0);
  const out = Buffer.alloc(HEADER_BYTES + bodyLength);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(SNAPSHOT_FORMAT_VERSION, 4);
  out.writeUInt32LE(sections.length, 12);
  let cursor = HEADER_BYTES;
  for (const section of sections) {
    out.writeUInt32LE(section.length, cursor);
    out.set(section, cursor + 4);
    cursor += 4 + section.length;
  }
  out.writeUInt32LE(checksum(out.subarray(12)), 8);
  return out;
}

export function readSnapshot(snapshot: Buffer, minimumSections: number): Uint8Array[] {
  if (snapshot.length < HEADER_BYTES || snapshot.toString("latin1", 0, 4) !== MAGIC) {
    throw new SnapshotError("corrupt", "not a search index snapshot");
  }
  const version = snapshot.readUInt32LE(4);
  if (version !== SNAPSHOT_FORMAT_VERSION) {
    throw new SnapshotError(
      "version",
      `snapshot format ${version}, this build reads ${SNAPSHOT_FORMAT_VERSION}`,
    );
  }
  if (checksum(snapshot.subarray(12)) !== snapshot.readUInt32LE(8)) {
    throw new SnapshotError("corrupt", "snapshot checksum mismatch");
  }
  const count = snapshot.readUInt32LE(12);
  if (count < minimumSections) {
    throw new SnapshotError("corrupt", `expected at least ${minimumSections} sections, got ${count}`);
  }
  const sections: Uint8Array[] = [];
  let cursor = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (cursor + 4 > snapshot.length) throw new SnapshotError("corrupt", "snapshot truncated");
    const length = snapshot.readUInt32LE(cursor);
    const end = cursor + 4 + length;
    if (end > snapshot.length) throw new SnapshotError("corrupt", "snapshot truncated");
    sections.push(snapshot.subarray(cursor + 4, end));
    cursor = end;
  }
  if (cursor !== snapshot.length) throw new SnapshotError("corrupt", "trailing bytes after snapshot");
  return sections;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new SnapshotError("corrupt", `unreadable section: ${(error as Error).message}`);
  }
}

export function encodeTerms(terms: string[]): Uint8Array {
  return encoder.encode(terms.join("\u0000"));
}

export function decodeTerms(bytes: Uint8Array): string[] {
  try {
    const text = decoder.decode(bytes);
    return text.length === 0 ? [] : text.split("\u0000");
  } catch {
    throw new SnapshotError("corrupt", "unreadable term dictionary");
  }
}

export function encodeUint32(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint32(i * 4, values[i]!, true);
  return out;
}

export function decodeUint32(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 4 !== 0) throw new SnapshotError("corrupt", "misaligned number section");
  const out = new Uint32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}
