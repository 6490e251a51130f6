/**
 * Closes voting windows on time: every minute, claims whose window has ended get the rule
 * applied (resolved, postponed or flagged) without anyone typing a command. Safe to run in
 * several processes at once (rows are claimed with SKIP LOCKED).
 */
import cron from 'node-cron';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { closeExpiredWindows, type AppliedDecision } from '../ledger/voting.js';
import { pruneExpiredDrafts } from '../ledger/drafts.js';

export async function sweepOnce(db: Db, now: Date, log: Logger, batch = 200, guildId?: string): Promise<AppliedDecision[]> {
  const all: AppliedDecision[] = [];
  for (let round = 0; round < 50; round++) {
    const decided = await closeExpiredWindows(db, now, batch, guildId);
    all.push(...decided);
    if (decided.length < batch) break;
  }
  for (const d of all) {
    log.info({ guildId: d.claim.guildId, claim: d.claim.number, decision: d.kind, ...('outcome' in d ? { outcome: d.outcome } : {}), ...('reason' in d ? { reason: d.reason } : {}) }, 'voting window closed');
    // Its dependents followed in the same transaction (src/ledger/condition-chain.ts).
    for (const f of d.followed ?? []) log.info({ guildId: f.guildId, claim: f.number, condition: d.claim.number, status: f.status, outcome: f.outcome }, 'dependent followed its condition');
  }
  return all;
}

export interface Closer {
  stop(): Promise<void>;
}

/** Every minute; `guildId` limits it to one server (the console on a shared database). */
export function startCloser(db: Db, log: Logger, now: () => Date = () => new Date(), guildId?: string): Closer {
  const task = cron.schedule(
    '* * * * *',
    async () => {
      try {
        await sweepOnce(db, now(), log, 200, guildId);
      } catch (error) {
        log.error({ err: error }, 'closing voting windows failed; will retry next minute');
      }
      try {
        const pruned = await pruneExpiredDrafts(db, now());
        if (pruned) log.info({ pruned }, 'expired review drafts deleted');
      } catch (error) {
        log.warn({ err: error }, 'deleting expired review drafts failed; will retry next minute');
      }
    },
    { name: 'close-voting-windows', noOverlap: true },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy();
    },
  };
}
