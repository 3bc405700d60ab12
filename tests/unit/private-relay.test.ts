import { describe, expect, it } from 'vitest';
import { DecryptError } from '../../src/chunks/aes-gcm.ts';
import { decodeBase64url } from '../../src/chunks/base64url.ts';
import { encodeManifest, swarmIdOf, type Manifest } from '../../src/chunks/manifest.ts';
import { openPrivateShare, readEnvelopeOuter } from '../../src/chunks/manifest-cipher.ts';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { bytesEqual, sha256 } from '../../src/chunks/sha256.ts';
import { deriveShareKeys } from '../../src/chunks/share-key.ts';
import { memoryChannelPair } from '../../src/swarm/memory-channel.ts';
import { Swarm } from '../../src/swarm/swarm.ts';
import { randomPeerIdFrom, seededBytes, seededRandom } from '../support/content.ts';
import { SOURCE, buildShare, decryptFiles } from './private-share-fixture.ts';

/**
 * Today's swarm, unchanged, carrying a private share's ciphertext: the sharer
 * seeds, a relay that has never seen the key downloads and verifies every
 * piece, and a key holder connected only to the relay gets the files back.
 * The swarm still names the share by the outer manifest's hash and sends the
 * bare outer manifest as metadata; wiring the room id and the envelope into
 * the swarm is the next step (docs/private-shares.md).
 */

const keys = await deriveShareKeys(seededBytes(32, 51));

function swarm(swarmId: string, rng: () => number, seed: { manifest: Manifest; pieces: number } | null, store = new MemoryPieceStore()): Swarm {
  return new Swarm({
    swarmId,
    localPeerId: randomPeerIdFrom(rng),
    manifest: seed?.manifest ?? null,
    store,
    storedPieces: seed ? Array.from({ length: seed.pieces }, (_, i) => i) : [],
    hash: sha256,
    now: () => performance.now(),
    random: rng,
  });
}

function completion(s: Swarm): Promise<void> {
  return new Promise((resolve) => s.events.on('completed', () => resolve()));
}

async function storedPieces(store: MemoryPieceStore, count: number): Promise<Uint8Array[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => (await store.get(i))!));
}

describe('a relay without the key', () => {
  it('relays verified ciphertext to a key holder, who alone can read it', async () => {
    const share = await buildShare(keys, SOURCE);
    const outer = readEnvelopeOuter(share.envelope);
    const swarmId = await swarmIdOf(encodeManifest(outer));
    const rng = seededRandom(5);

    const sharerStore = new MemoryPieceStore();
    for (const [i, piece] of share.cipherPieces.entries()) await sharerStore.put(i, piece);
    const sharer = swarm(swarmId, rng, { manifest: outer, pieces: share.cipherPieces.length }, sharerStore);
    const relayStore = new MemoryPieceStore();
    const relay = swarm(swarmId, rng, null, relayStore);
    const relayDone = completion(relay);
    const [s, r] = memoryChannelPair();
    sharer.addChannel(s);
    relay.addChannel(r);
    await relayDone;
    sharer.destroy();

    const holderStore = new MemoryPieceStore();
    const holder = swarm(swarmId, rng, null, holderStore);
    const holderDone = completion(holder);
    const [r2, h] = memoryChannelPair();
    relay.addChannel(r2);
    holder.addChannel(h);
    await holderDone;
    relay.destroy();
    holder.destroy();

    // The relay holds exactly the ciphertext, nothing it could read.
    const relayed = await storedPieces(relayStore, share.cipherPieces.length);
    relayed.forEach((piece, i) => expect(bytesEqual(piece, share.cipherPieces[i]), `piece ${i}`).toBe(true));
    // Its best guess at a key is what it knows, the room id; that opens nothing.
    const guessed = await deriveShareKeys(decodeBase64url(keys.roomId)!);
    await expect(openPrivateShare(guessed, share.envelope)).rejects.toThrow(DecryptError);
    await expect(decryptFiles(guessed, await openPrivateShare(keys, share.envelope), relayed)).rejects.toThrow(DecryptError);

    // The key holder, which only ever talked to the relay, recovers every file.
    const files = await decryptFiles(keys, await openPrivateShare(keys, share.envelope), await storedPieces(holderStore, relayed.length));
    for (const source of SOURCE) expect(bytesEqual(files.get(source.path)!, source.bytes), source.path).toBe(true);
  });
});
