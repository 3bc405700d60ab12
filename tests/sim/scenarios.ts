import { makeContent, seededBytes, seededRandom, type Content } from '../support/content.ts';
import type { HostLink } from './simulated-link.ts';
import { SwarmSim, type SimPeer } from './swarm-sim.ts';

export interface ScenarioSize {
  leechers: number;
  pieces: number;
  pieceBytes: number;
  seed: number;
}

const UPLOAD = 512 * 1024;
/** Leechers can take in several peers' uploads at once, as on most home links. */
const DOWNLOAD = 4 * UPLOAD;
/** As the app's `DEFAULT_MAX_PEERS`. */
const MAX_PEERS = 30;

function link(random: () => number, uploadBytesPerSecond = UPLOAD): HostLink {
  return { uploadBytesPerSecond, downloadBytesPerSecond: DOWNLOAD, latencyMs: 10 + random() * 40 };
}

/** The fluid model's lower bound on the last completion: max(F/u_seed, N·F/(u_seed + Σ u_leechers)). */
function fluidBoundSeconds(fileBytes: number, seedUpload: number, leecherUploads: number[]): number {
  const total = seedUpload + sum(leecherUploads);
  return Math.max(fileBytes / seedUpload, (leecherUploads.length * fileBytes) / total);
}

async function contentFor(size: ScenarioSize): Promise<Content> {
  return makeContent(seededBytes(size.pieces * size.pieceBytes, size.seed), size.pieceBytes);
}

function newSim(content: Content, size: ScenarioSize, order: 'rarest' | 'sequential' = 'rarest'): SwarmSim {
  return new SwarmSim({
    content,
    seed: size.seed,
    maxPeers: MAX_PEERS,
    tickMs: 250,
    swarm: { order, rechokeIntervalMs: 2000, keepaliveMs: 2000, deadPeerMs: 8000, requestTimeoutMs: 10_000 },
  });
}

const HOUR_MS = 3_600_000;

/** Every leecher's store holds exactly the content's pieces. */
export async function allCorrect(peers: SimPeer[], content: Content): Promise<boolean> {
  for (const peer of peers) {
    for (let i = 0; i < content.pieces.length; i++) {
      const stored = await peer.store.get(i);
      if (!stored || !Buffer.from(stored).equals(content.pieces[i])) return false;
    }
  }
  return true;
}

function completionSeconds(peers: SimPeer[]): number | null {
  let last = 0;
  for (const p of peers) {
    if (p.completedAtMs === null) return null;
    last = Math.max(last, p.completedAtMs);
  }
  return last / 1000;
}

export interface FlashCrowdResult {
  scenario: 'flash-crowd';
  order: 'rarest' | 'sequential';
  leechers: number;
  pieces: number;
  fileBytes: number;
  lastCompletionSeconds: number | null;
  fluidBoundSeconds: number;
  ratioToBound: number | null;
  seedUploadCopies: number;
  duplicateBytes: number;
  correct: boolean;
  wallMs: number;
  events: number;
}

/** 1 seeder + N leechers, all with equal upload, all joining at once. */
export async function flashCrowd(size: ScenarioSize, order: 'rarest' | 'sequential'): Promise<FlashCrowdResult> {
  const started = performance.now();
  const content = await contentFor(size);
  const sim = newSim(content, size, order);
  const rand = seededRandom(size.seed);
  const seeder = sim.addPeer({ seed: true, link: link(rand) });
  const leechers = Array.from({ length: size.leechers }, () => sim.addPeer({ link: link(rand) }));
  await sim.run({ untilMs: HOUR_MS, done: () => leechers.every((p) => p.completedAtMs !== null) });
  const F = sim.fileBytes();
  const bound = fluidBoundSeconds(F, UPLOAD, leechers.map(() => UPLOAD));
  const last = completionSeconds(leechers);
  return {
    scenario: 'flash-crowd',
    order,
    leechers: size.leechers,
    pieces: size.pieces,
    fileBytes: F,
    lastCompletionSeconds: last,
    fluidBoundSeconds: bound,
    ratioToBound: last === null ? null : round(last / bound),
    seedUploadCopies: round(seeder.swarm.stats().bytesUploaded / F),
    duplicateBytes: sum(leechers.map((p) => p.swarm.stats().duplicateBytes)),
    correct: await allCorrect(leechers, content),
    wallMs: Math.round(performance.now() - started),
    events: sim.queue.eventsRun,
  };
}

export interface SeederDepartsResult {
  scenario: 'seeder-departs';
  leechers: number;
  seederLeftAtSeconds: number | null;
  /** Piece data (block payloads) the seeder's uplink had sent when it left, in copies of the file. */
  seederUploadCopies: number;
  completed: number;
  lastCompletionSeconds: number | null;
  fluidBoundSeconds: number;
  ratioToBound: number | null;
  correct: boolean;
  wallMs: number;
}

export interface SeederDepartsOptions {
  /** The seeder leaves right after its uplink has sent this many copies of the file's piece data. */
  leaveAfterCopies: number;
  /** The leechers' upload against the seeder's (home links upload slower than they download). */
  leecherUploadFraction: number;
}

/**
 * The only seeder leaves right after its uplink has sent `leaveAfterCopies`
 * copies; the leechers must finish among themselves. With equal upload the
 * crowd finishes before a seed that sends each piece once has sent much more
 * than one copy, so it would never leave: run it with slower leechers.
 */
export async function seederDeparts(size: ScenarioSize, opts: SeederDepartsOptions): Promise<SeederDepartsResult> {
  const started = performance.now();
  const content = await contentFor(size);
  const sim = newSim(content, size);
  const rand = seededRandom(size.seed);
  const F = content.data.byteLength;
  const seeder = sim.addPeer({ seed: true, link: link(rand), leaveAfterPieceBytes: opts.leaveAfterCopies * F });
  let seederLeftAt: number | null = null;
  seeder.swarm.events.on('peerLeft', () => {
    if (!seeder.online && seederLeftAt === null) seederLeftAt = sim.queue.now();
  });
  const leecherUpload = UPLOAD * opts.leecherUploadFraction;
  const leechers = Array.from({ length: size.leechers }, () => sim.addPeer({ link: link(rand, leecherUpload) }));
  await sim.run({ untilMs: HOUR_MS, done: () => leechers.every((p) => p.completedAtMs !== null) });
  const bound = fluidBoundSeconds(F, UPLOAD, leechers.map(() => leecherUpload));
  const last = completionSeconds(leechers);
  return {
    scenario: 'seeder-departs',
    leechers: size.leechers,
    seederLeftAtSeconds: seederLeftAt === null ? null : seederLeftAt / 1000,
    seederUploadCopies: round(seeder.pieceBytesSent / F),
    completed: leechers.filter((p) => p.completedAtMs !== null).length,
    lastCompletionSeconds: last,
    fluidBoundSeconds: bound,
    ratioToBound: last === null ? null : round(last / bound),
    correct: await allCorrect(leechers, content),
    wallMs: Math.round(performance.now() - started),
  };
}

export interface PoisoningResult {
  scenario: 'poisoning';
  honestLeechers: number;
  poisoners: number;
  completed: number;
  lastCompletionSeconds: number | null;
  correct: boolean;
  /** Poisoners that served any block (all of theirs are corrupt). */
  poisonersWhoLied: number;
  /** Poisoners banned by at least one honest peer (only peers it fed bad data can tell). */
  poisonersBanned: number;
  liarsBanned: number;
  fewestBansOfAPoisoner: number;
  piecesFailed: number;
  honestBanned: number;
  wallMs: number;
}

/** 10% of peers serve corrupted blocks: everyone else completes correctly and every poisoner gets banned. */
export async function poisoning(size: ScenarioSize): Promise<PoisoningResult> {
  const started = performance.now();
  const content = await contentFor(size);
  const sim = newSim(content, size);
  const rand = seededRandom(size.seed);
  sim.addPeer({ seed: true, link: link(rand) });
  const poisonerCount = Math.max(1, Math.round(size.leechers / 10));
  const all = Array.from({ length: size.leechers }, (_, i) => sim.addPeer({ link: link(rand), poison: i % 10 === 5 }));
  const poisoners = all.filter((p) => p.spec.poison).slice(0, poisonerCount);
  const honest = all.filter((p) => !p.spec.poison);
  await sim.run({ untilMs: HOUR_MS, done: () => honest.every((p) => p.completedAtMs !== null) });
  const bannedBy = poisoners.map((poisoner) => honest.filter((h) => h.swarm.isBanned(poisoner.id)).length);
  // Every block a poisoner serves is corrupt, so one that uploaded anything has lied to someone.
  const liars = poisoners.filter((p) => p.swarm.stats().bytesUploaded > 0);
  return {
    scenario: 'poisoning',
    honestLeechers: honest.length,
    poisoners: poisoners.length,
    completed: honest.filter((p) => p.completedAtMs !== null).length,
    lastCompletionSeconds: completionSeconds(honest),
    correct: await allCorrect(honest, content),
    poisonersWhoLied: liars.length,
    poisonersBanned: bannedBy.filter((n) => n > 0).length,
    liarsBanned: liars.filter((p) => honest.some((h) => h.swarm.isBanned(p.id))).length,
    fewestBansOfAPoisoner: Math.min(...bannedBy),
    piecesFailed: sum(honest.map((p) => p.swarm.stats().piecesFailed)),
    honestBanned: sum(honest.map((h) => honest.filter((o) => h.swarm.isBanned(o.id)).length)),
    wallMs: Math.round(performance.now() - started),
  };
}

export interface ChurnResult {
  scenario: 'churn';
  peers: number;
  completed: number;
  leftEarly: number;
  medianCompletionSeconds: number | null;
  wastedBytes: number;
  downloadedBytes: number;
  wastedFraction: number;
  correct: boolean;
  wallMs: number;
}

/**
 * Peers arrive at a steady rate; a third of them leave at a random moment
 * mid-download, and everyone else stays a while after completing. One
 * seeder stays throughout. Wasted bytes: duplicates plus partial pieces
 * lost when a peer left.
 */
export async function churn(size: ScenarioSize): Promise<ChurnResult> {
  const started = performance.now();
  const content = await contentFor(size);
  const sim = newSim(content, size);
  const rand = seededRandom(size.seed);
  sim.addPeer({ seed: true, link: link(rand) });
  const F = content.data.byteLength;
  const transferMs = (F / UPLOAD) * 1000;
  const arrivalMs = (2 * transferMs) / size.leechers;
  const peers = Array.from({ length: size.leechers }, (_, i) => {
    const joinAtMs = i * arrivalMs;
    const quitter = rand() < 1 / 3;
    return sim.addPeer({ link: link(rand), joinAtMs, leaveAtMs: joinAtMs + (quitter ? rand() * transferMs : 2 * transferMs) });
  });
  // Stayers leave one transfer-time after the last arrival at the latest.
  const stayers = peers.filter((p) => p.spec.leaveAtMs! - p.spec.joinAtMs! === 2 * transferMs);
  for (const p of stayers) {
    p.swarm.events.on('completed', () => sim.queue.after(transferMs, () => sim.leave(p)));
  }
  const endMs = size.leechers * arrivalMs + 20 * transferMs;
  await sim.run({ untilMs: endMs, done: () => stayers.every((p) => p.completedAtMs !== null) });
  const completedTimes = peers
    .filter((p) => p.completedAtMs !== null)
    .map((p) => (p.completedAtMs! - p.joinedAtMs!) / 1000)
    .sort((a, b) => a - b);
  const downloaded = sum(peers.map((p) => p.swarm.stats().bytesDownloaded));
  const useful = sum(peers.map((p) => p.swarm.piecesVerified)) * size.pieceBytes;
  const wasted = Math.max(0, downloaded - useful);
  return {
    scenario: 'churn',
    peers: peers.length,
    completed: completedTimes.length,
    leftEarly: peers.length - stayers.length,
    medianCompletionSeconds: completedTimes.length ? completedTimes[Math.floor(completedTimes.length / 2)] : null,
    wastedBytes: wasted,
    downloadedBytes: downloaded,
    wastedFraction: downloaded ? round(wasted / downloaded) : 0,
    correct: await allCorrect(peers.filter((p) => p.completedAtMs !== null), content),
    wallMs: Math.round(performance.now() - started),
  };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
