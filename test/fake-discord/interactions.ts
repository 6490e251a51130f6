/**
 * Interactions: building INTERACTION_CREATE payloads, serving the callback and the
 * interaction webhook routes, and the handles tests wait on.
 */
import type { CommandStore } from './commands.js';
import type { FakeGateway } from './gateway.js';
import { EPHEMERAL, LOADING, type MessageStore, type StoredMessage } from './messages.js';
import type { ChannelRecord, FakeState, GuildRecord } from './state.js';
import type {
  AutocompleteChoice,
  AutocompleteInput,
  ButtonInput,
  CallbackRecord,
  CommandInput,
  CommandOptionValue,
  FakeActor,
  FakeAttachmentOption,
  FakeFile,
  FakeMessage,
  FakeReply,
  InteractionHandle,
  InteractionStateSnapshot,
  ModalData,
  ModalInput,
  SelectInput,
  Snowflake,
} from './types.js';
import { ApiError, asArray, asNumber, asString, clone, Errors, isObject, randomToken, snowflake, type JsonObject } from './util.js';

/** How long a test waits for the answer of an interaction the bot deferred (see waitFor). */
const DEFERRED_WAIT_MS = 60_000;

export const InteractionType = { Command: 2, Component: 3, Autocomplete: 4, ModalSubmit: 5 } as const;

/** Callback types Discord accepts per interaction type. */
const ALLOWED_CALLBACKS: Record<number, number[]> = {
  [InteractionType.Command]: [4, 5, 9],
  [InteractionType.Component]: [4, 5, 6, 7, 9],
  [InteractionType.Autocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

const SELECT_TYPES = [3, 5, 6, 7, 8];
const TOKEN_TTL_MS = 15 * 60 * 1000;
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

interface InteractionRecord {
  id: Snowflake;
  token: string;
  type: number;
  label: string;
  guild: GuildRecord;
  channel: ChannelRecord;
  userId: Snowflake;
  commandName: string | undefined;
  payload: JsonObject;
  createdAt: number;
  sourceMessageId: Snowflake | undefined;
  callback: CallbackRecord | undefined;
  originalMessageId: Snowflake | undefined;
  followupIds: Snowflake[];
  replies: FakeReply[];
  followups: FakeReply[];
  edits: number;
  failures: string[];
  listeners: Set<() => void>;
  deadlineTimer: NodeJS.Timeout | undefined;
}

export interface InteractionDeps {
  state: FakeState;
  messages: MessageStore;
  commands: CommandStore;
  gateway: FakeGateway;
  applicationId: Snowflake;
  deadlineMs: number;
  waitTimeoutMs: number;
  /**
   * Outgoing-interactions mode: when it returns a delivery function, interactions are POSTed
   * (signed) to the bot's endpoint instead of dispatched over the gateway.
   */
  outgoing?(): ((payload: JsonObject) => void) | undefined;
  /** Records an interaction the bot never acknowledged. */
  unanswered(record: { id: Snowflake; token: string; label: string }): void;
}

export interface CallbackResult {
  status: number;
  body?: unknown;
}

export class InteractionEngine {
  private readonly byId = new Map<Snowflake, InteractionRecord>();
  private readonly byToken = new Map<string, InteractionRecord>();

  constructor(private readonly deps: InteractionDeps) {}

  // ---- test-side: creating interactions ---------------------------------------------

  attachment(input: { filename: string; content: string | Buffer; contentType?: string }): FakeAttachmentOption {
    const data = typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : input.content;
    const file: FakeFile = {
      field: 'attachment',
      name: input.filename,
      contentType: input.contentType ?? 'application/octet-stream',
      data,
      size: data.length,
    };
    const stored = this.deps.state.storeFile(file, 'interaction-attachments');
    return { kind: 'fake-attachment', id: stored.id, filename: stored.name, contentType: stored.contentType, size: stored.size, url: stored.url };
  }

  command(guildId: Snowflake, actor: FakeActor, input: CommandInput): InteractionHandle {
    return this.dispatchCommandLike(InteractionType.Command, guildId, actor, input, undefined);
  }

  /** A member posts a message in a channel (as a user, not the bot): something to use a message command on. */
  userMessage(guildId: Snowflake, actor: FakeActor, input: { content: string; channelId?: Snowflake; embeds?: JsonObject[] }): StoredMessage {
    const { state } = this.deps;
    const guild = state.guild(guildId);
    const channel = state.channel(input.channelId ?? guild.defaultChannelId);
    const { id: actorId, ...memberOpts } = typeof actor === 'string' ? { id: actor } : actor;
    const member = state.upsertMember(guildId, actorId ?? snowflake(), memberOpts);
    return this.deps.messages.create({
      channel,
      body: { content: input.content, ...(input.embeds ? { embeds: input.embeds } : {}) },
      files: [],
      author: state.ensureUser(member.userId),
      type: 0,
      mentionDefault: 'webhook',
    });
  }

  /** A message context-menu command (type 2, data.type 3) on a stored message, with it in `resolved.messages`. */
  messageCommand(guildId: Snowflake, actor: FakeActor, input: { name: string; messageId: Snowflake; locale?: string }): InteractionHandle {
    const registered = this.deps.commands.findByName(guildId, input.name, 3);
    if (!registered) throw new Error(`fake-discord: no MESSAGE command ${JSON.stringify(input.name)} is registered`);
    const target = this.componentSource(guildId, input.messageId);
    if (target.ephemeral) throw new Error(`fake-discord: message ${input.messageId} is ephemeral; message commands cannot target it`);
    const record = this.create(InteractionType.Command, guildId, actor, target.message.channel_id, input.locale, `menu ${JSON.stringify(input.name)}`);
    record.commandName = input.name;
    record.payload.data = {
      id: registered.id,
      name: input.name,
      type: 3,
      target_id: target.message.id,
      ...(registered.guild_id ? { guild_id: registered.guild_id } : {}),
      resolved: { messages: { [target.message.id]: { ...this.deps.messages.apiObject(target), guild_id: guildId } } },
    };
    return this.dispatch(record);
  }

  autocomplete(guildId: Snowflake, actor: FakeActor, input: AutocompleteInput): InteractionHandle {
    return this.dispatchCommandLike(InteractionType.Autocomplete, guildId, actor, input, input.focused);
  }

  button(guildId: Snowflake, actor: FakeActor, input: ButtonInput): InteractionHandle {
    const source = this.componentSource(guildId, input.messageId);
    const component = findComponent(source.message.components, input.customId);
    if (!input.force) {
      if (!component || component.type !== 2) throw new Error(`fake-discord: message ${input.messageId} has no button with custom_id ${JSON.stringify(input.customId)} (components: ${describeComponents(source.message)})`);
      if (component.disabled === true) throw new Error(`fake-discord: button ${JSON.stringify(input.customId)} on message ${input.messageId} is disabled`);
    }
    return this.dispatchComponent(guildId, actor, source, { custom_id: input.customId, component_type: 2 }, `button ${JSON.stringify(input.customId)}`, input.locale);
  }

  select(guildId: Snowflake, actor: FakeActor, input: SelectInput): InteractionHandle {
    const source = this.componentSource(guildId, input.messageId);
    const component = findComponent(source.message.components, input.customId);
    if (!input.force) {
      if (!component || !SELECT_TYPES.includes(asNumber(component.type) ?? 0)) throw new Error(`fake-discord: message ${input.messageId} has no select with custom_id ${JSON.stringify(input.customId)} (components: ${describeComponents(source.message)})`);
      if (component.type === 3) {
        const allowed = asArray(component.options).filter(isObject).map((o) => o.value);
        const bad = input.values.filter((v) => !allowed.includes(v));
        if (bad.length > 0) throw new Error(`fake-discord: select ${JSON.stringify(input.customId)} has no option(s) ${JSON.stringify(bad)}`);
      }
    }
    const componentType = asNumber(component?.type) ?? 3;
    return this.dispatchComponent(
      guildId,
      actor,
      source,
      { custom_id: input.customId, component_type: componentType, values: [...input.values] },
      `select ${JSON.stringify(input.customId)}`,
      input.locale,
    );
  }

  modal(guildId: Snowflake, actor: FakeActor, input: ModalInput): InteractionHandle {
    const source = input.messageId ? this.componentSource(guildId, input.messageId) : undefined;
    const channelId = source?.message.channel_id ?? input.channelId;
    const data = {
      custom_id: input.customId,
      components: Object.entries(input.fields).map(([customId, value]) => ({
        type: 1,
        components: [{ type: 4, custom_id: customId, value }],
      })),
    };
    const record = this.create(InteractionType.ModalSubmit, guildId, actor, channelId, input.locale, `modal ${JSON.stringify(input.customId)}`);
    record.payload.data = data;
    if (source) {
      record.sourceMessageId = source.message.id;
      record.payload.message = this.deps.messages.apiObject(source);
    }
    return this.dispatch(record);
  }

  handle(id: Snowflake): InteractionHandle | undefined {
    const record = this.byId.get(id);
    return record ? this.makeHandle(record) : undefined;
  }

  // ---- bot-side: REST routes --------------------------------------------------------

  callback(interactionId: Snowflake, token: string, body: unknown, files: FakeFile[], withResponse: boolean): CallbackResult {
    const record = this.byId.get(interactionId);
    if (!record || record.token !== token) throw Errors.unknownInteraction().blame('interaction', 'callback for an unknown interaction id/token');
    if (record.callback) {
      throw Errors.alreadyAcknowledged().blame('interaction', `interaction ${record.label} was already acknowledged (callback type ${record.callback.type})`);
    }
    const elapsed = Date.now() - record.createdAt;
    if (elapsed > this.deps.deadlineMs) {
      throw Errors.unknownInteraction().blame('interaction', `callback for ${record.label} came ${elapsed} ms after the interaction; the deadline is ${this.deps.deadlineMs} ms`);
    }
    const payload = isObject(body) ? body : {};
    const type = asNumber(payload.type) ?? -1;
    if (!(ALLOWED_CALLBACKS[record.type] ?? []).includes(type) || ((type === 6 || type === 7) && !record.sourceMessageId)) {
      throw new ApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_CALLBACK_TYPE_INVALID', message: `Callback type ${type} is not allowed here` }] } }).blame(
        'interaction',
        `callback type ${type} is not valid for ${record.label} (interaction type ${record.type})`,
      );
    }
    const data = isObject(payload.data) ? payload.data : {};
    record.callback = { type, data: clone(payload.data ?? null), files, time: Date.now(), latencyMs: elapsed };
    switch (type) {
      case 4: {
        const message = this.createResponseMessage(record, data, files, 0);
        record.originalMessageId = message.message.id;
        this.pushReply(record, message, 'callback');
        break;
      }
      case 5: {
        const ephemeral = ((asNumber(data.flags) ?? 0) & EPHEMERAL) !== 0;
        const message = this.createResponseMessage(record, {}, [], LOADING | (ephemeral ? EPHEMERAL : 0));
        record.originalMessageId = message.message.id;
        break;
      }
      case 6:
        record.originalMessageId = record.sourceMessageId;
        break;
      case 7: {
        record.originalMessageId = record.sourceMessageId;
        const source = this.ownMessage(record, record.sourceMessageId);
        this.deps.messages.edit(source, data, files);
        this.pushReply(record, source, 'callback');
        break;
      }
      default:
        break;
    }
    this.notify(record);
    if (!withResponse) return { status: 204 };
    const message = record.originalMessageId ? this.deps.messages.get(record.originalMessageId) : undefined;
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: record.type,
          ...(message
            ? {
                response_message_id: message.message.id,
                response_message_loading: (message.message.flags & LOADING) !== 0,
                response_message_ephemeral: message.ephemeral,
              }
            : {}),
        },
        resource: { type, ...(message && (type === 4 || type === 7) ? { message: this.deps.messages.apiObject(message) } : {}) },
      },
    };
  }

  getMessage(applicationId: Snowflake, token: string, messageId: Snowflake | '@original'): FakeMessage {
    const record = this.webhookRecord(applicationId, token);
    return this.deps.messages.apiObject(this.targetMessage(record, messageId));
  }

  editMessage(applicationId: Snowflake, token: string, messageId: Snowflake | '@original', body: unknown, files: FakeFile[]): FakeMessage {
    const record = this.webhookRecord(applicationId, token);
    const stored = this.targetMessage(record, messageId);
    this.deps.messages.edit(stored, isObject(body) ? body : {}, files, { clearFlags: LOADING });
    record.edits += 1;
    this.pushReply(record, stored, 'edit');
    return this.deps.messages.apiObject(stored);
  }

  deleteMessage(applicationId: Snowflake, token: string, messageId: Snowflake | '@original'): void {
    const record = this.webhookRecord(applicationId, token);
    const stored = this.targetMessage(record, messageId);
    this.deps.messages.delete(stored);
    this.notify(record);
  }

  followup(applicationId: Snowflake, token: string, body: unknown, files: FakeFile[]): FakeMessage {
    const record = this.webhookRecord(applicationId, token);
    if (!record.callback) throw Errors.unknownWebhook().blame('interaction', `followup for ${record.label} before the initial response`);
    const data = isObject(body) ? body : {};
    const original = record.originalMessageId ? this.deps.messages.get(record.originalMessageId) : undefined;
    let stored: StoredMessage;
    if (original && !original.deleted && record.callback.type === 5 && original.message.flags & LOADING) {
      // The first followup after a deferred reply replaces the "thinking..." message (unless it was deleted).
      stored = this.deps.messages.edit(original, data, files, { clearFlags: LOADING });
    } else {
      stored = this.createResponseMessage(record, data, files, 0);
    }
    record.followupIds.push(stored.message.id);
    this.pushReply(record, stored, 'followup');
    return this.deps.messages.apiObject(stored);
  }

  /** Remembers a failed request on an interaction's token, for timeout messages. */
  noteFailure(token: string, line: string): void {
    const record = this.byToken.get(token);
    if (record) {
      record.failures.push(line);
      this.notify(record);
    }
  }

  // ---- internals: building payloads --------------------------------------------------

  private dispatchCommandLike(
    type: number,
    guildId: Snowflake,
    actor: FakeActor,
    input: CommandInput,
    focused: string | undefined,
  ): InteractionHandle {
    const registered = this.deps.commands.findByName(guildId, input.name);
    const path = [input.name, input.subcommandGroup, input.subcommand].filter(Boolean).join(' ');
    const record = this.create(type, guildId, actor, input.channelId, input.locale, `/${path}`);
    record.commandName = input.name;
    const resolved: Record<string, Record<string, unknown>> = {};
    const defs = optionDefinitions(registered, input);
    const values = { ...(input.options ?? {}) };
    if (focused !== undefined && !(focused in values)) values[focused] = '';
    let options = this.buildOptions(record.guild, defs, values, resolved, focused, type === InteractionType.Command);
    if (input.subcommand) options = [{ type: 1, name: input.subcommand, options }];
    if (input.subcommandGroup) options = [{ type: 2, name: input.subcommandGroup, options }];
    record.payload.data = {
      id: registered?.id ?? snowflake(),
      name: input.name,
      type: 1,
      ...(registered?.guild_id ? { guild_id: registered.guild_id } : {}),
      ...(options.length > 0 ? { options } : {}),
      ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
    };
    return this.dispatch(record);
  }

  private buildOptions(
    guild: GuildRecord,
    defs: JsonObject[] | undefined,
    values: Record<string, CommandOptionValue>,
    resolved: Record<string, Record<string, unknown>>,
    focused: string | undefined,
    strict: boolean,
  ): JsonObject[] {
    const { state } = this.deps;
    const add = (bucket: string, id: string, value: unknown): void => {
      resolved[bucket] = { ...(resolved[bucket] ?? {}), [id]: value };
    };
    if (defs && strict) {
      const missing = defs.filter((d) => d.required === true && !(String(d.name) in values)).map((d) => d.name);
      if (missing.length > 0) throw new Error(`fake-discord: required option(s) ${JSON.stringify(missing)} missing`);
    }
    return Object.entries(values).map(([name, value]) => {
      const def = defs?.find((d) => d.name === name);
      if (defs && !def) throw new Error(`fake-discord: the registered command has no option ${JSON.stringify(name)} (has ${JSON.stringify(defs.map((d) => d.name))})`);
      const type = asNumber(def?.type) ?? inferOptionType(value);
      const option: JsonObject = { name, type };
      if (isAttachment(value)) {
        option.value = value.id;
        add('attachments', value.id, {
          id: value.id,
          filename: value.filename,
          size: value.size,
          url: value.url,
          proxy_url: value.url,
          content_type: value.contentType,
          ephemeral: true,
        });
      } else if (name === focused) {
        option.value = String(value);
        option.focused = true;
      } else {
        option.value = coerceOptionValue(type, value);
        // User options accept aliases ("alice") like actors do.
        if ((type === 6 || type === 9) && typeof option.value === 'string') option.value = state.userId(option.value);
        const choices = asArray(def?.choices).filter(isObject);
        if (choices.length > 0 && !choices.some((c) => c.value === option.value)) {
          throw new Error(`fake-discord: ${JSON.stringify(option.value)} is not a choice of option ${JSON.stringify(name)}`);
        }
        const id = String(option.value);
        if (type === 6 || (type === 9 && state.users.has(id))) {
          const member = state.upsertMember(guild.id, id);
          add('users', id, state.userObject(state.ensureUser(id)));
          add('members', id, state.memberObject(guild, member, { withUser: false, withPermissions: true }));
        } else if (type === 7) {
          const channel = state.channels.get(id);
          if (channel) add('channels', id, { ...state.channelObject(channel), permissions: state.botChannelPermissions(channel).toString() });
        } else if (type === 8 || type === 9) {
          const role = state.rolesOf(guild).find((r) => r.id === id);
          add('roles', id, role ?? { id, name: 'role', permissions: '0', position: 1, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 });
        }
      }
      return option;
    });
  }

  private componentSource(guildId: Snowflake, messageId: Snowflake): StoredMessage {
    const source = this.deps.messages.get(messageId);
    if (!source || source.deleted) throw new Error(`fake-discord: no message ${messageId} to interact with`);
    if (source.guildId !== guildId) throw new Error(`fake-discord: message ${messageId} is not in guild ${guildId}`);
    return source;
  }

  private dispatchComponent(
    guildId: Snowflake,
    actor: FakeActor,
    source: StoredMessage,
    data: JsonObject,
    label: string,
    locale: string | undefined,
  ): InteractionHandle {
    const record = this.create(InteractionType.Component, guildId, actor, source.message.channel_id, locale, label);
    record.sourceMessageId = source.message.id;
    record.payload.data = data;
    record.payload.message = this.deps.messages.apiObject(source);
    return this.dispatch(record);
  }

  private create(
    type: number,
    guildId: Snowflake,
    actor: FakeActor,
    channelId: Snowflake | undefined,
    locale: string | undefined,
    label: string,
  ): InteractionRecord {
    const { state } = this.deps;
    const guild = state.guild(guildId);
    const channel = state.channel(channelId ?? guild.defaultChannelId);
    if (channel.guildId !== guild.id || channel.deleted) throw new Error(`fake-discord: channel ${channel.id} is not a live channel of guild ${guildId}`);
    const { id: actorId, ...memberOpts } = typeof actor === 'string' ? { id: actor } : actor;
    const member = state.upsertMember(guildId, actorId ?? snowflake(), memberOpts);
    const userId = member.userId;
    const permissions = state.memberPermissions(guild, member).toString();
    const id = snowflake();
    // Discord's tokens are base64 of "interaction:<id>:<secret>".
    const token = Buffer.from(`interaction:${id}:${randomToken(48)}`).toString('base64url');
    const payload: JsonObject = {
      id,
      application_id: this.deps.applicationId,
      type,
      token,
      version: 1,
      guild_id: guild.id,
      guild: { id: guild.id, locale: 'en-US', features: [] },
      channel_id: channel.id,
      channel: { ...state.channelObject(channel), permissions },
      member: state.memberObject(guild, member, { withPermissions: true }),
      app_permissions: state.botChannelPermissions(channel).toString(),
      locale: locale ?? 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      entitlement_sku_ids: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
      attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    };
    const record: InteractionRecord = {
      id,
      token,
      type,
      label,
      guild,
      channel,
      userId,
      commandName: undefined,
      payload,
      createdAt: 0,
      sourceMessageId: undefined,
      callback: undefined,
      originalMessageId: undefined,
      followupIds: [],
      replies: [],
      followups: [],
      edits: 0,
      failures: [],
      listeners: new Set(),
      deadlineTimer: undefined,
    };
    return record;
  }

  private dispatch(record: InteractionRecord): InteractionHandle {
    const deliver = this.deps.outgoing?.();
    if (!deliver && !this.deps.gateway.hasSession()) throw new Error('fake-discord: no gateway session; log the client in before sending interactions');
    record.createdAt = Date.now();
    this.byId.set(record.id, record);
    this.byToken.set(record.token, record);
    if (deliver) deliver(record.payload);
    else this.deps.gateway.dispatch('INTERACTION_CREATE', record.payload);
    record.deadlineTimer = setTimeout(() => {
      record.deadlineTimer = undefined;
      if (!record.callback) this.deps.unanswered(record);
    }, this.deps.deadlineMs + 50);
    record.deadlineTimer.unref();
    return this.makeHandle(record);
  }

  /** Stops the acknowledgement deadline timers. */
  close(): void {
    for (const record of this.byId.values()) {
      if (record.deadlineTimer) clearTimeout(record.deadlineTimer);
      record.deadlineTimer = undefined;
    }
  }

  // ---- internals: responses ---------------------------------------------------------

  private createResponseMessage(record: InteractionRecord, body: JsonObject, files: FakeFile[], extraFlags: number): StoredMessage {
    const stored = this.deps.messages.create({
      channel: record.channel,
      body,
      files,
      author: this.deps.state.bot,
      type: record.type === InteractionType.Command ? 20 : 0,
      mentionDefault: 'webhook',
      extraFlags,
      webhookId: this.deps.applicationId,
      applicationId: this.deps.applicationId,
      interaction: {
        id: record.id,
        type: record.type,
        ...(record.commandName ? { name: record.commandName } : {}),
        user: this.deps.state.userObject(this.deps.state.ensureUser(record.userId)),
        guildId: record.guild.id,
      },
    });
    stored.interactionId = record.id;
    return stored;
  }

  private webhookRecord(applicationId: Snowflake, token: string): InteractionRecord {
    const record = this.byToken.get(token);
    if (!record || applicationId !== this.deps.applicationId) throw Errors.unknownWebhook().blame('interaction', 'webhook call with an unknown application id or interaction token');
    if (Date.now() - record.createdAt > TOKEN_TTL_MS) throw Errors.invalidWebhookToken().blame('interaction', `interaction token of ${record.label} used after 15 minutes`);
    return record;
  }

  private targetMessage(record: InteractionRecord, messageId: Snowflake | '@original'): StoredMessage {
    if (messageId === '@original') {
      if (!record.callback || !record.originalMessageId) {
        throw Errors.unknownMessage().blame('interaction', `@original of ${record.label} used before a message response (callback: ${record.callback?.type ?? 'none'})`);
      }
      return this.ownMessage(record, record.originalMessageId);
    }
    if (!record.followupIds.includes(messageId) && messageId !== record.originalMessageId) throw Errors.unknownMessage();
    return this.ownMessage(record, messageId);
  }

  private ownMessage(record: InteractionRecord, id: Snowflake | undefined): StoredMessage {
    const stored = id ? this.deps.messages.get(id) : undefined;
    if (!stored || stored.deleted) throw Errors.unknownMessage().blame('interaction', `message ${String(id)} of ${record.label} does not exist (deleted?)`);
    return stored;
  }

  private pushReply(record: InteractionRecord, stored: StoredMessage, source: FakeReply['source']): void {
    const callbackType = record.callback?.type ?? 0;
    const lastBody = source === 'callback' ? record.callback?.data : undefined;
    const view = this.deps.messages.view(stored);
    const reply: FakeReply = {
      interactionId: record.id,
      messageId: stored.message.id,
      type: callbackType,
      source,
      deferred: callbackType === 5 || callbackType === 6,
      content: view.content,
      embeds: view.embeds,
      components: view.components,
      flags: view.flags,
      ephemeral: view.ephemeral,
      attachments: view.attachments,
      files: view.files,
      allowed_mentions: view.allowed_mentions ?? (isObject(lastBody) && isObject(lastBody.allowed_mentions) ? (clone(lastBody.allowed_mentions) as FakeReply['allowed_mentions']) : undefined),
      message: view,
    };
    record.replies.push(reply);
    if (source === 'followup') record.followups.push(reply);
    this.notify(record);
  }

  private notify(record: InteractionRecord): void {
    for (const listener of [...record.listeners]) listener();
  }

  // ---- handles -----------------------------------------------------------------------

  private makeHandle(record: InteractionRecord): InteractionHandle {
    const wait = <T>(what: string, timeoutMs: number | undefined, probe: () => T | undefined): Promise<T> =>
      this.waitFor(record, what, timeoutMs ?? this.deps.waitTimeoutMs, probe);
    const notCallback = (...types: number[]): void => {
      const t = record.callback?.type;
      if (t !== undefined && types.includes(t)) throw new Error(`fake-discord: ${record.label} was answered with callback type ${t} (${CALLBACK_NAMES[t] ?? '?'})`);
    };
    return {
      id: record.id,
      token: record.token,
      type: record.type,
      payload: record.payload,
      state: () => snapshot(record),
      response: (timeoutMs) => wait('a callback', timeoutMs, () => record.callback),
      reply: (timeoutMs) =>
        wait('a visible reply', timeoutMs, () => {
          notCallback(8, 9);
          return record.replies[0];
        }),
      nthReply: (index, timeoutMs) =>
        wait(`visible reply #${index}`, timeoutMs, () => {
          notCallback(8, 9);
          return record.replies[index];
        }),
      followup: (index = 0, timeoutMs) => wait(`followup #${index}`, timeoutMs, () => record.followups[index]),
      choices: (timeoutMs) =>
        wait('autocomplete choices', timeoutMs, () => {
          if (!record.callback) return undefined;
          if (record.callback.type !== 8) notCallback(record.callback.type);
          const data = record.callback.data;
          return asArray(isObject(data) ? data.choices : undefined).filter(isObject) as unknown as AutocompleteChoice[];
        }),
      modal: (timeoutMs) =>
        wait('a modal', timeoutMs, () => {
          if (!record.callback) return undefined;
          if (record.callback.type !== 9) notCallback(record.callback.type);
          const data = isObject(record.callback.data) ? record.callback.data : {};
          return { custom_id: asString(data.custom_id) ?? '', title: asString(data.title) ?? '', components: asArray(data.components) } satisfies ModalData;
        }),
    };
  }

  private waitFor<T>(record: InteractionRecord, what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          cleanup();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      const cleanup = (): void => {
        record.listeners.delete(check);
        if (timer) clearTimeout(timer);
      };
      record.listeners.add(check);
      // A deferred interaction may answer for 15 minutes (Discord's token lifetime): once the callback
      // deferred it, waiting for its answer is not a deadline of the bot's, so a slow or busy machine
      // gets up to DEFERRED_WAIT_MS. The 3 s for the first callback stays (checked with response()).
      const expire = (): void => {
        const deferred = record.callback?.type === 5 || record.callback?.type === 6;
        if (deferred && what !== 'a callback' && timeoutMs < DEFERRED_WAIT_MS && !extended) {
          extended = true;
          timer = setTimeout(expire, DEFERRED_WAIT_MS - timeoutMs);
          return;
        }
        cleanup();
        reject(new Error(`fake-discord: no ${what} for ${record.label} (interaction ${record.id}) within ${extended ? DEFERRED_WAIT_MS : timeoutMs} ms. Received: ${describeReceived(record)}`));
      };
      let extended = false;
      timer = setTimeout(expire, timeoutMs);
      check();
    });
  }
}

const CALLBACK_NAMES: Record<number, string> = {
  1: 'PONG',
  4: 'CHANNEL_MESSAGE_WITH_SOURCE',
  5: 'DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE',
  6: 'DEFERRED_UPDATE_MESSAGE',
  7: 'UPDATE_MESSAGE',
  8: 'APPLICATION_COMMAND_AUTOCOMPLETE_RESULT',
  9: 'MODAL',
};

function snapshot(record: InteractionRecord): InteractionStateSnapshot {
  return {
    id: record.id,
    token: record.token,
    type: record.type,
    callback: record.callback ? { ...record.callback } : undefined,
    originalMessageId: record.originalMessageId,
    replies: [...record.replies],
    followups: [...record.followups],
    edits: record.edits,
  };
}

function describeReceived(record: InteractionRecord): string {
  const parts: string[] = [];
  if (record.callback) {
    const c = record.callback;
    parts.push(`callback type ${c.type} (${CALLBACK_NAMES[c.type] ?? '?'}) after ${c.latencyMs} ms`);
  } else {
    parts.push('no callback');
  }
  parts.push(`${record.edits} edit(s)`, `${record.followups.length} followup(s)`);
  if (record.failures.length > 0) parts.push(`failed requests: ${record.failures.join(' | ')}`);
  return parts.join('; ');
}

function optionDefinitions(registered: { options?: unknown[] } | undefined, input: CommandInput): JsonObject[] | undefined {
  if (!registered) return undefined;
  let defs = asArray(registered.options).filter(isObject);
  const hasSub = defs.some((d) => d.type === 1 || d.type === 2);
  if (input.subcommandGroup) {
    const group = defs.find((d) => d.type === 2 && d.name === input.subcommandGroup);
    if (!group) throw new Error(`fake-discord: /${input.name} has no subcommand group ${JSON.stringify(input.subcommandGroup)}`);
    defs = asArray(group.options).filter(isObject);
  }
  if (input.subcommand) {
    const sub = defs.find((d) => d.type === 1 && d.name === input.subcommand);
    if (!sub) throw new Error(`fake-discord: /${input.name} has no subcommand ${JSON.stringify(input.subcommand)}`);
    return asArray(sub.options).filter(isObject);
  }
  if (hasSub) throw new Error(`fake-discord: /${input.name} needs a subcommand (has ${JSON.stringify(defs.map((d) => d.name))})`);
  return defs;
}

function isAttachment(value: CommandOptionValue): value is FakeAttachmentOption {
  return typeof value === 'object' && value !== null && value.kind === 'fake-attachment';
}

function inferOptionType(value: CommandOptionValue): number {
  if (isAttachment(value)) return 11;
  if (typeof value === 'boolean') return 5;
  if (typeof value === 'number') return Number.isInteger(value) ? 4 : 10;
  return 3;
}

function coerceOptionValue(type: number, value: CommandOptionValue): unknown {
  if (isAttachment(value)) return value.id;
  switch (type) {
    case 4:
    case 10: {
      const n = Number(value);
      if (!Number.isFinite(n) || (type === 4 && !Number.isInteger(n))) throw new Error(`fake-discord: ${JSON.stringify(value)} is not a valid ${type === 4 ? 'integer' : 'number'} option`);
      return n;
    }
    case 5:
      return value === true || value === 'true';
    default:
      return String(value);
  }
}

function findComponent(components: unknown[], customId: string): JsonObject | undefined {
  for (const c of components) {
    if (!isObject(c)) continue;
    if (c.custom_id === customId) return c;
    const inner = findComponent([...asArray(c.components), ...(isObject(c.accessory) ? [c.accessory] : [])], customId);
    if (inner) return inner;
  }
  return undefined;
}

function describeComponents(message: FakeMessage): string {
  const ids: string[] = [];
  const visit = (c: unknown): void => {
    if (!isObject(c)) return;
    if (typeof c.custom_id === 'string') ids.push(c.custom_id);
    asArray(c.components).forEach(visit);
    if (isObject(c.accessory)) visit(c.accessory);
  };
  message.components.forEach(visit);
  return ids.length > 0 ? JSON.stringify(ids) : 'none';
}
