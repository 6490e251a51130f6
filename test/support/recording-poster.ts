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
    const existing = this.byNonce.get(nonce);
    if (existing) return { id: existing.id };
    const post = { channelId, reply, nonce, id: String(++this.seq) };
    this.posts.push(post);
    this.byNonce.set(nonce, post);
    return { id: post.id };
  }

  async notifyManagers(guildId: string, text: string) {
    this.notices.push({ guildId, text });
    return 'in the test';
  }
}
