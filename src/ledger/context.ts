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
 * The server a call is confined to, and the handle it works on: the database or an open
 * transaction. Every ledger function takes one first, as `ctx` (a read needs no more); what it
 * reads or writes is that server's, and a row handed in with it must be that server's too.
 */
export interface GuildScope {
  readonly db: Db;
  readonly guildId: string;
}

/**
 * Everything a ledger operation needs: the scope (database or transaction, and server), the
 * member and the clock. The clock is always passed in (the app's `AppCtx.now`, a test's fixed
 * time): nothing in the ledger reads the wall clock on its own.
 */
export interface LedgerCtx extends GuildScope {
  readonly actor: Actor;
  readonly now: () => Date;
}

/** The same scope (and member and clock) on an open transaction: inside `db.transaction(async (tx) => …)`. */
export const inTx = <S extends GuildScope>(scope: S, tx: Db): S => ({ ...scope, db: tx });

/** One server's scope on a handle, for code that holds a server id of its own (a job sweeping servers, a test). */
export const guildScope = (db: Db, guildId: string): GuildScope => ({ db, guildId });

/** A row handed to a scoped function must be of its server: anything else is a bug, refused before it writes. */
export function assertSameServer(ctx: GuildScope, row: { guildId: string }): void {
  if (row.guildId !== ctx.guildId) throw new Error(`A row of server ${row.guildId} was handed to a call scoped to server ${ctx.guildId}.`);
}

/** The time of a ledger operation: its context's clock (required; there is no fallback). */
export const nowOf = (ctx: { now: () => Date }): Date => ctx.now();

/** The one manager check: managers hold Manage Server (as the interaction reports it). `what` (a catalog key) ends "Only managers … can ___." */
export function assertManager(ctx: { actor: Actor }, what: MessageKey): void {
  if (!ctx.actor.isManager) throw forbidden('ledgerErrors.managersOnly', { what: { key: what } });
}
