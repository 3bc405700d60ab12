import { describe, expect, it } from 'vitest';
import { MetadataFetch, type MetadataSource } from '../../src/swarm/metadata-fetch.ts';

class Source implements MetadataSource {
  state: 'handshaking' | 'open' | 'closed' = 'open';
  asked = 0;
  constructor(
    readonly name: string,
    public announced: boolean,
    readonly isSeed = false,
  ) {}
  requestMetadata(): void {
    this.asked++;
  }
}

function fetcher() {
  let now = 0;
  const fetch = new MetadataFetch<Source>({ now: () => now, random: () => 0 });
  return { fetch, advance: (ms: number) => (now += ms) };
}

const askedNames = (sources: Source[]) => sources.filter((s) => s.asked > 0).map((s) => `${s.name}×${s.asked}`);

describe('MetadataFetch', () => {
  it('asks no one until a neighbour announces what it holds, then only that one', () => {
    const { fetch } = fetcher();
    const quiet = new Source('quiet', false);
    const holder = new Source('holder', false);
    fetch.askNext([quiet, holder]);
    expect(askedNames([quiet, holder])).toEqual([]);
    holder.announced = true;
    fetch.askNext([quiet, holder]);
    expect(askedNames([quiet, holder])).toEqual(['holder×1']);
    expect(fetch.assemblerOf(holder)).toBeDefined();
    expect(fetch.assemblerOf(quiet)).toBeUndefined();
  });

  it('asks one source at a time, and one more if it has not answered within two seconds', () => {
    const { fetch, advance } = fetcher();
    const sources = [new Source('a', true), new Source('b', true), new Source('c', true)];
    fetch.askNext(sources);
    fetch.askNext(sources);
    expect(askedNames(sources)).toEqual(['a×1']);
    advance(1_999);
    fetch.askNext(sources);
    expect(askedNames(sources)).toEqual(['a×1']);
    advance(1);
    fetch.askNext(sources);
    expect(askedNames(sources)).toEqual(['a×1', 'b×1']);
  });

  it('prefers a peer to a seed, and takes the seed when it is the only holder', () => {
    const { fetch } = fetcher();
    const seed = new Source('seed', true, true);
    const peer = new Source('peer', true);
    fetch.askNext([seed, peer]);
    expect(askedNames([seed, peer])).toEqual(['peer×1']);
    const alone = fetcher();
    const onlySeed = new Source('seed', true, true);
    alone.fetch.askNext([onlySeed, new Source('quiet', false)]);
    expect(onlySeed.asked).toBe(1);
  });

  it('after a refusal asks someone else at once, and the refuser again only a second later', () => {
    const { fetch, advance } = fetcher();
    const busy = new Source('busy', true, true);
    const sources = [busy, new Source('quiet', false)];
    fetch.askNext(sources);
    fetch.refused(busy);
    fetch.askNext(sources);
    expect(busy.asked).toBe(1);
    advance(999);
    fetch.askNext(sources);
    expect(busy.asked).toBe(1);
    advance(1);
    fetch.askNext(sources);
    expect(busy.asked).toBe(2);
    const other = new Source('other', true);
    fetch.refused(busy);
    fetch.askNext([...sources, other]);
    expect(other.asked).toBe(1);
  });

  it('moves on at once when the source asked leaves, and skips closed ones', () => {
    const { fetch } = fetcher();
    const first = new Source('first', true);
    const closed = new Source('closed', true);
    closed.state = 'closed';
    const second = new Source('second', true);
    fetch.askNext([first, closed, second]);
    first.state = 'closed';
    fetch.finished(first);
    fetch.askNext([first, closed, second]);
    expect(askedNames([first, closed, second])).toEqual(['first×1', 'second×1']);
    fetch.clear();
    expect(fetch.assemblerOf(second)).toBeUndefined();
  });

  it('guesses that a newcomer has it when nothing is being asked, without holding back a real holder', () => {
    const { fetch, advance } = fetcher();
    const first = new Source('first', false);
    const second = new Source('second', false);
    fetch.askNewcomer(first);
    fetch.askNewcomer(second);
    expect(askedNames([first, second])).toEqual(['first×1']);
    const holder = new Source('holder', true);
    fetch.askNext([first, second, holder]);
    expect(askedNames([first, second, holder])).toEqual(['first×1', 'holder×1']);
    fetch.refused(first);
    fetch.finished(holder);
    fetch.askNewcomer(first);
    expect(first.asked).toBe(1);
    advance(1_000);
    fetch.askNewcomer(first);
    expect(first.asked).toBe(2);
  });
});
