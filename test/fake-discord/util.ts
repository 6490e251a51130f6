/** Small helpers shared by the fake Discord modules. */
import type { ViolationKind } from './types.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Deep copy of JSON-like data (the fake hands out snapshots, never its live state). */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

const DISCORD_EPOCH = 1420070400000n;
let lastTimestamp = 0;
let increment = 0;

/** A real-looking, unique, increasing snowflake. */
export function snowflake(at: number = Date.now()): string {
  let ts = Math.max(at, lastTimestamp);
  if (ts === lastTimestamp) {
    increment += 1;
    if (increment > 0xfff) {
      ts += 1;
      increment = 0;
    }
  } else {
    increment = 0;
  }
  lastTimestamp = ts;
  // worker id 1, process id 0
  return (((BigInt(ts) - DISCORD_EPOCH) << 22n) | (1n << 17n) | BigInt(increment)).toString();
}

export function randomToken(bytes = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let out = '';
  for (let i = 0; i < bytes * 2; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Discord permission bits used by the fake (subset of PermissionFlagsBits). */
export const Perm = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  Connect: 1n << 20n,
  Speak: 1n << 21n,
  UseVAD: 1n << 25n,
  ChangeNickname: 1n << 26n,
  UseApplicationCommands: 1n << 31n,
  CreatePublicThreads: 1n << 35n,
  UseExternalStickers: 1n << 37n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/** Bits an ordinary member has (what @everyone gets in a fresh server). */
export const NORMAL_MEMBER_PERMISSIONS =
  Perm.CreateInstantInvite |
  Perm.AddReactions |
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.ReadMessageHistory |
  Perm.UseExternalEmojis |
  Perm.Connect |
  Perm.Speak |
  Perm.UseVAD |
  Perm.ChangeNickname |
  Perm.UseApplicationCommands |
  Perm.CreatePublicThreads |
  Perm.UseExternalStickers |
  Perm.SendMessagesInThreads;

/** Everything (what the owner or an administrator resolves to). */
export const ALL_PERMISSIONS = (1n << 51n) - 1n;

/** What the bot's managed role grants in the fake guilds. */
export const BOT_PERMISSIONS =
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.ReadMessageHistory |
  Perm.AddReactions |
  Perm.UseExternalEmojis |
  Perm.SendMessagesInThreads;

/** Bits removed from the bot by `denyChannel`. */
export const DENIED_CHANNEL_BITS = Perm.ViewChannel | Perm.SendMessages;

/** Thrown by route handlers to produce a Discord-style JSON error. */
export class ApiError extends Error {
  /** Set when the error is the bot's fault and must be recorded as a violation. */
  violation: { kind: ViolationKind; message: string } | undefined;

  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  /** Marks this error as a protocol violation by the bot. */
  blame(kind: ViolationKind, message: string): this {
    this.violation = { kind, message };
    return this;
  }
}

export const Errors = {
  unknownChannel: () => new ApiError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => new ApiError(404, 10004, 'Unknown Guild'),
  unknownMember: () => new ApiError(404, 10007, 'Unknown Member'),
  unknownMessage: () => new ApiError(404, 10008, 'Unknown Message'),
  unknownUser: () => new ApiError(404, 10013, 'Unknown User'),
  unknownWebhook: () => new ApiError(404, 10015, 'Unknown Webhook'),
  unknownCommand: () => new ApiError(404, 10063, 'Unknown application command'),
  unknownInteraction: () => new ApiError(404, 10062, 'Unknown interaction'),
  alreadyAcknowledged: () => new ApiError(400, 40060, 'Interaction has already been acknowledged.'),
  missingAccess: () => new ApiError(403, 50001, 'Missing Access'),
  cannotSendToUser: () => new ApiError(403, 50007, 'Cannot send messages to this user'),
  invalidWebhookToken: () => new ApiError(401, 50027, 'Invalid Webhook Token'),
  emptyMessage: () => new ApiError(400, 50006, 'Cannot send an empty message'),
  unauthorized: () => new ApiError(401, 0, '401: Unauthorized'),
};
