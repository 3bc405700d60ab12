import { fileURLToPath } from 'node:url';
import { parseIceServers, SignalingProtocolError } from '../src/swarm/signaling-protocol.ts';
import type { IceServer } from '../src/swarm/transport.ts';

export interface Config {
  port: number;
  host: string;
  /** The built site, or null for signaling only. */
  staticDir: string | null;
  iceServers: IceServer[];
}

export type ConfigErrorCode = 'unknown-option' | 'missing-value' | 'bad-port' | 'bad-host' | 'bad-ice-servers';

export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const USAGE = `usage: tsx signaling/main.ts [--port N] [--host ADDR] [--site DIR | --no-site] [--ice-servers JSON]
  env: PORT, HOST, ICE_SERVERS (JSON), e.g. ICE_SERVERS='[{"urls":"stun:stun.example.org:3478"}]'`;

export const DEFAULT_PORT = 8080;
// All interfaces, so other machines on the LAN can open the site and signal.
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../dist', import.meta.url));

/** Command-line flags win over environment variables, which win over defaults. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  let port: string | undefined = env.PORT;
  let host: string | undefined = env.HOST;
  let iceServers: string | undefined = env.ICE_SERVERS;
  let staticDir: string | null = DEFAULT_STATIC_DIR;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0 && arg.startsWith('--')) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new ConfigError('missing-value', `${name} needs a value\n${USAGE}`);
      return next;
    };
    switch (name) {
      case '--port':
        port = value();
        break;
      case '--host':
        host = value();
        break;
      case '--ice-servers':
        iceServers = value();
        break;
      case '--site':
        staticDir = value();
        break;
      case '--no-site':
        staticDir = null;
        break;
      default:
        throw new ConfigError('unknown-option', `unknown option ${arg}\n${USAGE}`);
    }
  }

  return {
    port: parsePort(port),
    host: parseHost(host),
    staticDir,
    iceServers: parseIceServerJson(iceServers),
  };
}

function parsePort(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError('bad-port', `port must be 0..65535, got "${text}"`);
  return port;
}

function parseHost(text: string | undefined): string {
  if (text === undefined || text === '') return DEFAULT_HOST;
  if (!/^[A-Za-z0-9.:%_-]{1,255}$/.test(text)) throw new ConfigError('bad-host', `not a host name or address: "${text}"`);
  return text;
}

function parseIceServerJson(text: string | undefined): IceServer[] {
  if (text === undefined || text === '') return [];
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
