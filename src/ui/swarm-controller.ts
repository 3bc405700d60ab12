import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ShoalApp, SwarmId, TransferSnapshot } from '../app-model.ts';
import { UpdateThrottle, type ThrottleClock } from './update-throttle.ts';

/** About four renders per second: smooth enough for counters, cheap while pieces stream in. */
const MIN_UPDATE_INTERVAL_MS = 250;

/**
 * Connects a component to the app's change feed. Subscribes while the host
 * is connected and re-subscribes when the host is handed a different app.
 */
export class SwarmController implements ReactiveController {
  #subscribedApp: ShoalApp | undefined;
  #unsubscribe: (() => void) | null = null;
  #connected = false;
  readonly #throttle: UpdateThrottle;

  constructor(
    host: ReactiveControllerHost,
    private readonly getApp: () => ShoalApp | undefined,
    clock?: ThrottleClock,
  ) {
    this.#throttle = new UpdateThrottle(() => host.requestUpdate(), MIN_UPDATE_INTERVAL_MS, clock);
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#follow(this.getApp());
  }

  hostUpdate(): void {
    if (this.#connected && this.getApp() !== this.#subscribedApp) this.#follow(this.getApp());
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#follow(undefined);
    this.#throttle.cancel();
  }

  snapshot(swarmId: SwarmId): TransferSnapshot | undefined {
    return this.getApp()?.snapshot(swarmId);
  }

  #follow(app: ShoalApp | undefined): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#subscribedApp = app;
    if (app) this.#unsubscribe = app.subscribe(() => this.#throttle.notify());
  }
}
