/** Public types of the fake Discord. */
import type { APIAllowedMentions, APIEmbed } from 'discord.js';

export type Snowflake = string;

export interface RateLimitOptions {
  /** Global requests per second per bot token (interaction callbacks and webhooks are exempt). Default 50. */
  globalPerSecond?: number;
  /** Per-channel bucket on POST /channels/{id}/messages. Default 5 per 5000 ms. */
  channelMessages?: { limit: number; windowMs: number };
}

export interface FakeDiscordOptions {
  /** Bot token the fake accepts. Random by default. */
  token?: string;
  applicationId?: Snowflake;
  botUserId?: Snowflake;
  botUsername?: string;
  /** Path to Discord's openapi.json. Default: the vendored test/fixtures/discord-api-spec/openapi.json. */
  specPath?: string;
  /** Emulate Discord's rate limits (off by default). `true` means the defaults of RateLimitOptions. */
  rateLimits?: boolean | RateLimitOptions;
  /** Answer schema/limit violations with 400 code 50035 as Discord does (default true). They are recorded either way. */
  rejectInvalid?: boolean;
  /** How long enforce_nonce remembers a message's nonce, in ms (default 5 minutes; 0 forgets at once). Also settable later: `fake.nonceMemoryMs`. */
  nonceMemoryMs?: number;
  /** Added delay before each REST response, in ms (default 0). */
  latencyMs?: number;
  /** HELLO heartbeat_interval in ms (default 41250, as Discord). */
  heartbeatIntervalMs?: number;
  /** The 3 s initial-response deadline; a later callback gets 404 10062 and a violation (default 3000). */
  interactionDeadlineMs?: number;
  /** Default timeout of handle.reply()/choices()/... and waitFor* helpers (default 3000 ms). */
  waitTimeoutMs?: number;
}

export type ViolationKind =
  | 'schema' // body does not match the OpenAPI requestBody schema
  | 'limit' // a documented Discord limit the schema does not encode
  | 'query' // query string does not match the operation's parameters
  | 'path' // a path parameter does not match (e.g. "undefined" as channel id)
  | 'body' // missing/unexpected/unparseable body
  | 'unknown-route' // no such operation in the spec
  | 'unimplemented' // in the spec, but the fake does not implement it
  | 'auth' // missing or wrong Authorization
  | 'interaction'; // interaction protocol misuse (late, double ack, wrong callback type)

export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  /** Spec path template, when the route is known. */
  route?: string;
  message: string;
  errors: string[];
  body?: unknown;
  time: number;
}

export interface FakeFile {
  /** multipart field name, e.g. "files[0]" */
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
  size: number;
}

export interface RecordedRequest {
  method: string;
  /** Path after the /api/v10 prefix, e.g. "/channels/123/messages". */
  path: string;
  /** Spec template when known, e.g. "/channels/{channel_id}/messages". */
  route?: string;
  query: Record<string, string>;
  /** Parsed JSON body (or payload_json of a multipart body). */
  body: unknown;
  files: FakeFile[];
  authorized: boolean;
  time: number;
  /** HTTP status sent back (0 while in flight). */
  status: number;
  /** True when the status was produced by failNext(). */
  injected: boolean;
}

export interface IdentifyInfo {
  intents: number;
  properties: unknown;
  shard: unknown;
  compress: unknown;
  largeThreshold: unknown;
  presence: unknown;
  /** Query string of the WebSocket URL (v, encoding, compress). */
  query: Record<string, string>;
  time: number;
}

export interface FakeGuildInfo {
  id: Snowflake;
  name: string;
  ownerId: Snowflake;
  /** The text channel created with the guild. */
  defaultChannelId: Snowflake;
}

export interface FakeChannelInfo {
  id: Snowflake;
  guildId: Snowflake;
  name: string;
  type: number;
}

export interface MemberOptions {
  /** Grants MANAGE_GUILD on top of the normal member bits. */
  manager?: boolean;
  /** Grants ADMINISTRATOR (all bits). */
  admin?: boolean;
  /** Exact permission bits, overriding manager/admin. */
  permissions?: bigint | string;
  username?: string;
  nick?: string | null;
  roles?: Snowflake[];
}

/** A guild member object as Discord sends it in interactions (with computed `permissions`). */
export interface FakeMemberObject {
  user: { id: Snowflake; username: string; [key: string]: unknown };
  nick: string | null;
  roles: Snowflake[];
  joined_at: string;
  /** Decimal permission bit set, e.g. "32" for MANAGE_GUILD alone. */
  permissions: string;
  [key: string]: unknown;
}

/**
 * Who triggers an interaction: a user id or alias ("alice" → a stable generated snowflake,
 * see fake.userId), or a user description (member options apply).
 */
export type FakeActor = Snowflake | ({ id?: Snowflake } & MemberOptions);

/** An attachment option value, created with fake.attachment(). */
export interface FakeAttachmentOption {
  readonly kind: 'fake-attachment';
  readonly id: Snowflake;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly url: string;
}

export type CommandOptionValue = string | number | boolean | FakeAttachmentOption;

export interface CommandInput {
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  /** Option values by name; types come from the registered command when it exists, else are inferred. */
  options?: Record<string, CommandOptionValue>;
  /** Channel the command is used in (default: the guild's default channel). */
  channelId?: Snowflake;
  locale?: string;
}

export interface AutocompleteInput extends CommandInput {
  /** Name of the focused option; its value (a string, as Discord sends it) is taken from options or ''. */
  focused: string;
}

export interface ButtonInput {
  customId: string;
  messageId: Snowflake;
  /** Skip the check that the message has an enabled button with this custom_id. */
  force?: boolean;
  locale?: string;
}

export interface SelectInput {
  customId: string;
  messageId: Snowflake;
  values: string[];
  force?: boolean;
  locale?: string;
}

export interface ModalInput {
  customId: string;
  fields: Record<string, string>;
  channelId?: Snowflake;
  /** Set when the modal was opened from a component on this message. */
  messageId?: Snowflake;
  locale?: string;
}

export interface FakeAttachmentObject {
  id: Snowflake;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  description?: string;
  title?: string;
  ephemeral?: boolean;
}

/** A message as the fake stores it: Discord's message JSON (what GET would return). */
export interface FakeMessage {
  id: Snowflake;
  type: number;
  channel_id: Snowflake;
  guild_id?: Snowflake;
  author: { id: Snowflake; username: string; discriminator: string; global_name: string | null; avatar: null; bot?: boolean };
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  attachments: FakeAttachmentObject[];
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  pinned: boolean;
  mention_everyone: boolean;
  mentions: unknown[];
  mention_roles: Snowflake[];
  webhook_id?: Snowflake;
  application_id?: Snowflake;
  interaction_metadata?: unknown;
  message_reference?: unknown;
  [key: string]: unknown;
}

/** A stored message plus what the fake knows around it. */
export interface FakeMessageView extends FakeMessage {
  files: FakeFile[];
  ephemeral: boolean;
  deleted: boolean;
  editCount: number;
  /** allowed_mentions of the last request that wrote it. */
  allowed_mentions: APIAllowedMentions | undefined;
  /** User ids Discord would actually ping, given content and allowed_mentions. */
  pingedUserIds: Snowflake[];
  pingedEveryone: boolean;
}

export interface FakeReply {
  interactionId: Snowflake;
  messageId: Snowflake;
  /** Callback type that produced it: 4, 5 (deferred, then edited), 6 (deferred update, then edited) or 7. */
  type: number;
  source: 'callback' | 'edit' | 'followup';
  deferred: boolean;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  flags: number;
  ephemeral: boolean;
  attachments: FakeAttachmentObject[];
  files: FakeFile[];
  allowed_mentions: APIAllowedMentions | undefined;
  /** Snapshot of the message at the time of this answer. */
  message: FakeMessageView;
}

export interface CallbackRecord {
  type: number;
  data: unknown;
  files: FakeFile[];
  time: number;
  /** ms after the interaction was dispatched */
  latencyMs: number;
}

export interface AutocompleteChoice {
  name: string;
  value: string | number;
  name_localizations?: Record<string, string> | null;
}

export interface ModalData {
  custom_id: string;
  title: string;
  components: unknown[];
}

export interface InteractionStateSnapshot {
  id: Snowflake;
  token: string;
  type: number;
  callback: CallbackRecord | undefined;
  originalMessageId: Snowflake | undefined;
  replies: FakeReply[];
  followups: FakeReply[];
  edits: number;
}

export interface InteractionHandle {
  readonly id: Snowflake;
  readonly token: string;
  /** 2 command, 3 component, 4 autocomplete, 5 modal submit */
  readonly type: number;
  /** The INTERACTION_CREATE payload that was dispatched. */
  readonly payload: Record<string, unknown>;
  /** Live snapshot of what happened so far. */
  state(): InteractionStateSnapshot;
  /** Resolves with the first callback (any type). */
  response(timeoutMs?: number): Promise<CallbackRecord>;
  /** Resolves with the first visible answer (4, 7, or the edit/followup after a 5/6 deferral). */
  reply(timeoutMs?: number): Promise<FakeReply>;
  /** Resolves with the n-th (0-based) visible answer, counting the first one: reply() === nthReply(0). */
  nthReply(index: number, timeoutMs?: number): Promise<FakeReply>;
  /** Resolves with the n-th (0-based) followup message (POST /webhooks/{app}/{token}). */
  followup(index?: number, timeoutMs?: number): Promise<FakeReply>;
  /** Autocomplete result (callback type 8). */
  choices(timeoutMs?: number): Promise<AutocompleteChoice[]>;
  /** Modal shown (callback type 9). */
  modal(timeoutMs?: number): Promise<ModalData>;
}

export interface FakeCommand {
  id: Snowflake;
  application_id: Snowflake;
  guild_id?: Snowflake;
  version: Snowflake;
  name: string;
  type: number;
  description: string;
  options?: unknown[];
  default_member_permissions: string | null;
  [key: string]: unknown;
}

export interface FailNextOptions {
  /** 'POST /channels/{channel_id}/messages' (spec template), a RegExp tested on "METHOD /path", or a predicate. Default: any request. */
  match?: string | RegExp | ((method: string, path: string) => boolean);
  /** For 429: Retry-After in ms (default 1000). */
  retryAfterMs?: number;
  /** For 429: mark it as a global rate limit. */
  global?: boolean;
}

export interface FakeStats {
  /** 429s produced by the emulated limits. */
  rateLimited: number;
  globalRateLimited: number;
  /** Responses produced by failNext(). */
  injectedFailures: number;
  /** PUT bulk-overwrite calls: global and per guild id. */
  commandPuts: { global: number; guild: Record<Snowflake, number> };
}

/** A REST request held by `fake.hold()`: released (answered as usual) or dropped (the connection is cut, never answered). */
export interface RequestHold {
  /** Resolves when a matching request arrives and is held. */
  reached: Promise<RecordedRequest>;
  release(): void;
  drop(): void;
}
