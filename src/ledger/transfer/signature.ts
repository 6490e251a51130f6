/**
 * The signature of an export's member data: HMAC-SHA256 with the server's secret export key
 * (guilds.export_key, never shown), so that a server can tell its own export (a restore) from
 * another server's file.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { guilds } from '../../db/schema.js';
import { exportSchema, type LedgerExport } from './schema.js';

/** This server's secret export key, created on first use (one upsert; concurrent callers get the same key). */
export async function exportKeyOf(db: Db, guildId: string): Promise<string> {
  const [row] = await db
    .insert(guilds)
    .values({ guildId, exportKey: randomBytes(32).toString('hex') })
    .onConflictDoUpdate({ target: guilds.guildId, set: { exportKey: sql`coalesce(${guilds.exportKey}, excluded.export_key)` } })
    .returning({ key: guilds.exportKey });
  return row!.key!;
}

/** The signature of an export's member data: over the guild id and the claims as the schema reads them. */
export function signatureOf(key: string, data: Pick<LedgerExport, 'guildId' | 'claims'>): string {
  const canonical = JSON.stringify([data.guildId, exportSchema.shape.claims.parse(data.claims)]);
  return createHmac('sha256', key).update(canonical).digest('hex');
}

/** The file is this server's own signed export (a restore): its member data may count as members' own. */
export async function isOwnExport(db: Db, guildId: string, data: LedgerExport): Promise<boolean> {
  if (data.guildId !== guildId || !data.signature) return false;
  const [row] = await db.select({ key: guilds.exportKey }).from(guilds).where(eq(guilds.guildId, guildId));
  if (!row?.key) return false;
  const expected = Buffer.from(signatureOf(row.key, data), 'utf8');
  const given = Buffer.from(data.signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
