/**
 * The fake gateway: Discord's v10 JSON protocol over a WebSocket (no compression, no ETF).
 *
 * HELLO → IDENTIFY → READY + one GUILD_CREATE per guild; heartbeats are ACKed; RESUME replays
 * the events a session missed and ends with RESUMED; unknown sessions get INVALID_SESSION.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { IdentifyInfo } from './types.js';
import { isObject, randomToken, type JsonObject } from './util.js';

export const Intents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  MessageContent: 1 << 15,
} as const;
const PRIVILEGED = Intents.GuildMembers | Intents.GuildPresences | Intents.MessageContent;

const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Close codes after which Discord does not allow a resume. */
const NON_RESUMABLE = new Set([1000, 1001, 4004, 4010, 4011, 4012, 4013, 4014]);
const REPLAY_BUFFER = 1000;

export interface GatewayDeps {
  token: string;
  heartbeatIntervalMs: number;
  allowPrivilegedIntents: boolean;
  /** ws://127.0.0.1:PORT */
  url: () => string;
  /** READY's d, without session_id / resume_gateway_url. */
  ready: () => JsonObject;
  /** GUILD_CREATE payloads for the current guilds. */
  guildCreates: () => JsonObject[];
  /** Answer to REQUEST_GUILD_MEMBERS. */
  membersChunk: (request: JsonObject) => JsonObject | undefined;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  socket: WebSocket | undefined;
  buffer: { s: number; t: string; d: unknown }[];
}

interface Connection {
  ws: WebSocket;
  query: Record<string, string>;
  session: Session | undefined;
}

export interface GatewayOpRecord {
  op: number;
  d: unknown;
  time: number;
}

export class FakeGateway {
  readonly identifies: IdentifyInfo[] = [];
  /** Every payload the client sent (heartbeats included). */
  readonly received: GatewayOpRecord[] = [];
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(private readonly deps: GatewayDeps) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  /** True when an identified session exists (connected, or waiting to resume). */
  hasSession(): boolean {
    return this.sessions.size > 0;
  }

  /** Sessions with an open socket. */
  connectedSessions(): number {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === WebSocket.OPEN).length;
  }

  /** Sends a dispatch event to every session (buffered for sessions waiting to resume). */
  dispatch(t: string, d: unknown, requiredIntent = 0): void {
    for (const session of this.sessions.values()) {
      if (requiredIntent && (session.intents & requiredIntent) === 0) continue;
      this.sendDispatch(session, t, d);
    }
  }

  /** Asks clients to reconnect and resume (op 7). */
  requestReconnect(): void {
    for (const c of this.connections) this.send(c.ws, { op: Op.Reconnect, d: null, s: null, t: null });
  }

  /** Closes every socket with a close code; sessions stay resumable unless the code forbids it. */
  disconnect(code = 4000, reason = 'fake-discord disconnect'): void {
    for (const c of this.connections) c.ws.close(code, reason);
    if (NON_RESUMABLE.has(code)) this.sessions.clear();
  }

  /** Sends INVALID_SESSION (op 9) to every connection. */
  invalidateSessions(resumable = false): void {
    if (!resumable) this.sessions.clear();
    for (const c of this.connections) this.send(c.ws, { op: Op.InvalidSession, d: resumable, s: null, t: null });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    this.connections.clear();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  // ---- protocol ------------------------------------------------------------------------

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'ws://127.0.0.1');
    const connection: Connection = { ws, query: Object.fromEntries(url.searchParams), session: undefined };
    this.connections.add(connection);
    ws.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
    ws.on('close', (code) => this.onClose(connection, code));
    ws.on('error', () => undefined);
    if (connection.query.v && connection.query.v !== '10') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    if (connection.query.encoding && connection.query.encoding !== 'json') {
      ws.close(4002, 'Only encoding=json is supported by fake-discord');
      return;
    }
    this.send(ws, { op: Op.Hello, d: { heartbeat_interval: this.deps.heartbeatIntervalMs }, s: null, t: null });
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    const { ws } = connection;
    if (isBinary) {
      ws.close(4002, 'Decode error');
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(rawToString(data));
    } catch {
      ws.close(4002, 'Decode error');
      return;
    }
    if (!isObject(payload) || typeof payload.op !== 'number') {
      ws.close(4002, 'Decode error');
      return;
    }
    const d = payload.d;
    this.received.push({ op: payload.op, d, time: Date.now() });
    switch (payload.op) {
      case Op.Heartbeat:
        this.send(ws, { op: Op.HeartbeatAck, d: null, s: null, t: null });
        break;
      case Op.Identify:
        this.identify(connection, isObject(d) ? d : {});
        break;
      case Op.Resume:
        this.resume(connection, isObject(d) ? d : {});
        break;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
        if (!connection.session) ws.close(4003, 'Not authenticated');
        break;
      case Op.RequestGuildMembers: {
        const session = connection.session;
        if (!session) {
          ws.close(4003, 'Not authenticated');
          break;
        }
        const chunk = isObject(d) ? this.deps.membersChunk(d) : undefined;
        if (chunk) this.sendDispatch(session, 'GUILD_MEMBERS_CHUNK', chunk);
        break;
      }
      default:
        ws.close(4001, 'Unknown opcode');
    }
  }

  private tokenOk(token: unknown): boolean {
    return token === this.deps.token || token === `Bot ${this.deps.token}`;
  }

  private identify(connection: Connection, d: JsonObject): void {
    const { ws } = connection;
    if (connection.session) {
      ws.close(4005, 'Already authenticated');
      return;
    }
    if (!this.tokenOk(d.token)) {
      ws.close(4004, 'Authentication failed');
      return;
    }
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0) {
      ws.close(4013, 'Invalid intent(s)');
      return;
    }
    this.identifies.push({
      intents,
      properties: d.properties,
      shard: d.shard,
      compress: d.compress,
      largeThreshold: d.large_threshold,
      presence: d.presence,
      query: { ...connection.query },
      time: Date.now(),
    });
    if (intents & PRIVILEGED && !this.deps.allowPrivilegedIntents) {
      ws.close(4014, 'Disallowed intent(s)');
      return;
    }
    const session: Session = { id: randomToken(16), seq: 0, intents, socket: ws, buffer: [] };
    this.sessions.set(session.id, session);
    connection.session = session;
    this.sendDispatch(session, 'READY', {
      ...this.deps.ready(),
      session_id: session.id,
      resume_gateway_url: this.deps.url(),
      shard: Array.isArray(d.shard) ? d.shard : [0, 1],
    });
    if (intents & Intents.Guilds) {
      for (const guild of this.deps.guildCreates()) this.sendDispatch(session, 'GUILD_CREATE', guild);
    }
  }

  private resume(connection: Connection, d: JsonObject): void {
    const { ws } = connection;
    if (!this.tokenOk(d.token)) {
      ws.close(4004, 'Authentication failed');
      return;
    }
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session) {
      this.send(ws, { op: Op.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.socket && session.socket !== ws && session.socket.readyState === WebSocket.OPEN) {
      session.socket.close(4000, 'Session resumed elsewhere');
    }
    session.socket = ws;
    connection.session = session;
    const after = typeof d.seq === 'number' ? d.seq : 0;
    for (const event of session.buffer) {
      if (event.s > after) this.send(ws, { op: Op.Dispatch, s: event.s, t: event.t, d: event.d });
    }
    this.sendDispatch(session, 'RESUMED', null);
  }

  private onClose(connection: Connection, code: number): void {
    this.connections.delete(connection);
    const session = connection.session;
    if (session && session.socket === connection.ws) {
      session.socket = undefined;
      if (NON_RESUMABLE.has(code)) this.sessions.delete(session.id);
    }
  }

  private sendDispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    session.buffer.push({ s: session.seq, t, d });
    if (session.buffer.length > REPLAY_BUFFER) session.buffer.shift();
    if (session.socket) this.send(session.socket, { op: Op.Dispatch, s: session.seq, t, d });
  }

  private send(ws: WebSocket, payload: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(payload));
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
