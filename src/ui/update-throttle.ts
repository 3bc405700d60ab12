export interface ThrottleClock {
  now(): number;
  setTimeout(run: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (run, delayMs) => globalThis.setTimeout(run, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Turns a burst of change notifications into at most one `flush` per
 * `minIntervalMs`. A notification inside the quiet period schedules a
 * trailing flush, so the last change is always rendered.
 */
export class UpdateThrottle {
  #lastFlushMs = Number.NEGATIVE_INFINITY;
  #timer: unknown = null;

  constructor(
    private readonly flush: () => void,
    private readonly minIntervalMs: number,
    private readonly clock: ThrottleClock = realClock,
  ) {}

  notify(): void {
    if (this.#timer !== null) return;
    const waitMs = this.#lastFlushMs + this.minIntervalMs - this.clock.now();
    if (waitMs <= 0) {
      this.#run();
      return;
    }
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = null;
      this.#run();
    }, waitMs);
  }

  /** Drops a pending trailing flush (the host is going away). */
  cancel(): void {
    if (this.#timer === null) return;
    this.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #run(): void {
    this.#lastFlushMs = this.clock.now();
    this.flush();
  }
}
