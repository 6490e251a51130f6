import type { Db } from '../db/client.js';
import { forbidden } from './errors.js';
import type { MessageKey } from '../i18n/index.js';

/** Who is acting: a member's id, and whether they hold Manage Server in this server. */
export interface Actor {
  id: string;
  isManager: boolean;
  /** Their name as the server shows it, when known: kept with what they do, for exports (CSV names). */
  name?: string;
}

/** The system itself (rules applied by the scheduler) acts as this actor id in the audit trail. */
export const SYSTEM_ACTOR: Actor = { id: 'system', isManager: true };

/**
 * Everything a ledger operation needs: the database (or a transaction), the server, the member
 * and the clock. The clock is always passed in (the app's `AppCtx.now`, a test's fixed time):
 * nothing in the ledger reads the wall clock on its own.
 */
export interface LedgerCtx {
  db: Db;
  guildId: string;
  actor: Actor;
  now: () => Date;
}

/** The time of a ledger operation: its context's clock (required; there is no fallback). */
export const nowOf = (ctx: { now: () => Date }): Date => ctx.now();

/** The one manager check: managers hold Manage Server (as the interaction reports it). `what` (a catalog key) ends "Only managers … can ___." */
export function assertManager(ctx: { actor: Actor }, what: MessageKey): void {
  if (!ctx.actor.isManager) throw forbidden('ledgerErrors.managersOnly', { what: { key: what } });
}
