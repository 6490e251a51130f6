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
 * transient: 5xx or network (the slot is not recorded, so a later run may post it).
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
  /** Posts one message. `nonce` makes a retried post of the same part return the first message instead of a duplicate. */
  post(channelId: string, reply: Reply, opts: { nonce: string }): Promise<PostedMessage>;
  /** Tells a server's managers about a problem with one of its schedules, where they will see it. */
  notifyManagers(guildId: string, text: string, opts: { createdBy: string }): Promise<string>;
}

/** What one round came to (src/jobs/rounds.ts runs it; /reminders run-now reports it). */
export type RoundOutcome =
  | { outcome: 'posted'; messageIds: string[] }
  | { outcome: 'empty' }
  | { outcome: 'duplicate' }
  | { outcome: 'inactive' }
  | { outcome: 'failed'; kind: PostError['kind']; paused?: boolean; disabled?: boolean; notified?: string };
