/**
 * A view that owns its whole buffer: the view itself when it does, else a
 * copy of just its bytes. Transferring or structured-cloning a view moves
 * or copies its whole underlying buffer, not only the bytes it shows.
 */
export function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes as Uint8Array<ArrayBuffer>;
  }
  return new Uint8Array(bytes);
}
