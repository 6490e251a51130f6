/**
 * The direct-message sender: sends what the outbox (`direct_messages`, written with each
 * resolution and reopening, src/ledger/notices.ts) holds, through the Poster port, and records
 * each answer. Every tick it takes a batch of unsent rows with SKIP LOCKED (so several processes
 * never take one row at once), stamps them, sends them one by one outside any transaction and
 * records `sent_at` or `failed_at`.
 *
 * A failure is final: a 4xx (403 50007 when the member's privacy settings refuse DMs; then no DM
 * is tried for that member in that server until they turn DMs on again), or a 5xx or network
 * error that @discordjs/rest already retried its bounded number of times. Nothing here loops on
 * a DM. The one case taken again: a row stamped by a process that died before recording an
 * answer, once, after a lease, with the same nonce (so Discord returns the first message if the
 * first send reached it).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { PostError, type Poster } from '../kit/poster.js';
import type { Reply } from '../kit/reply.js';
import { safe } from '../kit/render.js';
import { rowsOf } from '../ledger/claim-row.js';
import { MAX_DMS_PER_EVENT, noteDmRefused, type NoticeEvent } from '../ledger/notices.js';
import type { Outcome } from '../ledger/rules.js';
import { guildScope } from '../ledger/context.js';
import { EN, type Translator } from '../i18n/index.js';
import { serverTranslator } from '../kit/locale.js';

/** A stamped row not answered within this is taken once more (Discord remembers a nonce a few minutes). */
export const DM_LEASE_MS = 60_000;
/** Stamps per row at most: the first send, and one after a process died mid-send. */
const MAX_ATTEMPTS = 2;
const TICK_MS = 1_000;
/** How long stopping waits for the last pass. */
const STOP_FLUSH_MS = 5_000;
/** Discord's code for "Cannot send messages to this user". */
export const CANNOT_DM = 50007;

interface TakenRow {
  id: number;
  guild_id: string;
  claim_id: number;
  user_id: string;
  event: NoticeEvent;
  outcome: Outcome | null;
  eligible: number;
  number: number | null;
  text: string | null;
  status: 'open' | 'resolved' | 'waiting' | null;
  voting_closes_at: string | Date | null;
  deleted: boolean | null;
  card_channel: string | null;
  card_message: string | null;
}

export interface DmPassResult {
  sent: number;
  failed: number;
  /** Rows given up after a process died twice while sending them. */
  abandoned: number;
}

/**
 * The message a member gets (plain content, mentions off: allowed_mentions none is set by the poster), in
 * `t`'s language: the server's (no member locale is known when it is sent).
 */
export function directMessageText(
  row: Pick<TakenRow, 'guild_id' | 'event' | 'outcome' | 'number' | 'text' | 'status' | 'voting_closes_at' | 'card_channel' | 'card_message'>,
  t: Translator = EN,
): Reply {
  const label = row.outcome ? t(`outcomes.${row.outcome}`) : null;
  const number = row.number ?? '?';
  const head =
    row.event === 'resolved'
      ? `**${label ? t('dm.resolved', { number, outcome: label }) : t('dm.resolvedPlain', { number })}**`
      : label
        ? t('dm.reopenedWas', { number, outcome: label })
        : `**${t('dm.reopened', { number })}**`;
  const closes = row.voting_closes_at ? new Date(row.voting_closes_at) : null;
  const after =
    row.event === 'reopened' && row.status === 'open' && closes
      ? t('dm.votingOpen', { until: `<t:${Math.floor(closes.getTime() / 1000)}:f>` })
      : row.event === 'reopened' && row.status === 'waiting'
        ? t('dm.waitsAgain')
        : null;
  const where =
    row.card_channel && row.card_message
      ? t('dm.card', { link: `https://discord.com/channels/${row.guild_id}/${row.card_channel}/${row.card_message}` })
      : t('dm.inServer', { link: `https://discord.com/channels/${row.guild_id}`, number });
  const lines = [head, `> ${safe(row.text ?? '', 500).replace(/\n/g, '\n> ')}`, after, where, `*${t('dm.footer')}*`].filter((l): l is string => !!l);
  return { content: lines.join('\n') };
}

/** One pass: takes a batch of unsent rows, sends each once, records the answers. */
export async function sendDirectMessages(db: Db, poster: Poster, now: Date, log: Logger, opts: { batch?: number; guildId?: string } = {}): Promise<DmPassResult> {
  const batch = opts.batch ?? 25;
  // The console on a shared database sends (prints) only its own server's.
  const scope = opts.guildId ? sql` and guild_id = ${opts.guildId}` : sql``;
  const result: DmPassResult = { sent: 0, failed: 0, abandoned: 0 };
  if (!poster.directMessage) return result;
  const lease = new Date(now.getTime() - DM_LEASE_MS).toISOString();
  const nowText = now.toISOString();
  // Stamped twice and never answered: the processes sending it died; not tried again.
  const abandoned = rowsOf<{ id: number }>(
    await db.execute(sql`
      update direct_messages set failed_at = ${nowText}::timestamptz, error = ${`not answered after ${MAX_ATTEMPTS} tries (the sending process stopped)`}
      where sent_at is null and failed_at is null and attempts >= ${MAX_ATTEMPTS}::int and taken_at <= ${lease}::timestamptz${scope}
      returning id`),
  );
  result.abandoned = abandoned.length;
  const taken = rowsOf<TakenRow>(
    await db.execute(sql`
      with p as (
        select id from direct_messages
        where sent_at is null and failed_at is null and attempts < ${MAX_ATTEMPTS}::int and (taken_at is null or taken_at <= ${lease}::timestamptz)${scope}
        order by id limit ${batch}::int for update skip locked
      ), t as (
        update direct_messages d set taken_at = ${nowText}::timestamptz, attempts = d.attempts + 1
        from p where d.id = p.id
        returning d.id, d.guild_id, d.claim_id, d.user_id, d.event, d.outcome, d.eligible
      )
      select t.*, c.number, c.text, c.status, c.voting_closes_at, c.deleted_at is not null as deleted,
        r.channel_id as card_channel, r.message_id as card_message
      from t
      left join claims c on c.guild_id = t.guild_id and c.id = t.claim_id
      left join lateral (
        select channel_id, message_id from card_refreshes r where r.guild_id = t.guild_id and r.claim_id = t.claim_id
        order by r.dirty_at desc limit 1
      ) r on true
      order by t.id`),
  );
  const finish = (id: number, set: { sent: true; messageId: string } | { sent: false; error: string }) =>
    set.sent
      ? db.execute(sql`update direct_messages set sent_at = ${nowText}::timestamptz, message_id = ${set.messageId} where id = ${id}::bigint`)
      : db.execute(sql`update direct_messages set failed_at = ${nowText}::timestamptz, error = ${set.error.slice(0, 500)} where id = ${id}::bigint`);
  const capped = new Set<string>();
  // Each server's language, read once a pass.
  const languages = new Map<string, Promise<Translator>>();
  const serverLanguage = (guildId: string) => {
    if (!languages.has(guildId)) languages.set(guildId, serverTranslator(guildScope(db, guildId), null).catch(() => EN));
    return languages.get(guildId)!;
  };
  for (const row of taken) {
    const id = Number(row.id);
    if (Number(row.eligible) > MAX_DMS_PER_EVENT && !capped.has(`${row.claim_id}:${row.event}`)) {
      capped.add(`${row.claim_id}:${row.event}`);
      log.warn({ guildId: row.guild_id, claim: row.number, event: row.event, eligible: Number(row.eligible), cap: MAX_DMS_PER_EVENT }, 'more members asked for direct messages about this claim than the cap: the rest are left out');
    }
    if (row.number === null || row.deleted) {
      await finish(id, { sent: false, error: 'the claim was deleted' });
      result.failed += 1;
      continue;
    }
    try {
      const message = await poster.directMessage(row.user_id, directMessageText(row, await serverLanguage(row.guild_id)), { nonce: `dm${id}` });
      await finish(id, { sent: true, messageId: message.id });
      result.sent += 1;
    } catch (error) {
      const e = error instanceof PostError ? error : new PostError('transient', error instanceof Error ? error.message : String(error));
      result.failed += 1;
      await finish(id, { sent: false, error: `${e.status ?? ''}${e.code ? ` ${e.code}` : ''} ${e.message}`.trim() }).catch(() => {});
      if (e.code === CANNOT_DM) await noteDmRefused(guildScope(db, row.guild_id), row.user_id, now).catch(() => {});
      log.warn(
        { guildId: row.guild_id, userId: row.user_id, claim: row.number, status: e.status, code: e.code, kind: e.kind },
        e.code === CANNOT_DM ? 'direct message refused (the member’s privacy settings); none tried again until they turn DMs on' : 'direct message failed; not tried again',
      );
    }
  }
  return result;
}

/** Forgets answered rows older than 30 days. */
export async function forgetOldDirectMessages(db: Db, now: Date): Promise<void> {
  await db.execute(sql`
    delete from direct_messages where (sent_at is not null or failed_at is not null) and created_at < ${new Date(now.getTime() - 30 * 86_400_000).toISOString()}::timestamptz`);
}

export interface DirectMessageSender {
  /** Runs a pass now (after the one in flight). */
  flush(): Promise<DmPassResult>;
  stop(): Promise<void>;
}

/** `guildId` limits it to one server (the console on a shared database). */
export function startDirectMessageSender(opts: { db: Db; poster: Poster; log: Logger; now?: () => Date; tickMs?: number; guildId?: string }): DirectMessageSender {
  const now = opts.now ?? (() => new Date());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DmPassResult> = Promise.resolve({ sent: 0, failed: 0, abandoned: 0 });
  let passes = 0;
  const pass = () => {
    running = running.then(async () => {
      try {
        if (++passes % 3600 === 0) await forgetOldDirectMessages(opts.db, now());
        return await sendDirectMessages(opts.db, opts.poster, now(), opts.log, opts.guildId ? { guildId: opts.guildId } : {});
      } catch (error) {
        opts.log.warn({ err: error }, 'direct messages: pass failed; next tick retries');
        return { sent: 0, failed: 0, abandoned: 0 };
      }
    });
    return running;
  };
  const tick = () => {
    void pass().then(() => {
      if (!stopped) timer = setTimeout(tick, opts.tickMs ?? TICK_MS);
    });
  };
  tick();
  return {
    flush: pass,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // One last pass, so what the last commands queued goes out (the console prints it before it exits), for at most a few seconds.
      await Promise.race([pass(), new Promise((resolve) => setTimeout(resolve, STOP_FLUSH_MS).unref())]);
    },
  };
}
