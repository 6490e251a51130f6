/**
 * The discord.js client: Guilds intent only (no privileged intent), caches trimmed to what the
 * bot uses, mentions never parsed, REST pointed at DISCORD_API_URL.
 */
import { Client, GatewayIntentBits, Options, Partials } from 'discord.js';

export function createClient(apiUrl: string, shard?: string): Client {
  const [shardId, shardCount] = shard ? (shard.split('/').map(Number) as [number, number]) : [];
  return new Client({
    ...(shard ? { shards: [shardId!], shardCount: shardCount! } : {}),
    intents: [GatewayIntentBits.Guilds],
    partials: [Partials.Channel],
    allowedMentions: { parse: [], repliedUser: false },
    rest: { api: apiUrl.replace(/\/+$/, '') },
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
}
