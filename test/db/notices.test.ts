/**
 * Opt-in direct messages in the database (both engines): the member setting (one upsert, per
 * server), the outbox rows a resolution or reopening writes in its own transaction (by /resolve,
 * by the closer's rule, void by a condition; only members who opted in and forecast or voted,
 * never the one who made the change, never another server's), and the sender: each row sent
 * once, a refusal (50007) recorded and never tried again (nor the member's later events until
 * they turn DMs on again), a row left by a process that died taken once more with the same nonce.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { directMessages, memberSettings } from '../../src/db/schema.js';
import { addClaim, castVote, reopenClaim, resolveClaim, setForecast } from '../../src/ledger/index.js';
import { getMemberSettings, setNotify } from '../../src/ledger/notices.js';
import { sendDirectMessages } from '../../src/jobs/direct-messages.js';
import { sweepOnce } from '../../src/jobs/closer.js';
import { PostError } from '../../src/kit/poster.js';
import type { Reply } from '../../src/kit/reply.js';
import { RecordingPoster } from '../support/recording-poster.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { ledgerCtxFor } from '../support/ledger-ctx.js';

let database: TestDatabase;
const log = pino({ level: 'silent' });
const clock = { now: new Date('2026-01-01T00:00:00Z') };
const MANAGER = { id: '910000000000000001', isManager: true };
const ALICE = { id: '910000000000000002', isManager: false };
const BOB = { id: '910000000000000003', isManager: false };
const CAROL = { id: '910000000000000004', isManager: false };
const DAVE = { id: '910000000000000005', isManager: false };
const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);

beforeAll(async () => {
  database = await makeTestDb();
}, 180_000);
afterAll(async () => {
  await database?.close();
});

/** A poster that records direct messages and refuses the users in `refusing` like Discord (403, 50007). */
class DmPoster extends RecordingPoster {
  dms: { userId: string; reply: Reply; nonce: string }[] = [];
  refusing = new Set<string>();
  private dmNonces = new Map<string, string>();
  async directMessage(userId: string, reply: Reply, { nonce }: { nonce: string }) {
    if (this.refusing.has(userId)) throw new PostError('rejected', 'Cannot send messages to this user', 403, 50007);
    const earlier = this.dmNonces.get(nonce);
    if (earlier) return { id: earlier };
    this.dms.push({ userId, reply, nonce });
    const id = `dm-${this.dms.length}`;
    this.dmNonces.set(nonce, id);
    return { id };
  }
}

const outbox = (g: string) =>
  database.db
    .select({ userId: directMessages.userId, event: directMessages.event, outcome: directMessages.outcome, claimId: directMessages.claimId })
    .from(directMessages)
    .where(eq(directMessages.guildId, g))
    .orderBy(asc(directMessages.id));

/** A claim forecast by alice, bob, carol and the manager, then due with a vote by dave. */
async function participated(g: string) {
  clock.now = new Date('2026-01-01T00:00:00Z');
  const c = await addClaim(ctxFor(g, ALICE), { claim: 'Talks resume', checkBy: '2026-01-10' });
  for (const [who, p] of [[ALICE, 70], [BOB, 40], [CAROL, 55], [MANAGER, 60]] as const) await setForecast(ctxFor(g, who), c.number, p);
  clock.now = new Date('2026-01-12T00:00:00Z');
  await castVote(ctxFor(g, DAVE), { claim: c.number, verdict: 'came_true' });
  for (const who of [ALICE, CAROL, DAVE, MANAGER]) await setNotify(ctxFor(g), who.id, true, clock.now);
  return c;
}

describe('the member setting', () => {
  it('is off until set, one row per member and server, upserted; turning it on clears a noted refusal', async () => {
    const g = newGuildId();
    const other = newGuildId();
    expect(await getMemberSettings(ctxFor(g), ALICE.id)).toEqual({ notify: false, dmRefusedAt: null });
    expect(await setNotify(ctxFor(g), ALICE.id, true, clock.now)).toMatchObject({ notify: true });
    expect(await setNotify(ctxFor(g), ALICE.id, false, clock.now)).toMatchObject({ notify: false });
    await setNotify(ctxFor(g), ALICE.id, true, clock.now);
    const [rows] = await database.db.select({ n: count() }).from(memberSettings).where(eq(memberSettings.guildId, g));
    expect(rows!.n).toBe(1);
    // Per server: another server's setting is its own.
    expect(await getMemberSettings(ctxFor(other), ALICE.id)).toEqual({ notify: false, dmRefusedAt: null });
    await database.db.update(memberSettings).set({ dmRefusedAt: clock.now }).where(and(eq(memberSettings.guildId, g), eq(memberSettings.userId, ALICE.id)));
    expect((await getMemberSettings(ctxFor(g), ALICE.id)).dmRefusedAt).toEqual(clock.now);
    // Turning it off keeps the note; on again clears it.
    expect((await setNotify(ctxFor(g), ALICE.id, false, clock.now)).dmRefusedAt).toEqual(clock.now);
    expect((await setNotify(ctxFor(g), ALICE.id, true, clock.now)).dmRefusedAt).toBeNull();
  });
});

describe('the outbox', () => {
  it('gets one row per opted-in participant when a manager resolves, none for the manager, a member who did not opt in, or another server', async () => {
    const g = newGuildId();
    const c = await participated(g);
    // Alice opted in in another server too, with a claim of her own there: it is told nothing of this one.
    const other = newGuildId();
    await setNotify(ctxFor(other), ALICE.id, true, clock.now);
    await resolveClaim(ctxFor(g), c.number, 'came_true');
    expect(await outbox(g)).toEqual(
      [ALICE, CAROL, DAVE].map((u) => ({ userId: u.id, event: 'resolved', outcome: 'came_true', claimId: c.id })),
    );
    expect(await outbox(other)).toEqual([]);
    // An override is a new event; reopening another.
    await resolveClaim(ctxFor(g), c.number, 'did_not');
    await reopenClaim(ctxFor(g), c.number);
    const events = (await outbox(g)).map((r) => `${r.event}:${r.outcome}`);
    expect(events).toEqual([...Array(3).fill('resolved:came_true'), ...Array(3).fill('resolved:did_not'), ...Array(3).fill('reopened:did_not')]);
  });

  it('gets rows when the closer resolves by the rule, and when a condition makes its dependent void', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-01-01T00:00:00Z');
    const event = await addClaim(ctxFor(g, ALICE), { claim: 'The ceasefire holds', checkBy: '2026-01-10' });
    const dependent = await addClaim(ctxFor(g, ALICE), { claim: 'Trade resumes', checkBy: '2026-02-10', speaker: 'an official', condition: `#${event.number}` });
    await setForecast(ctxFor(g, BOB), dependent.number, 30);
    await setNotify(ctxFor(g), BOB.id, true, clock.now);
    await setNotify(ctxFor(g), CAROL.id, true, clock.now);
    clock.now = new Date('2026-01-12T00:00:00Z');
    for (const who of [CAROL, DAVE, MANAGER]) await castVote(ctxFor(g, who), { claim: event.number, verdict: 'did_not' });
    await sweepOnce(database.db, new Date('2026-01-30T00:00:00Z'), log, 200, g);
    const rows = await outbox(g);
    expect(rows).toEqual([
      { userId: CAROL.id, event: 'resolved', outcome: 'did_not', claimId: event.id },
      { userId: BOB.id, event: 'resolved', outcome: 'void', claimId: dependent.id },
    ]);
  });
});

describe('the sender', () => {
  it('sends each row once; a refusal is recorded, never tried again, and stops that member’s DMs until they turn them on', async () => {
    const g = newGuildId();
    const c = await participated(g);
    await resolveClaim(ctxFor(g), c.number, 'came_true');
    const poster = new DmPoster();
    poster.refusing.add(CAROL.id);
    expect(await sendDirectMessages(database.db, poster, clock.now, log, { guildId: g })).toEqual({ sent: 2, failed: 1, abandoned: 0 });
    expect(poster.dms.map((d) => d.userId)).toEqual([ALICE.id, DAVE.id]);
    expect(poster.dms[0]!.reply.content).toContain(`**Claim #${c.number} resolved: Came true**`);
    const rows = await database.db.select().from(directMessages).where(eq(directMessages.guildId, g)).orderBy(asc(directMessages.id));
    expect(rows.map((r) => [r.userId, r.sentAt !== null, r.failedAt !== null, r.attempts])).toEqual([
      [ALICE.id, true, false, 1],
      [CAROL.id, false, true, 1],
      [DAVE.id, true, false, 1],
    ]);
    expect(rows[1]!.error).toMatch(/403 50007/);
    expect((await getMemberSettings(ctxFor(g), CAROL.id)).dmRefusedAt).not.toBeNull();
    // Later passes take nothing: the refusal is not tried again.
    poster.refusing.clear();
    expect(await sendDirectMessages(database.db, poster, new Date(clock.now.getTime() + 120_000), log, { guildId: g })).toEqual({ sent: 0, failed: 0, abandoned: 0 });
    // Her later events are not queued at all until she turns DMs on again.
    await reopenClaim(ctxFor(g), c.number);
    expect((await outbox(g)).filter((r) => r.event === 'reopened').map((r) => r.userId)).toEqual([ALICE.id, DAVE.id]);
    await setNotify(ctxFor(g), CAROL.id, true, clock.now);
    await resolveClaim(ctxFor(g), c.number, 'partly');
    expect((await outbox(g)).filter((r) => r.outcome === 'partly').map((r) => r.userId)).toEqual([ALICE.id, CAROL.id, DAVE.id]);
  });

  it('takes a row left by a process that died once more, with the same nonce, and then gives it up', async () => {
    const g = newGuildId();
    const c = await participated(g);
    await setNotify(ctxFor(g), CAROL.id, false, clock.now);
    await setNotify(ctxFor(g), DAVE.id, false, clock.now);
    await resolveClaim(ctxFor(g), c.number, 'came_true');
    const [row] = await database.db.select().from(directMessages).where(eq(directMessages.guildId, g));
    // A process stamped it and died before recording an answer.
    const t0 = clock.now;
    await database.db.update(directMessages).set({ takenAt: t0, attempts: 1 }).where(eq(directMessages.id, row!.id));
    const poster = new DmPoster();
    // Within the lease: not taken.
    expect(await sendDirectMessages(database.db, poster, new Date(t0.getTime() + 30_000), log, { guildId: g })).toEqual({ sent: 0, failed: 0, abandoned: 0 });
    // After it: sent with the row's nonce (Discord would return the first message if that send had reached it).
    expect(await sendDirectMessages(database.db, poster, new Date(t0.getTime() + 61_000), log, { guildId: g })).toEqual({ sent: 1, failed: 0, abandoned: 0 });
    expect(poster.dms.map((d) => d.nonce)).toEqual([`dm${row!.id}`]);
    // Stamped twice and unanswered: given up, not tried a third time.
    await database.db.update(directMessages).set({ sentAt: null, takenAt: t0, attempts: 2 }).where(eq(directMessages.id, row!.id));
    expect(await sendDirectMessages(database.db, poster, new Date(t0.getTime() + 61_000), log, { guildId: g })).toEqual({ sent: 0, failed: 0, abandoned: 1 });
    expect(poster.dms).toHaveLength(1);
    const [after] = await database.db.execute(sql`select failed_at is not null as failed from direct_messages where id = ${row!.id}`).then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as { failed: boolean }[]);
    expect(after!.failed).toBe(true);
  });
});
