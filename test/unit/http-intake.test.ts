/**
 * The interactions endpoint's request-reading layer (src/http/intake.ts) on a loopback server:
 * headers are judged before any body byte is kept, a signed body must have an interaction's shape,
 * and the connection cap closes what is past it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign } from 'node:crypto';
import { asInteraction, boundServer, DEFAULT_INTAKE_LIMITS, DEFAULT_SOCKET_LIMITS, InteractionIntake, serverOptions, type SocketLimits } from '../../src/http/intake.js';
import { rawConnection } from '../support/http-replicas.js';

const pair = generateKeyPairSync('ed25519');
const NOW = new Date('2026-12-01T12:00:00Z');
const ts = String(Math.floor(NOW.getTime() / 1000));
const signed = (body: string, timestamp = ts) => ({
  'content-type': 'application/json',
  'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), pair.privateKey).toString('hex'),
  'x-signature-timestamp': timestamp,
});

let server: Server | undefined;
afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
});

async function serve(sockets: Partial<SocketLimits> = {}) {
  const limits = { ...DEFAULT_SOCKET_LIMITS, ...sockets };
  const intake = new InteractionIntake(pair.publicKey, DEFAULT_INTAKE_LIMITS, () => NOW);
  server = createServer(serverOptions(limits), (req, res) => {
    void intake.read(req).then((r) => {
      if (req.socket.destroyed) return;
      res.writeHead(r.ok ? 200 : r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.ok ? { type: r.interaction.type } : { error: r.error }));
    });
  });
  boundServer(server, limits);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const post = async (body: string, headers: Record<string, string>) => {
    const r = await fetch(`http://127.0.0.1:${port}/interactions`, { method: 'POST', body, headers });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  return { intake, port, post };
}

describe('reading a request at the interactions endpoint', () => {
  it('refuses missing, malformed or stale signature headers and a declared length past the cap before keeping any of the body', async () => {
    const { intake, post } = await serve();
    const body = JSON.stringify({ type: 1, pad: 'x'.repeat(60_000) });
    const forged = { 'x-signature-ed25519': 'ab'.repeat(64), 'x-signature-timestamp': ts };
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { ...forged, 'x-signature-ed25519': 'ab'.repeat(63) })).status).toBe(401);
    expect((await post(body, { ...forged, 'x-signature-timestamp': String(Number(ts) - 301) }))).toEqual({ status: 401, body: { error: 'stale request timestamp' } });
    expect((await post('x'.repeat(DEFAULT_INTAKE_LIMITS.maxBodyBytes + 1), forged)).status).toBe(413);
    expect(intake.stats.peakBuffered).toBe(0);
    // Well-formed headers with a wrong signature: the body is read (to check it), then refused.
    expect((await post(body, forged)).status).toBe(401);
    expect(intake.stats.peakBuffered).toBeGreaterThan(60_000);
    expect(intake.stats.buffered).toBe(0);
    // And a signed PING passes.
    const ping = JSON.stringify({ type: 1, id: '1', application_id: '2' });
    expect(await post(ping, signed(ping))).toEqual({ status: 200, body: { type: 1 } });
  });

  it('a signed body that is not an interaction is a 400', async () => {
    const { post } = await serve();
    for (const body of ['null', '[1]', '"x"', '{"id":"1"}', '{"id":"1","type":"2"}', '{']) {
      expect({ body, status: (await post(body, signed(body))).status }).toEqual({ body, status: 400 });
    }
  });

  it('closes connections past the cap as they arrive, and keeps serving the ones within it', async () => {
    const { port, post } = await serve({ maxConnections: 4 });
    const held = Array.from({ length: 4 }, () => rawConnection(port, 'POST /interactions HTTP/1.1\r\nHost: x\r\n'));
    // The server counts a connection once it has accepted it.
    const open = () => new Promise<number>((resolve) => server!.getConnections((_e, n) => resolve(n)));
    await vi.waitFor(async () => expect(await open()).toBe(4));
    const extra = Array.from({ length: 3 }, () => rawConnection(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const closed = await Promise.all(extra.map((c) => c.closed));
    expect(extra.every((c) => c.received() === '')).toBe(true);
    // Closed at once, not by a timeout (the idle timeout is 10 s).
    expect(Math.max(...closed)).toBeLessThan(DEFAULT_SOCKET_LIMITS.idleTimeoutMs);
    for (const c of held) c.destroy();
    await Promise.all(held.map((c) => c.closed));
    const ping = JSON.stringify({ type: 1, id: '1', application_id: '2' });
    expect((await post(ping, signed(ping))).status).toBe(200);
  });
});

describe('the shape of an interaction', () => {
  const base = { id: '1234567890123456789', application_id: '2', token: 'tok', guild_id: '3', member: { user: { id: '4', username: 'u', global_name: null }, permissions: '8', nick: null } };
  it('accepts what Discord sends (a ping, a command, an autocomplete, a button, a modal)', () => {
    expect(asInteraction({ type: 1, id: '1', application_id: '2', token: 't', version: 1 })).not.toBeNull();
    expect(asInteraction({ ...base, type: 2, data: { id: '5', name: 'vote', type: 1, options: [{ name: 'claim', type: 4, value: 1 }] }, channel: { id: '6', type: 0 } })).not.toBeNull();
    expect(asInteraction({ ...base, type: 4, data: { id: '5', name: 'vote', type: 1, options: [{ name: 'claim', type: 3, value: '1', focused: true }] } })).not.toBeNull();
    expect(asInteraction({ ...base, type: 3, data: { custom_id: 'v:1:came_true', component_type: 2 }, message: { id: '7', channel_id: '6', embeds: [], flags: 0 } })).not.toBeNull();
    expect(asInteraction({ ...base, type: 5, data: { custom_id: 'm', components: [] } })).not.toBeNull();
    expect(asInteraction({ ...base, guild_id: undefined, member: undefined, user: { id: '4', username: 'u' }, type: 2, data: { name: 'help', type: 1 } })).not.toBeNull();
  });

  it('refuses what the handlers could not read', () => {
    for (const value of [
      null,
      [],
      'x',
      { id: base.id },
      { ...base, type: '2', data: { name: 'vote', type: 1 } },
      { ...base, type: 2, data: null },
      { ...base, type: 2, data: { name: 'vote', type: 1, options: [null] } },
      { ...base, type: 2, data: { name: 'vote', type: 1 }, member: { permissions: '8' } },
      { ...base, type: 2, data: { name: 'vote', type: 1 }, member: { ...base.member, permissions: 'all' } },
      { ...base, id: 'abc', type: 2, data: { name: 'vote', type: 1 } },
      { ...base, token: undefined, type: 2, data: { name: 'vote', type: 1 } },
      { ...base, type: 3, data: { custom_id: 'x'.repeat(101), component_type: 2 } },
      { ...base, type: 3, data: { custom_id: 'v', component_type: 2 }, message: { id: 1 } },
      { ...base, type: 9, data: {} },
    ]) {
      expect({ value, ok: asInteraction(value) !== null }).toEqual({ value, ok: false });
    }
  });
});
