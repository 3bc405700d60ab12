import type { CandidateType, ConnectionInfo } from './channel.ts';

/** One entry of a WebRTC stats report, as far as the selected pair goes. */
type StatsEntry = Record<string, unknown>;

const CANDIDATE_TYPES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];

/**
 * Reads the selected ICE candidate pair out of `RTCPeerConnection.getStats()`
 * (a map of stats entries by id): relayed on either side means the bytes go
 * through a TURN server, anything else is a direct path. Null while no pair
 * is selected or the report lacks the entries.
 */
export function connectionFromStats(report: ReadonlyMap<string, StatsEntry>): ConnectionInfo | null {
  const pair = selectedPair(report);
  if (!pair) return null;
  const local = candidateTypeOf(report.get(String(pair.localCandidateId)));
  const remote = candidateTypeOf(report.get(String(pair.remoteCandidateId)));
  if (!local || !remote) return null;
  return {
    route: local === 'relay' || remote === 'relay' ? 'relay' : 'direct',
    localCandidate: local,
    remoteCandidate: remote,
  };
}

function selectedPair(report: ReadonlyMap<string, StatsEntry>): StatsEntry | undefined {
  for (const entry of report.values()) {
    if (entry.type !== 'transport' || typeof entry.selectedCandidatePairId !== 'string') continue;
    const pair = report.get(entry.selectedCandidatePairId);
    if (pair) return pair;
  }
  // Reports without transport entries flag the pair itself (Firefox's `selected`).
  for (const entry of report.values()) {
    if (entry.type === 'candidate-pair' && entry.selected === true) return entry;
  }
  return undefined;
}

function candidateTypeOf(candidate: StatsEntry | undefined): CandidateType | null {
  const type = candidate?.candidateType;
  return CANDIDATE_TYPES.find((t) => t === type) ?? null;
}
