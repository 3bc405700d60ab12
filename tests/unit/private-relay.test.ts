import { describe, expect, it } from 'vitest';
import { DecryptError } from '../../src/chunks/aes-gcm.ts';
import { decodeBase64url } from '../../src/chunks/base64url.ts';
import { openPrivateShare } from '../../src/chunks/manifest-cipher.ts';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { metadataCheck, privateAccess, relayAccess, type ShareAccess, type ShareContent } from '../../src/chunks/share-access.ts';
import { bytesEqual, sha256 } from '../../src/chunks/sha256.ts';
import { deriveShareKeys } from '../../src/chunks/share-key.ts';
import { formatShareLink } from '../../src/chunks/share-link.ts';
import { memoryChannelPair } from '../../src/swarm/memory-channel.ts';
import { Swarm } from '../../src/swarm/swarm.ts';
import { randomPeerIdFrom, seededBytes, seededRandom } from '../support/content.ts';
import { readPlain } from '../support/plain-read.ts';
import { SOURCE, buildShare, decryptFiles } from './private-share-fixture.ts';

/**
 * The swarm as the app runs a private share: named by the room id, the
 * envelope as its metadata, each peer judging metadata through its access.
 * The sharer seeds, a relay that has never seen the key downloads and
 * verifies every piece, and a key holder connected only to the relay gets
 * the files back.
 */

const shareKey = seededBytes(32, 51);
const keys = await deriveShareKeys(shareKey);
const holderAccess = await privateAccess({ shareKey, fragment: formatShareLink({ kind: 'private', shareKey }) });

function swarm(access: ShareAccess, rng: () => number, seed: ShareContent | null, store = new MemoryPieceStore()) {
  const opened: ShareContent[] = [];
  const s = new Swarm({
    swarmId: access.swarmId,
    localPeerId: randomPeerIdFrom(rng),
    manifest: seed?.manifest ?? null,
    metadata: seed?.metadata,
    acceptMetadata: metadataCheck(access, (content) => opened.push(content)),
    store,
    storedPieces: seed ? Array.from({ length: seed.manifest.pieceHashes.byteLength / 32 }, (_, i) => i) : [],
    hash: sha256,
    now: () => performance.now(),
    random: rng,
  });
  return { swarm: s, opened };
}

function completion(s: Swarm): Promise<void> {
  return new Promise((resolve) => s.events.on('completed', () => resolve()));
}

async function storedPieces(store: MemoryPieceStore, count: number): Promise<Uint8Array[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => (await store.get(i))!));
}

describe('a private share in the swarm', () => {
  it('joins by room id; a relay without the key relays verified ciphertext to a key holder, who alone can read it', async () => {
    const share = await buildShare(keys, SOURCE);
    const content = await holderAccess.open(share.envelope);
    if ('reason' in content) throw new Error(content.reason);
    expect(holderAccess.swarmId).toBe(keys.roomId);
    const rng = seededRandom(5);

    const sharerStore = new MemoryPieceStore();
    for (const [i, piece] of share.cipherPieces.entries()) await sharerStore.put(i, piece);
    const sharer = swarm(holderAccess, rng, content, sharerStore).swarm;
    const relayStore = new MemoryPieceStore();
    const relay = swarm(relayAccess(keys.roomId), rng, null, relayStore);
    const relayDone = completion(relay.swarm);
    const [s, r] = memoryChannelPair();
    sharer.addChannel(s);
    relay.swarm.addChannel(r);
    await relayDone;
    sharer.destroy();
    expect(relay.opened.map((c) => c.listing)).toEqual([null]);

    const holderStore = new MemoryPieceStore();
    const holder = swarm(holderAccess, rng, null, holderStore);
    const holderDone = completion(holder.swarm);
    const [r2, h] = memoryChannelPair();
    relay.swarm.addChannel(r2);
    holder.swarm.addChannel(h);
    await holderDone;
    relay.swarm.destroy();
    holder.swarm.destroy();

    // The relay holds exactly the ciphertext, and passed the envelope on byte for byte.
    const relayed = await storedPieces(relayStore, share.cipherPieces.length);
    relayed.forEach((piece, i) => expect(bytesEqual(piece, share.cipherPieces[i]), `piece ${i}`).toBe(true));
    expect(bytesEqual(holder.opened[0].metadata, share.envelope)).toBe(true);
    // Its best guess at a key is what it knows, the room id; that opens nothing.
    const guessed = await deriveShareKeys(decodeBase64url(keys.roomId)!);
    await expect(openPrivateShare(guessed, share.envelope)).rejects.toThrow(DecryptError);
    await expect(decryptFiles(guessed, await openPrivateShare(keys, share.envelope), relayed)).rejects.toThrow(DecryptError);

    // The key holder, which only ever talked to the relay, reads every file through the plaintext reader.
    const held = holder.opened[0];
    for (const [index, file] of held.listing!.files.entries()) {
      const source = SOURCE.find((f) => f.path === file.path)!;
      expect(bytesEqual(await readPlain(held, holderStore, index, 0, file.size), source.bytes), file.path).toBe(true);
    }
  });

  it('a key holder refuses an envelope sealed under another key and bans the peer that sent it', async () => {
    const otherKey = seededBytes(32, 77);
    const otherKeys = await deriveShareKeys(otherKey);
    const forged = await buildShare(otherKeys, SOURCE);
    // A peer in our room serves a share sealed under a key we do not hold.
    const forger = await privateAccess({ shareKey: otherKey, fragment: formatShareLink({ kind: 'private', shareKey: otherKey }) });
    const forgedContent = await forger.open(forged.envelope);
    if ('reason' in forgedContent) throw new Error(forgedContent.reason);
    const rng = seededRandom(9);
    const store = new MemoryPieceStore();
    for (const [i, piece] of forged.cipherPieces.entries()) await store.put(i, piece);
    const liar = new Swarm({
      swarmId: keys.roomId,
      localPeerId: randomPeerIdFrom(rng),
      manifest: forgedContent.manifest,
      metadata: forgedContent.metadata,
      store,
      storedPieces: forged.cipherPieces.map((_, i) => i),
      hash: sha256,
      now: () => performance.now(),
      random: rng,
    });
    const holder = swarm(holderAccess, rng, null);
    const rejected = new Promise<string>((resolve) => holder.swarm.events.on('manifestRejected', (_peer, reason) => resolve(reason)));
    const [a, b] = memoryChannelPair();
    liar.addChannel(a);
    holder.swarm.addChannel(b);
    expect(await rejected).toMatch(/^manifest-rejected/);
    expect(holder.swarm.manifest).toBeNull();
    expect(holder.swarm.stats().bannedPeers).toHaveLength(1);
    liar.destroy();
    holder.swarm.destroy();
  });
});
