import { createHmac } from 'node:crypto';
import type { IceServer } from '../src/swarm/transport.ts';

/**
 * coturn's "TURN REST API" scheme (`use-auth-secret` + `static-auth-secret`):
 * username = "<expiry unix seconds>:<user>", credential = base64(HMAC-SHA1(secret, username)).
 * coturn recomputes the HMAC and refuses the username once its expiry passes,
 * so handing these out per client leaks no long-lived password.
 */
export interface TurnRestConfig {
  secret: string;
  urls: string[];
  ttlSeconds: number;
}

export function turnRestCredentials(config: TurnRestConfig, user: string, nowMs: number): IceServer {
  const expiry = Math.floor(nowMs / 1000) + config.ttlSeconds;
  const username = `${expiry}:${user}`;
  const credential = createHmac('sha1', config.secret).update(username).digest('base64');
  return { urls: [...config.urls], username, credential };
}
