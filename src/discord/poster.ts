/** Posts scoring rounds to Discord channels through @discordjs/rest (which handles rate limits and retries). */
import {
  DiscordAPIError,
  HTTPError,
  RESTJSONErrorCodes,
  Routes,
  SnowflakeUtil,
  type APIGuild,
  type APIMessage,
  type Client,
  type REST,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord.js';
import { PostError, type Poster } from '../kit/poster.js';
import type { CardEditor } from '../jobs/cards.js';
import type { Reply } from '../kit/types.js';
import { fitReply } from '../kit/render.js';

export function messageBody(reply: Reply, nonce?: string): RESTPostAPIChannelMessageJSONBody {
  const fitted = fitReply(reply);
  return {
    ...(fitted.content ? { content: fitted.content } : {}),
    ...(fitted.embeds?.length ? { embeds: fitted.embeds } : {}),
    ...(fitted.components?.length ? { components: fitted.components } : {}),
    ...(nonce ? { nonce, enforce_nonce: true } : {}),
    allowed_mentions: { parse: [] },
  };
}

/** Sorts a failed post into what the scheduler should do about it. */
export function classify(error: unknown): PostError {
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : undefined;
    if (code === RESTJSONErrorCodes.UnknownChannel) return new PostError('unknown_channel', error.message, error.status, code);
    if (code === RESTJSONErrorCodes.MissingAccess || code === RESTJSONErrorCodes.MissingPermissions) {
      return new PostError('missing_access', error.message, error.status, code);
    }
    if (error.status >= 500) return new PostError('transient', error.message, error.status, code);
    if (error.status === 404) return new PostError('unknown_channel', error.message, error.status, code);
    return new PostError('rejected', error.message, error.status, code);
  }
  if (error instanceof HTTPError) return new PostError(error.status >= 500 ? 'transient' : 'rejected', error.message, error.status);
  return new PostError('transient', error instanceof Error ? error.message : String(error));
}

/**
 * The server's system channel: from the cache when this process holds the guild, else from Discord
 * (GET /guilds/{id}): with shards, a schedule's server is often another process's.
 */
async function systemChannelOf(rest: REST, guildId: string, client?: Client): Promise<string | null> {
  const cached = client?.guilds.cache.get(guildId);
  if (cached) return cached.systemChannelId;
  try {
    const guild = (await rest.get(Routes.guild(guildId))) as APIGuild;
    return guild.system_channel_id;
  } catch {
    return null; // not visible to the bot: a direct message is what is left
  }
}

/** The first embed's title and description, and the buttons' ids: what tells one round part from another. */
export function partSignature(m: { content?: string | undefined; embeds?: readonly { title?: string | undefined; description?: string | undefined }[] | undefined; components?: readonly unknown[] | undefined }): string {
  const e = m.embeds?.[0];
  const ids = JSON.stringify(m.components ?? []).match(/"custom_id":"[^"]*"/g) ?? [];
  return JSON.stringify([m.content ?? '', e?.title ?? '', e?.description ?? '', ids]);
}

export function discordPoster(client: Client): Poster {
  return restPoster(client.rest, { botId: async () => client.user?.id ?? null, client });
}

/**
 * Rounds over REST alone: the interactions role has no gateway client, so the bot's id comes
 * from GET /users/@me (once) and system channels from GET /guilds/{id}.
 */
export function restPoster(rest: REST, opts: { botId?: () => Promise<string | null>; client?: Client } = {}): Poster {
  let me: Promise<string | null> | undefined;
  const botId =
    opts.botId ??
    (() => (me ??= (rest.get(Routes.user('@me')) as Promise<{ id: string }>).then((u) => u.id, () => ((me = undefined), null))));
  const send = async (channelId: string, reply: Reply, nonce?: string) => {
    try {
      const body = messageBody(reply, nonce);
      const files = reply.files?.map((f) => ({ name: f.name, data: f.data }));
      return (await rest.post(Routes.channelMessages(channelId), { body, ...(files?.length ? { files } : {}) })) as { id: string };
    } catch (error) {
      throw classify(error);
    }
  };
  // DM channels by member: opening one is a request of its own (and the same channel every time).
  const dmChannels = new Map<string, string>();
  const dmChannelOf = async (userId: string) => {
    const known = dmChannels.get(userId);
    if (known) return known;
    try {
      const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
      if (dmChannels.size >= 1000) dmChannels.delete(dmChannels.keys().next().value!);
      dmChannels.set(userId, dm.id);
      return dm.id;
    } catch (error) {
      throw classify(error);
    }
  };
  return {
    async post(channelId, reply, { nonce }) {
      const message = await send(channelId, reply, nonce);
      return { id: message.id };
    },
    async findPosted(channelId, reply, { after, since }) {
      const bot = await botId();
      if (!bot) return null;
      const from = after ?? SnowflakeUtil.generate({ timestamp: since.getTime() - 60_000 }).toString();
      const query = new URLSearchParams({ after: from, limit: '50' });
      const list = (await rest.get(Routes.channelMessages(channelId), { query })) as APIMessage[];
      const wanted = partSignature(messageBody(reply));
      const hit = list
        .filter((m) => m.author.id === bot && !m.interaction_metadata && !m.webhook_id)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
        .find((m) => partSignature(m) === wanted);
      return hit?.id ?? null;
    },
    async startThread(channelId, messageId, name) {
      try {
        // A day of inactivity before Discord archives it (a post in it unarchives it).
        const thread = (await rest.post(Routes.threads(channelId, messageId), { body: { name, auto_archive_duration: 1440 } })) as { id: string };
        return thread.id;
      } catch (error) {
        throw classify(error);
      }
    },
    async postInThread(threadId, reply) {
      await send(threadId, reply);
    },
    async directMessage(userId, reply, { nonce }) {
      const message = await send(await dmChannelOf(userId), reply, nonce);
      return { id: message.id };
    },
    async notifyManagers(guildId, text, { createdBy }) {
      const systemChannelId = await systemChannelOf(rest, guildId, opts.client);
      if (systemChannelId) {
        try {
          await send(systemChannelId, { content: text });
          return `in <#${systemChannelId}>`;
        } catch {
          // fall through to a direct message
        }
      }
      const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: createdBy } })) as { id: string };
      await send(dm.id, { content: text });
      return `by direct message to <@${createdBy}>`;
    },
  };
}

/** Edits vote cards in place (PATCH the channel message): embeds and components replaced, content kept. */
export function discordCardEditor(client: Client): CardEditor {
  return restCardEditor(client.rest);
}

/** Card edits over REST alone (the interactions role). */
export function restCardEditor(rest: REST): CardEditor {
  return {
    async edit(channelId, messageId, reply) {
      const fitted = fitReply(reply);
      try {
        await rest.patch(Routes.channelMessage(channelId, messageId), {
          body: { embeds: fitted.embeds ?? [], components: fitted.components ?? [], allowed_mentions: { parse: [] } },
        });
      } catch (error) {
        throw classify(error);
      }
    },
  };
}
