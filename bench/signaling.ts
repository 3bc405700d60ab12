/**
 * Signaling server benchmark: N WebSocket clients in rooms of 10 on loopback
 * relay offers and answers through one server process; prints JSON with
 * messages/s, relay latency (client send → client receive, one process so one
 * clock) and the server's CPU and memory, read from its /metrics.
 *
 *   npm run bench:signaling -- [--clients 2000] [--room-size 10] [--seconds 10] [--offers-per-client-per-s 1] [--warmup-seconds 2]
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import type { ServerMessage } from '../src/swarm/signaling-protocol.ts';

interface Options {
  clients: number;
  roomSize: number;
  seconds: number;
  offersPerClientPerS: number;
  warmupSeconds: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { clients: 2000, roomSize: 10, seconds: 10, offersPerClientPerS: 1, warmupSeconds: 2 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof Options;
    const value = Number(argv[i + 1]);
    if (!(key in options) || !(value > 0)) throw new Error(`usage: --clients N --room-size N --seconds N --offers-per-client-per-s N --warmup-seconds N (bad ${argv[i]})`);
    options[key] = value;
  }
  return options;
}

// A realistic offer is 1–4 KB of SDP; the server never reads it, so its content doesn't matter.
const FAKE_SDP = `v=0\r\n${'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n'.repeat(20)}`;
const MAIN = new URL('../signaling/main.ts', import.meta.url).pathname;

async function startServer(clients: number): Promise<{ url: string; stop(): void }> {
  // Every bench client comes from 127.0.0.1, so the per-IP limits are lifted; the per-socket ones stay at their defaults.
  const child = spawn(process.execPath, [
    '--import', 'tsx', MAIN, '--no-site', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn',
    '--max-sockets-per-ip', String(clients * 2),
    '--ip-messages-per-second', '1000000', '--ip-messages-burst', '1000000',
    '--ip-joins-per-second', '1000000', '--ip-joins-burst', '1000000',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^Shoal running at http:\/\/[^:]+:(\d+)/.exec(line);
      if (match) resolve(`ws://127.0.0.1:${match[1]}/signal`);
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

interface ServerStats {
  cpuS: number;
  rssBytes: number;
  /** Cumulative relay latency histogram: upper bound in seconds → count. */
  buckets: Map<string, number>;
}

async function serverStats(url: string): Promise<ServerStats> {
  const text = await (await fetch(url.replace('ws://', 'http://').replace('/signal', '/metrics'))).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  const buckets = new Map([...text.matchAll(/^shoal_signaling_relay_latency_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1] as string, Number(m[2])]));
  return { cpuS: value('process_cpu_seconds_total'), rssBytes: value('process_resident_memory_bytes'), buckets };
}

/** The histogram bucket (upper bound, ms) holding quantile q of the relays between two scrapes. */
function bucketQuantileMs(before: ServerStats, after: ServerStats, q: number): string {
  const total = (after.buckets.get('+Inf') ?? 0) - (before.buckets.get('+Inf') ?? 0);
  for (const [le, count] of after.buckets) {
    if (count - (before.buckets.get(le) ?? 0) >= q * total) return le === '+Inf' ? 'over 1000' : `<= ${Number(le) * 1000}`;
  }
  return 'none';
}

const peerId = (n: number) => n.toString(16).padStart(32, '0');
const roomId = (n: number) => `bench_room_${n.toString().padStart(8, '0')}`;

interface BenchClient {
  socket: WebSocket;
  peerId: string;
  room: string;
  peers: string[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const server = await startServer(options.clients);
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;

  const connectStarted = performance.now();
  const clients: BenchClient[] = [];
  // Connect in batches: a SYN flood of 2000 at once only measures the kernel's accept backlog.
  for (let i = 0; i < options.clients; i += 100) {
    const batch = Array.from({ length: Math.min(100, options.clients - i) }, (_, k) => {
      const n = i + k;
      const client: BenchClient = { socket: new WebSocket(server.url), peerId: peerId(n), room: roomId(Math.floor(n / options.roomSize)), peers: [] };
      clients.push(client);
      return new Promise<void>((resolve, reject) => {
        client.socket.on('message', (raw) => {
          // Plain JSON.parse: the bench client trusts its own server, so the client-side schema check stays out of the figures.
          const msg = JSON.parse(String(raw)) as ServerMessage;
          switch (msg.type) {
            case 'welcome':
              client.socket.send(JSON.stringify({ v: 1, type: 'join', room: client.room, peerId: client.peerId }));
              return;
            case 'peers':
              client.peers.push(...msg.peers);
              return resolve();
            case 'peer-joined':
              client.peers.push(msg.peerId);
              return;
            case 'signal': {
              const data = msg.data as { type: string; t: number };
              if (measuring) latencies.push(performance.now() - data.t);
              if (data.type === 'offer') {
                client.socket.send(JSON.stringify({ v: 1, type: 'signal', room: client.room, to: msg.from, data: { type: 'answer', sdp: FAKE_SDP, t: performance.now() } }));
              }
              return;
            }
            case 'error':
              errors++;
              return;
          }
        });
        client.socket.once('error', reject);
      });
    });
    await Promise.all(batch);
  }
  const connectMs = performance.now() - connectStarted;

  const intervalMs = 1000 / options.offersPerClientPerS;
  // Each client offers to a random room-mate on its own jittered schedule, so the load is spread evenly.
  const timers = clients.map((client, index) =>
    setTimeout(function offer() {
      const to = client.peers[Math.floor(Math.random() * client.peers.length)];
      if (to) client.socket.send(JSON.stringify({ v: 1, type: 'signal', room: client.room, to, data: { type: 'offer', sdp: FAKE_SDP, t: performance.now() } }));
      timers[index] = setTimeout(offer, intervalMs);
    }, Math.random() * intervalMs),
  );
  // The first seconds include JIT warm-up on both sides; measure the steady state after them.
  await new Promise((r) => setTimeout(r, options.warmupSeconds * 1000));
  const before = await serverStats(server.url);
  const benchCpuBefore = process.cpuUsage();
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, options.seconds * 1000));
  measuring = false;
  const elapsedS = (performance.now() - started) / 1000;
  for (const timer of timers) clearTimeout(timer);
  const after = await serverStats(server.url);
  const benchCpu = process.cpuUsage(benchCpuBefore);

  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  console.log(
    JSON.stringify(
      {
        clients: options.clients,
        roomSize: options.roomSize,
        seconds: round(elapsedS),
        connectAndJoinMs: Math.round(connectMs),
        messagesRelayed: latencies.length,
        messagesPerSecond: Math.round(latencies.length / elapsedS),
        latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? NaN) },
        errors,
        server: {
          cpuPercent: Math.round(((after.cpuS - before.cpuS) / elapsedS) * 100),
          rssMiB: Math.round(after.rssBytes / 1024 / 1024),
          // Inside the server only (frame handled → handed to the target socket), from its /metrics histogram.
          relayP50Ms: bucketQuantileMs(before, after, 0.5),
          relayP99Ms: bucketQuantileMs(before, after, 0.99),
        },
        // The clients share the machine with the server: if they saturate a core, latency is theirs, not the server's.
        benchProcess: {
          cpuPercent: Math.round(((benchCpu.user + benchCpu.system) / 1e6 / elapsedS) * 100),
          rssMiB: Math.round(process.memoryUsage.rss() / 1024 / 1024),
        },
        loadAverage1m: os.loadavg()[0],
      },
      null,
      2,
    ),
  );
  for (const client of clients) client.socket.terminate();
  server.stop();
}

await main();
