/**
 * The request-reading layer of the interactions endpoint: what a POST /interactions must show
 * before anything of it is kept, and the socket-level bounds of the server.
 *
 * In order, each step refusing before the next costs anything:
 *   1. the signature headers: X-Signature-Ed25519 (128 hex digits) and X-Signature-Timestamp
 *      (decimal seconds) present, well formed, and the timestamp fresh (401) — no body byte read;
 *   2. a declared Content-Length over the cap (413) — no body byte read;
 *   3. the body, read into memory only up to the cap (413 past it), within a deadline from the
 *      request's arrival (408), and only while the bytes buffered by all requests together stay
 *      under a budget (503);
 *   4. the Ed25519 signature over `timestamp + body` (401);
 *   5. the JSON and the shape of an interaction (400): an object whose `type` is one Discord
 *      sends, a snowflake `id`, and the fields the handlers read, of the types they read them as.
 * A refused body is not kept: what is left of it is read and dropped, and the socket is
 * destroyed if it has not finished by the deadline.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { InteractionType, type APIInteraction } from 'discord-api-types/v10';
import { z } from 'zod';
import { checkSignatureHeaders, verifySignature } from './verify.js';

export interface IntakeLimits {
  /**
   * Largest body kept (default 128 KiB). The largest interactions Discord can send this bot: a
   * modal submit (5 inputs × 4,000 characters, at most 80 KB of UTF-8 at 4 bytes a character)
   * and a message command carrying its message (content 4,000 + embeds 6,000 characters, about
   * 40 KB, and as much again for a forwarded message's snapshot); 128 KiB holds either with its
   * envelope. Typical commands and clicks are 1–5 KB.
   */
  maxBodyBytes: number;
  /** A signed timestamp older (or further ahead) than this is refused (default 300 s). */
  maxAgeMs: number;
  /**
   * The whole body must have arrived this long after the request did (default 3 s). Discord sends
   * it at once and waits 3 s for the answer: a body still arriving after that cannot be answered
   * in time, so the connection is dropped.
   */
  bodyTimeoutMs: number;
  /** Bytes of bodies held in memory by all requests together (default 16 MiB); past it, new bytes are refused (503). */
  maxBufferedBytes: number;
}

export const DEFAULT_INTAKE_LIMITS: IntakeLimits = {
  maxBodyBytes: 128 * 1024,
  maxAgeMs: 300_000,
  bodyTimeoutMs: 3_000,
  maxBufferedBytes: 16 * 1024 * 1024,
};

export interface SocketLimits {
  /** Headers must be complete this long after a request starts (default 5 s; Node's default is 60 s). */
  headersTimeoutMs: number;
  /** A whole request must be received in this long (default 10 s; Node's default is 300 s). A backstop: the body deadline is shorter. */
  requestTimeoutMs: number;
  /** A socket with no traffic this long while a request is open is destroyed (default 10 s). */
  idleTimeoutMs: number;
  /** Connections open at once; more are closed as they arrive (default 1024). */
  maxConnections: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 10_000,
  maxConnections: 1024,
};

/** Node's http server options for these limits (the timeouts are checked every `connectionsCheckingInterval`). */
export function serverOptions(limits: SocketLimits) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    // Discord's headers are a few hundred bytes.
    maxHeaderSize: 8 * 1024,
  };
}

/** Applies the limits that are properties of a created server. */
export function boundServer(server: Server, limits: SocketLimits): void {
  server.timeout = limits.idleTimeoutMs;
  server.maxConnections = limits.maxConnections;
}

export type Refusal = { ok: false; status: 400 | 401 | 408 | 413 | 503; error: string };
export type Intake = { ok: true; interaction: APIInteraction } | Refusal;

/** What the server keeps count of (for health, logs and tests). */
export interface IntakeStats {
  /** Bytes of bodies held in memory right now, and the most ever held at once. */
  buffered: number;
  peakBuffered: number;
  /** Requests refused, by status. */
  refused: Record<number, number>;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const snowflake = z.string().regex(/^\d{1,20}$/);
const optionSchema: z.ZodType<unknown> = z.lazy(() =>
  z.looseObject({
    name: z.string(),
    type: z.number().int(),
    options: z.array(optionSchema).optional(),
    focused: z.boolean().optional(),
  }),
);
const user = z.looseObject({ id: snowflake, username: z.string().optional(), global_name: z.string().nullish() });
const envelope = {
  id: snowflake,
  application_id: snowflake,
  token: z.string().min(1).max(1000),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  channel: z.looseObject({ id: snowflake }).optional(),
  member: z.looseObject({ user, permissions: z.string().regex(/^\d{1,40}$/), nick: z.string().nullish() }).optional(),
  user: user.optional(),
  message: z.looseObject({ id: snowflake, channel_id: snowflake, embeds: z.array(z.unknown()).optional(), flags: z.number().int().optional() }).optional(),
};
const commandData = z.looseObject({ name: z.string().min(1), type: z.number().int(), options: z.array(optionSchema).optional(), resolved: z.looseObject({}).optional() });
const INTERACTION = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal(InteractionType.Ping), id: z.string().optional() }),
  z.looseObject({ ...envelope, type: z.literal(InteractionType.ApplicationCommand), data: commandData }),
  z.looseObject({ ...envelope, type: z.literal(InteractionType.ApplicationCommandAutocomplete), data: commandData }),
  z.looseObject({ ...envelope, type: z.literal(InteractionType.MessageComponent), data: z.looseObject({ custom_id: z.string().max(100), component_type: z.number().int() }) }),
  z.looseObject({ ...envelope, type: z.literal(InteractionType.ModalSubmit), data: z.looseObject({ custom_id: z.string().max(100), components: z.array(z.unknown()) }) }),
]);

/** The parsed JSON as an interaction when it has the shape one has (the fields the handlers read), or null. */
export function asInteraction(value: unknown): APIInteraction | null {
  return INTERACTION.safeParse(value).success ? (value as APIInteraction) : null;
}

/** Reads and checks one POST /interactions (see the module comment). Never throws for what a client sends. */
export class InteractionIntake {
  readonly stats: IntakeStats = { buffered: 0, peakBuffered: 0, refused: {} };

  constructor(
    private readonly key: KeyObject,
    private readonly limits: IntakeLimits,
    private readonly now: () => Date,
  ) {}

  private refuse(status: Refusal['status'], error: string): Refusal {
    this.stats.refused[status] = (this.stats.refused[status] ?? 0) + 1;
    return { ok: false, status, error };
  }

  async read(req: IncomingMessage): Promise<Intake> {
    const deadline = setTimeout(() => {
      // The body has not finished arriving: nothing more is read from this connection.
      if (!req.complete) req.socket.destroy();
    }, this.limits.bodyTimeoutMs);
    deadline.unref();
    req.once('close', () => clearTimeout(deadline));
    const result = await this.check(req);
    if (result.ok || req.complete) clearTimeout(deadline);
    // A refused body is read and dropped (answering without reading it can reset the connection
    // before the client reads the answer); the deadline above still ends it.
    else req.resume();
    return result;
  }

  private async check(req: IncomingMessage): Promise<Intake> {
    const signature = header(req, 'x-signature-ed25519');
    const timestamp = header(req, 'x-signature-timestamp');
    const headers = checkSignatureHeaders(signature, timestamp, this.now().getTime(), this.limits.maxAgeMs);
    if (headers !== 'ok') return this.refuse(401, headers === 'stale' ? 'stale request timestamp' : 'invalid request signature');
    const declared = header(req, 'content-length');
    if (declared !== undefined && Number(declared) > this.limits.maxBodyBytes) return this.refuse(413, 'body too large');
    const raw = await this.body(req);
    if (!Buffer.isBuffer(raw)) return raw;
    if (!verifySignature(this.key, signature, timestamp, raw)) return this.refuse(401, 'invalid request signature');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.refuse(400, 'invalid JSON');
    }
    const interaction = asInteraction(parsed);
    if (!interaction) return this.refuse(400, 'not an interaction');
    return { ok: true, interaction };
  }

  /** The body, kept only up to the cap and within the shared budget; a refusal otherwise (or when the connection ends first). */
  private body(req: IncomingMessage): Promise<Buffer | Refusal> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let held = 0;
      const release = () => {
        this.stats.buffered -= held;
        held = 0;
      };
      const finish = (value: Buffer | Refusal) => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('close', onClose);
        release();
        resolve(value);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.limits.maxBodyBytes) return finish(this.refuse(413, 'body too large'));
        if (this.stats.buffered + chunk.length > this.limits.maxBufferedBytes) return finish(this.refuse(503, 'busy'));
        chunks.push(chunk);
        held += chunk.length;
        this.stats.buffered += chunk.length;
        this.stats.peakBuffered = Math.max(this.stats.peakBuffered, this.stats.buffered);
      };
      const onEnd = () => finish(Buffer.concat(chunks));
      const onClose = () => finish(this.refuse(408, 'request body not received in time'));
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('close', onClose);
    });
  }
}
