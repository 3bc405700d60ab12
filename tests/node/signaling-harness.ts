import { expect } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../src/swarm/signaling-protocol.ts';

/** A raw `ws` client that queues every server message for the test to take in order. */
export class TestClient {
  private readonly queue: ServerMessage[] = [];
  private waiter: ((msg: ServerMessage) => void) | null = null;
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(msg);
      } else this.queue.push(msg);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    const socket = new WebSocket(url, options);
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  next(timeoutMs = 2000): Promise<ServerMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within timeout')), timeoutMs);
      this.waiter = (msg) => {
        clearTimeout(timer);
        resolve(msg);
      };
    });
  }

  /** Resolves if nothing arrives for `ms`. */
  async expectSilence(ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    expect(this.queue).toEqual([]);
  }

  sendJson(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  async join(room: string, peerId: string): Promise<ServerMessage> {
    this.sendJson({ v: 1, type: 'join', room, peerId });
    return this.next();
  }

  close(): void {
    this.socket.close();
  }
}

