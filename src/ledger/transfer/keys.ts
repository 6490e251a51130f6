/** The server's secret export key (guilds.export_key), which signs its exports (signature.ts). */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { guilds } from '../../db/schema.js';
import type { GuildScope } from '../context.js';

/** This server's secret export key, created on first use (one upsert; concurrent callers get the same key). */
export async function exportKeyOf(ctx: GuildScope): Promise<string> {
  const { db, guildId } = ctx;
  const [row] = await db
    .insert(guilds)
    .values({ guildId, exportKey: randomBytes(32).toString('hex') })
    .onConflictDoUpdate({ target: guilds.guildId, set: { exportKey: sql`coalesce(${guilds.exportKey}, excluded.export_key)` } })
    .returning({ key: guilds.exportKey });
  return row!.key!;
}

/** This server's export key if it has one (it has exported with member data before), else null. */
export async function existingExportKey(ctx: GuildScope): Promise<string | null> {
  const { db, guildId } = ctx;
  const [row] = await db.select({ key: guilds.exportKey }).from(guilds).where(eq(guilds.guildId, guildId));
  return row?.key ?? null;
}
