/**
 * A scoring round: what came due since the last round (a compact card with vote buttons each), what is
 * still open from earlier rounds (with how long it has waited), and what was resolved since
 * (outcome and tally).
 *
 * Exactly once, through an outbox: claiming a (schedule, slot) composes the round's messages once
 * and stores them in `round_parts`, in one short transaction. Then each part is posted outside any
 * transaction and its message id recorded the moment Discord answers. A resumed round posts only
 * the parts without an id, in order. One process at a time holds a slot's lease (renewed while it
 * posts); a lease left by a dead process expires and another process resumes the slot.
 */
import { and, asc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { TimestampStyles, time } from '@discordjs/formatters';
import type { Db } from '../db/client.js';
import { claims, roundParts, scheduleRuns, schedules } from '../db/schema.js';
import { recordAudit } from '../ledger/audit.js';
import { claimDetail, tallyFor } from '../ledger/claim-queries.js';
import { getSettings } from '../ledger/settings.js';
import { VERDICTS, type Outcome, type Tally } from '../ledger/rules.js';
import { compactCard, COLORS, DISCORD_LIMITS, flagText, mergeMessages, packSections, safe } from '../kit/render.js';
import { EN, serverLocale, translator, type Translator } from '../i18n/index.js';
import { openClaimThreads } from './threads.js';
import { serverTranslator } from '../kit/locale.js';
import type { Reply } from '../kit/types.js';
import type { Logger } from '../log.js';
import { PostError, type Poster, type RoundOutcome } from '../kit/poster.js';
import type { ScheduleRow } from './schedules.js';
import { guildScope, type GuildScope, type LedgerCtx } from '../ledger/context.js';

/** At most this many claim cards in one round; the rest are counted, with where to see them. */
export const MAX_CARDS_PER_ROUND = 25;
/** Claim numbers listed after the cards ("also due"), before the count of the rest. */
export const MAX_ALSO_DUE = 50;
/** Lines of the "resolved" and "still open" sections; the rest are counted, with where to see them. */
export const MAX_SECTION_LINES = 10;
/**
 * So one round is at most MAX_CARDS_PER_ROUND cards and a summary of two messages, whatever the
 * ledger holds (before: 3,000 due claims made 100 messages a round, through the REST exit's
 * budget every server shares).
 */
/** Missing Access / Missing Permissions this many rounds in a row pause the schedule. */
export const PAUSE_AFTER_FAILURES = 3;

export interface RoundContent {
  /** The first newly due claims' numbers (cards, then "also due"), and how many came due in all. */
  newlyDue: number[];
  newlyDueCount: number;
  /** The first claims still open from earlier rounds, and how many there are. */
  stillOpen: { number: number; text: string; dueAt: Date; flag: string | null }[];
  stillOpenCount: number;
  /** The first claims resolved since the last round, and how many there are. */
  resolved: { id: number; number: number; text: string; outcome: Outcome; tally: Tally }[];
  resolvedCount: number;
  /** Every claim resolved since the last round (for the score changes, which are summed over all of them). */
  resolvedIds: number[];
  /** Extra lines for the summary (score changes), computed by the caller. */
  notes: string[];
}

const live = (guildId: string) => and(eq(claims.guildId, guildId), isNull(claims.deletedAt));

/**
 * What a round posted at `until` reports, given the previous round's slot (`since`, null for the
 * first). "Came due" means its voting opened: the check date passed, or it was imported already
 * due, or a manager reopened it.
 */
export async function composeRound(ctx: GuildScope, since: Date | null, until: Date, createdAt: Date): Promise<RoundContent> {
  const { db, guildId } = ctx;
  // Each list is read only as far as the post shows it; `count(*) over ()` is the whole count.
  const total = sql<number>`count(*) over ()`.mapWith(Number);
  const newlyDue = await db
    .select({ number: claims.number, total })
    .from(claims)
    .where(and(live(guildId), eq(claims.status, 'open'), lte(claims.windowStartsAt, until), ...(since ? [gt(claims.windowStartsAt, since)] : [])))
    .orderBy(asc(claims.number))
    .limit(MAX_CARDS_PER_ROUND + MAX_ALSO_DUE);
  const stillOpen = since
    ? await db
        .select({ number: claims.number, text: claims.text, dueAt: claims.dueAt, flag: claims.flag, total })
        .from(claims)
        .where(and(live(guildId), eq(claims.status, 'open'), lte(claims.windowStartsAt, since)))
        .orderBy(asc(claims.dueAt), asc(claims.number))
        .limit(MAX_SECTION_LINES)
    : [];
  const resolvedIn = and(live(guildId), eq(claims.status, 'resolved'), gt(claims.resolvedAt, since ?? createdAt), lte(claims.resolvedAt, until));
  const resolvedRows = await db
    .select({ id: claims.id, number: claims.number, text: claims.text, outcome: claims.outcome, round: claims.round, total })
    .from(claims)
    .where(resolvedIn)
    .orderBy(asc(claims.number))
    .limit(MAX_SECTION_LINES);
  const resolved = [];
  for (const r of resolvedRows) resolved.push({ id: r.id, number: r.number, text: r.text, outcome: r.outcome ?? 'void', tally: await tallyFor(ctx, r.id, r.round) });
  const resolvedCount = resolvedRows[0]?.total ?? 0;
  const resolvedIds = resolvedCount > resolvedRows.length ? (await db.select({ id: claims.id }).from(claims).where(resolvedIn)).map((r) => r.id) : resolvedRows.map((r) => r.id);
  return {
    newlyDue: newlyDue.map((r) => r.number),
    newlyDueCount: newlyDue[0]?.total ?? 0,
    stillOpen: stillOpen.map(({ total: _total, ...c }) => c),
    stillOpenCount: stillOpen[0]?.total ?? 0,
    resolved,
    resolvedCount,
    resolvedIds,
    notes: [],
  };
}

export const isEmpty = (c: RoundContent) => !c.newlyDueCount && !c.stillOpenCount && !c.resolvedCount;

const waited = (dueAt: Date, now: Date, t: Translator) => {
  const days = Math.floor((now.getTime() - dueAt.getTime()) / 86_400_000);
  return days >= 1 ? t('round.waiting', { count: days, shown: t.number(days) }) : t('round.dueToday');
};

const shortTally = (tally: Tally, t: Translator) => VERDICTS.map((v) => `${t(`verdicts.${v}`)} ${t.number(tally[v])}`).join(' · ');

const DUE_LIST = '`/predict list status:due`';
const RESOLVED_LIST = '`/predict list status:resolved`';
/** "…and N more: <where>" when a section shows only the first of its claims. */
const more = (shown: number, total: number, where: string, t: Translator) =>
  total > shown ? [t('round.more', { count: total - shown, shown: t.number(total - shown), where })] : [];

/** "7 December 2026" in the server's time zone, in `t`'s language ("7 декабря 2026 г."). */
export const roundDate = (at: Date, timezone: string, t: Translator = EN) =>
  new Intl.DateTimeFormat(t.locale === 'en' ? 'en-GB' : t.locale, { timeZone: timezone, day: 'numeric', month: 'long', year: 'numeric' }).format(at);

/** The messages of a round, in order: the summary (possibly split), then one compact card per newly due claim (at most MAX_CARDS_PER_ROUND). */
export async function renderRound(ctx: GuildScope, content: RoundContent, now: Date): Promise<Reply[]> {
  const cards = content.newlyDue.slice(0, MAX_CARDS_PER_ROUND);
  const due = content.newlyDueCount;
  const also = content.newlyDue.slice(MAX_CARDS_PER_ROUND);
  const sections: { title: string; lines: string[] }[] = [];
  // The server's date (an embed title renders no Discord timestamp): not UTC's, which is another day near midnight.
  const { timezone, language } = await getSettings(ctx);
  // The server's language (a round has no interaction, so no Discord guild locale: the setting, else English).
  const t = translator(serverLocale(language, null));
  const intro = [
    due
      ? due > cards.length
        ? t('round.cameDueMany', { count: due, shown: t.number(due), cards: cards.length, max: MAX_CARDS_PER_ROUND, others: t.number(due - cards.length), list: DUE_LIST })
        : t('round.cameDue', { count: due, shown: t.number(due) })
      : null,
    content.stillOpenCount ? t('round.stillOpenCount', { count: content.stillOpenCount, shown: t.number(content.stillOpenCount) }) : null,
    content.resolvedCount ? t('round.resolvedCount', { count: content.resolvedCount, shown: t.number(content.resolvedCount) }) : null,
  ].filter((l): l is string => !!l);
  // Cards are compact (src/kit/render.ts compactCard): where the rest of each claim is, said once.
  if (cards.length) intro.push(t('round.details'));
  sections.push({ title: t('round.title', { date: roundDate(now, timezone, t) }), lines: intro });
  if (also.length) {
    const rest = due - cards.length - also.length;
    const numbers = also.map((n) => `#${n}`).join(', ');
    sections.push({
      title: t('round.alsoDue'),
      lines: [rest > 0 ? t('round.alsoDueMore', { numbers, count: rest, shown: t.number(rest), list: DUE_LIST }) : numbers],
    });
  }
  if (content.resolved.length) {
    sections.push({
      title: t('round.resolvedTitle'),
      lines: [
        ...content.resolved.map((r) => `**#${r.number}** ${safe(r.text, 150)} → **${t(`outcomes.${r.outcome}`)}** (${shortTally(r.tally, t)})`),
        ...more(content.resolved.length, content.resolvedCount, RESOLVED_LIST, t),
      ],
    });
  }
  if (content.notes.length) sections.push({ title: t('round.scoreChanges'), lines: content.notes });
  if (content.stillOpen.length) {
    sections.push({
      title: t('round.stillOpenTitle'),
      lines: [
        ...content.stillOpen.map(
          (c) =>
            `**#${c.number}** ${safe(c.text, 150)} · ${waited(c.dueAt, now, t)} · ${c.flag ? t('round.flagged', { reason: flagText(c.flag, t) }) : time(c.dueAt, TimestampStyles.ShortDate)}`,
        ),
        ...more(content.stillOpen.length, content.stillOpenCount, DUE_LIST, t),
      ],
    });
  }
  const messages = packSections(sections, COLORS.due, t);
  const asSystem: LedgerCtx = { ...ctx, actor: { id: 'system', isManager: false }, now: () => now };
  const cardMessages: Reply[] = [];
  for (const number of cards) cardMessages.push(compactCard(await claimDetail(asSystem, number), now, t));
  // A one-card round is one message: the summary and the card together, when they fit.
  if (cardMessages.length === 1 && messages.length === 1) {
    const merged = mergeMessages(messages[0]!, cardMessages[0]!);
    if (merged) return [merged];
  }
  return [...messages, ...cardMessages];
}

/** A short, stable nonce per (schedule, slot, part): Discord returns the first message for a retried post while it remembers it. */
export const roundNonce = (scheduleId: number, slot: Date, part: number) =>
  `r${scheduleId.toString(36)}.${Math.floor(slot.getTime() / 1000).toString(36)}.${part}`.slice(0, DISCORD_LIMITS.nonce);

/** How long a slot's lease holds without renewal; the poster renews it before every part and every third of it while a post waits. */
export const LEASE_MS = 30_000;

export type { RoundOutcome } from '../kit/poster.js';

export interface RoundDeps {
  db: Db;
  poster: Poster;
  log: Logger;
  /** Extra summary lines for the claims a round reports resolved (score changes). */
  notesFor?: (ctx: GuildScope, claimIds: number[]) => Promise<string[]>;
  /** This process, as the holder of slot leases. */
  owner?: string;
  /** The clock leases are read against (default: the system clock). */
  clock?: () => Date;
  /** A lease owner known to be dead (a process of this host that is gone): its lease is taken over before it expires. */
  takeOverFrom?: string;
  leaseMs?: number;
}

const runKey = (scheduleId: number, slot: Date) => and(eq(scheduleRuns.scheduleId, scheduleId), eq(scheduleRuns.slot, slot));
const partsKey = (scheduleId: number, slot: Date) => and(eq(roundParts.scheduleId, scheduleId), eq(roundParts.slot, slot));

type Claim =
  | { kind: 'done'; result: RoundOutcome }
  | { kind: 'post'; schedule: ScheduleRow; resumed: boolean };

/**
 * The short transaction that takes a slot: a new slot is inserted with this process's lease and
 * its parts composed and stored (or closed as empty); a slot left unfinished is taken over only
 * when its lease has expired. Nothing here waits on Discord.
 */
async function claimSlot(deps: RoundDeps, owner: string, scheduleId: number, slot: Date, now: Date): Promise<Claim> {
  const clock = deps.clock ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? LEASE_MS;
  return deps.db.transaction(async (tx) => {
    // Every schedule of the slot's channel, locked in id order (one order for every process, so no
    // deadlock): rounds of two schedules on one channel are composed one after the other.
    const onChannel = await tx
      .select()
      .from(schedules)
      .where(sql`(${schedules.guildId}, ${schedules.channelId}) = (select s.guild_id, s.channel_id from schedules s where s.id = ${scheduleId})`)
      .orderBy(asc(schedules.id))
      .for('update');
    const schedule = onChannel.find((s) => s.id === scheduleId);
    if (!schedule || schedule.status !== 'active') return { kind: 'done', result: { outcome: 'inactive' } };
    const siblings = onChannel.filter((s) => s.id !== scheduleId);
    const at = clock();
    const leaseUntil = new Date(at.getTime() + leaseMs);
    const inserted = await tx
      .insert(scheduleRuns)
      .values({ scheduleId, slot, guildId: schedule.guildId, outcome: 'posting', leaseOwner: owner, leaseUntil })
      .onConflictDoNothing()
      .returning({ slot: scheduleRuns.slot });
    if (!inserted.length) {
      const taken = await tx
        .update(scheduleRuns)
        .set({ leaseOwner: owner, leaseUntil })
        .where(
          and(
            runKey(scheduleId, slot),
            eq(scheduleRuns.outcome, 'posting'),
            or(isNull(scheduleRuns.leaseUntil), lt(scheduleRuns.leaseUntil, at), ...(deps.takeOverFrom ? [eq(scheduleRuns.leaseOwner, deps.takeOverFrom)] : [])),
          ),
        )
        .returning({ slot: scheduleRuns.slot });
      if (taken.length) return { kind: 'post', schedule, resumed: true };
      const [run] = await tx.select({ outcome: scheduleRuns.outcome }).from(scheduleRuns).where(runKey(scheduleId, slot));
      return { kind: 'done', result: { outcome: run?.outcome === 'posting' ? 'busy' : 'duplicate' } };
    }
    const since = channelSince(schedule, siblings, slot);
    const content = await composeRound(guildScope(tx, schedule.guildId), since, slot, schedule.createdAt);
    await leaveOutRecent(tx, content, siblings, slot);
    const advance = !schedule.lastSlot || schedule.lastSlot < slot ? { lastSlot: slot } : {};
    if (isEmpty(content)) {
      await tx.update(scheduleRuns).set({ outcome: 'empty', finishedAt: at, leaseOwner: null, leaseUntil: null }).where(runKey(scheduleId, slot));
      await tx.update(schedules).set(advance).where(eq(schedules.id, scheduleId));
      return { kind: 'done', result: { outcome: 'empty' } };
    }
    if (deps.notesFor && content.resolvedIds.length) {
      try {
        content.notes = await deps.notesFor(guildScope(tx, schedule.guildId), content.resolvedIds);
      } catch (error) {
        deps.log.warn({ err: error, scheduleId }, 'score changes unavailable for this round');
      }
    }
    const messages = await renderRound(guildScope(tx, schedule.guildId), content, now);
    await tx.insert(roundParts).values(
      messages.map((message, part) => ({
        scheduleId,
        slot,
        part,
        guildId: schedule.guildId,
        channelId: schedule.channelId,
        payload: toPayload(message),
        nonce: roundNonce(scheduleId, slot, part),
      })),
    );
    await tx
      .update(scheduleRuns)
      .set({
        detail: {
          parts: messages.length,
          newlyDue: content.newlyDueCount,
          stillOpen: content.stillOpenCount,
          resolved: content.resolvedCount,
          // What this round posts, so another schedule's round on the channel within the hour leaves it out.
          posted: reported(content),
        },
      })
      .where(runKey(scheduleId, slot));
    // "Since the last round" starts at the last slot composed: the next round never repeats this one.
    if (advance.lastSlot) await tx.update(schedules).set(advance).where(eq(schedules.id, scheduleId));
    return { kind: 'post', schedule, resumed: false };
  });
}

/** No claim is posted twice on one channel within this long, whichever schedules post there. */
export const CHANNEL_REPEAT_MS = 3_600_000;

/**
 * Where "since the last round" starts for a slot: the last slot this schedule composed, or a later
 * one another schedule of the same channel composed (at or before this slot). Two schedules on one
 * channel thus never both report a claim as newly due or newly resolved.
 */
function channelSince(schedule: ScheduleRow, siblings: readonly ScheduleRow[], slot: Date): Date | null {
  let since = schedule.lastSlot && schedule.lastSlot < slot ? schedule.lastSlot : null;
  for (const s of siblings) if (s.lastSlot && s.lastSlot <= slot && (!since || s.lastSlot > since)) since = s.lastSlot;
  return since;
}

/** The claims a round reports, by how: as due (a card, or the overflow list), still open, resolved. */
const reported = (c: RoundContent) => ({ due: c.newlyDue, open: c.stillOpen.map((o) => o.number), resolved: c.resolved.map((r) => r.number) });

/**
 * Leaves out of a round what another schedule's round on the same channel reported within the
 * hour: a claim shown as due or still open is not listed again as due or open; a resolution is
 * not reported twice. (A claim shown as due at 09:00 and resolved at 09:30 is still reported
 * resolved: that is news.)
 */
async function leaveOutRecent(tx: Db, content: RoundContent, siblings: readonly ScheduleRow[], slot: Date): Promise<void> {
  if (!siblings.length) return;
  const runs = await tx
    .select({ detail: scheduleRuns.detail })
    .from(scheduleRuns)
    .where(
      and(
        inArray(
          scheduleRuns.scheduleId,
          siblings.map((s) => s.id),
        ),
        gt(scheduleRuns.slot, new Date(slot.getTime() - CHANNEL_REPEAT_MS)),
        lt(scheduleRuns.slot, new Date(slot.getTime() + CHANNEL_REPEAT_MS)),
        inArray(scheduleRuns.outcome, ['posting', 'posted']),
      ),
    );
  const shown = new Set<number>();
  const resolved = new Set<number>();
  for (const { detail } of runs) {
    const posted = (detail.posted ?? {}) as Partial<Record<'due' | 'open' | 'resolved', unknown>>;
    const numbers = (list: unknown) => (Array.isArray(list) ? list.map(Number) : []);
    for (const n of [...numbers(posted.due), ...numbers(posted.open)]) shown.add(n);
    for (const n of numbers(posted.resolved)) resolved.add(n);
  }
  // The lists hold the first claims of each kind and the counts all of them: what is left out leaves both.
  const newlyDue = content.newlyDue.filter((n) => !shown.has(n));
  const stillOpen = content.stillOpen.filter((o) => !shown.has(o.number));
  const dropped = new Set(content.resolved.filter((r) => resolved.has(r.number)).map((r) => r.id));
  content.newlyDueCount -= content.newlyDue.length - newlyDue.length;
  content.stillOpenCount -= content.stillOpen.length - stillOpen.length;
  content.resolvedCount -= dropped.size;
  content.newlyDue = newlyDue;
  content.stillOpen = stillOpen;
  content.resolved = content.resolved.filter((r) => !dropped.has(r.id));
  content.resolvedIds = content.resolvedIds.filter((id) => !dropped.has(id));
}

/** A round part as stored: plain JSON (rounds carry no files). */
const toPayload = (reply: Reply): Record<string, unknown> => JSON.parse(JSON.stringify({ ...reply, files: undefined, ephemeral: undefined })) as Record<string, unknown>;

/**
 * Runs one (schedule, slot): claims it (or resumes it, when the process that had it is gone),
 * then posts its parts that have no message id yet, in order. A transient failure (5xx, network)
 * leaves the slot unfinished with its lease released: catch-up resumes it from the part that
 * failed. Dead targets (unknown channel, missing access) close the slot as failed.
 */
export async function runRound(deps: RoundDeps, scheduleId: number, slot: Date, now: Date): Promise<RoundOutcome> {
  const owner = deps.owner ?? `round-${process.pid}`;
  const claim = await claimSlot(deps, owner, scheduleId, slot, now);
  if (claim.kind === 'done') return claim.result;
  return postParts(deps, owner, claim.schedule, slot, claim.resumed);
}

async function postParts(deps: RoundDeps, owner: string, schedule: ScheduleRow, slot: Date, resumed: boolean): Promise<RoundOutcome> {
  const { db, poster, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? LEASE_MS;
  const mine = and(runKey(schedule.id, slot), eq(scheduleRuns.outcome, 'posting'), eq(scheduleRuns.leaseOwner, owner));
  const renew = async () =>
    (await db.update(scheduleRuns).set({ leaseUntil: new Date(clock().getTime() + leaseMs) }).where(mine).returning({ slot: scheduleRuns.slot })).length > 0;
  // While a post waits (rate limits, a slow Discord), the lease is kept alive.
  const heartbeat = setInterval(() => void renew().catch(() => undefined), Math.max(1000, Math.floor(leaseMs / 3)));
  heartbeat.unref();
  try {
    const parts = await db.select().from(roundParts).where(partsKey(schedule.id, slot)).orderBy(asc(roundParts.part));
    let previous: string | null = null;
    let first = true;
    for (const part of parts) {
      if (part.messageId) {
        previous = part.messageId;
        continue;
      }
      if (!(await renew())) {
        log.warn({ scheduleId: schedule.id, slot: slot.toISOString() }, 'lost the lease on a round; another process carries on');
        return { outcome: 'busy' };
      }
      const reply = part.payload as Reply;
      let id: string | null = null;
      // Only the first part without an id can have reached Discord unrecorded (parts go one at a time):
      // after a takeover, look for it in the channel before sending it again.
      if (resumed && first && poster.findPosted) {
        try {
          id = await poster.findPosted(part.channelId, reply, { after: previous, since: slot });
          if (id) log.info({ scheduleId: schedule.id, slot: slot.toISOString(), part: part.part }, 'round part found in the channel; not sent again');
        } catch (error) {
          log.warn({ err: error, scheduleId: schedule.id }, 'could not read the channel to check the last part; sending it (its nonce guards a recent retry)');
        }
      }
      first = false;
      if (!id) {
        try {
          id = (await poster.post(part.channelId, reply, { nonce: part.nonce })).id;
        } catch (error) {
          if (!(error instanceof PostError) || error.kind === 'transient') {
            await db.update(scheduleRuns).set({ leaseUntil: null }).where(mine);
            throw error;
          }
          return await handleDeadTarget(deps, schedule, error, slot, clock());
        }
      }
      // Recorded the moment Discord answers, in its own statement.
      await db.update(roundParts).set({ messageId: id, postedAt: clock() }).where(and(partsKey(schedule.id, slot), eq(roundParts.part, part.part)));
      previous = id;
      await openClaimThreads(deps, schedule.guildId, part.channelId, id, reply, clock());
    }
    const ids = (await db.select({ id: roundParts.messageId }).from(roundParts).where(partsKey(schedule.id, slot)).orderBy(asc(roundParts.part))).map((r) => r.id!);
    await db.transaction(async (tx) => {
      await tx.update(scheduleRuns).set({ outcome: 'posted', messageIds: ids, finishedAt: clock(), leaseOwner: null, leaseUntil: null }).where(mine);
      await tx.update(schedules).set({ failures: 0 }).where(eq(schedules.id, schedule.id));
    });
    return { outcome: 'posted', messageIds: ids, ...(resumed ? { resumed } : {}) };
  } finally {
    clearInterval(heartbeat);
  }
}

/** Closes a slot that can never be posted (missed beyond the catch-up window). Returns how many parts were left unposted. */
export async function skipSlot(db: Db, scheduleId: number, slot: Date, at: Date): Promise<number | null> {
  return db.transaction(async (tx) => {
    const closed = await tx
      .update(scheduleRuns)
      .set({ outcome: 'skipped', finishedAt: at, leaseOwner: null, leaseUntil: null })
      .where(and(runKey(scheduleId, slot), eq(scheduleRuns.outcome, 'posting'), or(isNull(scheduleRuns.leaseUntil), lt(scheduleRuns.leaseUntil, at))))
      .returning({ slot: scheduleRuns.slot });
    if (!closed.length) return null;
    const [left] = await tx
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(roundParts)
      .where(and(partsKey(scheduleId, slot), isNull(roundParts.messageId)));
    return left?.n ?? 0;
  });
}

async function handleDeadTarget(deps: RoundDeps, schedule: ScheduleRow, error: PostError, slot: Date, now: Date): Promise<RoundOutcome> {
  const channel = `<#${schedule.channelId}>`;
  const audit = { guildId: schedule.guildId, actorId: 'system', at: now };
  const kind = error.kind;
  const outcome = await deps.db.transaction(async (tx): Promise<{ failures: number; action: 'disable' | 'pause' | 'count' | 'none' }> => {
    const posted = (await tx.select({ id: roundParts.messageId }).from(roundParts).where(partsKey(schedule.id, slot)).orderBy(asc(roundParts.part)))
      .map((r) => r.id)
      .filter((id): id is string => !!id);
    await tx
      .update(scheduleRuns)
      .set({
        outcome: 'failed',
        messageIds: posted,
        finishedAt: now,
        leaseOwner: null,
        leaseUntil: null,
        detail: { kind, status: error.status, code: error.code, message: error.message.slice(0, 300) },
      })
      .where(runKey(schedule.id, slot));
    const [current] = await tx.select({ failures: schedules.failures }).from(schedules).where(eq(schedules.id, schedule.id)).for('update');
    if (kind === 'unknown_channel') {
      const reason = `disabled: the channel ${channel} no longer exists`;
      await tx.update(schedules).set({ status: 'disabled', statusReason: reason, updatedAt: now }).where(eq(schedules.id, schedule.id));
      await recordAudit(guildScope(tx, schedule.guildId), { ...audit, action: 'schedule.disable', detail: { schedule: schedule.id, reason: 'unknown channel' } });
      return { failures: current?.failures ?? 0, action: 'disable' };
    }
    if (kind === 'missing_access') {
      const failures = (current?.failures ?? schedule.failures) + 1;
      if (failures >= PAUSE_AFTER_FAILURES) {
        const reason = `paused: Hindsight cannot post in ${channel} (missing access or permissions) for ${failures} rounds in a row`;
        await tx.update(schedules).set({ status: 'paused', failures, statusReason: reason, updatedAt: now }).where(eq(schedules.id, schedule.id));
        await recordAudit(guildScope(tx, schedule.guildId), { ...audit, action: 'schedule.pause', detail: { schedule: schedule.id, reason: 'missing access', failures } });
        return { failures, action: 'pause' };
      }
      await tx.update(schedules).set({ failures, updatedAt: now }).where(eq(schedules.id, schedule.id));
      return { failures, action: 'count' };
    }
    return { failures: current?.failures ?? 0, action: 'none' };
  });
  // Managers are told after the transaction: nothing is held while Discord answers.
  if (outcome.action === 'disable') {
    deps.log.warn({ scheduleId: schedule.id, guildId: schedule.guildId }, 'schedule disabled: unknown channel');
    const t = await serverTranslator(guildScope(deps.db, schedule.guildId), null).catch(() => EN);
    const notified = await notify(deps, schedule, t('round.notifyDisabled', { id: schedule.id }));
    return { outcome: 'failed', kind, disabled: true, ...(notified ? { notified } : {}) };
  }
  if (outcome.action === 'pause') {
    const t = await serverTranslator(guildScope(deps.db, schedule.guildId), null).catch(() => EN);
    const notified = await notify(deps, schedule, t('round.notifyPaused', { id: schedule.id, channel, count: outcome.failures, resume: `/reminders resume id:${schedule.id}` }));
    deps.log.warn({ scheduleId: schedule.id, guildId: schedule.guildId, notified }, 'schedule paused: missing access');
    return { outcome: 'failed', kind, paused: true, ...(notified ? { notified } : {}) };
  }
  if (outcome.action === 'count') return { outcome: 'failed', kind };
  deps.log.warn({ scheduleId: schedule.id, status: error.status, code: error.code }, 'round rejected by Discord; not retried');
  return { outcome: 'failed', kind };
}

async function notify(deps: RoundDeps, schedule: ScheduleRow, text: string): Promise<string | undefined> {
  try {
    return await deps.poster.notifyManagers(schedule.guildId, text, { createdBy: schedule.createdBy });
  } catch (error) {
    deps.log.warn({ err: error, scheduleId: schedule.id }, 'could not tell the managers');
    return undefined;
  }
}
