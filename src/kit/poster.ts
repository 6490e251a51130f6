/**
 * Where scheduled rounds go. In Discord: channel messages through @discordjs/rest. In the local
 * console: printed. The scheduler only knows this interface.
 */
import type { Reply } from './reply.js';

export interface PostedMessage {
  id: string;
}

/**
 * unknown_channel: the channel is gone (disable the schedule) · missing_access: the bot may not
 * see or post there (count; pause after 3) · rejected: another 4xx (never retried in a loop) ·
 * transient: 5xx or network (the slot stays unfinished; catch-up resumes it from the part that failed).
 */
export type PostErrorKind = 'unknown_channel' | 'missing_access' | 'rejected' | 'transient';

export class PostError extends Error {
  override name = 'PostError';
  constructor(
    readonly kind: PostErrorKind,
    message: string,
    readonly status?: number,
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface Poster {
  /**
   * Posts one message. `nonce` (with enforce_nonce) makes a retry of the same part within Discord's
   * memory of it (a few minutes) return the first message; exactly-once does not rest on it (see rounds.ts).
   */
  post(channelId: string, reply: Reply, opts: { nonce: string }): Promise<PostedMessage>;
  /**
   * After a crash: the id of a message this bot already posted in the channel that matches `reply`
   * (posted after message `after`, or after `since` when null), or null. Used for the one part of a
   * resumed round that may have reached Discord without its id being recorded.
   */
  findPosted?(channelId: string, reply: Reply, opts: { after: string | null; since: Date }): Promise<string | null>;
  /**
   * Sends a direct message to a member (opens the DM channel first). Throws PostError: `rejected`
   * with code 50007 when Discord refuses (the member's privacy settings). Never retried by the
   * caller; `nonce` makes a second send of the same message, within Discord's memory of it,
   * return the first. Absent where direct messages cannot be sent.
   */
  directMessage?(userId: string, reply: Reply, opts: { nonce: string }): Promise<PostedMessage>;
  /**
   * Opens a public thread on a message (a claim's card): the thread's id. Throws PostError (no thread
   * permission: missing_access). Absent where there are no threads (the console).
   */
  startThread?(channelId: string, messageId: string, name: string): Promise<string>;
  /** Posts in a thread the bot opened. Throws PostError. */
  postInThread?(threadId: string, reply: Reply): Promise<void>;
  /** Tells a server's managers about a problem with one of its schedules, where they will see it. */
  notifyManagers(guildId: string, text: string, opts: { createdBy: string }): Promise<string>;
}

/** What one round came to (src/jobs/rounds.ts runs it; /reminders run-now reports it). */
export type RoundOutcome =
  | { outcome: 'posted'; messageIds: string[]; resumed?: boolean }
  | { outcome: 'empty' }
  | { outcome: 'duplicate' }
  /** Another process holds the slot's lease and is posting it. */
  | { outcome: 'busy' }
  | { outcome: 'inactive' }
  | { outcome: 'failed'; kind: PostError['kind']; paused?: boolean; disabled?: boolean; notified?: string };
