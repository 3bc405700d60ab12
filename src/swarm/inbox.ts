/**
 * Holds frames that arrive before anyone listens, and hands them over, in
 * order, once a listener is set. A transport can open (and the remote start
 * talking) before the session that will read it exists; without this, those
 * first frames, the handshake among them, would be lost.
 */
export class Inbox {
  private listener: ((frame: Uint8Array) => void) | null = null;
  private readonly early: Uint8Array[] = [];

  get onMessage(): ((frame: Uint8Array) => void) | null {
    return this.listener;
  }

  set onMessage(listener: ((frame: Uint8Array) => void) | null) {
    this.listener = listener;
    // Deliver after the caller's own setup (it may still be wiring other handlers or sending).
    if (listener && this.early.length > 0) queueMicrotask(() => this.flush());
  }

  deliver(frame: Uint8Array): void {
    if (this.listener && this.early.length === 0) this.listener(frame);
    else this.early.push(frame);
  }

  clear(): void {
    this.early.length = 0;
  }

  private flush(): void {
    while (this.listener && this.early.length > 0) this.listener(this.early.shift()!);
  }
}
