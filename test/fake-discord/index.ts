/**
 * An in-process fake Discord for end-to-end tests: REST (/api/v10) and the gateway WebSocket on
 * 127.0.0.1, which a real discord.js Client logs into with `rest: { api: fake.apiUrl }`.
 * Every request body is validated against Discord's OpenAPI spec and documented limits;
 * problems are collected in `fake.violations`.
 *
 *   const fake = await startFakeDiscord();
 *   const guild = fake.addGuild({ name: 'Test' });
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 *   await client.login(fake.token);
 *   const reply = await fake.sendCommand(guild.id, 'user-1', { name: 'ping' }).reply();
 *   fake.assertNoViolations();
 *   await fake.close();
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { CommandStore } from './commands.js';
import { FakeGateway, Intents } from './gateway.js';
import { buildHandlers } from './handlers.js';
import { InteractionEngine } from './interactions.js';
import { MessageStore } from './messages.js';
import { FailureInjector, RateLimiter } from './ratelimit.js';
import { FakeHttpServer } from './rest.js';
import { FakeState } from './state.js';
import type {
  RequestHold,
  AutocompleteInput,
  ButtonInput,
  CommandInput,
  EndpointDelivery,
  FailNextOptions,
  FakeActor,
  FakeAttachmentOption,
  FakeChannelInfo,
  FakeCommand,
  FakeDiscordOptions,
  FakeGuildInfo,
  FakeMemberObject,
  FakeMessageView,
  FakeStats,
  IdentifyInfo,
  InteractionHandle,
  MemberOptions,
  ModalInput,
  RecordedRequest,
  SelectInput,
  Snowflake,
  Violation,
} from './types.js';
import { randomToken, snowflake, type JsonObject } from './util.js';
import { SpecValidator } from './validate.js';

export type * from './types.js';
export { Intents } from './gateway.js';

export async function startFakeDiscord(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscord(opts);
  await fake.start();
  return fake;
}

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: Snowflake;
  readonly botUserId: Snowflake;
  /** Every REST request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Everything the bot did that Discord would reject or that breaks the protocol. */
  readonly violations: Violation[] = [];
  readonly stats: FakeStats = { rateLimited: 0, globalRateLimited: 0, injectedFailures: 0, commandPuts: { global: 0, guild: {} } };

  /** Outgoing mode: every signed POST to the bot's endpoint, in order. */
  readonly deliveries: EndpointDelivery[] = [];
  private readonly signingKey: KeyObject;
  /** The public half, 64 hex digits: the bot's DISCORD_PUBLIC_KEY. */
  readonly publicKeyHex: string;
  private interactionsUrl: string | undefined;
  /** How long enforce_nonce remembers a nonce, in ms; 0 forgets at once (a restart "after Discord forgot"). */
  nonceMemoryMs: number;
  private readonly holds: { match: (r: RecordedRequest) => boolean; when: 'before' | 'after'; reached: (r: RecordedRequest) => void; gate: Promise<boolean>; open: (go: boolean) => void }[] = [];
  private port = 0;
  private closed = false;
  private readonly waitTimeoutMs: number;
  private readonly state: FakeState;
  private readonly messageStore: MessageStore;
  private readonly commandStore: CommandStore;
  private readonly interactions: InteractionEngine;
  private readonly gateway: FakeGateway;
  private readonly injector = new FailureInjector();
  private readonly http: FakeHttpServer;

  constructor(opts: FakeDiscordOptions = {}) {
    this.applicationId = opts.applicationId ?? snowflake();
    this.botUserId = opts.botUserId ?? this.applicationId;
    this.token = opts.token ?? `${Buffer.from(this.botUserId).toString('base64url')}.${randomToken(3)}.${randomToken(19)}`;
    this.waitTimeoutMs = opts.waitTimeoutMs ?? 3000;
    const pair = generateKeyPairSync('ed25519');
    this.signingKey = pair.privateKey;
    this.publicKeyHex = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    this.interactionsUrl = opts.interactionsUrl;
    this.nonceMemoryMs = opts.nonceMemoryMs ?? 5 * 60_000;
    const validator = SpecValidator.load(opts.specPath);

    this.state = new FakeState(
      { id: this.botUserId, username: opts.botUsername ?? 'Hindsight', globalName: null, bot: true },
      () => this.baseUrl,
    );
    this.gateway = new FakeGateway({
      token: this.token,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41250,
      allowPrivilegedIntents: false,
      url: () => this.gatewayUrl,
      ready: () => this.readyPayload(),
      guildCreates: () => this.liveGuilds().map((g) => this.state.guildCreatePayload(g)),
      membersChunk: (d) => this.membersChunk(d),
    });
    this.messageStore = new MessageStore(this.state, (t, d) => this.gateway.dispatch(t, d, Intents.GuildMessages));
    this.commandStore = new CommandStore(this.applicationId);
    this.stats.commandPuts = this.commandStore.puts;
    this.interactions = new InteractionEngine({
      state: this.state,
      messages: this.messageStore,
      commands: this.commandStore,
      gateway: this.gateway,
      applicationId: this.applicationId,
      deadlineMs: opts.interactionDeadlineMs ?? 3000,
      waitTimeoutMs: this.waitTimeoutMs,
      outgoing: () => (this.interactionsUrl ? (payload) => void this.deliver(this.interactionsUrl!, payload) : undefined),
      unanswered: (i) =>
        this.violations.push({
          kind: 'interaction',
          method: 'POST',
          path: `/interactions/${i.id}/${i.token}/callback`,
          route: '/interactions/{interaction_id}/{interaction_token}/callback',
          message: `${i.label} was never acknowledged within ${opts.interactionDeadlineMs ?? 3000} ms (users see "The application did not respond")`,
          errors: [],
          time: Date.now(),
        }),
    });
    const rateLimits = opts.rateLimits ?? false;
    this.http = new FakeHttpServer({
      token: this.token,
      validator,
      handlers: buildHandlers({
        state: this.state,
        messages: this.messageStore,
        commands: this.commandStore,
        interactions: this.interactions,
        gateway: this.gateway,
        applicationId: this.applicationId,
        gatewayUrl: () => this.gatewayUrl,
        removeGuild: (id) => this.removeGuild(id),
        nonceMemoryMs: () => this.nonceMemoryMs,
      }),
      limiter: new RateLimiter(rateLimits !== false, typeof rateLimits === 'object' ? rateLimits : {}, this.stats),
      injector: this.injector,
      gateway: this.gateway,
      stats: this.stats,
      requests: this.requests,
      rejectInvalid: opts.rejectInvalid ?? true,
      latencyMs: opts.latencyMs ?? 0,
      violation: (v) => this.violations.push({ ...v, time: Date.now() }),
      file: (id) => this.state.files.get(id),
      interactionFailure: (token, line) => this.interactions.noteFailure(token, line),
      hold: (record, when) => {
        const i = this.holds.findIndex((h) => h.when === when && h.match(record));
        if (i < 0) return undefined;
        const [h] = this.holds.splice(i, 1);
        h!.reached(record);
        return h!.gate;
      },
    });
  }

  // ---- outgoing-interactions mode ----------------------------------------------------

  /** Send interactions to this URL (signed POSTs) instead of the gateway; null goes back to the gateway. */
  setInteractionsEndpoint(url: string | null): void {
    this.interactionsUrl = url ?? undefined;
  }

  /** Discord's signature headers for `body` (`key` signs instead of the fake's own: a forgery). */
  signedHeaders(body: string, opts: { timestamp?: number; key?: KeyObject } = {}): Record<string, string> {
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(timestamp + body, 'utf8'), opts.key ?? this.signingKey).toString('hex');
    return { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
  }

  /** A raw POST to an endpoint, as the tests' forged and replayed requests need (no callback handling). */
  async postRaw(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const response = await fetch(url, { method: 'POST', body, headers });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed };
  }

  /** PINGs the endpoint as Discord does when the Interactions Endpoint URL is saved; true when it answers PONG. */
  async verifyEndpoint(url: string): Promise<boolean> {
    const body = JSON.stringify({ id: snowflake(), application_id: this.applicationId, type: 1, token: randomToken(20), version: 1 });
    const answer = await this.postRaw(url, body, this.signedHeaders(body));
    return answer.status === 200 && typeof answer.body === 'object' && answer.body !== null && (answer.body as { type?: unknown }).type === 1;
  }

  private async deliver(url: string, payload: JsonObject): Promise<void> {
    const body = JSON.stringify(payload);
    const id = String(payload.id);
    const delivery: EndpointDelivery = { interactionId: id, url, body, headers: this.signedHeaders(body), status: 0, response: undefined, time: Date.now(), latencyMs: 0 };
    this.deliveries.push(delivery);
    const violation = (message: string) =>
      this.violations.push({ kind: 'interaction', method: 'POST', path: url, message, errors: [], body: delivery.response, time: Date.now() });
    try {
      const answer = await this.postRaw(url, body, delivery.headers);
      delivery.status = answer.status;
      delivery.response = answer.body;
      delivery.latencyMs = Date.now() - delivery.time;
    } catch (error) {
      delivery.status = -1;
      delivery.latencyMs = Date.now() - delivery.time;
      this.interactions.noteFailure(String(payload.token), `POST ${url} failed: ${String(error)}`);
      return;
    }
    if (delivery.status !== 200) {
      violation(`the interactions endpoint answered ${delivery.status} to a correctly signed interaction`);
      this.interactions.noteFailure(String(payload.token), `POST ${url} → ${delivery.status}`);
      return;
    }
    // The response is the callback: through the same pipeline (validation, deadline, state).
    await this.http.inject('POST', `/interactions/${id}/${String(payload.token)}/callback`, delivery.response);
  }

  /** @internal use startFakeDiscord() */
  async start(): Promise<void> {
    this.port = await this.http.listen();
  }

  /** http://127.0.0.1:PORT */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Give to discord.js as `rest: { api: fake.apiUrl }`; it appends /v10/... */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  /** ws://127.0.0.1:PORT (what GET /gateway/bot returns). */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The last IDENTIFY the bot sent (intents, properties, shard, ...). */
  get identify(): IdentifyInfo | undefined {
    return this.gateway.identifies.at(-1);
  }

  /** Every IDENTIFY, in order (a reconnect that could not resume adds one). */
  get identifies(): readonly IdentifyInfo[] {
    return this.gateway.identifies;
  }

  /** Every payload the client sent over the gateway (op, d, time). */
  get gatewayPayloads(): readonly { op: number; d: unknown; time: number }[] {
    return this.gateway.received;
  }

  // ---- guilds, channels, members ------------------------------------------------------

  /** Adds a guild with one text channel ("general"); dispatches GUILD_CREATE to connected bots. */
  addGuild(opts: { id?: Snowflake; name?: string; ownerId?: Snowflake } = {}): FakeGuildInfo {
    const guild = this.state.addGuild(opts);
    this.gateway.dispatch('GUILD_CREATE', this.state.guildCreatePayload(guild), Intents.Guilds);
    return this.state.guildInfo(guild);
  }

  /** The bot is removed from the guild: GUILD_DELETE, and its REST routes answer 403/404. */
  removeGuild(guildId: Snowflake): void {
    const guild = this.state.guild(guildId);
    guild.removed = true;
    this.gateway.dispatch('GUILD_DELETE', { id: guild.id }, Intents.Guilds);
  }

  addChannel(guildId: Snowflake, opts: { name: string; id?: Snowflake; type?: number }): FakeChannelInfo {
    const channel = this.state.addChannel(guildId, opts);
    this.gateway.dispatch('CHANNEL_CREATE', this.state.channelObject(channel), Intents.Guilds);
    return this.state.channelInfo(channel);
  }

  /** Deletes a channel: later sends get 404 code 10003. `notify: false` skips CHANNEL_DELETE. */
  deleteChannel(channelId: Snowflake, opts: { notify?: boolean } = {}): void {
    const channel = this.state.channel(channelId);
    channel.deleted = true;
    if (opts.notify !== false) this.gateway.dispatch('CHANNEL_DELETE', this.state.channelObject(channel), Intents.Guilds);
  }

  /** Denies the bot VIEW_CHANNEL/SEND_MESSAGES: later sends get 403 code 50001. `notify: false` skips CHANNEL_UPDATE. */
  denyChannel(channelId: Snowflake, opts: { notify?: boolean } = {}): void {
    this.setDenied(channelId, true, opts.notify !== false);
  }

  allowChannel(channelId: Snowflake, opts: { notify?: boolean } = {}): void {
    this.setDenied(channelId, false, opts.notify !== false);
  }

  /** Takes Create Public Threads from the bot in a channel: starting a thread there gets 403 50013. */
  denyThreads(channelId: Snowflake): void {
    this.state.channel(channelId).threadsDenied = true;
  }

  /** The threads started in a channel (their channel info and the message each was started on). */
  threads(channelId: Snowflake): (FakeChannelInfo & { starterMessageId: Snowflake })[] {
    return [...this.state.channels.values()]
      .filter((c) => c.parentId === channelId && c.type === 11)
      .map((c) => ({ ...this.state.channelInfo(c), starterMessageId: c.starterMessageId! }));
  }

  private setDenied(channelId: Snowflake, denied: boolean, notify: boolean): void {
    const channel = this.state.channel(channelId);
    channel.denied = denied;
    if (notify) this.gateway.dispatch('CHANNEL_UPDATE', this.state.channelObject(channel), Intents.Guilds);
  }

  /**
   * Creates or updates a member and returns its Discord member object, with `permissions`
   * (normal member bits; + MANAGE_GUILD 0x20 for `manager`; all bits for `admin` or the owner).
   */
  member(guildId: Snowflake, user: Snowflake | string, opts: MemberOptions = {}): FakeMemberObject {
    const guild = this.state.guild(guildId);
    const member = this.state.upsertMember(guildId, user, opts);
    return this.state.memberObject(guild, member, { withPermissions: true }) as FakeMemberObject;
  }

  /** The snowflake of a user: ids stay as they are, aliases ("alice") map to a stable generated id. */
  userId(idOrAlias: string): Snowflake {
    return this.state.userId(idOrAlias);
  }

  // ---- interactions ---------------------------------------------------------------------

  /** Dispatches a slash command (INTERACTION_CREATE type 2). */
  sendCommand(guildId: Snowflake, user: FakeActor, command: CommandInput): InteractionHandle {
    return this.interactions.command(guildId, user, command);
  }

  /** A member posts a message (as a user): returns its id, for sendMessageCommand. */
  postUserMessage(guildId: Snowflake, user: FakeActor, input: { content: string; channelId?: Snowflake; embeds?: JsonObject[] }): Snowflake {
    return this.interactions.userMessage(guildId, user, input).message.id;
  }

  /** Dispatches a message context-menu command (type 2 with data.type 3, target_id and resolved.messages) on a stored message. */
  sendMessageCommand(guildId: Snowflake, user: FakeActor, input: { name: string; messageId: Snowflake; locale?: string }): InteractionHandle {
    return this.interactions.messageCommand(guildId, user, input);
  }

  /** Dispatches an autocomplete interaction (type 4); await `.choices()`. */
  sendAutocomplete(guildId: Snowflake, user: FakeActor, input: AutocompleteInput): InteractionHandle {
    return this.interactions.autocomplete(guildId, user, input);
  }

  /** Clicks a button on a stored message (type 3, component_type 2, with `message`). */
  clickButton(guildId: Snowflake, user: FakeActor, input: ButtonInput): InteractionHandle {
    return this.interactions.button(guildId, user, input);
  }

  /** Picks values in a select menu on a stored message. */
  selectMenu(guildId: Snowflake, user: FakeActor, input: SelectInput): InteractionHandle {
    return this.interactions.select(guildId, user, input);
  }

  /** Submits a modal (type 5) with text input values by custom_id. */
  submitModal(guildId: Snowflake, user: FakeActor, input: ModalInput): InteractionHandle {
    return this.interactions.modal(guildId, user, input);
  }

  /** A file a user attaches to a command option; served from this fake's HTTP server. */
  attachment(input: { filename: string; content: string | Buffer; contentType?: string }): FakeAttachmentOption {
    return this.interactions.attachment(input);
  }

  interaction(id: Snowflake): InteractionHandle | undefined {
    return this.interactions.handle(id);
  }

  // ---- messages, commands ---------------------------------------------------------------

  /** Messages in a channel, oldest first (interaction responses included; ephemeral/deleted on request). */
  messages(channelId: Snowflake, opts: { includeEphemeral?: boolean; includeDeleted?: boolean } = {}): FakeMessageView[] {
    return this.messageStore.inChannel(channelId, opts).map((m) => this.messageStore.view(m));
  }

  message(id: Snowflake): FakeMessageView | undefined {
    const stored = this.messageStore.get(id);
    return stored ? this.messageStore.view(stored) : undefined;
  }

  /** Waits until a channel has a message matching `predicate` (default: any) and returns it. */
  waitForMessage(channelId: Snowflake, predicate: (m: FakeMessageView) => boolean = () => true, timeoutMs = this.waitTimeoutMs): Promise<FakeMessageView> {
    return this.waitUntil(() => this.messages(channelId).find(predicate), timeoutMs, () => {
      const seen = this.messages(channelId).map((m) => JSON.stringify(m.content).slice(0, 80));
      return `no matching message in channel ${channelId} (has ${seen.length}: ${seen.join(', ')})`;
    });
  }

  /** The bot's direct messages to a user, oldest first (none before the bot opened the DM channel). */
  directMessages(user: Snowflake | string): FakeMessageView[] {
    const channelId = this.state.dmChannels.get(this.userId(user));
    return channelId ? this.messages(channelId) : [];
  }

  /** Waits until the bot has sent a user a direct message matching `predicate` (default: any). */
  waitForDirectMessage(user: Snowflake | string, predicate: (m: FakeMessageView) => boolean = () => true, timeoutMs = this.waitTimeoutMs): Promise<FakeMessageView> {
    return this.waitUntil(() => this.directMessages(user).find(predicate), timeoutMs, () => {
      const seen = this.directMessages(user).map((m) => JSON.stringify(m.content).slice(0, 80));
      return `no matching direct message to ${user} (has ${seen.length}: ${seen.join(', ')})`;
    });
  }

  /** The user's privacy settings refuse the bot's direct messages (sends answer 403, code 50007), or allow them again. */
  refuseDirectMessages(user: Snowflake | string, refuse = true): void {
    const id = this.userId(user);
    if (refuse) this.state.refusingDms.add(id);
    else this.state.refusingDms.delete(id);
  }

  /** Waits for a REST request matching `predicate` (e.g. r => r.route === 'PUT /...'). */
  waitForRequest(predicate: (r: RecordedRequest) => boolean, timeoutMs = this.waitTimeoutMs): Promise<RecordedRequest> {
    return this.waitUntil(() => this.requests.find((r) => r.status !== 0 && predicate(r)), timeoutMs, () => `no matching request among ${this.requests.length}`);
  }

  /** Registered commands: global when guildId is omitted. */
  commands(guildId?: Snowflake): FakeCommand[] {
    return this.commandStore.list(guildId);
  }

  // ---- faults, gateway control ----------------------------------------------------------

  /**
   * Holds the next REST request matching `match`: `before` the handler runs (nothing is created
   * yet) or `after` it (created, but the answer not sent). `drop()` cuts the connection unanswered.
   */
  hold(match: (r: RecordedRequest) => boolean, opts: { when?: 'before' | 'after' } = {}): RequestHold {
    let reached!: (r: RecordedRequest) => void;
    let open!: (go: boolean) => void;
    const reachedP = new Promise<RecordedRequest>((resolve) => (reached = resolve));
    const gate = new Promise<boolean>((resolve) => (open = resolve));
    this.holds.push({ match, when: opts.when ?? 'before', reached, gate, open });
    return { reached: reachedP, release: () => open(true), drop: () => open(false) };
  }

  /** Answers the next `n` matching REST requests with `status` (e.g. 500, 502, 429). */
  failNext(n: number, status = 500, opts: FailNextOptions = {}): void {
    this.injector.add(n, status, opts);
  }

  /** Sends op 7 RECONNECT; discord.js reconnects and RESUMEs. */
  reconnectGateway(): void {
    this.gateway.requestReconnect();
  }

  /** Closes gateway sockets with `code` (default 4000, resumable). */
  disconnectGateway(code = 4000): void {
    this.gateway.disconnect(code);
  }

  /** Sends op 9 INVALID_SESSION. */
  invalidateSessions(resumable = false): void {
    this.gateway.invalidateSessions(resumable);
  }

  /** Number of gateway sessions with an open socket. */
  connectedSessions(): number {
    return this.gateway.connectedSessions();
  }

  // ---- violations ---------------------------------------------------------------------

  clearViolations(): void {
    this.violations.length = 0;
  }

  /** Throws a readable error listing every violation (optionally only those matching `filter`). */
  assertNoViolations(filter: (v: Violation) => boolean = () => true): void {
    const found = this.violations.filter(filter);
    if (found.length === 0) return;
    throw new Error(`fake-discord: ${found.length} violation(s):\n${found.map(formatViolation).join('\n')}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.interactions.close();
    await this.gateway.close();
    await this.http.close();
  }

  // ---- internals ------------------------------------------------------------------------

  private liveGuilds() {
    return [...this.state.guilds.values()].filter((g) => !g.removed);
  }

  private readyPayload(): JsonObject {
    return {
      v: 10,
      user: { ...this.state.userObject(this.state.bot), bot: true, verified: true, mfa_enabled: false, email: null },
      guilds: this.liveGuilds().map((g) => ({ id: g.id, unavailable: true })),
      application: { id: this.applicationId, flags: 0 },
      user_settings: {},
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      _trace: ['fake-discord'],
    };
  }

  private membersChunk(d: JsonObject): JsonObject | undefined {
    const guild = typeof d.guild_id === 'string' ? this.state.guilds.get(d.guild_id) : undefined;
    if (!guild) return undefined;
    const wanted = typeof d.user_ids === 'string' ? [d.user_ids] : Array.isArray(d.user_ids) ? d.user_ids.map(String) : undefined;
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Infinity;
    const members = [...guild.members.values()]
      .filter((m) => (wanted ? wanted.includes(m.userId) : this.state.ensureUser(m.userId).username.toLowerCase().startsWith(query)))
      .slice(0, limit);
    return {
      guild_id: guild.id,
      members: members.map((m) => this.state.memberObject(guild, m)),
      chunk_index: 0,
      chunk_count: 1,
      ...(wanted ? { not_found: wanted.filter((id) => !guild.members.has(id)) } : {}),
      ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
    };
  }

  private waitUntil<T>(probe: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const tick = (): void => {
        const value = probe();
        if (value !== undefined) resolve(value);
        else if (Date.now() >= deadline) reject(new Error(`fake-discord: timed out after ${timeoutMs} ms: ${describe()}`));
        else setTimeout(tick, 5);
      };
      tick();
    });
  }
}

function formatViolation(v: Violation, index: number): string {
  const lines = [`${index + 1}. [${v.kind}] ${v.method} ${v.path}${v.route ? ` (${v.route})` : ''}: ${v.message}`];
  for (const e of v.errors) lines.push(`     - ${e}`);
  if (v.body !== undefined) {
    const body = JSON.stringify(v.body);
    lines.push(`     body: ${body.length > 600 ? `${body.slice(0, 600)}…` : body}`);
  }
  return lines.join('\n');
}
