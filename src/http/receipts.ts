/** Interaction ids already taken, shared by every replica through the database. */
import { lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { interactionReceipts } from '../db/schema.js';

/** Records the id; false when some replica already took it (a replay). */
export async function takeInteraction(db: Db, id: string, now: Date): Promise<boolean> {
  const rows = await db.insert(interactionReceipts).values({ id, receivedAt: now }).onConflictDoNothing().returning({ id: interactionReceipts.id });
  return rows.length === 1;
}

export async function pruneReceipts(db: Db, olderThan: Date): Promise<number> {
  const rows = await db.delete(interactionReceipts).where(lt(interactionReceipts.receivedAt, olderThan)).returning({ id: interactionReceipts.id });
  return rows.length;
}
