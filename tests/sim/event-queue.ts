/**
 * A discrete-event scheduler with a virtual clock: events run in time order
 * (ties in the order they were scheduled) and time jumps straight to the next
 * event, so a simulated minute costs only the work done in it.
 *
 * The swarm core is async in places (hashing, store reads and writes). Those
 * promises settle in zero virtual time: after each event that started async
 * work, the run loop yields to Node until all of it has finished.
 */
export class EventQueue {
  private time = 0;
  private seq = 0;
  private readonly heap: Array<{ at: number; seq: number; run: () => void }> = [];
  private pendingAsync = 0;
  private touchedAsync = false;
  eventsRun = 0;

  readonly now = (): number => this.time;

  at(timeMs: number, run: () => void): void {
    this.push({ at: Math.max(timeMs, this.time), seq: this.seq++, run });
  }

  after(delayMs: number, run: () => void): void {
    this.at(this.time + delayMs, run);
  }

  /** Repeats `run` every `periodMs` until it returns false. */
  every(periodMs: number, firstAtMs: number, run: () => boolean): void {
    const step = () => {
      if (run()) this.after(periodMs, step);
    };
    this.at(firstAtMs, step);
  }

  /** Wraps an async function so the run loop waits for it before the clock moves. */
  tracked<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      this.pendingAsync++;
      this.touchedAsync = true;
      try {
        return await fn(...args);
      } finally {
        this.pendingAsync--;
      }
    };
  }

  /** Runs events until `done()` holds, the queue empties, or virtual time passes `untilMs`. */
  async run(opts: { untilMs: number; done: () => boolean }): Promise<void> {
    while (this.heap.length > 0 && !opts.done()) {
      if (this.heap[0].at > opts.untilMs) return;
      const event = this.pop();
      this.time = event.at;
      event.run();
      this.eventsRun++;
      await this.settle();
    }
  }

  /** Lets zero-time async work (and the microtasks after it) finish. */
  async settle(): Promise<void> {
    if (!this.touchedAsync) return;
    do {
      await new Promise<void>((resolve) => setImmediate(resolve));
    } while (this.pendingAsync > 0);
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.touchedAsync = false;
  }

  private push(event: { at: number; seq: number; run: () => void }): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): { at: number; seq: number; run: () => void } {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
