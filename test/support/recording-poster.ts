/** A Poster for tests: records every post, and can be told to fail like Discord would. */
import type { Reply } from '../../src/kit/types.js';
import { PostError, type Poster, type PostErrorKind } from '../../src/kit/poster.js';

export interface RecordedPost {
  channelId: string;
  reply: Reply;
  nonce: string;
  id: string;
}

export class RecordingPoster implements Poster {
  posts: RecordedPost[] = [];
  notices: { guildId: string; text: string }[] = [];
  /** Fail every post with this kind until cleared. */
  failWith: PostErrorKind | null = null;
  /** Fail after this many successful posts (then clear). */
  failAfter: { count: number; kind: PostErrorKind } | null = null;
  /** Delay each post (ms), to keep rounds in flight. */
  delayMs = 0;
  /** Like Discord's enforce_nonce while it remembers; false: a Discord that forgot every nonce. */
  rememberNonces = true;
  private seq = 0;
  private byNonce = new Map<string, RecordedPost>();

  async post(channelId: string, reply: Reply, { nonce }: { nonce: string }) {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) throw new PostError(this.failWith, `simulated ${this.failWith}`);
    if (this.failAfter) {
      if (this.failAfter.count <= 0) {
        const kind = this.failAfter.kind;
        this.failAfter = null;
        throw new PostError(kind, `simulated ${kind}`);
      }
      this.failAfter.count -= 1;
    }
    // Like Discord's enforce_nonce: the same nonce again returns the first message.
    const existing = this.rememberNonces ? this.byNonce.get(nonce) : undefined;
    if (existing) return { id: existing.id };
    const post = { channelId, reply, nonce, id: String(++this.seq) };
    this.posts.push(post);
    this.byNonce.set(nonce, post);
    return { id: post.id };
  }

  /** Like reading the channel: a post after `after` with the same first embed and buttons. */
  async findPosted(channelId: string, reply: Reply, { after }: { after: string | null; since: Date }) {
    const sig = (r: Reply) => JSON.stringify([r.content ?? '', r.embeds?.[0]?.title ?? '', r.embeds?.[0]?.description ?? '', r.components ?? []]);
    const hit = this.posts.find((p) => p.channelId === channelId && (after === null || Number(p.id) > Number(after)) && sig(p.reply) === sig(reply));
    return hit?.id ?? null;
  }

  async notifyManagers(guildId: string, text: string) {
    this.notices.push({ guildId, text });
    return 'in the test';
  }
}
