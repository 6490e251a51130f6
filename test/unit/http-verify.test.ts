import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { checkSignatureHeaders, publicKeyFromHex, verifySignature } from '../../src/http/verify.js';

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

describe('the signature headers, before the body', () => {
  const now = 1_700_000_000_000;
  const maxAge = 300_000;
  it('accepts a 128-hex-digit signature and a fresh timestamp in whole seconds', () => {
    expect(checkSignatureHeaders(sig, '1700000000', now, maxAge)).toBe('ok');
    expect(checkSignatureHeaders(sig.toUpperCase(), '1700000299', now, maxAge)).toBe('ok');
  });

  it('refuses missing, malformed or stale headers', () => {
    expect(checkSignatureHeaders(undefined, '1700000000', now, maxAge)).toBe('malformed');
    expect(checkSignatureHeaders(sig, undefined, now, maxAge)).toBe('malformed');
    expect(checkSignatureHeaders(sig.slice(2), '1700000000', now, maxAge)).toBe('malformed');
    expect(checkSignatureHeaders(`${sig}00`, '1700000000', now, maxAge)).toBe('malformed');
    expect(checkSignatureHeaders('zz'.repeat(64), '1700000000', now, maxAge)).toBe('malformed');
    for (const ts of ['', '1.7e9', '-1', '0x10', ' 1700000000', '1700000000.5', '9'.repeat(13)]) expect({ ts, r: checkSignatureHeaders(sig, ts, now, maxAge) }).toEqual({ ts, r: 'malformed' });
    expect(checkSignatureHeaders(sig, '1699999699', now, maxAge)).toBe('stale');
    expect(checkSignatureHeaders(sig, '1700000301', now, maxAge)).toBe('stale');
  });
});
