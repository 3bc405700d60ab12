import { fileURLToPath } from 'node:url';
import { parseIceServers, SignalingProtocolError } from '../src/swarm/signaling-protocol.ts';
import type { IceServer } from '../src/swarm/transport.ts';
import type { OriginPolicy } from './client-address.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import type { TurnRestConfig } from './turn-credentials.ts';
import { CodedError } from '../src/coded-error.ts';

export interface Config {
  port: number;
  host: string;
  /** The built site, or null for signaling only. */
  staticDir: string | null;
  iceServers: IceServer[];
  turn: TurnRestConfig | null;
  limits: Limits;
  allowedOrigins: OriginPolicy;
  trustProxy: boolean;
  redis: { url: string; livenessTtlMs: number } | null;
  logLevel: LogLevel;
}

export type ConfigErrorCode =
  | 'unknown-option'
  | 'missing-value'
  | 'bad-port'
  | 'bad-host'
  | 'bad-ice-servers'
  | 'bad-limit'
  | 'bad-origins'
  | 'bad-turn'
  | 'bad-redis'
  | 'bad-log-level';

export class ConfigError extends CodedError<ConfigErrorCode> {
  override name = 'ConfigError';
}

export const DEFAULT_PORT = 8080;
// All interfaces, so other machines on the LAN can open the site and signal.
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../dist', import.meta.url));
/** coturn's REST scheme suggests a day; clients get fresh credentials on every (re)connect. */
export const DEFAULT_TURN_TTL_S = 86_400;
export const DEFAULT_REDIS_LIVENESS_MS = 10_000;

const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const LIMIT_BY_FLAG = new Map(LIMIT_KEYS.map((key) => [kebab(key), key]));

/** Options that take a value; each also reads the environment variable named by upper-snake-casing it. */
const VALUE_OPTIONS = [
  'port',
  'host',
  'site',
  'ice-servers',
  'allowed-origins',
  'turn-secret',
  'turn-urls',
  'turn-ttl-s',
  'redis',
  'redis-liveness-ms',
  'log-level',
  ...LIMIT_BY_FLAG.keys(),
];
const FLAG_OPTIONS = ['no-site', 'trust-proxy'];
/** `REDIS_URL` is the name every Redis-using tool reads. */
const envName = (option: string) => (option === 'redis' ? 'REDIS_URL' : option.toUpperCase().replaceAll('-', '_'));

export const USAGE = `usage: tsx signaling/main.ts [options]   (flags win over environment variables)
  ${VALUE_OPTIONS.map((o) => `--${o} V (${envName(o)})`).join('\n  ')}
  --no-site             serve signaling only
  --trust-proxy (TRUST_PROXY=1)  key per-IP limits on X-Forwarded-For
See docs/self-hosting.md for defaults.`;

/** Command-line flags win over environment variables, which win over defaults. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const values = new Map<string, string>();
  for (const option of VALUE_OPTIONS) {
    const value = env[envName(option)];
    if (value !== undefined && value !== '') values.set(option, value);
  }
  const flags = new Set<string>();
  if (env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true') flags.add('trust-proxy');

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = (arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg).slice(2);
    if (!arg.startsWith('--')) throw new ConfigError('unknown-option', `unknown option ${arg}\n${USAGE}`);
    if (FLAG_OPTIONS.includes(name) && eq < 0) {
      flags.add(name);
    } else if (VALUE_OPTIONS.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new ConfigError('missing-value', `--${name} needs a value\n${USAGE}`);
      values.set(name, value);
    } else {
      throw new ConfigError('unknown-option', `unknown option ${arg}\n${USAGE}`);
    }
  }

  return {
    port: parsePort(values.get('port')),
    host: parseHost(values.get('host')),
    staticDir: flags.has('no-site') ? null : (values.get('site') ?? DEFAULT_STATIC_DIR),
    iceServers: parseIceServerJson(values.get('ice-servers')),
    turn: parseTurn(values.get('turn-secret'), values.get('turn-urls'), values.get('turn-ttl-s')),
    limits: parseLimits(values),
    allowedOrigins: parseOrigins(values.get('allowed-origins')),
    trustProxy: flags.has('trust-proxy'),
    redis: parseRedis(values.get('redis'), values.get('redis-liveness-ms')),
    logLevel: parseLogLevel(values.get('log-level')),
  };
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError('bad-port', `port must be 0..65535, got "${text}"`);
  return port;
}

function parseHost(text: string | undefined): string {
  if (text === undefined) return DEFAULT_HOST;
  if (!/^[A-Za-z0-9.:%_-]{1,255}$/.test(text)) throw new ConfigError('bad-host', `not a host name or address: "${text}"`);
  return text;
}

function parseIceServerJson(text: string | undefined): IceServer[] {
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('bad-ice-servers', `ICE servers are not JSON: ${(error as Error).message}`);
  }
  const servers = parseIceServers(value);
  if (servers instanceof SignalingProtocolError) throw new ConfigError('bad-ice-servers', `bad ICE servers: ${servers.message}`);
  return servers;
}

function positiveNumber(text: string, what: string, code: ConfigErrorCode): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(value > 0 && Number.isFinite(value))) throw new ConfigError(code, `${what} must be a positive number, got "${text}"`);
  return value;
}

function parseLimits(values: Map<string, string>): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const [flag, key] of LIMIT_BY_FLAG) {
    const text = values.get(flag);
    if (text !== undefined) limits[key] = positiveNumber(text, `--${flag}`, 'bad-limit');
  }
  return limits;
}

function parseOrigins(text: string | undefined): OriginPolicy {
  if (text === undefined || text === '*') return '*';
  const origins = text.split(',').map((o) => o.trim());
  for (const origin of origins) {
    // An origin is scheme://host[:port], exactly as browsers send it: no path, no trailing slash.
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
      throw new ConfigError('bad-origins', `not an origin (scheme://host[:port]): "${origin}"`);
    }
  }
  return origins;
}

function parseTurn(secret: string | undefined, urls: string | undefined, ttl: string | undefined): TurnRestConfig | null {
  if (secret === undefined && urls === undefined) return null;
  if (secret === undefined || urls === undefined) {
    throw new ConfigError('bad-turn', 'TURN REST credentials need both --turn-secret and --turn-urls');
  }
  const list = urls.split(',').map((u) => u.trim());
  if (!list.every((u) => /^turns?:[^\s]{1,1000}$/.test(u))) {
    throw new ConfigError('bad-turn', `--turn-urls must be turn: or turns: URLs, got "${urls}"`);
  }
  const ttlSeconds = ttl === undefined ? DEFAULT_TURN_TTL_S : positiveNumber(ttl, '--turn-ttl-s', 'bad-turn');
  return { secret, urls: list, ttlSeconds: Math.round(ttlSeconds) };
}

function parseRedis(url: string | undefined, liveness: string | undefined): Config['redis'] {
  if (url === undefined) return null;
  if (!/^rediss?:\/\/\S+$/.test(url)) throw new ConfigError('bad-redis', 'the Redis URL must start with redis:// or rediss://');
  const livenessTtlMs = liveness === undefined ? DEFAULT_REDIS_LIVENESS_MS : positiveNumber(liveness, '--redis-liveness-ms', 'bad-redis');
  return { url, livenessTtlMs };
}

function parseLogLevel(text: string | undefined): LogLevel {
  if (text === undefined) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(text)) {
    throw new ConfigError('bad-log-level', `log level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return text as LogLevel;
}
