/** Interaction tokens never reach a log line, whatever is logged and however deep (issue 15, finding 9). */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { DiscordAPIError, HTTPError } from 'discord.js';
import { createLogger } from '../../src/log.js';

const APP = '1100000000000000001';
const TOKEN = 'aW50ZXJhY3Rpb246MTEwMDAwMDAwMDAwMDAwMDAwMjpTRUNSRVRTRUNSRVQ';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger('debug', stream);
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

describe('the logger redacts interaction tokens', () => {
  it('in a DiscordAPIError logged as {err}: url and request body, through its causes', () => {
    const { log, lines, parsed } = capture();
    const followUp = `https://discord.com/api/v10/webhooks/${APP}/${TOKEN}/messages/@original`;
    const apiError = new DiscordAPIError({ message: 'Unknown Webhook', code: 10015 }, 10015, 404, 'PATCH', followUp, {
      body: { content: `see https://discord.com/api/webhooks/${APP}/${TOKEN}` },
    });
    const wrapped = new Error('could not answer', { cause: new Error('inner', { cause: apiError }) });
    log.warn({ err: apiError }, 'follow-up failed');
    log.error({ error: wrapped }, 'interaction failed');
    log.error(new HTTPError(503, 'Service Unavailable', 'POST', `https://discord.com/api/v10/interactions/${APP}/${TOKEN}/callback`, { body: {} }));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain(TOKEN);
    const [first, second, third] = parsed();
    expect(first!.err.url).toBe(`https://discord.com/api/v10/webhooks/${APP}/:token/messages/@original`);
    expect(first!.err.requestBody.json.content).toBe(`see https://discord.com/api/webhooks/${APP}/:token`);
    expect(first!.err.code).toBe(10015);
    expect(second!.error.message).toMatch(/could not answer/);
    expect(third!.err.url).toBe(`https://discord.com/api/v10/interactions/${APP}/:token/callback`);
  });

  it('in a cause that is a plain object, and anywhere else on the line', () => {
    const { log, lines, parsed } = capture();
    const error = Object.assign(new Error('boom'), { cause: { request: { url: `/webhooks/${APP}/${TOKEN}` } } });
    log.error({ err: error, route: `/interactions/${APP}/${TOKEN}/callback` }, `failed at /webhooks/${APP}/${TOKEN}`);
    expect(lines.join('\n')).not.toContain(TOKEN);
    const [line] = parsed();
    expect(line!.err.cause.request.url).toBe(`/webhooks/${APP}/:token`);
    expect(line!.msg).toBe(`failed at /webhooks/${APP}/:token`);
    expect(line!.route).toBe(`/interactions/${APP}/:token/callback`);
  });

  it('keeps what is not a token, and still redacts the bot token', () => {
    const { log, parsed } = capture();
    log.info({ channel: '/channels/123/messages', token: 'Bot.secret' }, 'posted');
    const [line] = parsed();
    expect(line).toMatchObject({ channel: '/channels/123/messages', token: '[redacted]', msg: 'posted' });
  });
});
