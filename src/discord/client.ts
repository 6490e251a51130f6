/**
 * The discord.js client: Guilds intent only (no privileged intent), caches trimmed to what the
 * bot uses, mentions never parsed, REST pointed at DISCORD_API_URL.
 */
import { Client, GatewayIntentBits, Options, Partials, REST } from 'discord.js';

/** `headers` go with every REST request (the REST exit's secret, when there is one). */
export function createClient(apiUrl: string, shard?: string, headers: Record<string, string> = {}): Client {
  const [shardId, shardCount] = shard ? (shard.split('/').map(Number) as [number, number]) : [];
  const client = new Client({
    ...(shard ? { shards: [shardId!], shardCount: shardCount! } : {}),
    intents: [GatewayIntentBits.Guilds],
    partials: [Partials.Channel],
    allowedMentions: { parse: [], repliedUser: false },
    rest: { api: apiUrl.replace(/\/+$/, ''), headers },
    // Interactions carry what the bot needs (member permissions, channel id); caching guild
    // members, messages, roles' details, emojis or threads would only grow memory with servers.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      ApplicationCommandManager: 0,
      AutoModerationRuleManager: 0,
      BaseGuildEmojiManager: 0,
      DMMessageManager: 0,
      EntitlementManager: 0,
      GuildBanManager: 0,
      GuildEmojiManager: 0,
      GuildForumThreadManager: 0,
      GuildInviteManager: 0,
      GuildMemberManager: { maxSize: 1, keepOverLimit: (member) => member.id === member.client.user.id },
      GuildMessageManager: 0,
      GuildScheduledEventManager: 0,
      GuildStickerManager: 0,
      GuildTextThreadManager: 0,
      MessageManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      StageInstanceManager: 0,
      ThreadManager: 0,
      ThreadMemberManager: 0,
      UserManager: 0,
      VoiceStateManager: 0,
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      users: { interval: 3600, filter: () => (user) => user.id !== user.client.user.id },
    },
  });
  exemptInteractionWebhooks(client.rest);
  return client;
}

/**
 * Discord does not count an interaction's followups and edits (POST/PATCH
 * /webhooks/{application}/{interaction token}, sent without the bot token) against the bot's
 * global 50 requests/s; @discordjs/rest counts every request but the interaction callback, so a
 * burst of votes queued its "You voted" followups and card edits behind that limit (about 25
 * votes/s at most). They go through a REST manager of their own without the global limit; their
 * per-route buckets and 429 handling stay as they are.
 */
export function exemptInteractionWebhooks(rest: REST): void {
  const webhooks = new REST({ ...rest.options, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
  const queue = rest.queueRequest.bind(rest);
  rest.queueRequest = (request) =>
    request.auth === false && request.fullRoute.startsWith('/webhooks/') ? webhooks.queueRequest(request) : queue(request);
}

/** A REST client without a gateway (the interactions role), with the same exemption of interaction webhooks. */
export function createRestClient(api: string, token: string, headers: Record<string, string> = {}): REST {
  const rest = new REST({ api: api.replace(/\/+$/, ''), headers }).setToken(token);
  exemptInteractionWebhooks(rest);
  return rest;
}
