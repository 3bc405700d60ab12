import { PEER_ID_BYTES } from './wire.ts';

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) throw new Error(`not lowercase hex: ${hex}`);
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Peer ids are 16 random bytes, written as 32 lowercase hex characters on the signaling wire. */
export function randomPeerId(randomBytes: (n: number) => Uint8Array): string {
  return bytesToHex(randomBytes(PEER_ID_BYTES));
}
