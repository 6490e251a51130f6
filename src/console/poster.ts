/**
 * Scheduled rounds in the console: what the scheduler posts to the channel is printed as it
 * would appear there, with numbered buttons like any reply.
 */
import { PostError, type PostedMessage, type Poster } from '../kit/poster.js';
import type { Reply } from '../kit/types.js';
import { EN, type Translator } from '../i18n/index.js';

/** What the poster prints through (the console's Board). */
export interface PostSurface {
  show(reply: Reply, opts: { ephemeral: boolean; header?: string }): string;
  /** The reader's language for the headers (default English). */
  readonly t?: Translator;
}

export class ConsolePoster implements Poster {
  /** nonce → message: a retried post of the same part returns the first message. */
  private readonly sent = new Map<string, string>();

  constructor(
    private readonly surface: PostSurface,
    private readonly channel: { id: string; name: string },
    /** A member's name for a direct message's header. */
    private readonly nameOf: (userId: string) => string | undefined = () => undefined,
  ) {}

  async post(channelId: string, reply: Reply, opts: { nonce: string }): Promise<PostedMessage> {
    if (channelId !== this.channel.id) throw new PostError('unknown_channel', `The console has no channel ${channelId}; only #${this.channel.name}.`, 404, 10003);
    const earlier = this.sent.get(opts.nonce);
    if (earlier) return { id: earlier };
    const id = this.surface.show({ ...reply, ephemeral: false }, { ephemeral: false, header: (this.surface.t ?? EN)('console.board.posted', { channel: this.channel.name }) });
    this.sent.set(opts.nonce, id);
    if (this.sent.size > 1000) this.sent.delete(this.sent.keys().next().value!);
    return { id };
  }

  /** A direct message is printed, addressed to the member (the console has no private channels). */
  async directMessage(userId: string, reply: Reply, opts: { nonce: string }): Promise<PostedMessage> {
    const earlier = this.sent.get(opts.nonce);
    if (earlier) return { id: earlier };
    const to = this.nameOf(userId) ?? `member ${userId}`;
    const id = this.surface.show({ ...reply, ephemeral: false }, { ephemeral: false, header: (this.surface.t ?? EN)('console.board.direct', { member: to }) });
    this.sent.set(opts.nonce, id);
    return { id };
  }

  async notifyManagers(_guildId: string, text: string, _opts: { createdBy: string }): Promise<string> {
    return this.surface.show({ content: text }, { ephemeral: false, header: (this.surface.t ?? EN)('console.board.toManagers', { channel: this.channel.name }) });
  }
}
