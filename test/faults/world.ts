/**
 * Shared by the fault suite (test/faults) and the benchmarks (bench/): a migrated PostgreSQL
 * database, the bot as a child process logged into our fake Discord, claims that are due, cards
 * with vote buttons, and many distinct members clicking them. Traffic stays on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.js';
import { addClaim } from '../../src/ledger/claims.js';
import type { Verdict } from '../../src/ledger/rules.js';
import { voteIds } from '../../src/kit/custom-ids.js';
import type { FakeDiscord, FakeReply, InteractionHandle, Snowflake } from '../fake-discord/index.js';
import { createDatabase } from '../support/pg-cluster.js';
import { spawnBot, type BotProcess } from '../support/bot-process.js';

const DAY = 86_400_000;

export const MANAGER = { id: '900000000000000001', isManager: true } as const;
export const VERDICTS: readonly Verdict[] = ['came_true', 'partly', 'did_not', 'too_early'];
/** What the clicker is told once the vote is stored (components.ts). */
export const VOTE_ACK = /^You (voted|changed your vote to) \*\*/;

/** A distinct member snowflake per index. */
export const memberId = (i: number): Snowflake => String(700_000_000_000_000_000n + BigInt(i));

/** A fresh database on a cluster, migrated as the bot would. */
export async function freshDatabase(adminUrl: string, prefix: string, maxConnections = 10): Promise<Database & { url: string }> {
  const url = await createDatabase(adminUrl, `${prefix}_${randomBytes(5).toString('hex')}`);
  const database = await openDatabase({ databaseUrl: url, maxConnections });
  await migrateDatabase(database, url);
  return { ...database, url };
}

/**
 * Adds `count` claims that came due yesterday and stay open for voting for the next days
 * (added "ten days ago" so the check date was in the future then). Returns their numbers.
 */
export async function addDueClaims(database: Database, guildId: string, count: number, now = new Date()): Promise<number[]> {
  const then = new Date(now.getTime() - 10 * DAY);
  const checkBy = new Date(now.getTime() - 2 * DAY).toISOString().slice(0, 10);
  const numbers: number[] = [];
  for (let i = 0; i < count; i++) {
    const row = await addClaim({ db: database.db, guildId, actor: MANAGER, now: () => then }, { claim: `Due claim ${i + 1}`, checkBy });
    numbers.push(row.number);
  }
  return numbers;
}

/** Has the bot post a claim card (/predict show) and returns its message id. */
export async function postCard(fake: FakeDiscord, guildId: Snowflake, number: number, timeoutMs = 15_000): Promise<Snowflake> {
  const reply = await fake.sendCommand(guildId, 'card-reader', { name: 'predict', subcommand: 'show', options: { claim: String(number) } }).reply(timeoutMs);
  if (!reply.embeds[0]?.title?.startsWith(`#${number} `)) throw new Error(`no card for claim #${number}: ${reply.content}`);
  return reply.messageId;
}

export interface Card {
  number: number;
  messageId: Snowflake;
}

/** A member clicks a vote button on a card (the real custom_id the card carries). */
export function clickVote(fake: FakeDiscord, guildId: Snowflake, card: Card, verdict: Verdict, member: Snowflake): InteractionHandle {
  return fake.clickButton(guildId, member, { customId: voteIds.encode(card.number, verdict), messageId: card.messageId });
}

export const isVoteAck = (reply: FakeReply) => reply.ephemeral && VOTE_ACK.test(reply.content);

/** The bot as a child process on PostgreSQL, logged into the fake; resolves once rounds are scheduled (ready). */
export async function startBotProcess(
  fake: FakeDiscord,
  databaseUrl: string,
  env: Record<string, string> = {},
  opts: { script?: string; ready?: RegExp } = {},
): Promise<BotProcess> {
  const bot = spawnBot({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: databaseUrl, ...env }, opts.script);
  try {
    await bot.waitFor(opts.ready ?? /scheduler started/, 60_000);
  } catch (error) {
    bot.child.kill('SIGKILL');
    throw error;
  }
  return bot;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopBotProcess(bot: Pick<BotProcess, 'child' | 'exited'>, graceMs = 15_000): Promise<number | null> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return bot.child.exitCode;
  bot.child.kill('SIGTERM');
  const timer = setTimeout(() => bot.child.kill('SIGKILL'), graceMs);
  try {
    return await bot.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** kill -9, and wait for the process to be gone. */
export async function killBotProcess(bot: Pick<BotProcess, 'child' | 'exited'>): Promise<void> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return;
  bot.child.kill('SIGKILL');
  await bot.exited;
}

/** Resident set size of a process, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitUntil<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
