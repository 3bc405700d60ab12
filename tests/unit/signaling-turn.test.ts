import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnRestCredentials } from '../../signaling/turn-credentials.ts';

const config = { secret: 'north', urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'], ttlSeconds: 3600 };

describe('TURN REST credentials (coturn use-auth-secret)', () => {
  it('names the expiry in unix seconds, then the user, separated by a colon', () => {
    const server = turnRestCredentials(config, 'shoal7', 1_700_000_000_999);
    expect(server.username).toBe('1700003600:shoal7');
    expect(server.urls).toEqual(config.urls);
  });

  it('signs the username with base64 HMAC-SHA1 of the shared secret', () => {
    const { username, credential } = turnRestCredentials(config, 'shoal7', 1_700_000_000_000);
    // A known answer, computed independently: printf '1700003600:shoal7' | openssl dgst -sha1 -hmac north -binary | base64
    expect(credential).toBe(createHmac('sha1', 'north').update('1700003600:shoal7').digest('base64'));
    expect(credential).toBe('IvJiD+lVQORarJ1PQWeycFzwXeo=');
    expect(username).toBe('1700003600:shoal7');
  });

  it('expires ttlSeconds after issue, and changes with the secret', () => {
    const early = turnRestCredentials({ ...config, ttlSeconds: 60 }, 'u', 0);
    expect(early.username).toBe('60:u');
    const other = turnRestCredentials({ ...config, secret: 'south', ttlSeconds: 60 }, 'u', 0);
    expect(other.credential).not.toBe(early.credential);
  });
});
