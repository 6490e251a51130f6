/**
 * Claims from an article, end to end through the fake Discord: /predict extract from a file and
 * from a link (a small HTTP server on 127.0.0.1, with HINDSIGHT_EXTRACT_ALLOW_PRIVATE on), the
 * "Track forecasts" message command, the review card (paging, Edit via its modal, Accept, Discard,
 * duplicates), permissions and member proposals, a restart, a private link with the setting off,
 * and an expired draft. The articles carry obvious attributed "will" forecasts, which any
 * extractor finds; assertions on what the extractor guessed stay loose, those on what a reviewer
 * typed are exact.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { articles, claims, extractDrafts, speakers } from '../../src/db/schema.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { seedDataDir } from '../support/test-db.js';
import { startFakeDiscord, type FakeReply } from '../fake-discord/index.js';
import { articleTools } from '../../src/kit/articles.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MOD = { id: 'mod', manager: true } as const;
const ARTICLE = [
  'Talks in Geneva expected soon',
  '',
  '"Negotiations will begin in Geneva by March 2027," said Foreign Minister Anna Berg.',
  '',
  'The ministry gave no further details about the delegations.',
  '',
  '"The embassy in Oslo will reopen before the end of 2027," said Deputy Minister Karl Holm.',
].join('\n');
const HTML = `<!doctype html><html><head><title>Talks in Geneva expected soon</title>
<meta property="og:site_name" content="The Test Herald"><meta property="article:published_time" content="2026-11-30T08:00:00Z"></head>
<body><article><h1>Talks in Geneva expected soon</h1>
<p>&quot;Negotiations will begin in Geneva by March 2027,&quot; said Foreign Minister Anna Berg.</p>
<p>The ministry gave no further details about the delegations, which are still being put together by both sides.</p>
<p>&quot;The embassy in Oslo will reopen before the end of 2027,&quot; said Deputy Minister Karl Holm.</p>
</article></body></html>`;

let h: BotHarness & { dataDir: string };
let server: Server;
let base = '';
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
let stopAll: () => Promise<void>;

const text = (r: FakeReply) =>
  [r.content, ...r.embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text])].filter(Boolean).join('\n');
const buttons = (r: { components: unknown[] }) =>
  (r.components as { components: { label?: string; custom_id?: string; disabled?: boolean }[] }[]).flatMap((row) => row.components);
const buttonOf = (r: FakeReply, label: string | RegExp) => {
  const b = buttons(r).find((x) => (typeof label === 'string' ? x.label === label : label.test(x.label ?? '')));
  if (!b) throw new Error(`no button ${label} among ${buttons(r).map((x) => x.label).join(', ')}`);
  return b;
};
const field = (r: FakeReply, name: string) => r.embeds[0]?.fields?.find((f) => f.name === name)?.value;
const click = (user: string | typeof MOD, r: FakeReply, label: string | RegExp) =>
  h.fake.clickButton(h.guild.id, user, { customId: buttonOf(r, label).custom_id!, messageId: r.messageId }).reply();
const extract = (user: string | typeof MOD, options: Record<string, string | ReturnType<BotHarness['fake']['attachment']>>) =>
  h.fake.sendCommand(h.guild.id, user, { name: 'predict', subcommand: 'extract', options }).reply();
const fileOf = (content = ARTICLE, filename = 'article.txt', contentType = 'text/plain') => h.fake.attachment({ filename, content, contentType });
const db = () => h.app.database.db;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/article.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTML);
    } else if (req.url === '/huge.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<html><body><p>${'word '.repeat(100_000)}</p></body></html>`);
    } else if (req.url === '/slow.html') {
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(HTML);
      }, 6000);
      req.on('close', () => clearTimeout(timer));
    } else if (req.url === '/picture.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.alloc(64));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake = await startFakeDiscord();
  const guild = fake.addGuild({ name: 'Extract test server' });
  const dataDir = mkdtempSync(join(tmpdir(), 'hindsight-extract-'));
  seedDataDir(dataDir);
  // Private addresses allowed (the config variable), and short limits so the huge and slow pages fail fast.
  h = await startBotHarness({
    reuse: { fake, guild, dataDir },
    env: { HINDSIGHT_EXTRACT_ALLOW_PRIVATE: 'true' },
    now,
    articles: articleTools({ allowPrivateAddresses: true, maxBytes: 200_000, timeoutMs: 1500 }),
  });
  stopAll = async () => {
    await h.app.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
});
afterEach(() => {
  h.fake.assertNoViolations();
});
afterAll(async () => {
  await stopAll?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('intake', () => {
  it('registers "Track forecasts" as a message command beside the slash commands', () => {
    const menu = h.fake.commands().find((c) => c.name === 'Track forecasts');
    expect(menu).toMatchObject({ type: 3, description: '' });
  });

  it('needs exactly one of url and file', async () => {
    const neither = await extract(MOD, {});
    expect(neither.ephemeral).toBe(true);
    expect(neither.content).toMatch(/Give either a `url` or a `file`/);
    const both = await extract(MOD, { url: `${base}/article.html`, file: fileOf() });
    expect(both.content).toMatch(/one of the two/);
    expect(await h.app.database.db.select().from(extractDrafts)).toHaveLength(0);
  });

  it('refuses members while extraction is for managers, and files that are not text', async () => {
    const refused = await extract('alice', { file: fileOf() });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/Only managers \(Manage Server\) can turn articles into claims/);
    const image = await extract(MOD, { file: fileOf('\u0089PNG\u0000\u0000', 'photo.png', 'image/png') });
    expect(image.content).toMatch(/not a text or HTML file/);
    const notHtml = await extract(MOD, { url: `${base}/picture.png` });
    expect(notHtml.ephemeral).toBe(true);
    expect(notHtml.content).toMatch(/^Could not read that link: /);
    const missing = await extract(MOD, { url: `${base}/gone.html` });
    expect(missing.content).toMatch(/^Could not read that link: .*404/);
    for (const bad of ['/huge.html', '/slow.html']) {
      const refused = await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'extract', options: { url: `${base}${bad}` } }).reply(8000);
      expect(refused.ephemeral, bad).toBe(true);
      expect(refused.content, bad).toMatch(/^Could not read that link: /);
    }
    for (const bad of ['ftp://127.0.0.1/a.txt', 'not a link', 'file:///etc/passwd']) {
      const refused = await extract(MOD, { url: bad });
      expect(refused.ephemeral, bad).toBe(true);
      expect(refused.content, bad).toMatch(/^Could not read that link: /);
    }
    expect(await db().select().from(extractDrafts)).toHaveLength(0);
  });
});

describe('review', () => {
  let card: FakeReply;
  let claimNumber = 0;

  it('extracts from a file into an ephemeral draft card, one forecast per page', async () => {
    card = await extract(MOD, { file: fileOf() });
    expect(card.ephemeral).toBe(true);
    expect(card.content).toMatch(/Found \*\*\d+\*\* forecasts? in/);
    expect(card.content).toMatch(/nothing enters the ledger until it is accepted/);
    expect(card.embeds[0]!.title).toMatch(/^Forecast 1 of \d+$/);
    expect(card.embeds[0]!.description).toContain('Negotiations will begin in Geneva by March 2027');
    for (const name of ['Speaker', 'Restatement', 'Check by', 'Band', 'Family', 'Status', 'Article']) expect(field(card, name), name).toBeDefined();
    expect(buttons(card).map((b) => b.label)).toEqual(['Accept', 'Edit', 'Discard', '◀ Previous', 'Next ▶']);
    expect(buttonOf(card, '◀ Previous').disabled).toBe(true);
    const [draft] = await db().select().from(extractDrafts);
    expect(draft).toMatchObject({ guildId: h.guild.id, ownerId: h.fake.userId('mod') });
    expect(draft!.expiresAt.getTime() - draft!.createdAt.getTime()).toBe(24 * 3600 * 1000);
    // Nothing entered the ledger.
    expect(await db().select().from(claims).where(eq(claims.guildId, h.guild.id))).toHaveLength(0);
  });

  it('pages with Next and Previous', async () => {
    const total = Number(/of (\d+)/.exec(card.embeds[0]!.title!)![1]);
    expect(total).toBeGreaterThanOrEqual(2);
    const second = await click(MOD, card, 'Next ▶');
    expect(second.type).toBe(7);
    expect(second.embeds[0]!.title).toBe(`Forecast 2 of ${total}`);
    expect(second.embeds[0]!.description).toContain('The embassy in Oslo will reopen');
    card = await click(MOD, second, '◀ Previous');
    expect(card.embeds[0]!.title).toBe(`Forecast 1 of ${total}`);
  });

  it('Edit opens a modal pre-filled with every editable field; submitting updates the card', async () => {
    const handle = h.fake.clickButton(h.guild.id, MOD, { customId: buttonOf(card, 'Edit').custom_id!, messageId: card.messageId });
    const modal = await handle.modal();
    const inputs = (modal.components as { components: { custom_id: string; value?: string; label: string }[] }[]).map((r) => r.components[0]!);
    expect(inputs.map((i) => i.custom_id)).toEqual(['restatement', 'speaker', 'check-by', 'band', 'family']);
    expect(inputs[0]!.value).toMatch(/Negotiations/);
    expect(inputs[3]!.value).toMatch(/^(almost-no-chance|very-unlikely|unlikely|even-chance|likely|very-likely|almost-certain)$/);
    const edited = await h.fake
      .submitModal(h.guild.id, MOD, {
        customId: modal.custom_id,
        messageId: card.messageId,
        fields: {
          restatement: 'Negotiations begin in Geneva by the end of March 2027',
          speaker: 'Anna Berg, foreign minister',
          'check-by': '2027-03-31',
          band: 'likely',
          family: 'negotiations',
        },
      })
      .reply();
    expect(edited.type).toBe(7);
    expect(edited.content).toMatch(/Forecast 1 updated/);
    expect(field(edited, 'Restatement')).toBe('Negotiations begin in Geneva by the end of March 2027');
    expect(field(edited, 'Speaker')).toBe('Anna Berg, foreign minister');
    expect(field(edited, 'Check by')).toMatch(/^2027-03-31/);
    expect(field(edited, 'Band')).toMatch(/^likely \(55–80%, implied 67\.5%\)/);
    expect(field(edited, 'Family')).toBe('negotiations');
    card = edited;
  });

  it('a bad field in the modal is named and not saved; the good ones are saved; a past check date is refused (issue 23)', async () => {
    const submit = async (fields: Record<string, string>) => {
      const modal = await h.fake.clickButton(h.guild.id, MOD, { customId: buttonOf(card, 'Edit').custom_id!, messageId: card.messageId }).modal();
      return h.fake.submitModal(h.guild.id, MOD, { customId: modal.custom_id, messageId: card.messageId, fields }).reply();
    };
    const same = { restatement: 'Negotiations begin in Geneva by the end of March 2027', speaker: 'Anna Berg, foreign minister', 'check-by': '2027-03-31', band: 'likely', family: 'negotiations' };
    const partly = await submit({ ...same, 'check-by': '2020-01-01', band: 'sure', family: 'diplomacy' });
    expect(partly.type).toBe(7);
    expect(partly.content).toMatch(/^Forecast 1 updated, except \*\*Band\*\* and \*\*Check by\*\* \(not saved\)/);
    expect(partly.content).toMatch(/Band: "sure" is not a band/);
    expect(partly.content).toMatch(/Check by: The check date 2020-01-01 is in the past; pick today or later/);
    expect(field(partly, 'Family')).toBe('diplomacy');
    expect(field(partly, 'Check by')).toMatch(/^2027-03-31/);
    expect(field(partly, 'Band')).toMatch(/^likely /);
    const [draft] = await db().select().from(extractDrafts);
    expect((draft!.candidates as { family: string; checkBy: string }[])[0]).toMatchObject({ family: 'diplomacy', checkBy: '2027-03-31' });
    card = await submit(same);
    expect(card.content).toMatch(/Forecast 1 updated\. Accept it/);
    expect(field(card, 'Family')).toBe('negotiations');
  });

  it('Accept writes the claim with the article as its source and the band as its hedge', async () => {
    const accepted = await click(MOD, card, 'Accept');
    expect(accepted.type).toBe(7);
    const m = /Claim #(\d+) added from forecast 1 \(likely\)/.exec(accepted.content);
    expect(m, accepted.content).not.toBeNull();
    claimNumber = Number(m![1]);
    // The card moves on to the next forecast still to review.
    expect(accepted.embeds[0]!.title).toMatch(/^Forecast 2 of/);
    const [row] = await db()
      .select({ claim: claims, speaker: speakers.name, article: articles })
      .from(claims)
      .leftJoin(speakers, eq(speakers.id, claims.speakerId))
      .leftJoin(articles, eq(articles.id, claims.articleId))
      .where(and(eq(claims.guildId, h.guild.id), eq(claims.number, claimNumber)));
    expect(row!.claim).toMatchObject({
      text: 'Negotiations begin in Geneva by the end of March 2027',
      checkBy: '2027-03-31',
      hedge: 'likely',
      family: 'negotiations',
      addedBy: h.fake.userId('mod'),
    });
    expect(row!.claim.quote).toContain('Negotiations will begin in Geneva by March 2027');
    expect(row!.speaker).toBe('Anna Berg, foreign minister');
    expect(row!.article!.key).toMatch(/^text:/);
    const shown = await h.fake.sendCommand(h.guild.id, 'alice', { name: 'predict', subcommand: 'show', options: { claim: String(claimNumber) } }).reply();
    expect(text(shown)).toContain('Negotiations begin in Geneva');
    card = accepted;
  });

  it('an accepted forecast cannot be accepted twice (an old card)', async () => {
    const first = await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'drafts' }).reply();
    const open = await click(MOD, first, /^Open draft/);
    const toFirst = await h.fake.clickButton(h.guild.id, MOD, { customId: buttonOf(open, 'Accept').custom_id!.replace(/:\d+$/, ':0'), messageId: open.messageId, force: true }).reply();
    expect(toFirst.ephemeral).toBe(true);
    expect(toFirst.content).toMatch(new RegExp(`already in the ledger as claim #${claimNumber}`));
  });

  it('Discard drops a forecast without writing anything', async () => {
    const before = (await db().select().from(claims).where(eq(claims.guildId, h.guild.id))).length;
    const discarded = await click(MOD, card, 'Discard');
    expect(discarded.content).toMatch(/Forecast 2 discarded|All \d+ forecasts are reviewed/);
    expect((await db().select().from(claims).where(eq(claims.guildId, h.guild.id))).length).toBe(before);
    const [draft] = await db().select().from(extractDrafts);
    expect((draft!.candidates as { state: string }[])[1]!.state).toBe('discarded');
  });

  it('someone else cannot act on the draft', async () => {
    const refused = await h.fake.clickButton(h.guild.id, 'bob', { customId: buttonOf(card, 'Next ▶').custom_id!, messageId: card.messageId, force: true }).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/Only the member who ran this extraction or a manager/);
  });

  it('extracts from a link; the same quote is flagged as a duplicate and needs a second confirm', async () => {
    const fromUrl = await extract(MOD, { url: `${base}/article.html` });
    expect(fromUrl.ephemeral).toBe(true);
    expect(fromUrl.embeds[0]!.description).toContain('Negotiations will begin in Geneva by March 2027');
    expect(field(fromUrl, 'Article')).toContain(`${base}/article.html`);
    expect(field(fromUrl, '⚠ Duplicate')).toContain(`#${claimNumber}`);
    const asked = await click(MOD, fromUrl, 'Accept');
    expect(asked.content).toMatch(new RegExp(`already claim #${claimNumber}\\. Add it again anyway\\?`));
    const count = async () => (await db().select().from(claims).where(eq(claims.guildId, h.guild.id))).length;
    const before = await count();
    expect(before).toBe(1);
    const again = await click(MOD, asked, /^Yes, add it again/);
    expect(again.content).toMatch(/Claim #\d+ added from forecast 1/);
    expect(await count()).toBe(2);
    const [fromLink] = await db().select({ article: articles }).from(claims).innerJoin(articles, eq(articles.id, claims.articleId)).where(and(eq(claims.guildId, h.guild.id), eq(claims.number, claimNumber + 1)));
    expect(fromLink!.article).toMatchObject({ url: `${base}/article.html`, key: `${base}/article.html` });
  });

  it('"Track forecasts" on a message reads its link, or its text', async () => {
    const withLink = h.fake.postUserMessage(h.guild.id, 'carol', { content: `worth tracking: ${base}/article.html.` });
    const fromLink = await h.fake.sendMessageCommand(h.guild.id, MOD, { name: 'Track forecasts', messageId: withLink }).reply();
    expect(fromLink.ephemeral).toBe(true);
    expect(fromLink.embeds[0]!.title).toMatch(/^Forecast 1 of/);
    expect(field(fromLink, 'Article')).toContain('/article.html');
    const plain = h.fake.postUserMessage(h.guild.id, 'carol', { content: '"Prices will fall by the end of 2027," said Economy Minister Lea Dahl.' });
    const fromText = await h.fake.sendMessageCommand(h.guild.id, MOD, { name: 'Track forecasts', messageId: plain }).reply();
    expect(fromText.embeds[0]!.description).toContain('Prices will fall by the end of 2027');
    const empty = h.fake.postUserMessage(h.guild.id, 'carol', { content: 'no forecasts here at all' });
    const none = await h.fake.sendMessageCommand(h.guild.id, MOD, { name: 'Track forecasts', messageId: empty }).reply();
    expect(none.content).toMatch(/I found no forecasts/);
    const refused = await h.fake.sendMessageCommand(h.guild.id, 'alice', { name: 'Track forecasts', messageId: plain }).reply();
    expect(refused.content).toMatch(/Only managers/);
  });
});

describe('members as proposers', () => {
  it('with extract-by:members a member proposes and a manager accepts from /predict drafts', async () => {
    const set = await h.fake.sendCommand(h.guild.id, MOD, { name: 'settings', options: { 'extract-by': 'members' } }).reply();
    expect(text(set)).toContain('members too');
    const card = await extract('alice', { file: fileOf('"Rates will rise by June 2027," said central bank governor Ole Lund.') });
    expect(buttons(card).map((b) => b.label)[0]).toBe('Propose');
    const proposed = await click('alice', card, 'Propose');
    expect(proposed.content).toMatch(/proposed: a manager accepts it/);
    expect(field(proposed, 'Status')).toMatch(/^proposed by/);
    const count = async () => (await db().select().from(claims).where(eq(claims.guildId, h.guild.id))).length;
    const before = await count();
    const list = await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'drafts' }).reply();
    expect(text(list)).toMatch(/1 proposed/);
    const opened = await click(MOD, list, /^Open draft/);
    expect(opened.embeds[0]!.description).toContain('Rates will rise by June 2027');
    const accepted = await click(MOD, opened, 'Accept');
    expect(accepted.content).toMatch(/Claim #\d+ added/);
    expect(await count()).toBe(before + 1);
    const [row] = await db().select().from(claims).where(and(eq(claims.guildId, h.guild.id), eq(claims.number, Number(/#(\d+)/.exec(accepted.content)![1]))));
    expect(row!.addedBy).toBe(h.fake.userId('alice'));
    await h.fake.sendCommand(h.guild.id, MOD, { name: 'settings', options: { 'extract-by': 'managers' } }).reply();
  });
});

describe('calibration', () => {
  it('managers correct a claim’s band with /predict edit hedge; members cannot', async () => {
    // Even on a claim she added (from her proposal), a member cannot set the band.
    const [own] = await db().select().from(claims).where(and(eq(claims.guildId, h.guild.id), eq(claims.addedBy, h.fake.userId('alice'))));
    const refused = await h.fake.sendCommand(h.guild.id, 'alice', { name: 'predict', subcommand: 'edit', options: { claim: String(own!.number), hedge: 'unlikely' } }).reply();
    expect(refused.content).toMatch(/Only managers \(Manage Server\) can correct a claim’s band/);
    expect((await db().select().from(claims).where(eq(claims.id, own!.id)))[0]!.hedge).toBe(own!.hedge);
    const done = await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'edit', options: { claim: '1', hedge: 'very-likely' } }).reply();
    expect(done.content).toMatch(/Claim #1 updated/);
    const [row] = await db().select().from(claims).where(and(eq(claims.guildId, h.guild.id), eq(claims.number, 1)));
    expect(row!.hedge).toBe('very-likely');
  });

  it('resolved banded claims give speakers and outlets a Brier score and a calibration chart', async () => {
    // Claim 1 (Anna Berg, now "very likely": p 0.875) came true: Brier (0.875 − 1)² = 0.015625.
    await h.fake.sendCommand(h.guild.id, MOD, { name: 'resolve', options: { claim: '1', outcome: 'came-true' } }).reply();
    const speakersList = await h.fake.sendCommand(h.guild.id, 'alice', { name: 'scores', subcommand: 'speakers' }).reply();
    expect(text(speakersList)).toMatch(/\*\*Anna Berg, foreign minister\*\* · 1 claim: 1 came true.*\*\*100%\*\* came true.* · Brier \*\*0\.016\*\* on 1 banded/);
    const outlets = await h.fake.sendCommand(h.guild.id, 'alice', { name: 'scores', subcommand: 'outlets' }).reply();
    expect(text(outlets)).toMatch(/Brier on banded claims/);
    const chart = await h.fake
      .sendCommand(h.guild.id, 'alice', { name: 'scores', subcommand: 'chart', options: { speaker: 'Anna Berg, foreign minister', kind: 'calibration' } })
      .reply();
    expect(chart.embeds[0]!.title).toBe('Calibration of Anna Berg, foreign minister');
    expect(chart.embeds[0]!.description).toMatch(/Brier \*\*0\.016\*\* on 1 banded/);
    expect(chart.files.map((f) => f.name)).toEqual(['calibration.png']);
    const family = await h.fake.sendCommand(h.guild.id, 'alice', { name: 'scores', subcommand: 'chart', options: { family: 'negotiations', kind: 'calibration' } }).reply();
    expect(family.content).toMatch(/Calibration charts are for a speaker or an outlet/);
  });
});

describe('restart and expiry', () => {
  it('a draft survives a restart; HINDSIGHT_EXTRACT_ALLOW_PRIVATE on reads a loopback link, off refuses it', async () => {
    const card = await extract(MOD, { file: fileOf() });
    const { fake, guild, dataDir } = h;
    await h.app.stop();
    h = { ...(await startBotHarness({ reuse: { fake, guild, dataDir }, env: { HINDSIGHT_EXTRACT_ALLOW_PRIVATE: 'true' }, now })), stop: h.stop };
    expect(fake.stats.commandPuts.global).toBe(1);
    const next = await click(MOD, card, 'Next ▶');
    expect(next.embeds[0]!.title).toMatch(/^Forecast 2 of/);
    const allowed = await extract(MOD, { url: `${base}/article.html` });
    expect(allowed.embeds[0]!.title).toMatch(/^Forecast 1 of/);
    await h.app.stop();
    h = { ...(await startBotHarness({ reuse: { fake, guild, dataDir }, now })), stop: h.stop };
    const refused = await extract(MOD, { url: `${base}/article.html` });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('Could not read that link: That address is not public; only public web pages can be read.');
  });

  it('tells a Russian member why a link or a page was refused, and a Ukrainian reviewer why a forecast was picked, in their language (issue 26)', async () => {
    const refused = await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'extract', options: { url: `${base}/article.html` }, locale: 'ru' }).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('Не удалось прочитать ссылку: Этот адрес не публичный; читаются только общедоступные веб-страницы.');
    const card = await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'extract', options: { file: fileOf() }, locale: 'uk' }).reply();
    const why = card.embeds[0]!.fields!.find((f) => f.value.includes('• '))!;
    expect(why.value).toMatch(/^• атрибуція \((цитата|переказ|інтерв’ю)\)/);
    expect(why.value).toMatch(/• ступінь упевненості: /);
    expect(why.value).not.toMatch(/attributed|hedge:/);
    // refused on the worker pool, told in Russian on this side
    const nested = fileOf(`<html><body>${'<div>'.repeat(300)}deep${'</div>'.repeat(300)}</body></html>`, 'nested.html', 'text/html');
    const deep = await h.fake.sendCommand(h.guild.id, MOD, { name: 'predict', subcommand: 'extract', options: { file: nested }, locale: 'ru' }).reply();
    expect(deep.ephemeral).toBe(true);
    expect(deep.content).toBe('Эта страница слишком сложна для чтения: в её HTML больше 256 уровней вложенности. Сохраните статью как текст и загрузите её файлом.');
  });

  it('an expired draft answers clearly, and the closer’s tick deletes it', async () => {
    const card = await extract(MOD, { file: fileOf() });
    offsetMs = 24 * 3600 * 1000 + 60_000;
    try {
      const expired = await click(MOD, card, 'Accept');
      expect(expired.ephemeral).toBe(true);
      expect(expired.content).toMatch(/This draft has expired \(drafts last 24 hours\)/);
      const { pruneExpiredDrafts } = await import('../../src/ledger/drafts.js');
      expect(await pruneExpiredDrafts(db(), now())).toBeGreaterThan(0);
      const gone = await click(MOD, card, 'Next ▶');
      expect(gone.content).toMatch(/This draft has expired/);
    } finally {
      offsetMs = 0;
    }
  });
});

describe('a large file (issue 23)', () => {
  it('says how many forecasts were found, how many the draft keeps, and that text past 200,000 characters was not read', async () => {
    const paragraphs = Array.from({ length: 3000 }, (_, i) => `"Talks on chapter ${i + 1} will begin in Geneva by March 2027," said Foreign Minister Anna Berg.`);
    const content = paragraphs.join('\n\n');
    expect(content.length).toBeGreaterThan(250_000);
    const card = await extract(MOD, { file: fileOf(content, 'long.txt') });
    expect(card.content).toMatch(/^Found at least \*\*200\*\* forecasts in long\.txt \(the search stops at 200\)\./);
    expect(card.content).toMatch(/This draft keeps the first \*\*50\*\* in reading order \(a draft holds at most 50\); at least 150 others are not shown\./);
    expect(card.content).toContain(`Only the first 200,000 characters of its ${content.length.toLocaleString('en-US')} were read: forecasts past that point were not looked for.`);
    expect(card.embeds[0]!.title).toBe('Forecast 1 of 50');
    // a short article says none of it
    const short = await extract(MOD, { file: fileOf() });
    expect(short.content).not.toMatch(/not shown|were read/);
  });
});
