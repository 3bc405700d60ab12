import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession } from '@playwright/test';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

const CATEGORIES = ['toplevel', 'devtools.timeline', 'v8', 'v8.execute', 'blink', 'IndexedDB', 'webrtc', 'disabled-by-default-devtools.timeline'];
/** Threads busier than this are listed. */
const MIN_BUSY_MS = 100;
const TOP_EVENTS = 15;

/**
 * A Chromium trace of one browser (CDP `Tracing`): every process and thread,
 * native work included, which a V8 CPU profile does not see (layout, paint,
 * IndexedDB value setup, the WebRTC threads). Saved as JSON (opens in
 * chrome://tracing or Perfetto), with a summary on stderr: each busy
 * thread's time, and the events the renderer main threads spent their own
 * time in. This is how the progress bars' per-frame layout was found.
 */
export class ChromiumTrace {
  private readonly events: TraceEvent[] = [];

  private constructor(
    private readonly cdp: CDPSession,
    private readonly name: string,
  ) {
    cdp.on('Tracing.dataCollected', (batch) => this.events.push(...(batch.value as unknown as TraceEvent[])));
  }

  static async start(cdp: CDPSession, name: string): Promise<ChromiumTrace> {
    const trace = new ChromiumTrace(cdp, name);
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
    return trace;
  }

  async stop(dir: string): Promise<void> {
    const complete = new Promise<void>((resolve) => this.cdp.once('Tracing.tracingComplete', () => resolve()));
    await this.cdp.send('Tracing.end');
    await complete;
    await this.cdp.detach();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${this.name}.trace.json`), JSON.stringify({ traceEvents: this.events }));
    console.error(`--- ${this.name}: busy threads and main-thread self time (ms)\n${summarize(this.events)}`);
  }
}

function summarize(events: TraceEvent[]): string {
  const label = new Map<string, string>();
  const processName = new Map<number, string>();
  for (const e of events) {
    if (e.name === 'thread_name') label.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
    if (e.name === 'process_name') processName.set(e.pid, e.args?.name ?? '');
  }
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const key = `${e.pid}:${e.tid}`;
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  const lines: string[] = [];
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const busyMs = busyTime(list) / 1000;
    if (busyMs < MIN_BUSY_MS) continue;
    const thread = `${processName.get(Number(key.split(':')[0])) ?? '?'} / ${label.get(key) ?? key}`;
    lines.push(`${busyMs.toFixed(0).padStart(7)}  ${thread}`);
    if (label.get(key) !== 'CrRendererMain') continue;
    for (const [name, us] of selfTimes(list).slice(0, TOP_EVENTS)) lines.push(`${(us / 1000).toFixed(0).padStart(15)}  ${name}`);
  }
  return lines.join('\n');
}

/** Wall time covered by a thread's events (sorted by start), nested ones counted once. */
function busyTime(sorted: TraceEvent[]): number {
  let total = 0;
  let end = -Infinity;
  for (const e of sorted) {
    const eventEnd = e.ts + e.dur!;
    if (eventEnd <= end) continue;
    total += eventEnd - Math.max(e.ts, end);
    end = eventEnd;
  }
  return total;
}

/** Per event name, its duration minus that of the events nested directly in it. */
function selfTimes(sorted: TraceEvent[]): Array<[string, number]> {
  const self = new Map<string, number>();
  const open: TraceEvent[] = [];
  for (const e of sorted) {
    while (open.length > 0 && open[open.length - 1].ts + open[open.length - 1].dur! <= e.ts) open.pop();
    const parent = open[open.length - 1];
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur!);
    open.push(e);
  }
  return [...self].sort((a, b) => b[1] - a[1]);
}
