import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU seconds used by every Chromium this process launched. Playwright starts
 * each browser as a direct child of this Node process (its driver runs
 * in-process) and does not expose the pid, so we walk /proc: the children of
 * `process.pid` whose command is Chromium, plus all their descendants
 * (zygotes, renderers, GPU and network utilities). utime + stime of the live
 * processes, plus cutime + cstime for children that already exited and were
 * reaped. A renderer whose parent has not reaped it yet is missed, which only
 * errs low. Other engineers' browsers are not our descendants, so they never
 * count.
 */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

export function chromiumCpuSeconds(): number {
  return chromiumProcesses().reduce((sum, p) => sum + p.ticks, 0) / TICKS_PER_SECOND;
}

/** CPU seconds of one browser (`browserPid`) and its descendants: one peer's share of the work. */
export function browserCpuSeconds(browserPid: number): number {
  return processTrees([browserPid]).reduce((sum, p) => sum + p.ticks, 0) / TICKS_PER_SECOND;
}

/** One thread's CPU seconds so far, and its kind: "process type / thread name". */
export type ThreadCpu = Map<string, { kind: string; seconds: number }>;

/**
 * CPU seconds of every thread of one browser and its descendants, by
 * "pid/tid". A thread's kind is "process type / thread name" (e.g.
 * "renderer / WebRTC_W_and_N"; Linux keeps 15 characters of a thread's
 * name, and numbered pool threads share a kind). Shows which part of a
 * browser a transfer's CPU goes to.
 */
export function browserThreadCpuSeconds(browserPid: number): ThreadCpu {
  const threads: ThreadCpu = new Map();
  for (const p of processTrees([browserPid])) {
    const type = processType(p.pid);
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${p.pid}/task`);
    } catch {
      continue; // exited meanwhile
    }
    for (const tid of tids) {
      const stat = readStat(`/proc/${p.pid}/task/${tid}/stat`);
      if (!stat) continue;
      const kind = `${type} / ${stat.comm.replace(/\d+$/, '')}`;
      threads.set(`${p.pid}/${tid}`, { kind, seconds: (stat.utime + stat.stime) / TICKS_PER_SECOND });
    }
  }
  return threads;
}

/** The report's metric name for what one kind of thread of `role`'s browser spent. */
export function threadMetric(role: string, kind: string): string {
  return `${role} threads CPU s: ${kind}`;
}

/**
 * What each kind of thread spent between two `browserThreadCpuSeconds`
 * readings, as report metrics (`threadMetric`), leaving out those under
 * 0.05 s. Threads that ended in between are missed (a page that navigated
 * to another site left its renderer), so the figures err low.
 */
export function threadCpuMetrics(role: string, before: ThreadCpu, after: ThreadCpu): Record<string, number> {
  const byKind = new Map<string, number>();
  for (const [id, { kind, seconds }] of after) {
    byKind.set(kind, (byKind.get(kind) ?? 0) + seconds - (before.get(id)?.seconds ?? 0));
  }
  const metrics: Record<string, number> = {};
  for (const [kind, spent] of byKind) if (spent >= 0.05) metrics[threadMetric(role, kind)] = spent;
  return metrics;
}

/** Chromium's name for a process's role: browser, renderer, gpu-process, or a utility's service (NetworkService, ...). */
function processType(pid: number): string {
  let args: string[];
  try {
    // Chromium rewrites its children's command lines as one space-separated title.
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
  } catch {
    return 'exited';
  }
  const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const type = flag('type');
  if (type === undefined) return 'browser';
  if (type === 'utility') return flag('utility-sub-type')?.split('.').pop() ?? 'utility';
  return type;
}

/** The Chromium browsers this process launched, by pid. */
export function chromiumBrowserPids(all = readProcs()): number[] {
  return all.filter((p) => p.ppid === process.pid && p.comm.startsWith('chrom')).map((p) => p.pid);
}

/**
 * Moves a browser and everything it started, threads included, onto one
 * core; processes and threads it starts later inherit that. Two browsers on
 * one two-core machine otherwise share both cores, so a transfer's rate
 * follows the CPU both ends spend together; pinned, each end has a core of
 * its own, as on two machines, and the busier end sets the pace.
 */
export function pinToCore(browserPid: number, core: number): void {
  for (const p of processTrees([browserPid])) {
    try {
      execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', String(core), String(p.pid)], { stdio: 'ignore' });
    } catch (error) {
      // A process that exited meanwhile needs no pinning; a missing taskset does.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('pinning peers to cores needs taskset (util-linux)');
    }
  }
}

/**
 * Resident memory of the same processes, summed. Pages shared between them
 * count once per process, so only differences between two readings mean
 * much.
 */
export function chromiumRssBytes(): number {
  let bytes = 0;
  for (const p of chromiumProcesses()) {
    try {
      const rssPages = Number(readFileSync(`/proc/${p.pid}/statm`, 'utf8').split(' ')[1]);
      bytes += rssPages * PAGE_BYTES;
    } catch {
      // exited meanwhile: it holds no memory any more
    }
  }
  return bytes;
}

/** Every Chromium this process launched, with all their descendants. */
function chromiumProcesses(): ProcStat[] {
  const all = readProcs();
  return processTrees(chromiumBrowserPids(all), all);
}

/** The given processes and all their descendants (none for one that has exited). */
function processTrees(rootPids: number[], all = readProcs()): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found: ProcStat[] = [];
  const stack = all.filter((p) => rootPids.includes(p.pid));
  while (stack.length > 0) {
    const p = stack.pop()!;
    found.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return found;
}

/** This Node process (the driver, the signaling server and Vite), in seconds. */
export function driverCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Measures the CPU seconds Chromium, each of `browsers` (by pid) and the driver spend on `work`. */
export async function withCpu<T>(
  work: () => Promise<T>,
  browsers: readonly number[] = [],
): Promise<{ value: T; chromiumCpuS: number; browserCpuS: number[]; driverCpuS: number }> {
  const chromium0 = chromiumCpuSeconds();
  const browsers0 = browsers.map(browserCpuSeconds);
  const driver0 = driverCpuSeconds();
  const value = await work();
  return {
    value,
    chromiumCpuS: chromiumCpuSeconds() - chromium0,
    browserCpuS: browsers.map((pid, i) => browserCpuSeconds(pid) - browsers0[i]),
    driverCpuS: driverCpuSeconds() - driver0,
  };
}

function readProcs(): ProcStat[] {
  const procs: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    // One that exited between readdir and read has its time in its parent's cutime once reaped.
    const stat = readStat(`/proc/${name}/stat`);
    if (stat) procs.push({ pid: Number(name), ppid: stat.ppid, comm: stat.comm, ticks: stat.utime + stat.stime + stat.cutime + stat.cstime });
  }
  return procs;
}

/** A process's or thread's `stat`, or null once it has exited. */
function readStat(path: string): { comm: string; ppid: number; utime: number; stime: number; cutime: number; cstime: number } | null {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  // comm may contain spaces and parentheses; the fields after the last ')' are fixed.
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is state (field 3), so field n is fields[n - 3].
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return { comm, ppid: Number(fields[1]), utime, stime, cutime, cstime };
}
