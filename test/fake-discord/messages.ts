/** Messages the bot created (channel messages and interaction responses). */
import type { APIAllowedMentions, APIEmbed } from 'discord.js';
import type { ChannelRecord, FakeState, StoredFile, UserRecord } from './state.js';
import type { FakeAttachmentObject, FakeFile, FakeMessage, FakeMessageView, Snowflake } from './types.js';
import { asArray, asNumber, asString, clone, isObject, snowflake, type JsonObject } from './util.js';

/** Message flags Discord lets a bot set. */
const SETTABLE_FLAGS = 4 | 64 | 4096 | 32768;
export const EPHEMERAL = 64;
export const LOADING = 128;

/**
 * Default mention parsing when a request has no allowed_mentions: regular channel messages
 * parse users, roles and everyone; interaction responses and webhooks parse users only.
 */
export type MentionDefault = 'message' | 'webhook';

export interface StoredMessage {
  message: FakeMessage;
  guildId: Snowflake;
  files: StoredFile[];
  ephemeral: boolean;
  deleted: boolean;
  editCount: number;
  allowedMentions: APIAllowedMentions | undefined;
  mentionDefault: MentionDefault;
  pingedUserIds: Snowflake[];
  pingedEveryone: boolean;
  interactionId: Snowflake | undefined;
  /** The nonce the creating request carried, and when it was created (for enforce_nonce). */
  nonce: string | number | undefined;
  createdAt: number;
}

export interface CreateMessageInput {
  channel: ChannelRecord;
  body: JsonObject;
  files: FakeFile[];
  author: UserRecord;
  type: number;
  mentionDefault: MentionDefault;
  /** Flags forced by the transport (e.g. EPHEMERAL/LOADING of an interaction response). */
  extraFlags?: number;
  webhookId?: Snowflake;
  applicationId?: Snowflake;
  interaction?: { id: Snowflake; type: number; name?: string; user: JsonObject; guildId: Snowflake };
}

export class MessageStore {
  private readonly byId = new Map<Snowflake, StoredMessage>();
  private readonly byChannel = new Map<Snowflake, Snowflake[]>();

  /** `emit` receives MESSAGE_CREATE/UPDATE/DELETE gateway events for non-ephemeral messages. */
  constructor(
    private readonly state: FakeState,
    private readonly emit: (t: string, d: unknown) => void = () => undefined,
  ) {}

  get(id: Snowflake): StoredMessage | undefined {
    return this.byId.get(id);
  }

  create(input: CreateMessageInput): StoredMessage {
    const { channel, body } = input;
    const id = snowflake();
    const flags = ((asNumber(body.flags) ?? 0) & SETTABLE_FLAGS) | (input.extraFlags ?? 0);
    const reference = isObject(body.message_reference) ? body.message_reference : undefined;
    const { attachments, files } = this.attachmentsFor(channel.id, body, input.files, []);
    const message: FakeMessage = {
      id,
      type: reference && input.type === 0 ? 19 : input.type,
      channel_id: channel.id,
      author: this.state.userObject(input.author) as FakeMessage['author'],
      content: asString(body.content) ?? '',
      embeds: normalizeEmbeds(body.embeds),
      components: clone(asArray(body.components)),
      attachments,
      flags,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts === true,
      pinned: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
    };
    if (reference) {
      message.message_reference = {
        type: 0,
        channel_id: asString(reference.channel_id) ?? channel.id,
        message_id: asString(reference.message_id),
        guild_id: channel.guildId,
      };
    }
    if (input.webhookId) message.webhook_id = input.webhookId;
    if (input.applicationId) message.application_id = input.applicationId;
    if (input.interaction) {
      const i = input.interaction;
      message.interaction_metadata = {
        id: i.id,
        type: i.type,
        user: i.user,
        authorizing_integration_owners: { '0': i.guildId },
        ...(i.name ? { name: i.name, command_type: 1 } : {}),
      };
      message.interaction = { id: i.id, type: i.type, name: i.name ?? '', user: i.user };
    }
    const stored: StoredMessage = {
      message,
      guildId: channel.guildId,
      files,
      ephemeral: (flags & EPHEMERAL) !== 0,
      nonce: typeof body.nonce === 'string' || typeof body.nonce === 'number' ? body.nonce : undefined,
      createdAt: Date.now(),
      deleted: false,
      editCount: 0,
      allowedMentions: undefined,
      mentionDefault: input.mentionDefault,
      pingedUserIds: [],
      pingedEveryone: false,
      interactionId: input.interaction?.id,
    };
    this.applyMentions(stored, body);
    this.byId.set(id, stored);
    const list = this.byChannel.get(channel.id) ?? [];
    list.push(id);
    this.byChannel.set(channel.id, list);
    this.emitEvent('MESSAGE_CREATE', stored);
    return stored;
  }

  edit(stored: StoredMessage, body: JsonObject, files: FakeFile[], opts: { clearFlags?: number } = {}): StoredMessage {
    const m = stored.message;
    if ('content' in body) m.content = asString(body.content) ?? '';
    if ('embeds' in body) m.embeds = normalizeEmbeds(body.embeds);
    if ('components' in body) m.components = clone(asArray(body.components));
    if ('flags' in body && body.flags !== null) {
      // EPHEMERAL cannot be changed by an edit; other settable flags can.
      m.flags = (m.flags & ~(SETTABLE_FLAGS & ~EPHEMERAL)) | ((asNumber(body.flags) ?? 0) & SETTABLE_FLAGS & ~EPHEMERAL);
    }
    if (opts.clearFlags) m.flags &= ~opts.clearFlags;
    if ('attachments' in body || files.length > 0) {
      const result = this.attachmentsFor(m.channel_id, body, files, m.attachments, stored.files);
      m.attachments = result.attachments;
      stored.files = result.files;
    }
    m.edited_timestamp = new Date().toISOString();
    stored.editCount += 1;
    this.applyMentions(stored, body);
    this.emitEvent('MESSAGE_UPDATE', stored);
    return stored;
  }

  delete(stored: StoredMessage): void {
    stored.deleted = true;
    if (!stored.ephemeral) this.emit('MESSAGE_DELETE', { id: stored.message.id, channel_id: stored.message.channel_id, guild_id: stored.guildId });
  }

  private emitEvent(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', stored: StoredMessage): void {
    // Direct messages (no guild) reach only bots with the DirectMessages intent, which Hindsight does not ask for.
    if (!stored.ephemeral && stored.guildId) this.emit(t, { ...this.apiObject(stored), guild_id: stored.guildId });
  }

  inChannel(channelId: Snowflake, opts: { includeEphemeral?: boolean; includeDeleted?: boolean } = {}): StoredMessage[] {
    return (this.byChannel.get(channelId) ?? [])
      .map((id) => this.byId.get(id))
      .filter((m): m is StoredMessage => !!m)
      .filter((m) => (opts.includeDeleted || !m.deleted) && (opts.includeEphemeral || !m.ephemeral));
  }

  /** JSON returned to the bot over REST. */
  apiObject(stored: StoredMessage): FakeMessage {
    return clone(stored.message);
  }

  /** Snapshot handed to tests. */
  view(stored: StoredMessage): FakeMessageView {
    return {
      ...clone(stored.message),
      files: stored.files.map(publicFile),
      ephemeral: stored.ephemeral,
      deleted: stored.deleted,
      editCount: stored.editCount,
      allowed_mentions: clone(stored.allowedMentions),
      pingedUserIds: [...stored.pingedUserIds],
      pingedEveryone: stored.pingedEveryone,
    };
  }

  private applyMentions(stored: StoredMessage, body: JsonObject): void {
    if ('allowed_mentions' in body) {
      stored.allowedMentions = isObject(body.allowed_mentions)
        ? (clone(body.allowed_mentions) as APIAllowedMentions)
        : undefined;
    }
    const pings = computePings(stored.message.content, stored.allowedMentions, stored.mentionDefault);
    stored.pingedUserIds = pings.users;
    stored.pingedEveryone = pings.everyone;
    const m = stored.message;
    m.mentions = pings.users.map((id) => this.state.userObject(this.state.ensureUser(id)));
    m.mention_roles = pings.roles;
    m.mention_everyone = pings.everyone;
  }

  /**
   * Resolves the message's attachments from the request's `attachments` array and uploaded
   * `files[n]` fields: entries whose id is n refer to files[n]; other ids keep existing attachments.
   */
  private attachmentsFor(
    scope: Snowflake,
    body: JsonObject,
    uploads: FakeFile[],
    existing: FakeAttachmentObject[],
    existingFiles: StoredFile[] = [],
  ): { attachments: FakeAttachmentObject[]; files: StoredFile[] } {
    const attachments: FakeAttachmentObject[] = [];
    const files: StoredFile[] = [];
    const entries = Array.isArray(body.attachments) ? body.attachments.filter(isObject) : undefined;
    const byIndex = new Map<string, FakeFile>();
    for (const file of uploads) {
      const index = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? file.field;
      byIndex.set(index, file);
    }
    const keep = (att: FakeAttachmentObject): void => {
      attachments.push(att);
      const file = existingFiles.find((f) => f.id === att.id);
      if (file) files.push(file);
    };
    if (entries) {
      for (const entry of entries) {
        const entryId = asString(entry.id) ?? String(entry.id);
        const upload = byIndex.get(entryId);
        if (upload) {
          byIndex.delete(entryId);
          const stored = this.state.storeFile(upload, scope);
          files.push(stored);
          attachments.push(attachmentObject(stored, entry));
        } else {
          const old = existing.find((a) => a.id === entryId);
          if (old) keep(old);
        }
      }
    } else {
      existing.forEach(keep);
    }
    for (const upload of byIndex.values()) {
      const stored = this.state.storeFile(upload, scope);
      files.push(stored);
      attachments.push(attachmentObject(stored, {}));
    }
    return { attachments, files };
  }
}

function attachmentObject(file: StoredFile, entry: JsonObject): FakeAttachmentObject {
  const att: FakeAttachmentObject = {
    id: file.id,
    filename: asString(entry.filename) ?? file.name,
    size: file.size,
    url: file.url,
    proxy_url: file.url,
    content_type: file.contentType,
  };
  const description = asString(entry.description);
  if (description !== undefined) att.description = description;
  const title = asString(entry.title);
  if (title !== undefined) att.title = title;
  return att;
}

function publicFile(file: StoredFile): FakeFile {
  return { field: file.field, name: file.name, contentType: file.contentType, data: file.data, size: file.size };
}

function normalizeEmbeds(value: unknown): APIEmbed[] {
  return asArray(value)
    .filter(isObject)
    .map((embed) => ({ type: 'rich', ...clone(embed) }) as APIEmbed);
}

export function computePings(
  content: string,
  allowed: APIAllowedMentions | undefined,
  mentionDefault: MentionDefault,
): { users: Snowflake[]; roles: Snowflake[]; everyone: boolean } {
  const users = unique([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? ''));
  const roles = unique([...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? ''));
  const everyone = /@(everyone|here)\b/.test(content);
  if (!allowed) {
    const all = mentionDefault === 'message';
    return { users, roles: all ? roles : [], everyone: all && everyone };
  }
  const parse = (allowed.parse ?? []) as string[];
  const allowUsers = new Set(allowed.users ?? []);
  const allowRoles = new Set(allowed.roles ?? []);
  return {
    users: users.filter((id) => parse.includes('users') || allowUsers.has(id)),
    roles: roles.filter((id) => parse.includes('roles') || allowRoles.has(id)),
    everyone: everyone && parse.includes('everyone'),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v.length > 0))];
}
