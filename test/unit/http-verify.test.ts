import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { publicKeyFromHex, verifySignature } from '../../src/http/verify.js';

const pair = generateKeyPairSync('ed25519');
const hex = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
const key = publicKeyFromHex(hex);
const body = Buffer.from('{"type":1,"id":"1"}');
const ts = '1700000000';
const sig = sign(null, Buffer.concat([Buffer.from(ts), body]), pair.privateKey).toString('hex');

describe('Discord request signatures', () => {
  it('accepts the signature of timestamp + body by the application key', () => {
    expect(verifySignature(key, sig, ts, body)).toBe(true);
    expect(verifySignature(key, sig.toUpperCase(), ts, body)).toBe(true);
  });

  it('refuses another key, another body, another timestamp, missing or malformed headers', () => {
    const other = sign(null, Buffer.concat([Buffer.from(ts), body]), generateKeyPairSync('ed25519').privateKey).toString('hex');
    expect(verifySignature(key, other, ts, body)).toBe(false);
    expect(verifySignature(key, sig, ts, Buffer.from('{"type":1,"id":"2"}'))).toBe(false);
    expect(verifySignature(key, sig, '1700000001', body)).toBe(false);
    expect(verifySignature(key, undefined, ts, body)).toBe(false);
    expect(verifySignature(key, sig, undefined, body)).toBe(false);
    expect(verifySignature(key, 'zz'.repeat(64), ts, body)).toBe(false);
    expect(verifySignature(key, sig.slice(0, 126), ts, body)).toBe(false);
  });

  it('refuses a public key that is not 32 bytes of hex', () => {
    expect(() => publicKeyFromHex('ab'.repeat(31))).toThrow();
    expect(() => publicKeyFromHex('zz'.repeat(32))).toThrow();
  });
});
