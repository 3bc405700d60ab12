import { describe, expect, it } from 'vitest';
import { churn, flashCrowd, poisoning, seederDeparts } from './scenarios.ts';

// Small versions of the benchmark scenarios (`npm run sim` runs them at 100 peers).
const SMALL = { leechers: 20, pieces: 48, pieceBytes: 32 * 1024, seed: 3 };

describe('swarm simulator (small)', () => {
  it('flash crowd: everyone completes with correct data, rarest-first beating sequential', async () => {
    const rarest = await flashCrowd(SMALL, 'rarest');
    const sequential = await flashCrowd(SMALL, 'sequential');
    expect(rarest.correct).toBe(true);
    expect(sequential.correct).toBe(true);
    expect(rarest.ratioToBound).not.toBeNull();
    expect(rarest.ratioToBound!).toBeLessThan(2.5);
    expect(rarest.lastCompletionSeconds!).toBeLessThan(sequential.lastCompletionSeconds!);
  });

  it('seeder departs after 1.2 copies: every leecher still completes', async () => {
    const result = await seederDeparts(SMALL);
    expect(result.seederLeftAtSeconds).not.toBeNull();
    expect(result.completed).toBe(SMALL.leechers);
    expect(result.correct).toBe(true);
  });

  it('poisoning peers: honest peers complete correctly, poisoners get banned, honest peers never', async () => {
    const result = await poisoning(SMALL);
    expect(result.completed).toBe(result.honestLeechers);
    expect(result.correct).toBe(true);
    expect(result.piecesFailed).toBeGreaterThan(0);
    expect(result.poisonersWhoLied).toBeGreaterThan(0);
    // At this size a poisoner may feed each peer fewer bad pieces than the three-strike limit;
    // the 100-peer benchmark bans all ten. Here at least one must be caught, and no honest peer.
    expect(result.liarsBanned).toBeGreaterThan(0);
    expect(result.honestBanned).toBe(0);
  });

  it('churn: peers that stay complete with correct data', async () => {
    const result = await churn(SMALL);
    expect(result.completed).toBeGreaterThanOrEqual(result.peers - result.leftEarly);
    expect(result.correct).toBe(true);
    expect(result.wastedFraction).toBeLessThan(0.3);
  });
});
