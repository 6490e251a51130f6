/**
 * The REST exit's door (src/http/rest-exit.ts, in process, in front of our fake Discord): callers
 * show the shared secret and this bot's token, bodies and concurrency are capped, and whatever is
 * refused is refused here — the fake never sees it, so it could never count against Discord's
 * invalid-request ban. The process itself (src/rest-proxy.ts) refuses to start without its token
 * and secret.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Routes } from 'discord-api-types/v10';
import { createRestExit, EXIT_SECRET_HEADER, sameSecret, type RestExit } from '../../src/http/rest-exit.js';
import { createRestClient } from '../../src/discord/client.js';
import { restApi, restHeaders } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { rawConnection, spawnRestProxy } from '../support/http-replicas.js';

const secret = randomBytes(32).toString('hex');
let fake: FakeDiscord;
let clock = Date.now();
const exits: RestExit[] = [];

beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(async () => {
  for (const e of exits) {
    e.server.closeAllConnections();
    await new Promise<void>((resolve) => e.server.close(() => resolve()));
  }
  await fake?.close();
});

async function exit(opts: Partial<Parameters<typeof createRestExit>[0]> = {}) {
  const e = createRestExit({ api: fake.apiUrl, token: fake.token, secret, globalPerSecond: 25, log: createLogger('silent'), now: () => clock, ...opts });
  exits.push(e);
  await new Promise<void>((resolve) => e.server.listen(0, '127.0.0.1', () => resolve()));
  const port = (e.server.address() as AddressInfo).port;
  return { ...e, port, url: `http://127.0.0.1:${port}/api` };
}

const send = (url: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  fetch(`${url}/v10${path}`, { method: init.method ?? 'POST', headers: { 'content-type': 'application/json', ...init.headers }, ...(init.body !== undefined ? { body: init.body } : {}) });

describe('the REST exit', () => {
  it('forwards what a bot process sends with the secret (configured as the app configures its REST)', async () => {
    const { url, stats } = await exit();
    const guild = fake.addGuild({ name: 'Through the exit' });
    const config = loadConfig({ DISCORD_TOKEN: fake.token, DISCORD_REST_PROXY_URL: url, HINDSIGHT_REST_PROXY_SECRET: secret });
    const rest = createRestClient(restApi(config), fake.token, restHeaders(config));
    await rest.post(Routes.channelMessages(guild.defaultChannelId), { body: { content: 'through the exit' } });
    expect(fake.messages(guild.defaultChannelId).map((m) => m.content)).toContain('through the exit');
    // An interaction webhook needs no bot token: forwarded without one (the fake answers it as Discord would).
    const before = fake.requests.length;
    await send(url, `/webhooks/${'1'.repeat(18)}/aToken/messages/@original`, { method: 'PATCH', headers: { [EXIT_SECRET_HEADER]: secret }, body: '{}' });
    expect(fake.requests.length).toBe(before + 1);
    expect(stats.forwarded).toBe(2);
  });

  it('refuses callers without the secret, with another token, or without a token where Discord needs one — none of it reaches Discord', async () => {
    const { url, stats } = await exit();
    const guild = fake.addGuild({ name: 'Refused' });
    const path = Routes.channelMessages(guild.defaultChannelId);
    const before = fake.requests.length;
    const bot = { authorization: `Bot ${fake.token}` };
    const tries: [string, Record<string, string>, number][] = [
      ['no secret', bot, 401],
      ['wrong secret, same length', { ...bot, [EXIT_SECRET_HEADER]: randomBytes(32).toString('hex') }, 401],
      ['the secret with a prefix', { ...bot, [EXIT_SECRET_HEADER]: `x${secret}` }, 401],
      ['the secret cut short', { ...bot, [EXIT_SECRET_HEADER]: secret.slice(0, -1) }, 401],
      ['another token', { [EXIT_SECRET_HEADER]: secret, authorization: `Bot ${fake.token}x` }, 401],
      ['a bearer token', { [EXIT_SECRET_HEADER]: secret, authorization: 'Bearer abc' }, 401],
      ['no token on a route that needs one', { [EXIT_SECRET_HEADER]: secret }, 401],
    ];
    for (const [what, headers, status] of tries) {
      const answer = await send(url, path, { headers, body: JSON.stringify({ content: what }) });
      expect({ what, status: answer.status }).toEqual({ what, status });
    }
    // A flood: 500 more without the secret.
    const flood = await Promise.all(Array.from({ length: 500 }, () => send(url, path, { headers: bot, body: '{"content":"x"}' }).then((r) => r.status)));
    expect(new Set(flood)).toEqual(new Set([401]));
    expect(fake.requests.length).toBe(before);
    expect(fake.messages(guild.defaultChannelId)).toHaveLength(0);
    expect(stats.refused).toMatchObject({ secret: 504, token: 2, 'no-token': 1 });
    expect(stats.forwarded).toBe(0);
  });

  it('compares secrets in constant time over digests of equal length', () => {
    expect(sameSecret(secret, secret)).toBe(true);
    expect(sameSecret(undefined, secret)).toBe(false);
    expect(sameSecret('', secret)).toBe(false);
    expect(sameSecret(secret.toUpperCase(), secret)).toBe(false);
  });

  it('refuses a body past the cap before reading it, and one that grows past it while read', async () => {
    const cap = 64 * 1024;
    const { url, port, stats } = await exit({ maxBodyBytes: cap });
    const guild = fake.addGuild({ name: 'Large' });
    const path = Routes.channelMessages(guild.defaultChannelId);
    const headers = { [EXIT_SECRET_HEADER]: secret, authorization: `Bot ${fake.token}` };
    const before = fake.requests.length;
    const big = await send(url, path, { headers, body: JSON.stringify({ content: 'x'.repeat(cap) }) });
    expect(big.status).toBe(413);
    // Chunked, so no length is declared: cut off once past the cap.
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const body = Buffer.concat(Array.from({ length: 6 }, () => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])));
    const chunked = rawConnection(port, [`POST /api/v10${path} HTTP/1.1`, 'Host: x', 'Transfer-Encoding: chunked', `${EXIT_SECRET_HEADER}: ${secret}`, `Authorization: Bot ${fake.token}`, '', ''].join('\r\n'), body);
    await vi.waitFor(() => expect(stats.refused['too-large']).toBe(2));
    chunked.destroy();
    expect(fake.requests.length).toBe(before);
    // Held at once: the one body counted at the cap while it was read, never more.
    expect(stats.peakBuffered).toBeLessThanOrEqual(cap);
    expect(stats.buffered).toBe(0);
  });

  it('holds at most maxInFlight requests at once, queues a few, and answers 503 past that — before Discord', async () => {
    const { url, stats } = await exit({ maxInFlight: 2, maxWaiting: 1 });
    const guild = fake.addGuild({ name: 'Busy' });
    const channels = [0, 1, 2, 3].map((i) => fake.addChannel(guild.id, { name: `c${i}` }).id);
    const headers = { [EXIT_SECRET_HEADER]: secret, authorization: `Bot ${fake.token}` };
    const post = (channel: string) => send(url, Routes.channelMessages(channel), { headers, body: JSON.stringify({ content: channel }) });
    const isPost = (channel: string) => (r: { method: string; path: string }) => r.method === 'POST' && r.path === Routes.channelMessages(channel);
    const holds = [fake.hold(isPost(channels[0]!)), fake.hold(isPost(channels[1]!))];
    const first = [post(channels[0]!), post(channels[1]!)];
    await Promise.all(holds.map((h) => h.reached));
    const third = post(channels[2]!);
    await vi.waitFor(() => expect(stats.waiting).toBe(1));
    const fourth = await post(channels[3]!);
    expect(fourth.status).toBe(503);
    expect(fake.requests.filter(isPost(channels[3]!))).toHaveLength(0);
    expect({ inFlight: stats.inFlight, busy: stats.refused.busy }).toEqual({ inFlight: 2, busy: 1 });
    for (const h of holds) h.release();
    expect((await Promise.all([...first, third])).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(stats.peakInFlight).toBe(2);
    await vi.waitFor(() => expect(stats.inFlight).toBe(0));
  });

  it("counts Discord's 401/403/429 answers over its 10-minute window", async () => {
    const { url, stats } = await exit();
    const guild = fake.addGuild({ name: 'Invalid' });
    fake.failNext(3, 403);
    const headers = { [EXIT_SECRET_HEADER]: secret, authorization: `Bot ${fake.token}` };
    for (let i = 0; i < 3; i++) expect((await send(url, Routes.channelMessages(guild.defaultChannelId), { headers, body: '{"content":"x"}' })).status).toBe(403);
    expect(stats.upstreamInvalid()).toBe(3);
    clock += 10 * 60_000 + 1;
    expect(stats.upstreamInvalid()).toBe(0);
  });

  it('the exit process will not start without its token and secret', async () => {
    for (const [env, message] of [
      [{ HINDSIGHT_REST_PROXY_SECRET: secret }, /DISCORD_TOKEN: is required/],
      [{ DISCORD_TOKEN: fake.token }, /HINDSIGHT_REST_PROXY_SECRET: is required/],
      [{ DISCORD_TOKEN: fake.token, HINDSIGHT_REST_PROXY_SECRET: 'short' }, /HINDSIGHT_REST_PROXY_SECRET: must be at least 32 characters/],
    ] as const) {
      const proxy = spawnRestProxy({ DISCORD_API_URL: fake.apiUrl, REST_PROXY_PORT: '1', ...env });
      proxy.ready.catch(() => {});
      const code = await new Promise<number | null>((resolve) => proxy.child.on('close', resolve));
      expect(code).toBe(2);
      expect(proxy.lines.join('\n')).toMatch(message);
    }
  });
});
