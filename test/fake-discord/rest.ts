/**
 * The HTTP side of the fake: /api/v10 REST with the request pipeline
 *   record → route lookup (spec) → auth → failNext → rate limits → validation → handler,
 * plus /attachments/... file downloads and the gateway WebSocket upgrade on the same port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeGateway } from './gateway.js';
import { isInteractionRoute, type Handler } from './handlers.js';
import { checkLimits } from './limits.js';
import type { FailureInjector, LimitedResponse, RateLimiter } from './ratelimit.js';
import type { StoredFile } from './state.js';
import type { FakeFile, FakeStats, RecordedRequest, Violation, ViolationKind } from './types.js';
import { ApiError, isObject, sleep } from './util.js';
import type { BodyKind, SpecValidator } from './validate.js';

const MAX_BODY = 25 * 1024 * 1024 + 1024 * 1024;
const NO_AUTH_ROUTES = new Set(['/gateway']);
/** Violation kinds Discord answers with 400 Invalid Form Body. */
const REJECTED_KINDS: ViolationKind[] = ['schema', 'limit', 'path', 'body'];

export interface RestDeps {
  token: string;
  validator: SpecValidator;
  handlers: Map<string, Handler>;
  limiter: RateLimiter;
  injector: FailureInjector;
  gateway: FakeGateway;
  stats: FakeStats;
  requests: RecordedRequest[];
  rejectInvalid: boolean;
  latencyMs: number;
  violation(v: Omit<Violation, 'time'>): void;
  file(id: string): StoredFile | undefined;
  interactionFailure(token: string, line: string): void;
  /** A hold for this request at this point of the pipeline: resolves true to go on, false to drop it. */
  hold(record: RecordedRequest, when: 'before' | 'after'): Promise<boolean> | undefined;
}

/** Thrown to cut a held request's connection without an answer. */
class Dropped extends Error {}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class FakeHttpServer {
  private readonly server: Server;

  constructor(private readonly deps: RestDeps) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `fake-discord internal error: ${String(error)}`, code: 0 }));
      });
    });
    this.server.on('upgrade', (req, socket, head) => deps.gateway.handleUpgrade(req, socket, head));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'GET' && url.pathname.startsWith('/attachments/')) {
      this.serveFile(url.pathname, res);
      return;
    }
    const raw = await readBody(req);
    const version = /^\/api\/v(\d+)(\/.*)$/.exec(url.pathname);
    const path = version?.[2] ?? url.pathname;
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      authorized: req.headers.authorization === `Bot ${this.deps.token}`,
      time: Date.now(),
      status: 0,
      injected: false,
    };
    this.deps.requests.push(record);
    let reply: Reply;
    try {
      reply = await this.process(req, url, method, path, version?.[1], raw, record);
    } catch (error) {
      if (error instanceof Dropped) {
        res.destroy();
        return;
      }
      reply = this.fromError(error, record);
    }
    const after = this.deps.hold(record, 'after');
    if (after && !(await after)) {
      res.destroy();
      return;
    }
    record.status = reply.status;
    if (reply.status >= 400) this.noteInteractionFailure(record, reply);
    if (this.deps.latencyMs > 0) await sleep(this.deps.latencyMs);
    send(res, reply);
  }

  private async process(
    req: IncomingMessage,
    url: URL,
    method: string,
    path: string,
    version: string | undefined,
    raw: Buffer,
    record: RecordedRequest,
  ): Promise<Reply> {
    const violation = (kind: ViolationKind, message: string, errors: string[] = []): void =>
      this.deps.violation({ kind, method, path, ...(record.route ? { route: record.route } : {}), message, errors, body: record.body });

    if (version !== '10') {
      violation('unknown-route', `not an /api/v10 path: ${url.pathname}`);
      return notFound();
    }
    const parsed = await parseBody(req.headers['content-type'], raw);
    record.body = parsed.body;
    record.files = parsed.files;

    const match = this.deps.validator.match(method, path);
    if (!match) {
      const methods = this.deps.validator.methodsFor(path);
      violation('unknown-route', methods.length > 0 ? `method not allowed; the spec has ${methods.join(', ')} for this path` : 'no such route in the OpenAPI spec');
      return methods.length > 0 ? { status: 405, body: { message: '405: Method Not Allowed', code: 0 } } : notFound();
    }
    const template = match.operation.template;
    record.route = template;

    const interactionRoute = isInteractionRoute(template);
    const authHeader = req.headers.authorization;
    const needsAuth = !interactionRoute && !NO_AUTH_ROUTES.has(template);
    if ((needsAuth && !record.authorized) || (authHeader !== undefined && !record.authorized)) {
      violation('auth', authHeader === undefined ? 'missing Authorization header' : 'wrong Authorization header (expected "Bot <token>")');
      return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    }

    const injected = this.deps.injector.take(method, path, template);
    if (injected) {
      record.injected = true;
      this.deps.stats.injectedFailures += 1;
      return injected;
    }
    const limit = this.deps.limiter.check(method, template, match.params, interactionRoute);
    if (limit.reject) return limit.reject;

    if (parsed.error) {
      violation('body', parsed.error);
      return { status: 400, body: { message: parsed.error, code: 50109 } };
    }
    const problems: [ViolationKind, string, string[]][] = [
      ['path', 'path parameters do not match the spec', this.deps.validator.validatePath(match)],
      ['query', 'query string does not match the spec', this.deps.validator.validateQuery(match, url.searchParams)],
      ['schema', `body does not match the requestBody schema of ${match.operation.operationId}`, this.deps.validator.validateBody(match, parsed.body, parsed.kind)],
      ['limit', 'body breaks documented Discord limits', checkLimits(method, template, parsed.body, parsed.files.length)],
    ];
    const found = problems.filter(([, , errors]) => errors.length > 0);
    for (const [kind, message, errors] of found) violation(kind, message, errors);
    const rejected = found.filter(([kind]) => REJECTED_KINDS.includes(kind));
    if (this.deps.rejectInvalid && rejected.length > 0) {
      const lines = rejected.flatMap(([kind, , errors]) => errors.map((e) => ({ code: `FAKE_DISCORD_${kind.toUpperCase()}`, message: e })));
      return { status: 400, headers: limit.headers, body: { message: 'Invalid Form Body', code: 50035, errors: { fake_discord: { _errors: lines } } } };
    }

    const handler = this.deps.handlers.get(`${method} ${template}`);
    if (!handler) {
      violation('unimplemented', `fake-discord does not implement ${method} ${template} (it is in the spec)`);
      return { status: 404, body: { message: `fake-discord does not implement ${method} ${template}`, code: 0 } };
    }
    const before = this.deps.hold(record, 'before');
    if (before && !(await before)) throw new Dropped('dropped by a hold');
    const result = handler({ method, path, params: match.params, query: url.searchParams, body: parsed.body, files: parsed.files });
    return { status: result.status, body: result.body, headers: { ...limit.headers, ...result.headers } };
  }

  private fromError(error: unknown, record: RecordedRequest): Reply {
    if (error instanceof ApiError) {
      if (error.violation) {
        this.deps.violation({
          kind: error.violation.kind,
          method: record.method,
          path: record.path,
          ...(record.route ? { route: record.route } : {}),
          message: error.violation.message,
          errors: [`${error.status} ${error.code} ${error.message}`],
          body: record.body,
        });
      }
      return { status: error.status, body: { message: error.message, code: error.code, ...(error.errors ? { errors: error.errors } : {}) } };
    }
    // A bug in the fake or a test helper: make it loud.
    this.deps.violation({
      kind: 'unimplemented',
      method: record.method,
      path: record.path,
      ...(record.route ? { route: record.route } : {}),
      message: `fake-discord threw while handling the request: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      errors: [],
      body: record.body,
    });
    return { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
  }

  private noteInteractionFailure(record: RecordedRequest, reply: Reply): void {
    const token = /^\/(?:interactions\/\d+|webhooks\/\d+)\/([^/]+)/.exec(record.path)?.[1];
    if (!token) return;
    const message = isObject(reply.body) ? String(reply.body.message) : '';
    this.deps.interactionFailure(decodeURIComponent(token), `${record.method} ${record.route ?? record.path} → ${reply.status} ${message}`);
  }

  private serveFile(pathname: string, res: ServerResponse): void {
    const id = pathname.split('/')[3] ?? '';
    const file = this.deps.file(id);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.size) }).end(file.data);
  }
}

function notFound(): Reply {
  return { status: 404, body: { message: '404: Not Found', code: 0 } };
}

function send(res: ServerResponse, reply: Reply | LimitedResponse): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const json = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json';
  res.writeHead(reply.status, headers).end(json);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface ParsedBody {
  kind: BodyKind;
  body: unknown;
  files: FakeFile[];
  error?: string;
}

/** JSON bodies, and multipart bodies (payload_json + files[n]) as @discordjs/rest sends them. */
async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { kind: 'none', body: undefined, files: [] };
  if (raw.length > MAX_BODY - 1024 * 1024) return { kind: 'none', body: undefined, files: [], error: 'Request entity too large' };
  const type = contentType?.toLowerCase() ?? '';
  if (type.startsWith('application/json')) {
    try {
      return { kind: 'json', body: JSON.parse(raw.toString('utf8')), files: [] };
    } catch {
      return { kind: 'json', body: undefined, files: [], error: 'The request body contains invalid JSON.' };
    }
  }
  if (type.startsWith('multipart/form-data') && contentType) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: FakeFile[] = [];
    const fields: Record<string, unknown> = {};
    let payload: unknown;
    let error: string | undefined;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            payload = JSON.parse(value);
          } catch {
            error = 'payload_json contains invalid JSON.';
          }
        } else {
          fields[field] = value;
        }
      } else {
        const data = Buffer.from(await value.arrayBuffer());
        files.push({ field, name: value.name, contentType: value.type || 'application/octet-stream', data, size: data.length });
      }
    }
    return { kind: 'multipart', body: payload ?? fields, files, ...(error ? { error } : {}) };
  }
  return { kind: 'none', body: undefined, files: [], error: `unsupported content-type ${JSON.stringify(contentType)}` };
}
