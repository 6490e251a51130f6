/**
 * The REST routes the fake implements, keyed by "METHOD <spec path template>". Requests reach
 * these only after authentication, rate limiting and validation (see rest.ts).
 */
import type { CommandStore } from './commands.js';
import type { FakeGateway } from './gateway.js';
import type { InteractionEngine } from './interactions.js';
import type { MessageStore } from './messages.js';
import type { ChannelRecord, FakeState, GuildRecord } from './state.js';
import type { FakeFile, Snowflake } from './types.js';
import { ApiError, Errors, isObject, type JsonObject } from './util.js';

export interface Core {
  state: FakeState;
  messages: MessageStore;
  commands: CommandStore;
  interactions: InteractionEngine;
  gateway: FakeGateway;
  applicationId: Snowflake;
  gatewayUrl(): string;
  removeGuild(id: Snowflake): void;
  /** How long enforce_nonce remembers a nonce (0: forgets at once). */
  nonceMemoryMs(): number;
}

export interface RouteContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: FakeFile[];
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RouteContext) => HandlerResult;

const ok = (body: unknown): HandlerResult => ({ status: 200, body });
const created = (body: unknown): HandlerResult => ({ status: 201, body });
const noContent = (): HandlerResult => ({ status: 204 });

function param(ctx: RouteContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`fake-discord: route has no {${name}}`);
  return value;
}

function bodyObject(ctx: RouteContext): JsonObject {
  return isObject(ctx.body) ? ctx.body : {};
}

function clampLimit(query: URLSearchParams, fallback: number, max: number): number {
  const n = Number(query.get('limit') ?? fallback);
  return Number.isFinite(n) ? Math.min(Math.max(1, Math.trunc(n)), max) : fallback;
}

export function buildHandlers(core: Core): Map<string, Handler> {
  const { state, messages, commands, interactions } = core;

  const guildOf = (id: Snowflake): GuildRecord => {
    const guild = state.guilds.get(id);
    if (!guild) throw Errors.unknownGuild();
    if (guild.removed) throw Errors.missingAccess();
    return guild;
  };

  /** A channel the bot can use: 404 10003 when deleted, 403 50001 when denied or left. */
  const usableChannel = (id: Snowflake): ChannelRecord => {
    const channel = state.channels.get(id);
    if (!channel || channel.deleted) throw Errors.unknownChannel();
    if (channel.type === 1) return channel; // a direct-message channel: no guild
    const guild = state.guilds.get(channel.guildId);
    if (!guild || guild.removed || channel.denied) throw Errors.missingAccess();
    return channel;
  };

  const channelMessage = (ctx: RouteContext) => {
    const channel = usableChannel(param(ctx, 'channel_id'));
    const stored = messages.get(param(ctx, 'message_id'));
    if (!stored || stored.deleted || stored.ephemeral || stored.message.channel_id !== channel.id) throw Errors.unknownMessage();
    return stored;
  };

  const ownApplication = (ctx: RouteContext): void => {
    if (param(ctx, 'application_id') !== core.applicationId) {
      throw Errors.missingAccess().blame('path', `application_id ${ctx.params.application_id} is not this bot's application (${core.applicationId})`);
    }
  };

  const commandScope = (ctx: RouteContext): Snowflake | undefined => {
    ownApplication(ctx);
    const guildId = ctx.params.guild_id;
    if (guildId !== undefined) guildOf(guildId);
    return guildId;
  };

  const botUser = (): JsonObject => ({
    ...state.userObject(state.bot),
    bot: true,
    verified: true,
    mfa_enabled: false,
    locale: 'en-US',
    email: null,
    premium_type: 0,
    banner: null,
    accent_color: null,
  });

  const application = (): JsonObject => {
    const liveGuilds = [...state.guilds.values()].filter((g) => !g.removed).length;
    return {
      id: core.applicationId,
      name: state.bot.username,
      icon: null,
      description: '',
      summary: '',
      type: null,
      hook: true,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      owner: state.userObject(state.ensureUser('100000000000000001', 'app-owner')),
      team: null,
      bot: state.userObject(state.bot),
      approximate_guild_count: liveGuilds,
      redirect_uris: [],
      interactions_endpoint_url: null,
      integration_types_config: { '0': {} },
      tags: [],
      is_monetized: false,
    };
  };

  const routes: Record<string, Handler> = {
    'GET /gateway': () => ok({ url: core.gatewayUrl() }),
    'GET /gateway/bot': () =>
      ok({
        url: core.gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      }),

    'GET /users/@me': () => ok(botUser()),
    'GET /users/{user_id}': (ctx) => {
      const user = state.users.get(param(ctx, 'user_id'));
      if (!user) throw Errors.unknownUser();
      return ok(state.userObject(user));
    },
    'POST /users/@me/channels': (ctx) => {
      const recipient = bodyObject(ctx).recipient_id;
      if (typeof recipient !== 'string' || !state.users.has(recipient)) throw Errors.unknownUser();
      return ok(state.dmChannelObject(state.openDm(recipient)));
    },
    'GET /users/@me/guilds': () =>
      ok(
        [...state.guilds.values()]
          .filter((g) => !g.removed)
          .map((g) => ({ id: g.id, name: g.name, icon: null, banner: null, owner: false, permissions: '0', features: [] })),
      ),
    'DELETE /users/@me/guilds/{guild_id}': (ctx) => {
      guildOf(param(ctx, 'guild_id'));
      core.removeGuild(param(ctx, 'guild_id'));
      return noContent();
    },
    'GET /applications/@me': () => ok(application()),
    'GET /oauth2/applications/@me': () => ok(application()),

    'GET /guilds/{guild_id}': (ctx) => {
      const guild = guildOf(param(ctx, 'guild_id'));
      const counts = ctx.query.get('with_counts') === 'true'
        ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 }
        : {};
      return ok({ ...state.guildObject(guild), ...counts });
    },
    'GET /guilds/{guild_id}/channels': (ctx) => ok(state.liveChannels(guildOf(param(ctx, 'guild_id'))).map((c) => state.channelObject(c))),
    'GET /guilds/{guild_id}/roles': (ctx) => ok(state.rolesOf(guildOf(param(ctx, 'guild_id')))),
    'GET /guilds/{guild_id}/members': (ctx) => {
      const guild = guildOf(param(ctx, 'guild_id'));
      const after = BigInt(ctx.query.get('after') ?? '0');
      const members = [...guild.members.values()]
        .filter((m) => BigInt(m.userId) > after)
        .sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1))
        .slice(0, clampLimit(ctx.query, 1, 1000));
      return ok(members.map((m) => state.memberObject(guild, m)));
    },
    'GET /guilds/{guild_id}/members/{user_id}': (ctx) => {
      const guild = guildOf(param(ctx, 'guild_id'));
      const member = guild.members.get(param(ctx, 'user_id'));
      if (!member) throw Errors.unknownMember();
      return ok(state.memberObject(guild, member));
    },

    'GET /channels/{channel_id}': (ctx) => {
      const channel = usableChannel(param(ctx, 'channel_id'));
      return ok(channel.type === 1 ? state.dmChannelObject(channel) : state.channelObject(channel));
    },
    'POST /channels/{channel_id}/typing': (ctx) => {
      usableChannel(param(ctx, 'channel_id'));
      return noContent();
    },
    'GET /channels/{channel_id}/messages': (ctx) => {
      const channel = usableChannel(param(ctx, 'channel_id'));
      const before = ctx.query.get('before');
      const after = ctx.query.get('after');
      const list = messages
        .inChannel(channel.id)
        .filter((m) => (!before || BigInt(m.message.id) < BigInt(before)) && (!after || BigInt(m.message.id) > BigInt(after)))
        .reverse()
        .slice(0, clampLimit(ctx.query, 50, 100));
      return ok(list.map((m) => messages.apiObject(m)));
    },
    'POST /channels/{channel_id}/messages': (ctx) => {
      const channel = usableChannel(param(ctx, 'channel_id'));
      // A member whose privacy settings refuse the bot's direct messages.
      if (channel.type === 1 && state.refusingDms.has(channel.recipientId!)) throw Errors.cannotSendToUser();
      const body = bodyObject(ctx);
      // enforce_nonce: the same author and nonce within a few minutes returns the first message.
      const memory = core.nonceMemoryMs();
      if (body.enforce_nonce === true && body.nonce !== undefined && memory > 0) {
        const since = Date.now() - memory;
        const twin = messages
          .inChannel(channel.id)
          .find((m) => m.nonce === body.nonce && m.message.author.id === state.bot.id && m.createdAt >= since);
        if (twin) return ok(messages.apiObject(twin));
      }
      const stored = messages.create({
        channel,
        body: bodyObject(ctx),
        files: ctx.files,
        author: state.bot,
        type: 0,
        mentionDefault: 'message',
      });
      return ok(messages.apiObject(stored));
    },
    'GET /channels/{channel_id}/messages/{message_id}': (ctx) => ok(messages.apiObject(channelMessage(ctx))),
    'PATCH /channels/{channel_id}/messages/{message_id}': (ctx) => {
      const stored = channelMessage(ctx);
      if (stored.message.author.id !== state.bot.id) throw new ApiError(403, 50005, 'Cannot edit a message authored by another user');
      return ok(messages.apiObject(messages.edit(stored, bodyObject(ctx), ctx.files)));
    },
    // A public thread on a message (type 11). 403 50013 where the bot lacks Create Public Threads; 400 160004 for a second thread on one message.
    'POST /channels/{channel_id}/messages/{message_id}/threads': (ctx) => {
      const stored = channelMessage(ctx);
      const channel = usableChannel(param(ctx, 'channel_id'));
      if (channel.threadsDenied) throw new ApiError(403, 50013, 'Missing Permissions');
      if ([...state.channels.values()].some((c) => c.starterMessageId === stored.message.id)) {
        throw new ApiError(400, 160004, 'A thread has already been created for this message');
      }
      const body = bodyObject(ctx);
      const thread = state.addChannel(channel.guildId, { name: String(body.name), id: stored.message.id, type: 11 });
      thread.parentId = channel.id;
      thread.starterMessageId = stored.message.id;
      return created({
        ...state.channelObject(thread),
        owner_id: state.bot.id,
        message_count: 0,
        member_count: 1,
        thread_metadata: { archived: false, auto_archive_duration: Number(body.auto_archive_duration ?? 4320), archive_timestamp: new Date().toISOString(), locked: false },
      });
    },
    'DELETE /channels/{channel_id}/messages/{message_id}': (ctx) => {
      messages.delete(channelMessage(ctx));
      return noContent();
    },

    // ---- application commands ----
    // As Discord: the localization dictionaries only with ?with_localizations=true.
    'GET /applications/{application_id}/commands': (ctx) =>
      ok(commands.list(commandScope(ctx)).map((c) => (ctx.query.get('with_localizations') === 'true' ? c : withoutLocalizations(c)))),
    'PUT /applications/{application_id}/commands': (ctx) => ok(commands.bulkOverwrite(commandScope(ctx), ctx.body)),
    'POST /applications/{application_id}/commands': (ctx) => {
      const { command, created: isNew } = commands.upsert(commandScope(ctx), bodyObject(ctx));
      return isNew ? created(command) : ok(command);
    },
    'GET /applications/{application_id}/commands/{command_id}': (ctx) => ok(commands.get(commandScope(ctx), param(ctx, 'command_id'))),
    'PATCH /applications/{application_id}/commands/{command_id}': (ctx) =>
      ok(commands.patch(commandScope(ctx), param(ctx, 'command_id'), bodyObject(ctx))),
    'DELETE /applications/{application_id}/commands/{command_id}': (ctx) => {
      commands.delete(commandScope(ctx), param(ctx, 'command_id'));
      return noContent();
    },

    // ---- interactions ----
    'POST /interactions/{interaction_id}/{interaction_token}/callback': (ctx) => {
      const result = interactions.callback(
        param(ctx, 'interaction_id'),
        param(ctx, 'interaction_token'),
        ctx.body,
        ctx.files,
        ctx.query.get('with_response') === 'true',
      );
      return { status: result.status, body: result.body };
    },
    'POST /webhooks/{webhook_id}/{webhook_token}': (ctx) => {
      const message = interactions.followup(param(ctx, 'webhook_id'), param(ctx, 'webhook_token'), ctx.body, ctx.files);
      return ctx.query.get('wait') === 'true' ? ok(message) : noContent();
    },
    'GET /webhooks/{webhook_id}/{webhook_token}/messages/@original': (ctx) =>
      ok(interactions.getMessage(param(ctx, 'webhook_id'), param(ctx, 'webhook_token'), '@original')),
    'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original': (ctx) =>
      ok(interactions.editMessage(param(ctx, 'webhook_id'), param(ctx, 'webhook_token'), '@original', ctx.body, ctx.files)),
    'DELETE /webhooks/{webhook_id}/{webhook_token}/messages/@original': (ctx) => {
      interactions.deleteMessage(param(ctx, 'webhook_id'), param(ctx, 'webhook_token'), '@original');
      return noContent();
    },
    'GET /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': (ctx) =>
      ok(interactions.getMessage(param(ctx, 'webhook_id'), param(ctx, 'webhook_token'), param(ctx, 'message_id'))),
    'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': (ctx) =>
      ok(interactions.editMessage(param(ctx, 'webhook_id'), param(ctx, 'webhook_token'), param(ctx, 'message_id'), ctx.body, ctx.files)),
    'DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': (ctx) => {
      interactions.deleteMessage(param(ctx, 'webhook_id'), param(ctx, 'webhook_token'), param(ctx, 'message_id'));
      return noContent();
    },
  };

  // Guild-scoped command routes share the global handlers (commandScope reads {guild_id}).
  const handlers = new Map<string, Handler>(Object.entries(routes));
  for (const [key, handler] of Object.entries(routes)) {
    if (key.includes('/applications/{application_id}/commands')) {
      handlers.set(key.replace('/applications/{application_id}/commands', '/applications/{application_id}/guilds/{guild_id}/commands'), handler);
    }
  }
  return handlers;
}

/** Templates whose authorization is the interaction token in the URL, not the bot token. */
export function isInteractionRoute(template: string): boolean {
  return template.startsWith('/interactions/') || template.startsWith('/webhooks/{webhook_id}/{webhook_token}');
}

/** A listed command as Discord gives it without ?with_localizations=true: no localization dictionaries, at any depth. */
function withoutLocalizations<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutLocalizations) as T;
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'name_localizations' && key !== 'description_localizations')
      .map(([key, v]) => [key, withoutLocalizations(v)]),
  ) as T;
}
