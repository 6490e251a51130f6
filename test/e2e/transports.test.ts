/**
 * One table, two transports. Every slash command, button, form (modal), message command and
 * autocomplete of the registry runs once through the gateway (the real discord.js client, the
 * INTERACTION_CREATE payload over the fake's WebSocket, answers as REST callbacks) and once through
 * the HTTP interactions endpoint (the fake POSTs the signed payload, the HTTP response is the
 * callback), in one bot process serving both, on PGlite. Each transport has its own server with
 * the same history, step by step, and every step must leave the same change in that server's
 * ledger and show the member the same answer.
 *
 * What may differ is left out of the comparison: ids the database hands out (draft and schedule
 * numbers, message ids), the server's channel id, times (`<t:…>`, timestamps). Claim numbers and
 * member ids are the same in both servers, so they are compared.
 */
import { evidenceIds, mineIds } from '../../src/kit/custom-ids.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq, lte } from 'drizzle-orm';
import { articles, auditLog, claims, evidence, extractDrafts, forecasts, guilds, memberSettings, schedules, speakers, votes } from '../../src/db/schema.js';
import { bundledPacks } from '../../src/ledger/transfer.js';
import { registry } from '../../commands/index.js';
import { buttons, forms } from '../../src/components/index.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import type { FakeActor, FakeGuildInfo, FakeReply, InteractionHandle, ModalData } from '../fake-discord/index.js';

const MOD = { id: 'mod', manager: true } as const;
const pack = bundledPacks()[0]!;
const GENEVA = '"Negotiations will begin in Geneva by March 2027," said Foreign Minister Anna Berg.';
const OSLO = '"The embassy in Oslo will reopen before the end of 2027," said Deputy Minister Karl Holm.';
const ARTICLE = ['Talks in Geneva expected soon', '', GENEVA, '', 'The ministry gave no further details about the delegations.', '', OSLO].join('\n');

type Transport = 'gateway' | 'http';
const TRANSPORTS: readonly Transport[] = ['gateway', 'http'];

let h: BotHarness & { dataDir: string };
let endpoint = '';
const servers = {} as Record<Transport, FakeGuildInfo>;

beforeAll(async () => {
  h = await startBotHarness({ endpoint: true });
  expect(h.app.client).not.toBeNull();
  expect(h.app.endpointPort).toBeGreaterThan(0);
  endpoint = `http://127.0.0.1:${h.app.endpointPort}/interactions`;
  servers.gateway = h.guild;
  servers.http = h.fake.addGuild({ name: 'Hindsight over HTTP' });
});
afterAll(async () => {
  h?.fake.setInteractionsEndpoint(null);
  await h?.stop();
});

// ── What a step shows and changes ───────────────────────────────────────────

interface Button {
  label?: string;
  custom_id?: string;
  style?: number;
  disabled?: boolean;
}
const buttonsOf = (r: { components: unknown[] }) => (r.components as { components?: Button[] }[]).flatMap((row) => row.components ?? []);
const buttonOf = (r: FakeReply, label: string | RegExp): Button => {
  const b = buttonsOf(r).find((x) => (typeof label === 'string' ? x.label === label : label.test(x.label ?? '')));
  if (!b?.custom_id) throw new Error(`no button ${String(label)} among ${buttonsOf(r).map((x) => x.label).join(', ')}`);
  return b;
};

/** Ids the database or the fake hands out, the server's channel and times: the same step shows them differently on each server. */
function normalise(text: string): string {
  return text
    .replace(/<t:\d+(?::[tTdDfFR])?>/g, '<t>')
    .replace(/<#\d+>/g, '<#channel>')
    .replace(/\b([Ss]chedule |[Dd]raft |draft:[a-z]:|dedit:)\d+/g, '$1#')
    .replace(/\*\*\d+\*\* · <#channel>/g, '**#** · <#channel>')
    .replace(/`\d+`/g, '`#`')
    .replace(/Evidence item \d+/g, 'Evidence item #')
    .replace(/removed evidence \d+/g, 'removed evidence #');
}

/** What the member sees of an answer: text, embeds, buttons, whether only they see it, the names of its files. */
const seenReply = (r: FakeReply) =>
  normalise(
    JSON.stringify({
      ephemeral: r.ephemeral,
      content: r.content,
      embeds: r.embeds.map((e) => ({ title: e.title, description: e.description, fields: e.fields, footer: e.footer?.text, image: e.image?.url })),
      buttons: buttonsOf(r).map((b) => ({ label: b.label, style: b.style, disabled: b.disabled ?? false, id: b.custom_id })),
      files: r.attachments.map((a) => a.filename),
    }),
  );
const seenModal = (m: ModalData) => normalise(JSON.stringify(m));
const seenChoices = (choices: unknown[]) => JSON.stringify(choices);

// changedXid: the transaction that last stored a vote (src/jobs/cards.ts), a database counter, not ledger content.
const DROPPED = new Set(['id', 'guildId', 'channelId', 'messageId', 'messageIds', 'exportKey', 'speakerId', 'articleId', 'changedXid']);

/** A row as both servers' ledgers can agree on it: no database ids or times; a claim by its number. */
function normaliseRow(value: unknown, claimNumbers: ReadonlyMap<number, number>, key = ''): unknown {
  if (value instanceof Date) return 'time';
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return 'time';
  if (key === 'schedule' || key === 'draft' || key === 'channel') return '#';
  // An evidence item's id in an audit entry (a serial shared by every server); a vote's evidence is its text.
  if (key === 'evidence' && typeof value === 'number') return '#';
  if (Array.isArray(value)) return value.map((v) => normaliseRow(v, claimNumbers));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (DROPPED.has(k) || /At$/.test(k)) continue;
      if (k === 'conditionClaimId') out.condition = typeof v === 'number' ? (claimNumbers.get(v) ?? 'gone') : v;
      else if (k === 'claimId') out.claim = typeof v === 'number' ? (claimNumbers.get(v) ?? 'gone') : v;
      else out[k] = normaliseRow(v, claimNumbers, k);
    }
    return out;
  }
  return value;
}

const LEDGER = { guilds, articles, speakers, claims, votes, forecasts, evidence, auditLog, schedules, extractDrafts, memberSettings };

/** Every ledger row of a server, normalised. */
async function ledgerOf(guildId: string): Promise<string[]> {
  const db = h.app.database.db;
  const numbers = new Map((await db.select({ id: claims.id, number: claims.number }).from(claims).where(eq(claims.guildId, guildId))).map((c) => [c.id, c.number]));
  const rows: string[] = [];
  for (const [name, table] of Object.entries(LEDGER)) {
    const t = table as typeof claims;
    for (const row of await db.select().from(t).where(eq(t.guildId, guildId))) rows.push(`${name} ${JSON.stringify(normaliseRow(row, numbers))}`);
  }
  return rows.sort();
}

/** What a step changed: rows that came and rows that went. */
function change(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const minus = (a: readonly string[], b: readonly string[]) => {
    const left = [...b];
    return a.filter((x) => {
      const i = left.indexOf(x);
      if (i < 0) return true;
      left.splice(i, 1);
      return false;
    });
  };
  return { added: minus(after, before), removed: minus(before, after) };
}

// ── The table ───────────────────────────────────────────────────────────────

/** One server's side of the run: its server and what earlier steps showed it (cards to click, ids). */
interface Side {
  guild: FakeGuildInfo;
  saved: Map<string, FakeReply>;
  schedule: number;
}

const sides = {} as Record<Transport, Side>;

interface Step {
  name: string;
  /** Whether the step must change the ledger (else: must not). */
  writes: boolean;
  /** Sends this step's interaction(s) to one server; what the member sees. */
  run(s: Side): Promise<string>;
}

const command = (s: Side, user: FakeActor, name: string, options: Record<string, string | number | boolean | ReturnType<BotHarness['fake']['attachment']>> = {}, subcommand?: string) =>
  h.fake.sendCommand(s.guild.id, user, { name, options, ...(subcommand ? { subcommand } : {}) });
const answer = async (handle: InteractionHandle) => handle.reply(10_000);
const click = (s: Side, user: FakeActor, saved: string, label: string | RegExp) => {
  const r = s.saved.get(saved)!;
  return h.fake.clickButton(s.guild.id, user, { customId: buttonOf(r, label).custom_id!, messageId: r.messageId });
};
/** The id of the server's newest evidence item (ids are a serial shared by every server: each side asks its own). */
/** The number (on its claim) of the server's latest evidence item: how many items its claim was given up to it. */
const lastEvidence = async (s: Side) => {
  const [last] = await h.app.database.db.select({ id: evidence.id, claimId: evidence.claimId }).from(evidence).where(eq(evidence.guildId, s.guild.id)).orderBy(desc(evidence.id)).limit(1);
  const earlier = await h.app.database.db.select({ id: evidence.id }).from(evidence).where(and(eq(evidence.guildId, s.guild.id), eq(evidence.claimId, last!.claimId), lte(evidence.id, last!.id)));
  return earlier.length;
};
const keep = (s: Side, name: string, r: FakeReply) => (s.saved.set(name, r), seenReply(r));
const choices = async (s: Side, user: FakeActor, name: string, focused: string, options: Record<string, string>, subcommand?: string) =>
  seenChoices(await h.fake.sendAutocomplete(s.guild.id, user, { name, options, focused, ...(subcommand ? { subcommand } : {}) }).choices(10_000));

const STEPS: Step[] = [
  // Slash commands, and the buttons and forms they draw.
  { name: '/predict import pack (a member): refused', writes: false, run: async (s) => seenReply(await answer(command(s, 'alice', 'predict', { pack: pack.id }, 'import'))) },
  { name: '/predict import pack', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'predict', { pack: pack.id }, 'import'))) },
  { name: '/predict import file', writes: false, run: async (s) => seenReply(await answer(command(s, MOD, 'predict', { file: h.fake.attachment({ filename: 'pack.json', content: JSON.stringify(pack), contentType: 'application/json' }) }, 'import'))) },
  { name: '/predict list status:due', writes: false, run: async (s) => keep(s, 'list', await answer(command(s, 'alice', 'predict', { status: 'due' }, 'list'))) },
  { name: 'button: Next ▶ on the list', writes: false, run: async (s) => keep(s, 'list', await answer(click(s, 'bob', 'list', 'Next ▶'))) },
  { name: 'button: ◀ Previous on the list', writes: false, run: async (s) => seenReply(await answer(click(s, 'bob', 'list', '◀ Previous'))) },
  { name: '/predict show claim:1', writes: false, run: async (s) => keep(s, 'card', await answer(command(s, 'alice', 'predict', { claim: '1' }, 'show'))) },
  { name: 'button: Came true on a card', writes: true, run: async (s) => seenReply(await answer(click(s, 'alice', 'card', 'Came true'))) },
  { name: 'button: Did not on a card (a changed vote)', writes: true, run: async (s) => seenReply(await answer(click(s, 'alice', 'card', 'Did not'))) },
  { name: '/vote claim:1 verdict:partly evidence: (an evidence item)', writes: true, run: async (s) => seenReply(await answer(command(s, 'bob', 'vote', { claim: '1', verdict: 'partly', evidence: 'https://example.org/news' }))) },
  // Evidence: the card's Add evidence button and its form, a page of the list, a manager's removal.
  { name: 'button: Add evidence opens the form', writes: false, run: async (s) => seenModal(await click(s, 'carol', 'card', 'Add evidence').modal(10_000)) },
  {
    name: 'form: Add evidence submitted',
    writes: true,
    run: async (s) => {
      const card = s.saved.get('card')!;
      const modal = await click(s, 'carol', 'card', 'Add evidence').modal(10_000);
      const fields = { link: 'https://example.org/report_(1)', note: '[see](https://evil.example) @everyone', side: 'did not' };
      return seenReply(await answer(h.fake.submitModal(s.guild.id, 'carol', { customId: modal.custom_id, messageId: card.messageId, fields })));
    },
  },
  {
    name: 'form: Add evidence with a link that is not http: refused',
    writes: false,
    run: async (s) => {
      const card = s.saved.get('card')!;
      const modal = await click(s, 'carol', 'card', 'Add evidence').modal(10_000);
      return seenReply(await answer(h.fake.submitModal(s.guild.id, 'carol', { customId: modal.custom_id, messageId: card.messageId, fields: { link: 'javascript:alert(1)', note: '', side: 'context' } })));
    },
  },
  {
    name: 'button: a page of a claim’s evidence',
    writes: false,
    // One page draws no Previous/Next: the id a page button carries, as Discord would send it.
    run: async (s) => seenReply(await answer(h.fake.clickButton(s.guild.id, 'bob', { customId: evidenceIds.encode('p', 1, 1), messageId: s.saved.get('card')!.messageId, force: true }))),
  },
  { name: '/predict show claim:1 (with its evidence)', writes: false, run: async (s) => seenReply(await answer(command(s, 'carol', 'predict', { claim: '1' }, 'show'))) },
  { name: '/predict evidence-remove (a member): refused', writes: false, run: async (s) => seenReply(await answer(command(s, 'bob', 'predict', { claim: '1', item: await lastEvidence(s) }, 'evidence-remove'))) },
  { name: '/predict evidence-remove', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'predict', { claim: '1', item: await lastEvidence(s) }, 'evidence-remove'))) },
  { name: '/vote on a claim that does not exist: refused', writes: false, run: async (s) => seenReply(await answer(command(s, 'bob', 'vote', { claim: '9999', verdict: 'partly' }))) },
  { name: '/predict add', writes: true, run: async (s) => seenReply(await answer(command(s, 'alice', 'predict', { claim: 'The talks start before the summer', 'check-by': 'in 3 months', speaker: 'A diplomat', family: 'negotiations' }, 'add'))) },
  { name: '/predict edit', writes: true, run: async (s) => seenReply(await answer(command(s, 'alice', 'predict', { claim: '21', text: 'The talks start within three months' }, 'edit'))) },
  { name: '/forecast', writes: true, run: async (s) => seenReply(await answer(command(s, 'alice', 'forecast', { claim: '21', probability: 70 }))) },
  { name: '/predict edit (a member, someone else’s claim): refused', writes: false, run: async (s) => seenReply(await answer(command(s, 'bob', 'predict', { claim: '21', text: 'Mine now' }, 'edit'))) },
  { name: '/predict edit (its author, once forecast on): refused', writes: false, run: async (s) => seenReply(await answer(command(s, 'alice', 'predict', { claim: '21', text: 'Changed again' }, 'edit'))) },
  // The member loop: forecast buttons on a card before its check date, the Other… form, /predict mine.
  { name: '/predict show claim:21 (a card before its check date)', writes: false, run: async (s) => keep(s, 'fcard', await answer(command(s, 'bob', 'predict', { claim: '21' }, 'show'))) },
  { name: 'button: 30% on a card', writes: true, run: async (s) => seenReply(await answer(click(s, 'bob', 'fcard', '30%'))) },
  { name: 'button: Other… opens the form', writes: false, run: async (s) => seenModal(await click(s, 'bob', 'fcard', 'Other…').modal(10_000)) },
  {
    name: 'form: Other… submitted',
    writes: true,
    run: async (s) => {
      const card = s.saved.get('fcard')!;
      const modal = await click(s, 'bob', 'fcard', 'Other…').modal(10_000);
      return seenReply(await answer(h.fake.submitModal(s.guild.id, 'bob', { customId: modal.custom_id, messageId: card.messageId, fields: { probability: '65' } })));
    },
  },
  { name: '/predict mine', writes: false, run: async (s) => keep(s, 'mine', await answer(command(s, 'bob', 'predict', {}, 'mine'))) },
  {
    name: 'button: Next ▶ on /predict mine (one page: stays on it)',
    writes: false,
    // One page has no buttons drawn: the id a second page's Next would carry, as Discord would send it.
    run: async (s) => seenReply(await answer(h.fake.clickButton(s.guild.id, 'bob', { customId: mineIds.encode(2, 'n'), messageId: s.saved.get('mine')!.messageId, force: true }))),
  },
  { name: '/predict notify (show)', writes: false, run: async (s) => seenReply(await answer(command(s, 'bob', 'predict', {}, 'notify'))) },
  { name: '/predict notify dm:on', writes: true, run: async (s) => seenReply(await answer(command(s, 'bob', 'predict', { dm: 'on' }, 'notify'))) },
  { name: '/settings (show)', writes: false, run: async (s) => seenReply(await answer(command(s, MOD, 'settings'))) },
  { name: '/settings quorum:2 extract-by:members', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'settings', { quorum: 2, 'extract-by': 'members' }))) },
  { name: '/resolve claim:2 outcome:came-true', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'resolve', { claim: '2', outcome: 'came-true', note: 'It happened.' }))) },
  { name: '/resolve claim:1 outcome:by-vote', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'resolve', { claim: '1', outcome: 'by-vote' }))) },
  { name: '/reopen claim:2', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'reopen', { claim: '2', note: 'New facts.' }))) },
  { name: '/resolve (a member): refused', writes: false, run: async (s) => seenReply(await answer(command(s, 'alice', 'resolve', { claim: '3', outcome: 'did-not' }))) },
  {
    name: '/reminders add',
    writes: true,
    run: async (s) => {
      const r = await answer(command(s, MOD, 'reminders', { channel: s.guild.defaultChannelId, schedule: 'daily 09:00', timezone: 'UTC' }, 'add'));
      s.schedule = Number(/Schedule (\d+) added/.exec(r.embeds[0]?.title ?? '')?.[1]);
      return seenReply(r);
    },
  },
  { name: '/reminders list', writes: false, run: async (s) => seenReply(await answer(command(s, MOD, 'reminders', {}, 'list'))) },
  { name: '/reminders pause', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'reminders', { id: s.schedule }, 'pause'))) },
  { name: '/reminders resume', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'reminders', { id: s.schedule }, 'resume'))) },
  { name: '/reminders run-now', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'reminders', { id: s.schedule }, 'run-now'))) },
  { name: '/reminders remove', writes: true, run: async (s) => seenReply(await answer(command(s, MOD, 'reminders', { id: s.schedule }, 'remove'))) },
  { name: '/reminders (a member): refused', writes: false, run: async (s) => seenReply(await answer(command(s, 'alice', 'reminders', {}, 'list'))) },
  { name: '/scores members', writes: false, run: async (s) => seenReply(await answer(command(s, 'alice', 'scores', {}, 'members'))) },
  { name: '/scores speakers', writes: false, run: async (s) => seenReply(await answer(command(s, 'alice', 'scores', {}, 'speakers'))) },
  { name: '/scores outlets', writes: false, run: async (s) => seenReply(await answer(command(s, 'alice', 'scores', {}, 'outlets'))) },
  { name: '/scores me', writes: false, run: async (s) => seenReply(await answer(command(s, 'alice', 'scores', {}, 'me'))) },
  { name: '/scores chart speaker', writes: false, run: async (s) => seenReply(await answer(command(s, 'alice', 'scores', { speaker: pack.claims[0]!.speaker! }, 'chart'))) },
  { name: '/predict export format:csv', writes: false, run: async (s) => seenReply(await answer(command(s, MOD, 'predict', { format: 'csv' }, 'export'))) },
  { name: '/predict export (json, a member)', writes: false, run: async (s) => seenReply(await answer(command(s, 'bob', 'predict', {}, 'export'))) },
  // Delete asks first (Delete claim #N / Keep it); only the Delete button deletes.
  { name: '/predict delete (a manager): asks first', writes: false, run: async (s) => keep(s, 'delete', await answer(command(s, MOD, 'predict', { claim: '21' }, 'delete'))) },
  { name: 'button: Keep it (delete not confirmed)', writes: false, run: async (s) => seenReply(await answer(click(s, MOD, 'delete', 'Keep it'))) },
  {
    name: 'button: Delete claim #21 (confirmed)',
    writes: true,
    run: async (s) => {
      keep(s, 'delete', await answer(command(s, MOD, 'predict', { claim: '21' }, 'delete')));
      return seenReply(await answer(click(s, MOD, 'delete', 'Delete claim #21')));
    },
  },

  // Reading an article: the draft's buttons, its Edit form, the message command.
  { name: '/predict extract file', writes: true, run: async (s) => keep(s, 'draft', await answer(command(s, MOD, 'predict', { file: h.fake.attachment({ filename: 'article.txt', content: ARTICLE, contentType: 'text/plain' }) }, 'extract'))) },
  { name: 'button: Next ▶ on a draft', writes: false, run: async (s) => keep(s, 'draft', await answer(click(s, MOD, 'draft', 'Next ▶'))) },
  { name: 'button: ◀ Previous on a draft', writes: false, run: async (s) => keep(s, 'draft', await answer(click(s, MOD, 'draft', '◀ Previous'))) },
  { name: 'button: Edit opens the form', writes: false, run: async (s) => seenModal(await click(s, MOD, 'draft', 'Edit').modal(10_000)) },
  {
    name: 'form: the draft’s Edit submitted',
    writes: true,
    run: async (s) => {
      const draft = s.saved.get('draft')!;
      const modal = await click(s, MOD, 'draft', 'Edit').modal(10_000);
      const fields = { restatement: 'Negotiations begin in Geneva by the end of March 2027', speaker: 'Anna Berg, foreign minister', 'check-by': '2027-03-31', band: 'likely', family: 'negotiations' };
      return keep(s, 'draft', await answer(h.fake.submitModal(s.guild.id, MOD, { customId: modal.custom_id, messageId: draft.messageId, fields })));
    },
  },
  {
    name: 'form: bad values refused (every field given is bad: nothing saved)',
    writes: false,
    run: async (s) => {
      const draft = s.saved.get('draft')!;
      const modal = await click(s, MOD, 'draft', 'Edit').modal(10_000);
      // A form with some good fields saves those and names the bad ones (issue 23); with only bad ones it saves nothing.
      const fields = { 'check-by': 'someday', band: 'sure' };
      return seenReply(await answer(h.fake.submitModal(s.guild.id, MOD, { customId: modal.custom_id, messageId: draft.messageId, fields })));
    },
  },
  { name: 'button: Accept on a draft', writes: true, run: async (s) => keep(s, 'draft', await answer(click(s, MOD, 'draft', 'Accept'))) },
  { name: 'button: Discard on a draft', writes: true, run: async (s) => keep(s, 'draft', await answer(click(s, MOD, 'draft', 'Discard'))) },
  { name: '/predict drafts', writes: false, run: async (s) => seenReply(await answer(command(s, MOD, 'predict', {}, 'drafts'))) },
  {
    name: 'message command: Apps → Track forecasts (a member: a proposal)',
    writes: true,
    run: async (s) => {
      const message = h.fake.postUserMessage(s.guild.id, 'carol', { content: OSLO });
      return keep(s, 'proposal', await answer(h.fake.sendMessageCommand(s.guild.id, 'alice', { name: 'Track forecasts', messageId: message })));
    },
  },
  { name: 'button: Propose on a member’s draft', writes: true, run: async (s) => seenReply(await answer(click(s, 'alice', 'proposal', 'Propose'))) },
  { name: '/predict drafts (a manager: proposals first)', writes: false, run: async (s) => keep(s, 'drafts', await answer(command(s, MOD, 'predict', {}, 'drafts'))) },
  { name: 'button: Open draft', writes: false, run: async (s) => keep(s, 'opened', await answer(click(s, MOD, 'drafts', /^Open draft/))) },
  { name: 'button: Accept a member’s proposal', writes: true, run: async (s) => seenReply(await answer(click(s, MOD, 'opened', 'Accept'))) },
  {
    name: 'message command: Apps → Track forecasts (a quote already a claim)',
    writes: true,
    run: async (s) => {
      const message = h.fake.postUserMessage(s.guild.id, 'carol', { content: GENEVA });
      return keep(s, 'duplicate', await answer(h.fake.sendMessageCommand(s.guild.id, MOD, { name: 'Track forecasts', messageId: message })));
    },
  },
  { name: 'button: Accept a duplicate asks first', writes: false, run: async (s) => keep(s, 'duplicate', await answer(click(s, MOD, 'duplicate', 'Accept'))) },
  { name: 'button: No, keep it for now', writes: false, run: async (s) => keep(s, 'duplicate', await answer(click(s, MOD, 'duplicate', /^No, keep it/))) },
  {
    name: 'button: Yes, add it again',
    writes: true,
    run: async (s) => {
      keep(s, 'duplicate', await answer(click(s, MOD, 'duplicate', 'Accept')));
      return seenReply(await answer(click(s, MOD, 'duplicate', /^Yes, add it again/)));
    },
  },
  { name: 'message command on a message without text: refused', writes: false, run: async (s) => seenReply(await answer(h.fake.sendMessageCommand(s.guild.id, MOD, { name: 'Track forecasts', messageId: h.fake.postUserMessage(s.guild.id, 'carol', { content: ' ' }) }))) },

  // Autocomplete, on every command that offers it.
  { name: 'autocomplete: /vote claim', writes: false, run: (s) => choices(s, 'alice', 'vote', 'claim', { claim: 'ambassador' }) },
  { name: 'autocomplete: /predict add family', writes: false, run: (s) => choices(s, 'alice', 'predict', 'family', { family: 'dip' }, 'add') },
  { name: 'autocomplete: /settings timezone', writes: false, run: (s) => choices(s, MOD, 'settings', 'timezone', { timezone: 'Europe/Be' }) },
  { name: 'autocomplete: /reminders add schedule', writes: false, run: (s) => choices(s, MOD, 'reminders', 'schedule', { schedule: 'daily 10:00', timezone: 'Europe/Oslo' }, 'add') },
  { name: 'autocomplete: /scores chart speaker', writes: false, run: (s) => choices(s, 'alice', 'scores', 'speaker', { speaker: pack.claims[0]!.speaker!.slice(0, 5) }, 'chart') },
  { name: 'autocomplete: /forecast, /resolve, /reopen claim', writes: false, run: async (s) => [await choices(s, 'bob', 'forecast', 'claim', { claim: '2' }), await choices(s, MOD, 'resolve', 'claim', { claim: '3' }), await choices(s, MOD, 'reopen', 'claim', { claim: '4' })].join('\n') },

  // Ids that are not ours.
  { name: 'a forged vote button', writes: false, run: async (s) => seenReply(await answer(h.fake.clickButton(s.guild.id, 'bob', { customId: 'vote:0:came_true', messageId: s.saved.get('card')!.messageId, force: true }))) },
  { name: 'a button of no family', writes: false, run: async (s) => seenReply(await answer(h.fake.clickButton(s.guild.id, 'bob', { customId: 'nothing:1', messageId: s.saved.get('card')!.messageId, force: true }))) },
  { name: 'a forged form', writes: false, run: async (s) => seenReply(await answer(h.fake.submitModal(s.guild.id, MOD, { customId: 'dedit:0:0', messageId: s.saved.get('draft')!.messageId, fields: { restatement: 'x' } }))) },
];

describe('every command, button, form and message command, through the gateway and the HTTP endpoint', () => {
  beforeAll(() => {
    for (const t of TRANSPORTS) sides[t] = { guild: servers[t], saved: new Map(), schedule: 0 };
  });

  it('the table covers every command and subcommand, every button and form family and every message command of the registry', () => {
    const names = STEPS.map((s) => s.name).join('\n');
    for (const c of registry.commands) {
      const subs = ((c.definition.options ?? []) as { type: number; name: string }[]).filter((o) => o.type === 1).map((o) => o.name);
      for (const path of subs.length ? subs.map((sub) => `/${c.definition.name} ${sub}`) : [`/${c.definition.name}`]) expect(names, path).toContain(path);
    }
    for (const d of registry.definitions.filter((d) => d.type === 3)) expect(names).toContain(`Apps → ${d.name}`);
    // Buttons and forms: every family's prefix is among the ids the table clicks and submits (checked after the run, below).
  });

  const clickedPrefixes = new Set<string>();

  for (const step of STEPS) {
    it(step.name, async () => {
      const seen = {} as Record<Transport, string>;
      const changed = {} as Record<Transport, ReturnType<typeof change>>;
      for (const t of TRANSPORTS) {
        h.fake.setInteractionsEndpoint(t === 'http' ? endpoint : null);
        const before = await ledgerOf(sides[t].guild.id);
        const deliveries = h.fake.deliveries.length;
        const sent = h.fake.requests.length;
        seen[t] = await step.run(sides[t]);
        changed[t] = change(before, await ledgerOf(sides[t].guild.id));
        // The transport is the one named: HTTP steps were POSTed to the endpoint, gateway steps were not.
        if (t === 'http') expect(h.fake.deliveries.length).toBeGreaterThan(deliveries);
        else expect(h.fake.deliveries.length).toBe(deliveries);
        for (const d of h.fake.deliveries.slice(deliveries)) {
          expect(d.status, d.body.slice(0, 200)).toBe(200);
          const data = (JSON.parse(d.body) as { data?: { custom_id?: string } }).data;
          if (data?.custom_id) clickedPrefixes.add(data.custom_id.split(':')[0]!);
        }
        expect(h.fake.requests.length).toBeGreaterThanOrEqual(sent);
        h.fake.assertNoViolations();
      }
      expect(seen.http).toBe(seen.gateway);
      expect(changed.http).toEqual(changed.gateway);
      const count = changed.gateway.added.length + changed.gateway.removed.length;
      if (step.writes) expect(count, `the step changes the ledger; it answered ${seen.gateway}`).toBeGreaterThan(0);
      else expect(changed.gateway, `the step changes nothing; it answered ${seen.gateway}`).toEqual({ added: [], removed: [] });
    });
  }

  it('clicked a button and submitted a form of every family', () => {
    const families = [...buttons, ...forms].map((c) => c.ids.prefix);
    expect(families.length).toBeGreaterThanOrEqual(4);
    expect([...clickedPrefixes]).toEqual(expect.arrayContaining(families));
  });
});
