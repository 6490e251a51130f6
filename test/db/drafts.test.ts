/**
 * Review drafts on PGlite and PostgreSQL: storing what the extractor found, editing, accepting
 * (a claim with its article and hedge, through the add path), discarding, duplicates of existing
 * claims, members' proposals, who may act, other servers, expiry and pruning, and two Accepts at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { articles, auditLog, claims, extractDrafts } from '../../src/db/schema.js';
import {
  acceptCandidate,
  createDraft,
  discardCandidate,
  duplicateClaims,
  editCandidate,
  foldQuote,
  getDraft,
  listDrafts,
  parseBand,
  pruneExpiredDrafts,
  DRAFT_TTL_MS,
} from '../../src/ledger/drafts.js';
import { addClaim } from '../../src/ledger/index.js';
import type { Candidate } from '../../src/ledger/drafts.js';
import { makeTestDb, newGuildId, type TestDatabase } from '../support/test-db.js';
import { ledgerCtxFor, expectLedgerError } from '../support/ledger-ctx.js';

let database: TestDatabase;
const NOW = new Date('2026-12-01T10:00:00Z');
const clock = { now: NOW };
const MANAGER = { id: '910000000000000001', isManager: true };
const ALICE = { id: '910000000000000002', isManager: false };
const BOB = { id: '910000000000000003', isManager: false };
const ctxFor = ledgerCtxFor(() => database.db, clock, MANAGER);

const TEXT = 'Intro.\n\n"Talks will start in Geneva by March 2027," said Anna Berg.\n\n"Rates will rise," said Ole Lund.';
const candidate = (quote: string, over: Partial<Candidate> = {}): Candidate => {
  const start = TEXT.indexOf(quote);
  return {
    quote,
    start,
    end: start + quote.length,
    speaker: 'Anna Berg',
    restatement: 'Talks start in Geneva by March 2027',
    checkBy: '2027-03-31',
    checkByPhrase: 'by March 2027',
    anchor: null,
    hedge: 'very-likely',
    hedgePhrase: 'will',
    family: 'negotiations',
    why: ['future tense: will start', 'attributed: said'],
    ...over,
  };
};
const Q1 = '"Talks will start in Geneva by March 2027," said Anna Berg.';
const Q2 = '"Rates will rise," said Ole Lund.';
const ARTICLE = { text: TEXT, title: 'Talks soon', outlet: 'The Herald', publishedOn: '2026-11-30', url: 'https://example.org/talks' };

const newDraft = (guildId: string, owner = MANAGER.id, list: Candidate[] = [candidate(Q1), candidate(Q2, { speaker: 'Ole Lund', checkBy: null, checkByPhrase: null, restatement: 'Rates rise', family: null })]) =>
  createDraft(ctxFor(guildId), owner, { ...ARTICLE, origin: null }, list, clock.now);

beforeAll(async () => {
  database = await makeTestDb();
});
afterAll(async () => {
  await database?.close();
});

describe('drafts', () => {
  it('stores the candidates as pending with the article, for 24 hours', async () => {
    const g = newGuildId();
    const draft = await newDraft(g);
    expect(draft.candidates.map((c) => c.state)).toEqual(['pending', 'pending']);
    expect(draft.article).toMatchObject({ key: 'https://example.org/talks', title: 'Talks soon', outlet: 'The Herald', publishedOn: '2026-11-30' });
    expect(draft.expiresAt.getTime() - NOW.getTime()).toBe(DRAFT_TTL_MS);
    const again = await getDraft(ctxFor(g), draft.id, NOW);
    expect(again.candidates[0]!.quote).toBe(Q1);
    // No claim was written.
    expect(await database.db.select().from(claims).where(eq(claims.guildId, g))).toHaveLength(0);
  });

  it('is invisible to other servers and gone after 24 hours; pruning deletes only expired drafts', async () => {
    const g = newGuildId();
    const draft = await newDraft(g);
    await expectLedgerError(getDraft(ctxFor(newGuildId()), draft.id, NOW), 'closed', /expired .* or no longer exists/);
    await expectLedgerError(getDraft(ctxFor(g), draft.id, new Date(NOW.getTime() + DRAFT_TTL_MS)), 'closed', /drafts last 24 hours/);
    const later = new Date(NOW.getTime() + DRAFT_TTL_MS / 2);
    clock.now = later;
    const fresh = await newDraft(g);
    clock.now = NOW;
    const pruned = await pruneExpiredDrafts(database.db, new Date(NOW.getTime() + DRAFT_TTL_MS + 1));
    expect(pruned).toBeGreaterThanOrEqual(1);
    const left = await database.db.select({ id: extractDrafts.id }).from(extractDrafts).where(eq(extractDrafts.guildId, g));
    expect(left.map((r) => r.id)).toEqual([fresh.id]);
  });

  it('edits a candidate with the ledger’s checks; a bad value changes nothing', async () => {
    const g = newGuildId();
    const draft = await newDraft(g);
    const { draft: edited, refused } = await editCandidate(ctxFor(g), draft.id, 1, { restatement: 'Rates rise by June 2027', speaker: 'Ole Lund, governor', checkBy: 'end of June 2027', hedge: 'likely', family: 'Economy' });
    expect(refused).toEqual([]);
    expect(edited.candidates[1]).toMatchObject({ restatement: 'Rates rise by June 2027', speaker: 'Ole Lund, governor', checkBy: '2027-06-30', hedge: 'likely', family: 'economy', edited: true });
    expect(edited.candidates[1]!.hedgePhrase).toMatch(/set by a reviewer/);
    await expectLedgerError(editCandidate(ctxFor(g), draft.id, 1, { hedge: 'certain-ish' }), 'invalid_input', /not a band/);
    await expectLedgerError(editCandidate(ctxFor(g), draft.id, 1, { restatement: '   ' }), 'invalid_input', /cannot be empty/);
    await expectLedgerError(editCandidate(ctxFor(g), draft.id, 7, { speaker: 'x' }), 'not_found');
    const stored = await getDraft(ctxFor(g), draft.id, NOW);
    expect(stored.candidates[1]!.hedge).toBe('likely');
    // Clearing the speaker and family.
    const { draft: cleared } = await editCandidate(ctxFor(g), draft.id, 1, { speaker: '', family: '' });
    expect(cleared.candidates[1]).toMatchObject({ speaker: null, family: null });
  });

  it('keeps the good fields of an edit and names the bad one (issue 23)', async () => {
    const g = newGuildId();
    const draft = await newDraft(g);
    const { draft: after, refused } = await editCandidate(ctxFor(g), draft.id, 1, { restatement: 'Rates rise in 2027', speaker: 'Ole Lund, governor', checkBy: 'someday', hedge: 'sure', family: 'economy' });
    expect(refused.map((r) => [r.field, r.label])).toEqual([['hedge', 'Band'], ['checkBy', 'Check by']]);
    expect(refused[0]!.message).toMatch(/"sure" is not a band/);
    expect(refused[1]!.message).toMatch(/someday/);
    const stored = await getDraft(ctxFor(g), draft.id, NOW);
    expect(stored.candidates[1]).toMatchObject({ restatement: 'Rates rise in 2027', speaker: 'Ole Lund, governor', family: 'economy', hedge: 'very-likely', checkBy: null, edited: true });
    expect(after.candidates[1]).toEqual(stored.candidates[1]);
    // every field given is bad: nothing changes, and each is named
    await expectLedgerError(editCandidate(ctxFor(g), draft.id, 1, { checkBy: 'someday', hedge: 'sure' }), 'invalid_input', /Band: .*not a band.* Check by: /);
  });

  it('refuses a check date before the article or in the past, as /predict add does (issue 23, issue 24 #3)', async () => {
    const g = newGuildId();
    const draft = await newDraft(g);
    // the article is of 2026-11-30, today is 2026-12-01
    const before = await editCandidate(ctxFor(g), draft.id, 0, { checkBy: '2020-01-01', speaker: 'Anna Berg, minister' });
    expect(before.refused).toEqual([{ field: 'checkBy', label: 'Check by', message: expect.stringMatching(/2020-01-01 is before the article's date \(2026-11-30\)/), error: { key: 'ledgerErrors.beforeArticleToday', vars: { date: '2020-01-01', articleDate: '2026-11-30' } } }]);
    expect(before.draft.candidates[0]).toMatchObject({ checkBy: '2027-03-31', speaker: 'Anna Berg, minister' });
    await expectLedgerError(editCandidate(ctxFor(g), draft.id, 0, { checkBy: '2026-11-30' }), 'invalid_input', /2026-11-30 is in the past; pick today or later/);
    await expectLedgerError(editCandidate(ctxFor(g), draft.id, 0, { checkBy: '2099-01-01' }), 'invalid_input', /too far ahead/);
    const today = await editCandidate(ctxFor(g), draft.id, 0, { checkBy: '2026-12-01' });
    expect(today.draft.candidates[0]!.checkBy).toBe('2026-12-01');
    // an older article's date as the extractor found it (already past) is kept when left as it is
    const old = await newDraft(g, MANAGER.id, [candidate(Q1, { checkBy: '2025-01-31' })]);
    const kept = await editCandidate(ctxFor(g), old.id, 0, { checkBy: '2025-01-31', restatement: 'Talks start in Geneva' });
    expect(kept.refused).toEqual([]);
    expect(kept.draft.candidates[0]).toMatchObject({ checkBy: '2025-01-31', restatement: 'Talks start in Geneva' });
  });

  it('reads bands by name, label or a unique start', () => {
    expect(parseBand('very likely')).toBe('very-likely');
    expect(parseBand('Almost-Certain')).toBe('almost-certain');
    expect(parseBand('even')).toBe('even-chance');
    expect(() => parseBand('very')).toThrow(/not a band/);
  });

  it('accepts into a claim with the article as source and the hedge; refuses without a date; accepts once', async () => {
    const g = newGuildId();
    const draft = await newDraft(g);
    await expectLedgerError(acceptCandidate(ctxFor(g), draft.id, 1), 'invalid_input', /no check-by date/);
    const { result, draft: after } = await acceptCandidate(ctxFor(g), draft.id, 0);
    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    expect(result.claim).toMatchObject({ number: 1, text: 'Talks start in Geneva by March 2027', quote: Q1, checkBy: '2027-03-31', madeOn: '2026-11-30', hedge: 'very-likely', checkByNote: 'by March 2027', family: 'negotiations' });
    expect(after.candidates[0]).toMatchObject({ state: 'accepted', claimNumber: 1 });
    const [article] = await database.db.select().from(articles).where(eq(articles.id, result.claim.articleId!));
    expect(article).toMatchObject({ key: 'https://example.org/talks', url: 'https://example.org/talks', title: 'Talks soon', outlet: 'The Herald', publishedOn: '2026-11-30' });
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.guildId, g), eq(auditLog.claimId, result.claim.id)));
    expect(audit.map((a) => [a.action, a.detail.from])).toEqual([['claim.add', 'extract']]);
    await expectLedgerError(acceptCandidate(ctxFor(g), draft.id, 0), 'invalid_input', /already in the ledger as claim #1/);
    await expectLedgerError(discardCandidate(ctxFor(g), draft.id, 0), 'invalid_input', /already in the ledger/);
  });

  it('accepts a check date already past (an older article): the claim is due at once', async () => {
    const g = newGuildId();
    const draft = await newDraft(g, MANAGER.id, [candidate(Q1, { checkBy: '2025-01-31' })]);
    const { result } = await acceptCandidate(ctxFor(g), draft.id, 0);
    expect(result.kind === 'accepted' && result.claim.dueAt <= NOW).toBe(true);
  });

  it('flags a quote already in the ledger (whitespace and case folded) and writes it only when confirmed', async () => {
    const g = newGuildId();
    await addClaim(ctxFor(g), { claim: 'Talks', checkBy: '2027-03-31', quote: '  "talks WILL start in Geneva   by March 2027," said Anna Berg. ' });
    expect(foldQuote(' A\n  b ')).toBe('a b');
    expect([...(await duplicateClaims(ctxFor(g), [Q1, Q2])).entries()]).toEqual([[foldQuote(Q1), [1]]]);
    expect((await duplicateClaims(ctxFor(newGuildId()), [Q1])).size).toBe(0);
    const draft = await newDraft(g);
    const first = await acceptCandidate(ctxFor(g), draft.id, 0);
    expect(first.result).toEqual({ kind: 'duplicate', of: [1] });
    expect(await database.db.select().from(claims).where(eq(claims.guildId, g))).toHaveLength(1);
    const second = await acceptCandidate(ctxFor(g), draft.id, 0, { confirmDuplicate: true });
    expect(second.result.kind).toBe('accepted');
    expect(await database.db.select().from(claims).where(eq(claims.guildId, g))).toHaveLength(2);
  });

  it('members propose; a manager accepts the proposal (the member stays its author); others cannot act', async () => {
    const g = newGuildId();
    const draft = await newDraft(g, ALICE.id);
    await expectLedgerError(acceptCandidate(ctxFor(g, BOB), draft.id, 0), 'forbidden', /Only the member who ran this extraction or a manager/);
    await expectLedgerError(editCandidate(ctxFor(g, BOB), draft.id, 0, { speaker: 'x' }), 'forbidden');
    await expectLedgerError(discardCandidate(ctxFor(g, BOB), draft.id, 0), 'forbidden');
    const proposed = await acceptCandidate(ctxFor(g, ALICE), draft.id, 0);
    expect(proposed.result).toEqual({ kind: 'proposed' });
    expect(proposed.draft.candidates[0]).toMatchObject({ state: 'proposed', proposedBy: ALICE.id });
    expect(await database.db.select().from(claims).where(eq(claims.guildId, g))).toHaveLength(0);
    await expectLedgerError(acceptCandidate(ctxFor(g, ALICE), draft.id, 0), 'invalid_input', /already proposed/);
    expect((await listDrafts(ctxFor(g), NOW, ALICE.id)).map((d) => d.id)).toEqual([draft.id]);
    expect(await listDrafts(ctxFor(g), NOW, BOB.id)).toEqual([]);
    const { result } = await acceptCandidate(ctxFor(g), draft.id, 0);
    expect(result.kind === 'accepted' && result.claim.addedBy).toBe(ALICE.id);
    // Issue 24 (4): the history credits the author, and records the manager who accepted it as approver.
    const [added] = await database.db.select().from(auditLog).where(and(eq(auditLog.guildId, g), eq(auditLog.action, 'claim.add')));
    expect(added!.actorId).toBe(ALICE.id);
    expect(added!.detail).toMatchObject({ approvedBy: MANAGER.id, from: 'extract' });
    // Still one forecast to review: the draft stays in the lists.
    expect((await listDrafts(ctxFor(g), NOW)).map((d) => d.id)).toEqual([draft.id]);
    const discarded = await discardCandidate(ctxFor(g, ALICE), draft.id, 1);
    expect(discarded.candidates[1]!.state).toBe('discarded');
    // Issue 24: a draft whose every forecast is reviewed no longer shows in /predict drafts.
    expect(await listDrafts(ctxFor(g), NOW)).toEqual([]);
    expect(await listDrafts(ctxFor(g), NOW, ALICE.id)).toEqual([]);
    expect((await getDraft(ctxFor(g), draft.id, NOW)).id).toBe(draft.id); // its buttons keep working
  });

  it('a manager accepting from their own draft is its author, with no approver', async () => {
    const g = newGuildId();
    const draft = await newDraft(g);
    await acceptCandidate(ctxFor(g), draft.id, 0);
    const [added] = await database.db.select().from(auditLog).where(and(eq(auditLog.guildId, g), eq(auditLog.action, 'claim.add')));
    expect(added!.actorId).toBe(MANAGER.id);
    expect(added!.detail).not.toHaveProperty('approvedBy');
  });

  it('two Accepts of one candidate at once write one claim', async () => {
    const g = newGuildId();
    const draft = await newDraft(g);
    const results = await Promise.allSettled([acceptCandidate(ctxFor(g), draft.id, 0), acceptCandidate(ctxFor(g), draft.id, 0)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await database.db.select().from(claims).where(eq(claims.guildId, g))).toHaveLength(1);
  });
});
