/**
 * Manager notices when this process does not hold the server in its cache (another shard's
 * process, issue 15 finding 11d): the system channel comes from Discord, before any DM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/discord/client.js';
import { discordPoster } from '../../src/discord/poster.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(async () => {
  await fake?.close();
});

describe('notifyManagers', () => {
  it("posts in the server's system channel, found over REST when the guild is not in this process's cache", async () => {
    const guild = fake.addGuild({ name: 'On another shard' });
    // A client that never received this guild's GUILD_CREATE (its gateway shard is elsewhere): empty cache, working REST.
    const client = createClient(fake.apiUrl);
    client.rest.setToken(fake.token);
    try {
      expect(client.guilds.cache.has(guild.id)).toBe(false);
      const where = await discordPoster(client).notifyManagers(guild.id, 'Hindsight disabled scoring-round schedule 3.', { createdBy: '900000000000000009' });
      expect(where).toBe(`in <#${guild.defaultChannelId}>`);
      expect(fake.messages(guild.defaultChannelId).map((m) => m.content)).toContain('Hindsight disabled scoring-round schedule 3.');
      expect(fake.requests.some((r) => r.method === 'GET' && r.path === `/guilds/${guild.id}`)).toBe(true);
      expect(fake.requests.some((r) => r.method === 'POST' && r.path === '/users/@me/channels')).toBe(false);
    } finally {
      await client.destroy();
    }
    fake.assertNoViolations();
  });
});
