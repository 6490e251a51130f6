/**
 * Guilds, channels, users, members and uploaded files of the fake, and the Discord JSON
 * objects built from them.
 */
import type { FakeFile, FakeGuildInfo, FakeChannelInfo, MemberOptions, Snowflake } from './types.js';
import {
  ALL_PERMISSIONS,
  BOT_PERMISSIONS,
  DENIED_CHANNEL_BITS,
  NORMAL_MEMBER_PERMISSIONS,
  Perm,
  snowflake,
  type JsonObject,
} from './util.js';

export interface UserRecord {
  id: Snowflake;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface MemberRecord {
  userId: Snowflake;
  nick: string | null;
  roles: Snowflake[];
  joinedAt: string;
  /** Explicit permission bits; undefined = computed from roles. */
  permissions: bigint | undefined;
}

export interface ChannelRecord {
  id: Snowflake;
  /** '' for a direct-message channel (type 1). */
  guildId: Snowflake;
  /** A direct-message channel's other end. */
  recipientId?: Snowflake;
  name: string;
  type: number;
  position: number;
  deleted: boolean;
  /** Bot has VIEW_CHANNEL/SEND_MESSAGES denied by an overwrite. */
  denied: boolean;
  /** Bot lacks Create Public Threads here: starting a thread gets 403 50013. */
  threadsDenied?: boolean;
  /** A thread: the channel it was started in, and the message it was started on. */
  parentId?: Snowflake;
  starterMessageId?: Snowflake;
}

export interface GuildRecord {
  id: Snowflake;
  name: string;
  ownerId: Snowflake;
  botRoleId: Snowflake;
  managerRoleId: Snowflake;
  defaultChannelId: Snowflake;
  channelIds: Snowflake[];
  members: Map<Snowflake, MemberRecord>;
  joinedAt: string;
  removed: boolean;
}

export interface StoredFile extends FakeFile {
  id: Snowflake;
  url: string;
}

export class FakeState {
  readonly users = new Map<Snowflake, UserRecord>();
  readonly guilds = new Map<Snowflake, GuildRecord>();
  readonly channels = new Map<Snowflake, ChannelRecord>();
  readonly files = new Map<Snowflake, StoredFile>();
  /** Direct-message channels by recipient, and the users whose privacy settings refuse the bot's DMs (50007). */
  readonly dmChannels = new Map<Snowflake, Snowflake>();
  readonly refusingDms = new Set<Snowflake>();
  private readonly aliases = new Map<string, Snowflake>();

  constructor(
    readonly bot: UserRecord,
    private readonly baseUrl: () => string,
  ) {
    this.users.set(bot.id, bot);
  }

  // ---- users / members -------------------------------------------------------------

  /**
   * A snowflake stays as is; any other string is a readable alias ("alice") for a stable
   * generated snowflake, whose user gets the alias as username.
   */
  userId(idOrAlias: string): Snowflake {
    if (/^\d+$/.test(idOrAlias)) return idOrAlias;
    let id = this.aliases.get(idOrAlias);
    if (!id) {
      id = snowflake();
      this.aliases.set(idOrAlias, id);
      this.ensureUser(id, idOrAlias);
    }
    return id;
  }

  ensureUser(id: Snowflake, username?: string): UserRecord {
    let user = this.users.get(id);
    if (!user) {
      user = { id, username: username ?? `user${id.slice(-6)}`, globalName: null, bot: false };
      this.users.set(id, user);
    } else if (username) {
      user.username = username;
    }
    return user;
  }

  guild(id: Snowflake): GuildRecord {
    const guild = this.guilds.get(id);
    if (!guild || guild.removed) throw new Error(`fake-discord: unknown guild ${id}`);
    return guild;
  }

  channel(id: Snowflake): ChannelRecord {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`fake-discord: unknown channel ${id}`);
    return channel;
  }

  /** Creates or updates a member of a guild. */
  upsertMember(guildId: Snowflake, idOrAlias: string, opts: MemberOptions = {}): MemberRecord {
    const guild = this.guild(guildId);
    const userId = this.userId(idOrAlias);
    this.ensureUser(userId, opts.username);
    let member = guild.members.get(userId);
    if (!member) {
      member = { userId, nick: null, roles: [], joinedAt: new Date().toISOString(), permissions: undefined };
      guild.members.set(userId, member);
    }
    if (opts.nick !== undefined) member.nick = opts.nick;
    if (opts.roles) member.roles = [...opts.roles];
    if (opts.manager && !member.roles.includes(guild.managerRoleId)) member.roles.push(guild.managerRoleId);
    if (opts.permissions !== undefined) member.permissions = BigInt(opts.permissions);
    else if (opts.admin) member.permissions = ALL_PERMISSIONS;
    return member;
  }

  /** Guild-level permissions of a member (what Discord puts in member.permissions). */
  memberPermissions(guild: GuildRecord, member: MemberRecord): bigint {
    if (member.userId === guild.ownerId) return ALL_PERMISSIONS;
    if (member.permissions !== undefined) return member.permissions;
    let bits = NORMAL_MEMBER_PERMISSIONS;
    if (member.roles.includes(guild.managerRoleId)) bits |= Perm.ManageGuild;
    if (member.roles.includes(guild.botRoleId)) bits |= BOT_PERMISSIONS;
    if (bits & Perm.Administrator) return ALL_PERMISSIONS;
    return bits;
  }

  /** The bot's permissions in a channel (app_permissions). */
  botChannelPermissions(channel: ChannelRecord): bigint {
    const guild = this.guild(channel.guildId);
    const member = guild.members.get(this.bot.id);
    let bits = member ? this.memberPermissions(guild, member) : NORMAL_MEMBER_PERMISSIONS;
    if (channel.denied) bits &= ~DENIED_CHANNEL_BITS;
    return bits;
  }

  // ---- guilds / channels -------------------------------------------------------------

  addGuild(opts: { id?: Snowflake; name?: string; ownerId?: Snowflake } = {}): GuildRecord {
    const id = opts.id ?? snowflake();
    const ownerId = opts.ownerId ? this.userId(opts.ownerId) : snowflake();
    this.ensureUser(ownerId, `owner${ownerId.slice(-4)}`);
    const guild: GuildRecord = {
      id,
      name: opts.name ?? `Guild ${id.slice(-4)}`,
      ownerId,
      botRoleId: snowflake(),
      managerRoleId: snowflake(),
      defaultChannelId: '',
      channelIds: [],
      members: new Map(),
      joinedAt: new Date().toISOString(),
      removed: false,
    };
    this.guilds.set(id, guild);
    guild.members.set(ownerId, { userId: ownerId, nick: null, roles: [], joinedAt: guild.joinedAt, permissions: undefined });
    guild.members.set(this.bot.id, {
      userId: this.bot.id,
      nick: null,
      roles: [guild.botRoleId],
      joinedAt: guild.joinedAt,
      permissions: undefined,
    });
    guild.defaultChannelId = this.addChannel(id, { name: 'general' }).id;
    return guild;
  }

  addChannel(guildId: Snowflake, opts: { name: string; id?: Snowflake; type?: number }): ChannelRecord {
    const guild = this.guild(guildId);
    const channel: ChannelRecord = {
      id: opts.id ?? snowflake(),
      guildId,
      name: opts.name,
      type: opts.type ?? 0,
      position: guild.channelIds.length,
      deleted: false,
      denied: false,
    };
    this.channels.set(channel.id, channel);
    guild.channelIds.push(channel.id);
    return channel;
  }

  /** The bot's DM channel with a user, made on first use (POST /users/@me/channels returns the same one every time). */
  openDm(userId: Snowflake): ChannelRecord {
    const known = this.dmChannels.get(userId);
    if (known) return this.channel(known);
    const channel: ChannelRecord = { id: snowflake(), guildId: '', recipientId: userId, name: '', type: 1, position: 0, deleted: false, denied: false };
    this.channels.set(channel.id, channel);
    this.dmChannels.set(userId, channel.id);
    return channel;
  }

  /** A DM channel as Discord returns it (PrivateChannelResponse). */
  dmChannelObject(channel: ChannelRecord): JsonObject {
    return {
      id: channel.id,
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: [{ ...this.userObject(this.ensureUser(channel.recipientId!)), primary_guild: null }],
    };
  }

  liveChannels(guild: GuildRecord): ChannelRecord[] {
    return guild.channelIds.map((id) => this.channels.get(id)).filter((c): c is ChannelRecord => !!c && !c.deleted);
  }

  guildInfo(guild: GuildRecord): FakeGuildInfo {
    return { id: guild.id, name: guild.name, ownerId: guild.ownerId, defaultChannelId: guild.defaultChannelId };
  }

  channelInfo(channel: ChannelRecord): FakeChannelInfo {
    return { id: channel.id, guildId: channel.guildId, name: channel.name, type: channel.type };
  }

  // ---- files -------------------------------------------------------------------------

  storeFile(file: FakeFile, scope: Snowflake): StoredFile {
    const id = snowflake();
    const stored: StoredFile = {
      ...file,
      id,
      url: `${this.baseUrl()}/attachments/${scope}/${id}/${encodeURIComponent(file.name)}`,
    };
    this.files.set(id, stored);
    return stored;
  }

  // ---- Discord JSON objects ---------------------------------------------------------

  userObject(user: UserRecord): JsonObject {
    return {
      id: user.id,
      username: user.username,
      discriminator: '0',
      global_name: user.globalName,
      avatar: null,
      avatar_decoration_data: null,
      public_flags: 0,
      flags: 0,
      ...(user.bot ? { bot: true } : {}),
    };
  }

  memberObject(guild: GuildRecord, member: MemberRecord, opts: { withUser?: boolean; withPermissions?: boolean } = {}): JsonObject {
    const user = this.ensureUser(member.userId);
    return {
      ...(opts.withUser === false ? {} : { user: this.userObject(user) }),
      nick: member.nick,
      avatar: null,
      banner: null,
      roles: [...member.roles],
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
      unusual_dm_activity_until: null,
      ...(opts.withPermissions ? { permissions: this.memberPermissions(guild, member).toString() } : {}),
    };
  }

  rolesOf(guild: GuildRecord): JsonObject[] {
    const role = (id: Snowflake, name: string, permissions: bigint, position: number, managed: boolean): JsonObject => ({
      id,
      name,
      description: null,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: permissions.toString(),
      managed,
      mentionable: false,
      flags: 0,
      ...(managed ? { tags: { bot_id: this.bot.id } } : {}),
    });
    return [
      role(guild.id, '@everyone', NORMAL_MEMBER_PERMISSIONS, 0, false),
      role(guild.managerRoleId, 'Managers', Perm.ManageGuild, 1, false),
      role(guild.botRoleId, this.bot.username, BOT_PERMISSIONS, 2, true),
    ];
  }

  channelObject(channel: ChannelRecord): JsonObject {
    return {
      id: channel.id,
      type: channel.type,
      guild_id: channel.guildId,
      name: channel.name,
      position: channel.position,
      parent_id: channel.parentId ?? null,
      topic: null,
      nsfw: false,
      rate_limit_per_user: 0,
      last_message_id: null,
      flags: 0,
      permission_overwrites: channel.denied
        ? [{ id: this.bot.id, type: 1, allow: '0', deny: DENIED_CHANNEL_BITS.toString() }]
        : [],
    };
  }

  guildObject(guild: GuildRecord): JsonObject {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId,
      region: 'deprecated',
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: this.rolesOf(guild),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: guild.defaultChannelId,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_presences: null,
      max_members: 500000,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: 'en-US',
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: 0,
      nsfw: false,
      premium_progress_bar_enabled: false,
      hub_type: null,
      incidents_data: null,
    };
  }

  /** Full GUILD_CREATE payload. */
  guildCreatePayload(guild: GuildRecord): JsonObject {
    const botMember = guild.members.get(this.bot.id);
    return {
      ...this.guildObject(guild),
      joined_at: guild.joinedAt,
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      voice_states: [],
      members: botMember ? [this.memberObject(guild, botMember)] : [],
      channels: this.liveChannels(guild).map((c) => {
        const { guild_id: _omit, ...rest } = this.channelObject(c);
        return rest;
      }),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
      application_command_counts: {},
      lazy: true,
    };
  }
}
