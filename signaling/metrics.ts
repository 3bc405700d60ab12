/**
 * The server's Prometheus metrics, rendered by hand in the text exposition
 * format (version 0.0.4): a handful of series does not need a client library.
 */

/** Relay latency buckets in seconds: loopback relays take well under 1 ms, Redis hops a few. */
const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1];

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface Gauges {
  sockets: number;
  rooms: number;
}

export class Metrics {
  relayed = 0;
  private readonly rejected = new Map<string, number>();
  private readonly latencyCounts = LATENCY_BUCKETS_S.map(() => 0);
  private latencyCount = 0;
  private latencySumS = 0;

  reject(reason: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  rejectedCount(reason: string): number {
    return this.rejected.get(reason) ?? 0;
  }

  observeRelayMs(ms: number): void {
    const s = Math.max(0, ms) / 1000;
    this.relayed++;
    this.latencyCount++;
    this.latencySumS += s;
    for (let i = 0; i < LATENCY_BUCKETS_S.length; i++) {
      if (s <= (LATENCY_BUCKETS_S[i] as number)) this.latencyCounts[i] = (this.latencyCounts[i] as number) + 1;
    }
  }

  render(gauges: Gauges): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    metric('shoal_signaling_sockets', 'gauge', 'Open signaling WebSockets on this instance.');
    lines.push(`shoal_signaling_sockets ${gauges.sockets}`);
    metric('shoal_signaling_rooms', 'gauge', 'Rooms with at least one socket on this instance.');
    lines.push(`shoal_signaling_rooms ${gauges.rooms}`);
    metric('shoal_signaling_messages_relayed_total', 'counter', 'Signals delivered to a socket on this instance.');
    lines.push(`shoal_signaling_messages_relayed_total ${this.relayed}`);
    metric('shoal_signaling_messages_rejected_total', 'counter', 'Client messages or connections refused, by error code.');
    for (const [reason, count] of [...this.rejected].sort()) {
      lines.push(`shoal_signaling_messages_rejected_total{reason="${reason}"} ${count}`);
    }
    metric('shoal_signaling_relay_latency_seconds', 'histogram', 'From receiving a signal to handing it to the target socket.');
    LATENCY_BUCKETS_S.forEach((le, i) => lines.push(`shoal_signaling_relay_latency_seconds_bucket{le="${le}"} ${this.latencyCounts[i]}`));
    lines.push(`shoal_signaling_relay_latency_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    lines.push(`shoal_signaling_relay_latency_seconds_sum ${this.latencySumS}`);
    lines.push(`shoal_signaling_relay_latency_seconds_count ${this.latencyCount}`);
    const cpu = process.cpuUsage();
    metric('process_cpu_seconds_total', 'counter', 'User and system CPU time spent.');
    lines.push(`process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
    metric('process_resident_memory_bytes', 'gauge', 'Resident memory size.');
    lines.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);
    return `${lines.join('\n')}\n`;
  }
}
