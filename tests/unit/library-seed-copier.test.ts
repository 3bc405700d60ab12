import { describe, expect, it } from 'vitest';
import { MemoryPieceStore } from '../../src/chunks/memory-piece-store.ts';
import { StorageError, type PieceIndex } from '../../src/chunks/piece-store.ts';
import { SeedLibraryCopy, type SeedCopyOptions } from '../../src/chunks/seed-copier.ts';

const PIECE = 4;
const IDLE_MS = 1000;

/** The seed's files: counts every read of each piece. */
class CountedSource extends MemoryPieceStore {
  reads = new Map<PieceIndex, number>();

  override async get(index: PieceIndex): Promise<Uint8Array | undefined> {
    this.reads.set(index, (this.reads.get(index) ?? 0) + 1);
    return super.get(index);
  }
}

async function sourceOf(count: number): Promise<CountedSource> {
  const store = new CountedSource();
  for (let i = 0; i < count; i++) await store.put(i, new Uint8Array(PIECE).fill(i));
  store.reads.clear();
  return store;
}

/** A library that records how many puts were in flight at once, can be held, and can be made to fail. */
class WatchedStore extends MemoryPieceStore {
  inFlight = 0;
  maxInFlight = 0;
  failNext: Error[] = [];
  private held: Array<() => void> | null = null;

  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  override async put(index: PieceIndex, bytes: Uint8Array): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    else await Promise.resolve();
    this.inFlight--;
    const failure = this.failNext.shift();
    if (failure) throw failure;
    await super.put(index, bytes);
  }
}

/** A virtual clock: `sleep` moves it on at once, and is recorded. */
function options(overrides: Partial<SeedCopyOptions> = {}) {
  const clock = { ms: 0, sleeps: [] as number[] };
  const copied: PieceIndex[] = [];
  const failures: StorageError[] = [];
  const opts: SeedCopyOptions = {
    windowBytes: 3 * PIECE,
    pieceBytes: PIECE,
    idleMs: IDLE_MS,
    arriving: () => false,
    signal: new AbortController().signal,
    now: () => clock.ms,
    sleep: async (ms) => {
      clock.sleeps.push(ms);
      clock.ms += ms;
    },
    yieldToPage: async () => {},
    onCopied: (i) => copied.push(i),
    onFailed: (e) => failures.push(e),
    retry: async () => {},
    ...overrides,
  };
  return { opts, clock, copied, failures };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('SeedLibraryCopy', () => {
  it('copies every missing piece, byte for byte, reading each once', async () => {
    const from = await sourceOf(10);
    const to = new WatchedStore();
    const { opts, copied } = options();
    await new SeedLibraryCopy(from, to, range(10), opts).run();
    expect(await to.indices()).toEqual(range(10));
    expect([...(await to.get(7))!]).toEqual([7, 7, 7, 7]);
    expect(copied.sort((a, b) => a - b)).toEqual(range(10));
    expect([...from.reads.values()].every((n) => n === 1)).toBe(true);
  });

  it('copies only the pieces it is told are missing', async () => {
    const from = await sourceOf(5);
    const to = new WatchedStore();
    await new SeedLibraryCopy(from, to, [1, 3], options().opts).run();
    expect(await to.indices()).toEqual([1, 3]);
    expect([...from.reads.keys()].sort()).toEqual([1, 3]);
  });

  it('keeps at most one window of pieces in flight, and at least one', async () => {
    const to = new WatchedStore();
    // Held, the library's puts pile up: the window's three, and no more until they settle.
    to.hold();
    const running = new SeedLibraryCopy(await sourceOf(10), to, range(10), options().opts).run();
    await expect.poll(() => to.inFlight).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(to.inFlight).toBe(3);
    to.release();
    await running;
    expect(to.maxInFlight).toBe(3);
    expect(await to.indices()).toEqual(range(10));
    const tiny = new WatchedStore();
    await new SeedLibraryCopy(await sourceOf(3), tiny, range(3), options({ windowBytes: 1 }).opts).run();
    expect(tiny.maxInFlight).toBe(1);
    expect(await tiny.indices()).toEqual(range(3));
  });

  it('stores a piece read for serving as it passes, so the files are read once for it', async () => {
    const from = await sourceOf(6);
    const to = new WatchedStore();
    const { opts, copied } = options();
    const copy = new SeedLibraryCopy(from, to, range(6), opts);
    expect([...(await copy.serving.get(4))!]).toEqual([4, 4, 4, 4]);
    await copy.run();
    expect(await to.indices()).toEqual(range(6));
    expect(from.reads.get(4)).toBe(1);
    expect(copied).toContain(4);
  });

  it('waits while pieces are being served, and copies the rest once serving has been idle', async () => {
    const from = await sourceOf(4);
    const to = new WatchedStore();
    const { opts, clock } = options();
    const copy = new SeedLibraryCopy(from, to, range(4), opts);
    clock.ms = 5000;
    await copy.serving.get(0);
    clock.ms = 5400;
    await copy.run();
    // The first wait ends exactly `idleMs` after the last piece served.
    expect(clock.sleeps[0]).toBe(600);
    expect(await to.indices()).toEqual(range(4));
  });

  it('waits while a downloader is connecting, and for the idle time after', async () => {
    const from = await sourceOf(2);
    const to = new WatchedStore();
    let connecting = true;
    const { opts, clock } = options({ arriving: () => connecting });
    opts.sleep = async (ms) => {
      clock.sleeps.push(ms);
      clock.ms += ms;
      if (clock.ms >= 2500) connecting = false;
    };
    await new SeedLibraryCopy(from, to, range(2), opts).run();
    expect(from.reads.size).toBe(2);
    // Seen connecting at 0, 1 and 2 s; the copy starts a whole idle period after the last of these.
    expect(clock.sleeps).toEqual([IDLE_MS, IDLE_MS, IDLE_MS]);
    expect(clock.ms).toBe(3000);
  });

  it('reads a window one piece at a time, and stops it when a downloader arrives', async () => {
    const from = await sourceOf(6);
    const to = new WatchedStore();
    let connecting = false;
    const { opts, clock } = options({ arriving: () => connecting, windowBytes: 6 * PIECE });
    const readsWhileConnecting: number[] = [];
    const get = from.get.bind(from);
    from.get = async (index) => {
      if (connecting) readsWhileConnecting.push(index);
      // A downloader turns up while the copy reads its second piece.
      if (from.reads.size === 1) connecting = true;
      return get(index);
    };
    const readBeforeWaiting: number[] = [];
    opts.sleep = async (ms) => {
      readBeforeWaiting.push(from.reads.size);
      clock.sleeps.push(ms);
      clock.ms += ms;
      connecting = false;
    };
    await new SeedLibraryCopy(from, to, range(6), opts).run();
    // The second read was under way when the downloader came; the window's other four waited for the idle copy.
    expect(readBeforeWaiting).toEqual([2]);
    expect(readsWhileConnecting).toEqual([]);
    expect(clock.sleeps).toEqual([IDLE_MS]);
    expect(await to.indices()).toEqual(range(6));
  });

  it('stores a served piece only once the page has had its turn, not in the task that served it', async () => {
    const from = await sourceOf(2);
    const to = new WatchedStore();
    to.hold();
    let pageTurn = () => {};
    const turnTaken = new Promise<void>((resolve) => (pageTurn = resolve));
    const { opts } = options({ yieldToPage: () => turnTaken });
    const copy = new SeedLibraryCopy(from, to, range(2), opts);
    await copy.serving.get(0);
    await Promise.resolve();
    expect(to.inFlight).toBe(0);
    pageTurn();
    await turnTaken;
    await Promise.resolve();
    expect(to.inFlight).toBe(1);
    to.release();
  });

  it('leaves served pieces to the idle copy when the library is slower than the uploads', async () => {
    const from = await sourceOf(8);
    const to = new WatchedStore();
    to.hold();
    const { opts } = options({ windowBytes: 2 * PIECE });
    const copy = new SeedLibraryCopy(from, to, range(8), opts);
    for (const index of [0, 1, 2, 3]) await copy.serving.get(index);
    // Two pieces (one window) are waiting for the store; the others were not kept in memory for it.
    expect(to.inFlight).toBe(2);
    to.release();
    await copy.run();
    expect(await to.indices()).toEqual(range(8));
    expect(from.reads.get(2)).toBe(2);
    expect(from.reads.get(0)).toBe(1);
  });

  it('does not pass on a piece the library already holds', async () => {
    const from = await sourceOf(3);
    const to = new WatchedStore();
    const copy = new SeedLibraryCopy(from, to, [2], options().opts);
    await copy.serving.get(0);
    await copy.run();
    expect(await to.indices()).toEqual([2]);
  });

  it('reports a full store, waits for retry, and then finishes without losing a piece', async () => {
    const to = new WatchedStore();
    to.failNext = [new StorageError('quota-exceeded', 'full')];
    let retries = 0;
    const { opts, failures } = options({ retry: async () => void retries++ });
    await new SeedLibraryCopy(await sourceOf(5), to, range(5), opts).run();
    expect(retries).toBe(1);
    expect(failures.map((f) => f.code)).toEqual(['quota-exceeded']);
    expect(await to.indices()).toEqual(range(5));
  });

  it('puts a served piece back when the store is full, and copies it after the retry', async () => {
    const from = await sourceOf(3);
    const to = new WatchedStore();
    to.failNext = [new StorageError('quota-exceeded', 'full')];
    const { opts, failures } = options();
    const copy = new SeedLibraryCopy(from, to, range(3), opts);
    await copy.serving.get(1);
    await copy.run();
    expect(failures).toHaveLength(1);
    expect(await to.indices()).toEqual(range(3));
  });

  it('rejects on a failure that is not storage (the source became unreadable)', async () => {
    const to = new WatchedStore();
    await expect(new SeedLibraryCopy(await sourceOf(2), to, [0, 5], options().opts).run()).rejects.toThrow(/piece 5 missing/);
  });

  it('stops when aborted, even while waiting to retry', async () => {
    const abort = new AbortController();
    const to = new WatchedStore();
    to.failNext = [new StorageError('quota-exceeded', 'full')];
    const { opts } = options({ signal: abort.signal, windowBytes: PIECE, retry: async () => abort.abort() });
    await new SeedLibraryCopy(await sourceOf(4), to, range(4), opts).run();
    expect(await to.indices()).toEqual([]);
  });

  it('serves the files as they are, whether or not the copy runs', async () => {
    const from = await sourceOf(2);
    const copy = new SeedLibraryCopy(from, new WatchedStore(), [], options().opts);
    expect(await copy.serving.indices()).toEqual([0, 1]);
    expect(await copy.serving.get(9)).toBeUndefined();
  });
});
