import { MAX_MANIFEST_BYTES } from '../chunks/manifest.ts';

/**
 * Collects one peer's metadata chunks into the encoded manifest. A peer
 * that changes its story about the total size, or overlaps chunks, is lying.
 */
export class MetadataAssembler {
  private buffer: Uint8Array | null = null;
  private received = 0;

  /** The whole encoded manifest once complete, null while partial, 'bad' on inconsistency. */
  add(totalBytes: number, offset: number, bytes: Uint8Array): Uint8Array | null | 'bad' {
    if (totalBytes > MAX_MANIFEST_BYTES || offset + bytes.byteLength > totalBytes) return 'bad';
    if (this.buffer === null) this.buffer = new Uint8Array(totalBytes);
    if (this.buffer.byteLength !== totalBytes || offset !== this.received) return 'bad';
    this.buffer.set(bytes, offset);
    this.received += bytes.byteLength;
    return this.received === totalBytes ? this.buffer : null;
  }
}
