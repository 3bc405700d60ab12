import { describe, expect, it } from 'vitest';
import { connectionFromStats } from '../../src/swarm/connection-stats.ts';

/** A stats report in the shape Chromium's getStats() returns, with the selected pair's candidate types. */
function chromiumReport(local: string, remote: string): Map<string, Record<string, unknown>> {
  const entries: Record<string, unknown>[] = [
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' },
    { id: 'CP0', type: 'candidate-pair', localCandidateId: 'L0', remoteCandidateId: 'R0' },
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1' },
    { id: 'L0', type: 'local-candidate', candidateType: 'relay' },
    { id: 'R0', type: 'remote-candidate', candidateType: 'relay' },
    { id: 'L1', type: 'local-candidate', candidateType: local },
    { id: 'R1', type: 'remote-candidate', candidateType: remote },
  ];
  return new Map(entries.map((e) => [e.id as string, e]));
}

describe('connectionFromStats', () => {
  it.each([
    ['host', 'host', 'direct'],
    ['srflx', 'prflx', 'direct'],
    ['relay', 'host', 'relay'],
    ['host', 'relay', 'relay'],
  ])('reads the selected pair %s ↔ %s as %s', (local, remote, route) => {
    expect(connectionFromStats(chromiumReport(local, remote))).toEqual({
      route,
      localCandidate: local,
      remoteCandidate: remote,
    });
  });

  it('falls back to a pair flagged selected when there is no transport entry', () => {
    const report = chromiumReport('srflx', 'srflx');
    report.delete('T01');
    report.set('CP1', { ...report.get('CP1')!, selected: true });
    expect(connectionFromStats(report)?.route).toBe('direct');
  });

  it('is unknown while no pair is selected', () => {
    const report = chromiumReport('host', 'host');
    report.set('T01', { id: 'T01', type: 'transport' });
    expect(connectionFromStats(report)).toBeNull();
  });

  it('is unknown when a candidate is missing or of an unknown type', () => {
    const missing = chromiumReport('host', 'host');
    missing.delete('R1');
    expect(connectionFromStats(missing)).toBeNull();
    expect(connectionFromStats(chromiumReport('host', 'carrier-pigeon'))).toBeNull();
  });
});
