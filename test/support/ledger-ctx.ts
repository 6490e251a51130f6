/**
 * The ledger context tests hand to ledger functions, written once: a database, a server, who acts
 * and an injected clock. A file binds its own database and clock once:
 *
 *   const clock = { now: new Date('2026-01-01T00:00:00Z') };
 *   const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);
 *   await addClaim(ctxFor(guildId, ALICE), …);   // clock.now read at each now()
 *   await findClaim(ctxFor(guildId), 3);          // a LedgerCtx is a GuildScope: reads take it too
 *
 * `db` is a function because test databases are opened in beforeAll, after the file's top level runs.
 */
import { expect } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { LedgerError } from '../../src/ledger/errors.js';
import type { LedgerCtx } from '../../src/ledger/context.js';

export type Actor = LedgerCtx['actor'];
/** A fixed instant, a mutable `{ now }` the test moves on, or a function. */
export type TestClock = Date | { now: Date } | (() => Date);

export const clockFn = (clock: TestClock): (() => Date) =>
  typeof clock === 'function' ? clock : clock instanceof Date ? () => clock : () => clock.now;

/** `ctxFor(guildId, actor = defaultActor, clock = the file's clock)`. */
export function ledgerCtxFor(db: () => Db, clock: TestClock, defaultActor: Actor) {
  return (guildId: string, actor: Actor = defaultActor, at: TestClock = clock): LedgerCtx => ({ db: db(), guildId, actor, now: clockFn(at) });
}

/** Expects `promise` to reject with a LedgerError of `code` (and a message matching `pattern`). */
export async function expectLedgerError(promise: Promise<unknown>, code: LedgerError['code'], pattern?: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected a LedgerError').toBeInstanceOf(LedgerError);
  expect((error as LedgerError).code).toBe(code);
  if (pattern) expect((error as LedgerError).message).toMatch(pattern);
}
