import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/chunks/piece-store.ts';
import { WrongPasswordError } from '../../src/chunks/password-wrap.ts';
import { CodedError } from '../../src/coded-error.ts';
import { SignalingProtocolError } from '../../src/swarm/signaling-protocol.ts';

describe('CodedError', () => {
  it('carries its code, message, cause and own name', () => {
    const cause = new DOMException('full', 'QuotaExceededError');
    const error = new StorageError('quota-exceeded', 'write piece 3: full', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toMatchObject({ name: 'StorageError', code: 'quota-exceeded', message: 'write piece 3: full', cause });
    expect(String(error)).toBe('StorageError: write piece 3: full');
  });

  it('keeps what a subclass adds, and a fixed code', () => {
    expect(new SignalingProtocolError('bad-message', 'no type', 'join')).toMatchObject({
      name: 'SignalingProtocolError',
      code: 'bad-message',
      ref: 'join',
    });
    expect(new WrongPasswordError()).toMatchObject({ name: 'WrongPasswordError', code: 'wrong-password' });
  });
});
