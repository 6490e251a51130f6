/**
 * The signature of an export's member data: HMAC-SHA256, with the server's secret export key
 * (guilds.export_key, never shown; keys.ts), over `[guildId, claims]` as JSON, the claims as the
 * export schema reads them (keys in the schema's order, absent optional keys left out). A file
 * whose signature checks out with the importing server's own key is that server's own export.
 * Pure (no database), so a worker can check it.
 */
import { createHmac } from 'node:crypto';
import type { LedgerExport } from './schema.js';

type ExportedClaim = LedgerExport['claims'][number];

/** Signs claims one by one (an export of any size, without holding its whole text). */
export function createSigner(key: string, guildId: string): { add(claim: ExportedClaim): void; digest(): string } {
  const hmac = createHmac('sha256', key);
  hmac.update(`[${JSON.stringify(guildId)},[`);
  let first = true;
  return {
    add(claim) {
      hmac.update(`${first ? '' : ','}${JSON.stringify(claim)}`);
      first = false;
    },
    digest() {
      hmac.update(']]');
      return hmac.digest('hex');
    },
  };
}

/** The signature of `claims` (as the export schema reads them) exported from `guildId`. */
export function signatureOf(key: string, guildId: string, claims: readonly ExportedClaim[]): string {
  const signer = createSigner(key, guildId);
  for (const claim of claims) signer.add(claim);
  return signer.digest();
}
