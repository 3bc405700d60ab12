import type { SwarmId } from './chunks/manifest.ts';
import type { Library } from './chunks/library.ts';
import type { ShareAccess } from './chunks/share-access.ts';

/**
 * How this tab reaches each swarm: the library's items carry their access
 * (a private item's kept key); shares made or opened here and not kept are
 * remembered for as long as the page lives.
 */
export class AccessBook {
  private readonly unkept = new Map<SwarmId, ShareAccess>();

  constructor(private readonly held: Library) {}

  of(swarmId: SwarmId): ShareAccess | undefined {
    return this.held.get(swarmId)?.access ?? this.unkept.get(swarmId);
  }

  remember(access: ShareAccess): void {
    if (!this.held.get(access.swarmId)) this.unkept.set(access.swarmId, access);
  }

  forget(swarmId: SwarmId): void {
    this.unkept.delete(swarmId);
  }

  /** What the library keeps for a swarm id, or for the private link an item was shared or opened with. */
  kept(fragmentOrSwarmId: string): ShareAccess | undefined {
    const entry =
      this.held.get(fragmentOrSwarmId) ?? this.held.all().find((e) => e.record.secret?.fragment === fragmentOrSwarmId);
    return entry?.access;
  }

  /** The fragment of the link people share; a swarm this tab knows nothing about has its id. */
  fragmentOf(swarmId: SwarmId): string {
    return this.of(swarmId)?.fragment ?? swarmId;
  }
}
