import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { auditLog, claims, forecasts, votes } from '../../src/db/schema.js';
import {
  addClaim,
  bundledPacks,
  claimDetail,
  closeExpiredWindows,
  closeVoting,
  castVote,
  deleteClaim,
  editClaim,
  exportCsv,
  exportLedger,
  getSettings,
  importLedger,
  listClaims,
  reopenClaim,
  resolveClaim,
  searchClaims,
  setForecast,
  updateSettings,
} from '../../src/ledger/index.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { ledgerCtxFor, expectLedgerError } from '../support/ledger-ctx.js';
import { sweepOnce } from '../../src/jobs/closer.js';
import { createLogger } from '../../src/log.js';

let database: TestDatabase;
const NOW = new Date('2026-11-27T12:00:00Z');
const clock = { now: NOW };

const MANAGER = { id: '900000000000000001', isManager: true };
const ALICE = { id: '900000000000000002', isManager: false };
const BOB = { id: '900000000000000003', isManager: false };
const CAROL = { id: '900000000000000004', isManager: false };
const DAVE = { id: '900000000000000005', isManager: false };

const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);

async function rowCount(table: typeof claims | typeof votes | typeof auditLog | typeof forecasts, guildId: string) {
  const [row] = await database.db.select({ n: count() }).from(table).where(eq(table.guildId, guildId));
  return Number(row!.n);
}

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

describe('settings', () => {
  it('reads defaults without writing, and managers change them with an audit entry each', async () => {
    const g = newGuildId();
    expect(await getSettings(ctxFor(g))).toEqual({
      quorum: 3,
      majorityPct: 60,
      votingWindowDays: 7,
      blindVoting: false,
      timezone: 'UTC',
      tooEarlyStepDays: 30,
      minRanked: 3,
      extractBy: 'managers',
      language: null,
    });
    const { after } = await updateSettings(ctxFor(g), { quorum: 5, timezone: 'Europe/Berlin', blindVoting: true });
    expect(after).toMatchObject({ quorum: 5, timezone: 'Europe/Berlin', blindVoting: true });
    expect(await getSettings(ctxFor(g))).toMatchObject({ quorum: 5, timezone: 'Europe/Berlin' });
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.guildId, g));
    expect(audit.map((a) => a.detail.setting).sort()).toEqual(['blindVoting', 'quorum', 'timezone']);
    expect(audit.every((a) => a.actorId === MANAGER.id)).toBe(true);
  });

  it('refuses members and bad values, and writes nothing', async () => {
    const g = newGuildId();
    await expectLedgerError(updateSettings(ctxFor(g, ALICE), { quorum: 2 }), 'forbidden');
    await expectLedgerError(updateSettings(ctxFor(g), { timezone: 'Mars/Olympus' }), 'invalid_input', /time zone/);
    await expectLedgerError(updateSettings(ctxFor(g), { quorum: 0 }), 'invalid_input', /Quorum/);
    await expectLedgerError(updateSettings(ctxFor(g), { majorityPct: 40 }), 'invalid_input', /Majority/);
    expect(await rowCount(auditLog, g)).toBe(0);
    expect(await getSettings(ctxFor(g))).toMatchObject({ quorum: 3, timezone: 'UTC' });
  });
});

describe('claims', () => {
  it('numbers claims per server and reads plain check-by phrases in the server time zone', async () => {
    const g = newGuildId();
    const a = await addClaim(ctxFor(g, ALICE), { claim: 'Talks start', checkBy: 'in 3 months', speaker: 'A Kremlin official' });
    const b = await addClaim(ctxFor(g, BOB), { claim: 'An envoy is named', checkBy: '2027-01-15', sourceUrl: 'https://example.org/a' });
    expect([a.number, b.number]).toEqual([1, 2]);
    expect(a.checkBy).toBe('2027-02-27');
    expect(a.madeOn).toBe('2026-11-27');
    expect(a.dueAt.toISOString()).toBe('2027-02-28T00:00:00.000Z');
    expect(a.votingClosesAt.toISOString()).toBe('2027-03-07T00:00:00.000Z');
    expect(a.addedBy).toBe(ALICE.id);
    const other = newGuildId();
    const c = await addClaim(ctxFor(other, ALICE), { claim: 'Elsewhere', checkBy: 'tomorrow' });
    expect(c.number).toBe(1);
  });

  it('refuses bad input with a message that says what to fix, writing nothing', async () => {
    const g = newGuildId();
    await expectLedgerError(addClaim(ctxFor(g), { claim: '   ', checkBy: 'tomorrow' }), 'invalid_input', /empty/);
    await expectLedgerError(addClaim(ctxFor(g), { claim: 'x'.repeat(501), checkBy: 'tomorrow' }), 'invalid_input', /too long/);
    await expectLedgerError(addClaim(ctxFor(g), { claim: 'ok', checkBy: '2020-01-01' }), 'invalid_input', /past/);
    await expectLedgerError(addClaim(ctxFor(g), { claim: 'ok', checkBy: '2027-02-30' }), 'invalid_input', /not a real date/);
    await expectLedgerError(addClaim(ctxFor(g), { claim: 'ok', checkBy: 'whenever' }), 'invalid_input', /YYYY-MM-DD/);
    await expectLedgerError(addClaim(ctxFor(g), { claim: 'ok', checkBy: 'tomorrow', sourceUrl: 'javascript:alert(1)' }), 'invalid_input', /http/);
    expect(await rowCount(claims, g)).toBe(0);
    expect(await rowCount(auditLog, g)).toBe(0);
  });

  it('lets the author or a manager edit and delete, nobody else', async () => {
    const g = newGuildId();
    const c = await addClaim(ctxFor(g, ALICE), { claim: 'Original', checkBy: 'in 1 year' });
    await expectLedgerError(editClaim(ctxFor(g, BOB), c.number, { claim: 'Hijacked' }), 'forbidden');
    await expectLedgerError(deleteClaim(ctxFor(g, BOB), c.number), 'forbidden');
    const edited = await editClaim(ctxFor(g, ALICE), c.number, { claim: 'Edited', family: 'Diplomacy' });
    expect(edited.text).toBe('Edited');
    expect(edited.family).toBe('diplomacy');
    await editClaim(ctxFor(g, MANAGER), c.number, { criteria: 'An envoy presents credentials' });
    await deleteClaim(ctxFor(g, MANAGER), c.number);
    await expectLedgerError(claimDetail(ctxFor(g, ALICE), c.number), 'not_found');
    const actions = (await database.db.select().from(auditLog).where(eq(auditLog.guildId, g))).map((a) => `${a.action}:${a.actorId}`);
    expect(actions).toEqual([`claim.add:${ALICE.id}`, `claim.edit:${ALICE.id}`, `claim.edit:${MANAGER.id}`, `claim.delete:${MANAGER.id}`]);
  });

  it('keeps servers apart: another server’s numbers are not found and lists are separate', async () => {
    const a = newGuildId();
    const b = newGuildId();
    await addClaim(ctxFor(a, ALICE), { claim: 'Secret of A', checkBy: 'tomorrow' });
    await expectLedgerError(claimDetail(ctxFor(b, ALICE), 1), 'not_found');
    await expectLedgerError(castVote(ctxFor(b, ALICE), { claim: 1, verdict: 'came_true' }), 'not_found');
    await expectLedgerError(resolveClaim(ctxFor(b, MANAGER), 1, 'came_true'), 'not_found');
    await expectLedgerError(deleteClaim(ctxFor(b, MANAGER), 1), 'not_found');
    expect((await listClaims(ctxFor(b, ALICE))).total).toBe(0);
    expect(await searchClaims(ctxFor(b), 'Secret')).toEqual([]);
    expect((await exportLedger(ctxFor(b), { memberData: true, now: clock.now })).claims).toEqual([]);
    expect((await listClaims(ctxFor(a, ALICE))).items.map((c) => c.text)).toEqual(['Secret of A']);
  });
});

describe('the article pack', () => {
  it('imports once however often it is imported, with speakers and the article', async () => {
    const g = newGuildId();
    const pack = bundledPacks()[0]!;
    const first = await importLedger(ctxFor(g), { packId: pack.id });
    // Its claims, then the events they hang on (claims with no speaker).
    const items = pack.claims.length + pack.events.length;
    expect(first.added).toBe(items);
    expect(first.skipped).toBe(0);
    expect(first.numbers).toEqual(Array.from({ length: items }, (_, i) => i + 1));
    const second = await importLedger(ctxFor(g), { packId: pack.id });
    expect(second).toMatchObject({ added: 0, skipped: items });
    expect(await rowCount(claims, g)).toBe(items);
    const detail = await claimDetail(ctxFor(g, ALICE), 2);
    expect(detail.speaker).toBe(pack.claims[1]!.speaker);
    expect(detail.claim.quote).toBe(pack.claims[1]!.quote);
    expect(detail.article).toMatchObject({ outlet: pack.article.outlet, publishedOn: '2024-11-06' });
    // Its check dates passed long ago: voting opens at the import, for the server's window.
    expect(detail.claim.windowStartsAt.getTime()).toBe(NOW.getTime());
    expect(detail.claim.votingClosesAt.toISOString()).toBe('2026-12-04T12:00:00.000Z');
    expect((await closeExpiredWindows(database.db, NOW)).filter((d) => d.claim.guildId === g)).toEqual([]);
  });

  it('is for managers only', async () => {
    const g = newGuildId();
    await expectLedgerError(importLedger(ctxFor(g, ALICE), { packId: bundledPacks()[0]!.id }), 'forbidden');
    await expectLedgerError(importLedger(ctxFor(g), { packId: 'nope' }), 'invalid_input', /no bundled pack/);
    expect(await rowCount(claims, g)).toBe(0);
  });

  it('lists with filters and pages', async () => {
    const g = newGuildId();
    const pack = bundledPacks()[0]!;
    await importLedger(ctxFor(g), { packId: pack.id });
    await addClaim(ctxFor(g, ALICE), { claim: 'Future claim', checkBy: 'in 2 years', family: 'war' });
    const all = await listClaims(ctxFor(g, ALICE), { status: 'all', pageSize: 5 });
    expect(all.total).toBe(pack.claims.length + pack.events.length + 1);
    expect(all.pages).toBe(Math.ceil((pack.claims.length + pack.events.length + 1) / 5));
    const page2 = await listClaims(ctxFor(g, ALICE), { status: 'all', pageSize: 5, page: 2 });
    expect(page2.items.map((c) => c.number)).toEqual([6, 7, 8, 9, 10]);
    const beyond = await listClaims(ctxFor(g, ALICE), { status: 'all', pageSize: 5, page: 999 });
    expect(beyond.page).toBe(all.pages);
    // The event is due; the claim that hangs on it waits.
    expect((await listClaims(ctxFor(g, ALICE), { status: 'due' })).total).toBe(pack.claims.length + pack.events.length - 1);
    expect((await listClaims(ctxFor(g, ALICE), { status: 'waiting' })).total).toBe(1);
    expect((await listClaims(ctxFor(g, ALICE), { status: 'open' })).items.map((c) => c.text)).toEqual(['Future claim']);
    const war = await listClaims(ctxFor(g, ALICE), { status: 'all', family: 'war', pageSize: 25 });
    expect(war.total).toBe(pack.claims.filter((c) => c.family === 'war').length + 1);
    const diplomat = await listClaims(ctxFor(g, ALICE), { status: 'all', speaker: 'Russian diplomat', pageSize: 25 });
    expect(diplomat.total).toBe(pack.claims.filter((c) => c.speaker?.toLowerCase().includes('russian diplomat')).length);
    expect(diplomat.total).toBeGreaterThan(0);
    await resolveClaim(ctxFor(g), 1, 'came_true');
    expect((await listClaims(ctxFor(g, ALICE), { status: 'resolved' })).items.map((c) => c.number)).toEqual([1]);
  });
});

describe('voting and resolution', () => {
  async function dueClaim(g: string) {
    clock.now = new Date('2026-01-01T00:00:00Z');
    const c = await addClaim(ctxFor(g, ALICE), { claim: 'Due soon', checkBy: '2026-01-10' });
    clock.now = new Date('2026-01-12T00:00:00Z'); // due since 2026-01-11, window closes 2026-01-18
    return c;
  }
  const afterWindow = () => (clock.now = new Date('2026-01-19T00:00:00Z'));

  it('refuses votes before the check date and forecasts after it', async () => {
    const g = newGuildId();
    clock.now = new Date('2026-01-01T00:00:00Z');
    const c = await addClaim(ctxFor(g, ALICE), { claim: 'Later', checkBy: '2026-01-10' });
    await expectLedgerError(castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'came_true' }), 'closed', /check date/);
    await setForecast(ctxFor(g, BOB), c.number, 70);
    await setForecast(ctxFor(g, BOB), c.number, 65);
    await expectLedgerError(setForecast(ctxFor(g, BOB), c.number, 101), 'invalid_input', /0 to 100/);
    await expectLedgerError(setForecast(ctxFor(g, BOB), c.number, -1), 'invalid_input', /0 to 100/);
    clock.now = new Date('2026-01-11T00:00:00Z');
    await expectLedgerError(setForecast(ctxFor(g, BOB), c.number, 10), 'closed', /closed/);
    const kept = await database.db.select().from(forecasts).where(eq(forecasts.guildId, g));
    expect(kept.map((f) => f.probability)).toEqual([70, 65]);
    clock.now = NOW;
  });

  it('keeps one vote per member; a change replaces it; an older click never overwrites a newer one', async () => {
    const g = newGuildId();
    const c = await dueClaim(g);
    await castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'did_not' });
    const changed = await castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'came_true', evidence: 'https://example.org/evidence', withTally: true });
    expect(changed.previous).toBe('did_not');
    expect(changed.tally).toEqual({ came_true: 1, partly: 0, did_not: 0, too_early: 0 });
    const late = await castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'partly', castAt: new Date('2026-01-11T06:00:00Z'), withTally: true });
    expect(late.applied).toBe(false);
    expect(late.tally).toEqual({ came_true: 1, partly: 0, did_not: 0, too_early: 0 });
    await expectLedgerError(castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'maybe' }), 'invalid_input');
    expect(await rowCount(votes, g)).toBe(1);
    clock.now = NOW;
  });

  it('resolves by majority once the window closes, without anyone typing a command', async () => {
    const g = newGuildId();
    const c = await dueClaim(g);
    await castVote(ctxFor(g, ALICE), { claim: c.number, verdict: 'came_true' });
    await castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'came_true' });
    await castVote(ctxFor(g, CAROL), { claim: c.number, verdict: 'partly' });
    expect((await closeExpiredWindows(database.db, clock.now)).filter((d) => d.claim.guildId === g)).toEqual([]);
    afterWindow();
    const decided = (await closeExpiredWindows(database.db, clock.now)).filter((d) => d.claim.guildId === g);
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({ kind: 'resolve', outcome: 'came_true' });
    const detail = await claimDetail(ctxFor(g, ALICE), c.number);
    expect(detail.claim).toMatchObject({ status: 'resolved', outcome: 'came_true', resolvedBy: 'system' });
    await expectLedgerError(castVote(ctxFor(g, ALICE), { claim: c.number, verdict: 'did_not' }), 'closed', /resolved/);
    clock.now = NOW;
  });

  it('flags a claim without quorum or with a tie, and resolves it later when votes arrive', async () => {
    const g = newGuildId();
    const c = await dueClaim(g);
    await castVote(ctxFor(g, ALICE), { claim: c.number, verdict: 'came_true' });
    await castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'did_not' });
    afterWindow();
    let decided = (await closeExpiredWindows(database.db, clock.now)).filter((d) => d.claim.guildId === g);
    expect(decided[0]).toMatchObject({ kind: 'flag', reason: 'no_quorum' });
    // A second sweep with nothing new writes nothing.
    expect((await closeExpiredWindows(database.db, clock.now)).filter((d) => d.claim.guildId === g)).toEqual([]);
    const sweep = async () => (await closeExpiredWindows(database.db, clock.now)).filter((d) => d.claim.guildId === g);
    await castVote(ctxFor(g, CAROL), { claim: c.number, verdict: 'partly' }); // 1 / 1 / 1
    expect((await sweep())[0]).toMatchObject({ kind: 'flag', reason: 'tie' });
    await castVote(ctxFor(g, DAVE), { claim: c.number, verdict: 'came_true' }); // 2 of 4 = 50% < 60%
    expect((await sweep())[0]).toMatchObject({ kind: 'flag', reason: 'no_majority' });
    await castVote(ctxFor(g, CAROL), { claim: c.number, verdict: 'came_true' }); // 3 of 4 = 75%
    expect((await sweep())[0]).toMatchObject({ kind: 'resolve', outcome: 'came_true' });
    clock.now = NOW;
  });

  it('the closer leaves a flagged claim alone until a new vote arrives, then decides it again (README: rules of resolution)', async () => {
    const g = newGuildId();
    const c = await dueClaim(g);
    await castVote(ctxFor(g, ALICE), { claim: c.number, verdict: 'came_true' });
    afterWindow();
    const log = createLogger('silent');
    const sweep = async () => (await sweepOnce(database.db, clock.now, log)).filter((d) => d.claim.guildId === g);
    expect((await sweep())[0]).toMatchObject({ kind: 'flag', reason: 'no_quorum' });
    const audits = await rowCount(auditLog, g);
    for (let minute = 0; minute < 3; minute++) expect(await sweep()).toEqual([]);
    expect(await rowCount(auditLog, g)).toBe(audits); // nothing rewritten minute after minute
    await castVote(ctxFor(g, BOB), { claim: c.number, verdict: 'came_true' });
    await castVote(ctxFor(g, CAROL), { claim: c.number, verdict: 'came_true' });
    expect((await sweep())[0]).toMatchObject({ kind: 'resolve', outcome: 'came_true' });
    clock.now = NOW;
  });

  it('moves the check date by the too-early step when most say too early, starting a new round', async () => {
    const g = newGuildId();
    const c = await dueClaim(g);
    for (const member of [ALICE, BOB, CAROL]) await castVote(ctxFor(g, member), { claim: c.number, verdict: 'too_early' });
    afterWindow();
    const [decided] = (await closeExpiredWindows(database.db, clock.now)).filter((d) => d.claim.guildId === g);
    expect(decided).toMatchObject({ kind: 'postpone', days: 30 });
    expect(decided!.claim).toMatchObject({ checkBy: '2026-02-09', round: 2, status: 'open' });
    const detail = await claimDetail(ctxFor(g, ALICE), c.number);
    expect(detail.votesCast).toBe(0); // the new round starts empty
    expect(detail.phase).toBe('upcoming');
    clock.now = NOW;
  });

  it('lets managers close voting, resolve, override and reopen; members cannot; all audited', async () => {
    const g = newGuildId();
    const c = await dueClaim(g);
    for (const member of [ALICE, BOB, CAROL]) await castVote(ctxFor(g, member), { claim: c.number, verdict: 'did_not' });
    await expectLedgerError(closeVoting(ctxFor(g, ALICE), c.number), 'forbidden');
    await expectLedgerError(resolveClaim(ctxFor(g, ALICE), c.number, 'came_true'), 'forbidden');
    const closed = await closeVoting(ctxFor(g), c.number);
    expect(closed).toMatchObject({ kind: 'resolve', outcome: 'did_not' });
    await expectLedgerError(reopenClaim(ctxFor(g, BOB), c.number), 'forbidden');
    const override = await resolveClaim(ctxFor(g), c.number, 'void', 'Source retracted');
    expect(override.previous).toBe('did_not');
    await expectLedgerError(resolveClaim(ctxFor(g), c.number, 'void'), 'conflict');
    const reopened = await reopenClaim(ctxFor(g), c.number);
    expect(reopened).toMatchObject({ status: 'open', outcome: null, round: 2 });
    expect(reopened.votingClosesAt.toISOString()).toBe('2026-01-19T00:00:00.000Z');
    await castVote(ctxFor(g, ALICE), { claim: c.number, verdict: 'partly' });
    const detail = await claimDetail(ctxFor(g, ALICE), c.number);
    expect(detail.tally).toEqual({ came_true: 0, partly: 1, did_not: 0, too_early: 0 });
    const trail = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.guildId, g), eq(auditLog.claimId, c.id)))
      .orderBy(auditLog.id);
    expect(trail.map((t) => `${t.action}:${t.actorId === MANAGER.id ? 'manager' : t.actorId === 'system' ? 'system' : 'member'}`)).toEqual([
      'claim.add:member',
      'vote.cast:member',
      'vote.cast:member',
      'vote.cast:member',
      'claim.resolve:manager',
      'claim.resolve:manager',
      'claim.reopen:manager',
      'vote.cast:member',
    ]);
    expect(trail[5]!.detail).toMatchObject({ outcome: 'void', from: 'did_not', note: 'Source retracted' });
    clock.now = NOW;
  });

  it('hides tallies under blind voting until the window closes', async () => {
    const g = newGuildId();
    await updateSettings(ctxFor(g), { blindVoting: true });
    const c = await dueClaim(g);
    await castVote(ctxFor(g, ALICE), { claim: c.number, verdict: 'came_true' });
    const during = await claimDetail(ctxFor(g, BOB), c.number);
    expect(during.tally).toBeNull();
    expect(during.votesCast).toBe(1);
    afterWindow();
    expect((await claimDetail(ctxFor(g, BOB), c.number)).tally).toEqual({ came_true: 1, partly: 0, did_not: 0, too_early: 0 });
    clock.now = NOW;
  });
});

describe('export and import', () => {
  it('round-trips: re-importing into the same ledger adds nothing; into another it recreates claims, votes and forecasts', async () => {
    const g = newGuildId();
    const { added } = await importLedger(ctxFor(g), { packId: bundledPacks()[0]!.id });
    await addClaim(ctxFor(g, ALICE), { claim: '=HYPERLINK("x") "quoted", with comma', checkBy: 'in 1 year', quote: 'line one\nline two' });
    await castVote(ctxFor(g, ALICE), { claim: 1, verdict: 'came_true', evidence: 'evidence' });
    await setForecast(ctxFor(g, BOB), added + 1, 42);
    await resolveClaim(ctxFor(g), 2, 'partly', 'half of it');
    const exported = await exportLedger(ctxFor(g), { memberData: true, now: clock.now });
    const raw = JSON.stringify(exported);
    const again = await importLedger(ctxFor(g), { raw });
    expect(again.added).toBe(0);
    expect(again.skipped).toBe(exported.claims.length);

    const h = newGuildId();
    const copy = await importLedger(ctxFor(h), { raw });
    expect(copy.added).toBe(exported.claims.length);
    const reExported = await exportLedger(ctxFor(h), { memberData: true, now: clock.now });
    // Into another server: the importing manager is recorded as adding and resolving; votes and forecasts come along (marked imported).
    const strip = (e: typeof exported) => e.claims.map(({ key: _k, addedBy: _a, resolvedBy: _r, ...rest }) => rest);
    expect(strip(reExported)).toEqual(strip(exported));
    expect(reExported.claims.every((c) => c.addedBy === MANAGER.id)).toBe(true);
    expect((await importLedger(ctxFor(h), { raw })).added).toBe(0);

    const csv = exportCsv(exported);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^number,key,claim,quote,speaker/);
    expect(csv).toContain(`"'=HYPERLINK(""x"") ""quoted"", with comma"`);
    expect(csv).toContain('"line one\nline two"');
  });

  it('rejects broken files with the faulty field named, writing nothing', async () => {
    const g = newGuildId();
    await expectLedgerError(importLedger(ctxFor(g), { raw: '{not json' }), 'invalid_input', /not valid JSON/);
    await expectLedgerError(
      importLedger(ctxFor(g), { raw: JSON.stringify({ id: 'p', name: 'P', article: {}, claims: [{ key: 'a', claim: 'x', madeOn: '2024-13-01', checkBy: '2025-01-01' }] }) }),
      'invalid_input',
      /madeOn/,
    );
    await expectLedgerError(
      importLedger(ctxFor(g), { raw: JSON.stringify({ id: 'p', name: 'P', article: {}, claims: [{ key: 'a', claim: 'x', madeOn: '2025-02-01', checkBy: '2025-01-01' }] }) }),
      'invalid_input',
      /before the date it was made/,
    );
    expect(await rowCount(claims, g)).toBe(0);
  });
});
