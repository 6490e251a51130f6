/**
 * Interactions over HTTP: three replicas (HINDSIGHT_ROLE=interactions, in-process) on one
 * PostgreSQL behind a round-robin, our fake Discord POSTing signed interactions to it and taking
 * each HTTP response as the callback. Forged, replayed, unsigned, stale and altered requests are
 * refused (401) by whichever replica gets them, and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { count } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { commands, registry } from '../../commands/index.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { interactionReceipts, votes } from '../../src/db/schema.js';
import { bundledPacks, importLedger } from '../../src/ledger/transfer.js';
import { startFakeDiscord, type FakeDiscord, type FakeGuildInfo, type FakeReply } from '../fake-discord/index.js';
import { makeTestDatabaseUrl } from '../support/test-db.js';
import { startInteractionServer } from '../../src/http/server.js';
import { createRegistry } from '../../src/kit/registry.js';
import { UserError, type Command, type CommandCall } from '../../src/kit/types.js';
import { REST } from '@discordjs/rest';
import { rawConnection, roundRobin, type RawConnection, type RoundRobin } from '../support/http-replicas.js';

const pack = bundledPacks()[0]!;
let fake: FakeDiscord;
let guild: FakeGuildInfo;
let database: Database;
let replicas: RunningApp[] = [];
let lb: RoundRobin;

const buttons = (r: { components: unknown[] }) =>
  (r.components as { components: { label?: string; custom_id?: string }[] }[]).flatMap((row) => row.components);
const voteCount = async () => (await database.db.select({ n: count() }).from(votes))[0]!.n;

beforeAll(async () => {
  fake = await startFakeDiscord();
  guild = fake.addGuild({ name: 'HTTP replicas' });
  const url = await makeTestDatabaseUrl('http');
  database = await openDatabase({ databaseUrl: url });
  await importLedger({ db: database.db, guildId: guild.id, actor: { id: '900000000000000001', isManager: true }, now: () => new Date() }, { packId: pack.id });
  const env = {
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DATABASE_URL: url,
    HINDSIGHT_ROLE: 'interactions',
    INTERACTIONS_PORT: '0',
    DISCORD_PUBLIC_KEY: fake.publicKeyHex,
  };
  replicas = await Promise.all([0, 1, 2].map(() => startApp(loadConfig(env), createLogger('silent'))));
  await Promise.all(replicas.map((r) => r.commandsSynced));
  lb = await roundRobin(() => replicas.map((r) => `http://127.0.0.1:${r.endpointPort}`));
  fake.setInteractionsEndpoint(`${lb.url}/interactions`);
});

afterAll(async () => {
  await lb?.close();
  for (const r of replicas) await r.stop();
  await database?.close();
  await fake?.close();
});

describe('interactions over HTTP on three replicas', () => {
  it('answers the PING Discord sends when the endpoint URL is saved, on every replica', async () => {
    for (let i = 0; i < 3; i++) expect(await fake.verifyEndpoint(`${lb.url}/interactions`)).toBe(true);
    const health = await fetch(`http://127.0.0.1:${replicas[0]!.endpointPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ database: true, role: 'interactions' });
  });

  it('runs commands, autocomplete and buttons through the same handlers, whichever replica gets them', async () => {
    const card = await fake.sendCommand(guild.id, 'alice', { name: 'predict', subcommand: 'show', options: { claim: '1' } }).reply();
    expect(card.embeds[0]!.title).toMatch(/#1/);
    const choices = await fake.sendAutocomplete(guild.id, 'alice', { name: 'vote', options: { claim: '1' }, focused: 'claim' }).choices();
    expect(choices[0]).toMatchObject({ value: '1' });
    const click = fake.clickButton(guild.id, 'alice', { customId: buttons(card).find((b) => b.label === 'Came true')!.custom_id!, messageId: card.messageId });
    const ack = await click.reply();
    expect(ack).toMatchObject({ ephemeral: true, content: 'You voted **Came true** on claim #1.' });
    const bad = await fake.sendCommand(guild.id, 'bob', { name: 'vote', options: { claim: '9999', verdict: 'came-true' } }).reply();
    expect(bad.ephemeral).toBe(true);
    expect(bad.content).toMatch(/no claim #9999/);
    // Three kinds of work landed on all three replicas.
    expect(lb.counts.filter((n) => n > 0)).toHaveLength(3);
    fake.assertNoViolations();
  });

  it('a reply with files is deferred and finished over REST', async () => {
    const exported = await fake.sendCommand(guild.id, 'alice', { name: 'predict', subcommand: 'export', options: { format: 'csv' } }).reply();
    expect(exported.attachments.length).toBe(1);
    const delivery = fake.deliveries.at(-1)!;
    expect((delivery.response as { type: number }).type).toBe(5);
    fake.assertNoViolations();
  });

  it('refuses a forged signature, a missing header, a stale timestamp, an altered body and a replay (401), and nothing changes', async () => {
    const card = await fake.sendCommand(guild.id, 'carol', { name: 'predict', subcommand: 'show', options: { claim: '2' } }).reply();
    const vote = await fake.clickButton(guild.id, 'carol', { customId: buttons(card).find((b) => b.label === 'Did not')!.custom_id!, messageId: card.messageId }).reply();
    expect(vote.content).toMatch(/You voted/);
    const signed = fake.deliveries.at(-1)!;
    expect(signed.status).toBe(200);
    // The card's tally edit follows the answer: wait for it before taking stock.
    await vi.waitFor(() => expect(JSON.stringify(fake.message(card.messageId)!.embeds)).toContain('Did not **1**'), { timeout: 15_000 });
    const before = { votes: await voteCount(), requests: fake.requests.length };
    const endpoint = `${lb.url}/interactions`;
    const other = generateKeyPairSync('ed25519').privateKey;
    const { 'x-signature-ed25519': _sig, ...unsigned } = signed.headers;
    const { 'x-signature-timestamp': _ts, ...noTimestamp } = signed.headers;
    const altered = signed.body.replace('did_not', 'came_true');
    expect(altered).not.toBe(signed.body);
    const attempts: [string, string, Record<string, string>][] = [
      ['forged', signed.body, fake.signedHeaders(signed.body, { key: other })],
      ['missing signature', signed.body, unsigned],
      ['missing timestamp', signed.body, noTimestamp],
      ['not hex', signed.body, { ...signed.headers, 'x-signature-ed25519': 'zz'.repeat(64) }],
      ['altered after signing', altered, signed.headers],
      ['stale', signed.body, fake.signedHeaders(signed.body, { timestamp: Math.floor(Date.now() / 1000) - 3600 })],
      // The same bytes and signature again, to each of the three replicas in turn.
      ['replay 1', signed.body, signed.headers],
      ['replay 2', signed.body, signed.headers],
      ['replay 3', signed.body, signed.headers],
    ];
    for (const [what, body, headers] of attempts) {
      const answer = await fake.postRaw(endpoint, body, headers);
      expect({ what, status: answer.status }).toEqual({ what, status: 401 });
    }
    // A replay signed afresh (a new timestamp) is still the same interaction id: refused.
    expect((await fake.postRaw(endpoint, signed.body, fake.signedHeaders(signed.body))).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect({ votes: await voteCount(), requests: fake.requests.length }).toEqual(before);
    const tally = JSON.stringify(fake.message(card.messageId)!.embeds);
    expect(tally).toContain('Did not **1**');
    expect(tally).not.toMatch(/Came true \*\*1\*\*/);
  });

  it('defers when the handler takes longer than the deadline allows, and finishes over REST', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const slow = (name: string, work: (call: CommandCall) => Promise<void>): Command => ({
      definition: { name, description: 'slow' },
      execute: (call) => work(call),
    });
    const server = await startInteractionServer({
      port: 0,
      host: '127.0.0.1',
      publicKey: fake.publicKeyHex,
      db: database.db,
      ctx: replicas[0]!.ctx,
      registry: createRegistry({
        commands: [
          slow('slow', async (call) => (await sleep(600), call.reply({ content: 'done late' }))),
          slow('slowsecret', async (call) => (await sleep(600), call.reply({ content: 'only you', ephemeral: true }))),
          slow('slowfail', async () => {
            await sleep(600);
            throw new UserError('That went wrong, and only you see it.');
          }),
        ],
      }),
      rest: new REST({ api: fake.apiUrl }).setToken(fake.token),
      role: 'interactions',
      ping: async () => true,
      deferAfterMs: 150,
    });
    fake.setInteractionsEndpoint(`http://127.0.0.1:${server.port}/interactions`);
    try {
      const late = await fake.sendCommand(guild.id, 'dave', { name: 'slow' }).reply();
      expect(late).toMatchObject({ content: 'done late', ephemeral: false });
      expect((fake.deliveries.at(-1)!.response as { type: number }).type).toBe(5);
      const secret = await fake.sendCommand(guild.id, 'dave', { name: 'slowsecret' }).followup();
      expect(secret).toMatchObject({ content: 'only you', ephemeral: true });
      const failed = await fake.sendCommand(guild.id, 'dave', { name: 'slowfail' }).followup();
      expect(failed).toMatchObject({ content: 'That went wrong, and only you see it.', ephemeral: true });
      fake.assertNoViolations();
    } finally {
      fake.setInteractionsEndpoint(`${lb.url}/interactions`);
      await server.close();
    }
  });

  it('answers a body too large with 413, before reading it all', async () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const answer = await fake.postRaw(`${lb.url}/interactions`, huge, fake.signedHeaders(huge));
    expect(answer.status).toBe(413);
  });
});

describe('what one request may hold at the endpoint', () => {
  const MANAGER = { id: '900000000000000001', isManager: true };
  const receiptCount = async () => (await database.db.select({ n: count() }).from(interactionReceipts))[0]!.n;

  /** The endpoint as the app starts it (the same handlers), with short limits and a log the test reads. */
  async function endpoint(limits: NonNullable<Parameters<typeof startInteractionServer>[0]['limits']>) {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(line) });
    const server = await startInteractionServer({
      port: 0,
      host: '127.0.0.1',
      publicKey: fake.publicKeyHex,
      db: database.db,
      ctx: { ...replicas[0]!.ctx, log },
      registry,
      rest: new REST({ api: fake.apiUrl }).setToken(fake.token),
      role: 'interactions',
      ping: async () => true,
      limits,
    });
    fake.setInteractionsEndpoint(`http://127.0.0.1:${server.port}/interactions`);
    const errors = () => lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50);
    return { server, errors };
  }

  it('60 stalled unsigned 1 MiB bodies, 60 forged ones, trickled bodies and endless headers are refused or dropped within the configured time, hold at most one capped body, and a vote from another server is still answered', async () => {
    const bystander = fake.addGuild({ name: 'Bystander' });
    await importLedger({ db: database.db, guildId: bystander.id, actor: MANAGER, now: () => new Date() }, { packId: pack.id });
    const limits = { bodyTimeoutMs: 400, headersTimeoutMs: 400, requestTimeoutMs: 800, idleTimeoutMs: 800, maxBodyBytes: 128 * 1024 };
    const { server, errors } = await endpoint(limits);
    const opened: RawConnection[] = [];
    try {
      const card = await fake.sendCommand(bystander.id, 'erin', { name: 'predict', subcommand: 'show', options: { claim: '4' } }).reply();
      const head = (length: number | 'chunked', signed: boolean) =>
        [
          'POST /interactions HTTP/1.1',
          'Host: 127.0.0.1',
          'Content-Type: application/json',
          ...(signed ? [`X-Signature-Ed25519: ${'ab'.repeat(64)}`, `X-Signature-Timestamp: ${Math.floor(Date.now() / 1000)}`] : []),
          length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`,
          '',
          '',
        ].join('\r\n');
      const MiB = 1024 * 1024;
      // Each sends 64 KiB of a claimed 1 MiB and stalls: without a signature, or with a well-formed forged one.
      const unsigned = Array.from({ length: 60 }, () => rawConnection(server.port, head(MiB, false), Buffer.alloc(64 * 1024, 'x')));
      const forged = Array.from({ length: 60 }, () => rawConnection(server.port, head(MiB, true), Buffer.alloc(64 * 1024, 'x')));
      // A body under the cap, 1 byte every 50 ms; headers that never end; a chunked body past the cap.
      const trickled = Array.from({ length: 10 }, () => rawConnection(server.port, head(100_000, true), '{'));
      for (const t of trickled) t.trickle(50);
      const endless = Array.from({ length: 10 }, () => rawConnection(server.port, 'POST /interactions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
      for (const t of endless) t.trickle(50);
      const chunk = Buffer.alloc(32 * 1024, 'x');
      const chunked = rawConnection(server.port, head('chunked', true), Buffer.concat(Array.from({ length: 6 }, () => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]))));
      opened.push(...unsigned, ...forged, ...trickled, ...endless, chunked);

      // Meanwhile a member of another server votes.
      const vote = await fake.clickButton(bystander.id, 'erin', { customId: buttons(card).find((b) => b.label === 'Came true')!.custom_id!, messageId: card.messageId }).reply();
      expect(vote.content).toBe('You voted **Came true** on claim #4.');
      expect(fake.deliveries.at(-1)!.status).toBe(200);

      // Dropped within the configured time plus slack (Node's defaults: 60 s for headers, 300 s for a request).
      const slack = 3000;
      const all: [string, RawConnection[], number][] = [
        ['unsigned', unsigned, limits.bodyTimeoutMs],
        ['forged', forged, limits.bodyTimeoutMs],
        ['trickled', trickled, limits.bodyTimeoutMs],
        ['endless headers', endless, limits.headersTimeoutMs + 100],
        ['chunked', [chunked], limits.bodyTimeoutMs],
      ];
      for (const [what, connections, within] of all) {
        const deadline = new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), within + slack));
        const times = await Promise.all(connections.map((c) => Promise.race([c.closed, deadline])));
        expect({ what, slowest: Math.max(...times) < within + slack }).toEqual({ what, slowest: true });
      }
      // Answered before any body byte was kept: 401 for no signature, 413 for a declared length past the cap.
      expect(unsigned.every((c) => c.received().startsWith('HTTP/1.1 401'))).toBe(true);
      expect(forged.every((c) => c.received().startsWith('HTTP/1.1 413'))).toBe(true);
      expect(chunked.received()).toMatch(/^HTTP\/1\.1 413/);
      expect(trickled.every((c) => !c.received().includes(' 200 '))).toBe(true);
      // 120 × 64 KiB sent; held at once: at most the one chunked body up to the cap, and the bystander's own requests.
      expect(server.intake.peakBuffered).toBeLessThanOrEqual(limits.maxBodyBytes + 32 * 1024);
      expect(server.intake.buffered).toBe(0);
      expect(errors()).toEqual([]);
      fake.assertNoViolations();
    } finally {
      for (const c of opened) c.destroy();
      fake.setInteractionsEndpoint(`${lb.url}/interactions`);
      await server.close(1000);
    }
  });

  it('signed garbage gets a 400 and changes nothing, with nothing logged as an error', async () => {
    const { server, errors } = await endpoint({});
    try {
      const before = { votes: await voteCount(), receipts: await receiptCount(), requests: fake.requests.length };
      const url = `http://127.0.0.1:${server.port}/interactions`;
      const id = '1234567890123456789';
      const garbage = [
        'null',
        '[]',
        '"a string"',
        '42',
        `{"id":"${id}"}`,
        `{"id":"${id}","type":"2"}`,
        `{"id":"${id}","type":2}`,
        `{"id":"${id}","type":2,"application_id":"1","token":"t","data":null}`,
        `{"id":"${id}","type":3,"application_id":"1","token":"t","guild_id":"1","data":{"custom_id":"v:1:came_true","component_type":2},"member":{"permissions":"8"}}`,
        `{"id":"${id}","type":2,"application_id":"1","token":"t","guild_id":"1","data":{"name":"vote","type":1,"options":[null]}}`,
        `{"id":"${id}","type":2,"application_id":"1","token":"t","guild_id":"1","data":{"name":"vote","type":1},"member":{"user":{"id":"2"},"permissions":"all"}}`,
        `{"id":"${id}","type":99,"application_id":"1","token":"t","data":{}}`,
      ];
      for (const body of garbage) {
        const answer = await fake.postRaw(url, body, fake.signedHeaders(body));
        expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      }
      // A signed PING is still answered.
      expect(await fake.verifyEndpoint(url)).toBe(true);
      expect({ votes: await voteCount(), receipts: await receiptCount(), requests: fake.requests.length }).toEqual(before);
      expect(errors()).toEqual([]);
      expect(server.intake.refused[400]).toBe(garbage.length);
    } finally {
      fake.setInteractionsEndpoint(`${lb.url}/interactions`);
      await server.close(1000);
    }
  });
});

export type { FakeReply };
