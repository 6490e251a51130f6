/**
 * Discord's request signature: Ed25519 over `X-Signature-Timestamp + raw body`, checked with
 * node:crypto before anything of the body is parsed.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyFromHex(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32 || raw.toString('hex') !== hex.toLowerCase()) throw new Error('the public key must be 64 hex digits');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

const HEX = /^[0-9a-fA-F]+$/;
const SIGNATURE = /^[0-9a-fA-F]{128}$/;
const TIMESTAMP = /^\d{1,12}$/;

/**
 * The signature headers, checked before any of the body is read: both present, the signature
 * 128 hex digits (64 bytes), the timestamp whole seconds within `maxAgeMs` of `nowMs` (either
 * way). 'ok', or why not.
 */
export function checkSignatureHeaders(signatureHex: string | undefined, timestamp: string | undefined, nowMs: number, maxAgeMs: number): 'ok' | 'malformed' | 'stale' {
  if (!signatureHex || !timestamp || !SIGNATURE.test(signatureHex) || !TIMESTAMP.test(timestamp)) return 'malformed';
  return Math.abs(nowMs - Number(timestamp) * 1000) > maxAgeMs ? 'stale' : 'ok';
}

/** True when `signatureHex` is a valid signature of `timestamp + body` by `key`. Never throws. */
export function verifySignature(key: KeyObject, signatureHex: string | undefined, timestamp: string | undefined, body: Buffer): boolean {
  if (!signatureHex || !timestamp || signatureHex.length !== 128 || !HEX.test(signatureHex)) return false;
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
