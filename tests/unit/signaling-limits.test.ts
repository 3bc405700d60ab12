import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ConfigErrorCode } from '../../signaling/config.ts';
import { DEFAULT_LIMITS, TokenBucket } from '../../signaling/limits.ts';

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate', () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
  });

  it('never holds more than the burst, and ignores a clock that goes back', () => {
    const bucket = new TokenBucket(1000, 2, 0);
    expect(bucket.isFull(60_000)).toBe(true);
    bucket.take(60_000);
    expect(bucket.isFull(60_000)).toBe(false);
    expect(bucket.take(1_000)).toBe(true);
    expect(bucket.take(1_000)).toBe(false);
  });
});

describe('parseConfig: limits, origins, proxy, TURN, Redis, logs', () => {
  it('reads every limit from a flag or its environment variable', () => {
    const config = parseConfig(['--max-sockets-per-ip', '5', '--socket-messages-per-second=0.5'], { MAX_MESSAGE_BYTES: '4096' });
    expect(config.limits).toEqual({ ...DEFAULT_LIMITS, maxSocketsPerIp: 5, socketMessagesPerSecond: 0.5, maxMessageBytes: 4096 });
  });

  it('reads origins, trust-proxy, TURN, Redis and the log level', () => {
    const config = parseConfig(['--trust-proxy', '--allowed-origins', 'https://a.example,http://localhost:8080'], {
      TURN_SECRET: 's3cret',
      TURN_URLS: 'turn:t.example:3478,turns:t.example:5349',
      TURN_TTL_S: '600',
      REDIS_URL: 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      trustProxy: true,
      allowedOrigins: ['https://a.example', 'http://localhost:8080'],
      turn: { secret: 's3cret', urls: ['turn:t.example:3478', 'turns:t.example:5349'], ttlSeconds: 600 },
      redis: { url: 'redis://127.0.0.1:6379', livenessTtlMs: 10_000 },
      logLevel: 'warn',
    });
    expect(parseConfig([], { TRUST_PROXY: '1' }).trustProxy).toBe(true);
  });

  it.each([
    [['--max-rooms-per-socket', '0'], {}, 'bad-limit'],
    [['--idle-timeout-ms', '-5'], {}, 'bad-limit'],
    [[], { MAX_SOCKETS_PER_IP: 'lots' }, 'bad-limit'],
    [['--allowed-origins', 'https://a.example/'], {}, 'bad-origins'],
    [['--allowed-origins', 'a.example'], {}, 'bad-origins'],
    [['--turn-secret', 'x'], {}, 'bad-turn'],
    [['--turn-urls', 'turn:x'], {}, 'bad-turn'],
    [['--turn-secret', 'x', '--turn-urls', 'stun:x'], {}, 'bad-turn'],
    [['--redis', 'http://x'], {}, 'bad-redis'],
    [['--log-level', 'loud'], {}, 'bad-log-level'],
    [['--trust-proxy=yes'], {}, 'unknown-option'],
    [['stray'], {}, 'unknown-option'],
  ] as const)('refuses %j %j with %s', (argv, env, code) => {
    let caught: unknown;
    try {
      parseConfig([...argv], env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe(code satisfies ConfigErrorCode);
  });
});
