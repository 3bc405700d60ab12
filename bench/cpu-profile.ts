import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession } from '@playwright/test';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const SAMPLING_INTERVAL_US = 200;
const TOP_FUNCTIONS = 15;

/**
 * A V8 CPU profile of one page's main thread (CDP `Profiler`), saved as a
 * `.cpuprofile` (opens in Chromium DevTools) with a one-line-per-function
 * summary of self time on stderr: where the main thread's time went.
 */
export class CpuProfile {
  private constructor(
    private readonly cdp: CDPSession,
    private readonly name: string,
  ) {}

  static async start(cdp: CDPSession, name: string): Promise<CpuProfile> {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await cdp.send('Profiler.start');
    return new CpuProfile(cdp, name);
  }

  async stop(dir: string): Promise<void> {
    const { profile } = (await this.cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    await this.cdp.detach();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${this.name}.cpuprofile`), JSON.stringify(profile));
    console.error(`--- ${this.name}: self time by function (ms)\n${selfTimes(profile)}`);
  }
}

function selfTimes(profile: Profile): string {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)!.callFrame;
    const where = frame.url ? ` ${frame.url.slice(frame.url.lastIndexOf('/') + 1)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'}${where}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_FUNCTIONS)
    .map(([key, ms]) => `${ms.toFixed(0).padStart(7)}  ${key}`)
    .join('\n');
}
