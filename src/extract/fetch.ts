/**
 * Fetching an article's page, safely. http(s) only. We resolve the host ourselves and check every
 * address it resolves to: private, loopback, link-local, unique-local, multicast, unspecified and
 * reserved ranges are refused (IPv4-mapped and other IPv6 forms that embed an IPv4 address are
 * checked as that address), unless `allowPrivateAddresses` (tests). The connection is then pinned
 * to the address we checked (node:http's `lookup` option), so a second DNS answer (rebinding)
 * cannot slip another address in. Redirects are followed by hand, at most 5, each one checked
 * again. The body is streamed and abandoned past the size limit (default 2 MB); one time limit
 * (default 10 s) covers everything, redirects included. Only text/html (or XHTML) and text/plain
 * are read, decoded by the charset the header or the page's <meta> names (default UTF-8).
 *
 * Every refusal is a FetchArticleError: a catalog key (extract.fetch.…) with its values, shown to a
 * member in their language by `in(locale)`; its `message` is the English text.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { ArticleInput } from './types.js';
import { translator, type Vars } from '../i18n/index.js';

export type FetchErrorCode = 'bad-url' | 'bad-scheme' | 'private-address' | 'dns' | 'network' | 'timeout' | 'too-large' | 'too-many-redirects' | 'http-status' | 'not-html';

/** Why a page could not be read: a key of the catalogs' `extract.fetch` group. */
export type FetchReason =
  | 'dns'
  | 'privateAddress'
  | 'badUrl'
  | 'badScheme'
  | 'tooLargeMb'
  | 'tooLargeKb'
  | 'timeout'
  | 'unreachable'
  | 'unreachableCode'
  | 'redirectNowhere'
  | 'tooManyRedirects'
  | 'httpStatus'
  | 'notHtml'
  | 'notHtmlUntyped'
  | 'unreadableFrom'
  | 'unreadable';

/** A reason in a language; numbers as that language writes them ("1.5" / "1,5"), never grouped (a status code). */
function reasonIn(locale: string | null | undefined, reason: FetchReason, vars: Vars): string {
  const tr = translator(locale);
  const shown = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'number' ? tr.number(v, { maximumFractionDigits: 1, useGrouping: false }) : v]));
  return tr(`extract.fetch.${reason}`, shown);
}

export class FetchArticleError extends Error {
  override readonly name = 'FetchArticleError';
  constructor(
    readonly code: FetchErrorCode,
    readonly reason: FetchReason,
    readonly vars: Vars = {},
  ) {
    super(reasonIn('en', reason, vars));
  }

  /** The reason in a locale (the member's). */
  in(locale: string | null | undefined): string {
    return reasonIn(locale, this.reason, this.vars);
  }
}

export interface FetchArticleOptions {
  /**
   * Let loopback and private addresses through (tests and local test doubles): true for all of
   * them, or a list of the addresses allowed ("127.0.0.1"). Default false.
   */
  allowPrivateAddresses?: boolean | readonly string[];
  /** Default 2 MB. */
  maxBytes?: number;
  /** The whole fetch, redirects included. Default 10 000 ms. */
  timeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
  /** Resolve a host name to addresses (tests). Default: the system resolver, every address. */
  resolve?: (host: string) => Promise<{ address: string; family: 4 | 6 }[]>;
}

/** A page as read, before any parsing: its text decoded, and what it was. */
export interface FetchedPage {
  /** The body decoded to text. */
  text: string;
  /** text/html, application/xhtml+xml or text/plain. */
  contentType: string;
  /** The address the page was finally read from, after redirects. */
  finalUrl: string;
  charset: string;
  bytes: number;
  redirects: number;
}

export interface FetchedArticle {
  article: ArticleInput;
  /** The address the page was finally read from, after redirects. */
  finalUrl: string;
  contentType: string;
  charset: string;
  bytes: number;
  redirects: number;
}

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REDIRECTS = 5;

const MB = 1024 * 1024;
/** The size limit as the reason says it: whole MB, MB to a tenth, or KB. */
const sizeReason = (n: number): [FetchReason, Vars] =>
  n % MB === 0 ? ['tooLargeMb', { size: n / MB }] : n >= MB ? ['tooLargeMb', { size: Math.round((n / MB) * 10) / 10 }] : ['tooLargeKb', { size: Math.round(n / 1024) }];
/** Seconds, whole or to a tenth. */
const seconds = (ms: number) => (ms % 1000 === 0 ? ms / 1000 : Math.round(ms / 100) / 10);

// ── Addresses ──────────────────────────────────────────────────────────────────────────────

function ipv4Bytes(address: string): number[] | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

/** The 8 16-bit groups of an IPv6 address (with an embedded IPv4 tail, a zone id dropped), or null. */
function ipv6Groups(address: string): number[] | null {
  let a = address.split('%')[0]!.toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  let tail: number[] = [];
  const lastColon = a.lastIndexOf(':');
  if (a.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4Bytes(a.slice(lastColon + 1));
    if (!v4) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    a = `${a.slice(0, lastColon + 1)}${tail.length ? '0:0' : ''}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s ? s.split(':').map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? parseInt(h, 16) : NaN)) : []);
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const groups = halves.length === 2 ? [...head, ...new Array(8 - head.length - rest.length).fill(0), ...rest] : head;
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null;
  if (tail.length) [groups[6], groups[7]] = tail;
  return groups;
}

/** Why an IPv4 address may not be fetched, or null when it is public. */
function blockedV4(b: number[]): string | null {
  const [a, b1, c] = b as [number, number, number, number];
  if (a === 0) return 'unspecified';
  if (a === 10 || (a === 172 && b1 >= 16 && b1 <= 31) || (a === 192 && b1 === 168)) return 'private';
  if (a === 100 && b1 >= 64 && b1 <= 127) return 'private (carrier-grade NAT)';
  if (a === 127) return 'loopback';
  if (a === 169 && b1 === 254) return 'link-local';
  if (a === 192 && b1 === 0 && (c === 0 || c === 2)) return 'reserved';
  if (a === 198 && (b1 === 18 || b1 === 19)) return 'reserved';
  if ((a === 198 && b1 === 51 && c === 100) || (a === 203 && b1 === 0 && c === 113)) return 'reserved';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved';
  return null;
}

/** Why an address may not be fetched ("loopback", "private", …), or null when it is a public one. */
export function blockedAddressReason(address: string): string | null {
  const v = isIP(address.split('%')[0]!.replace(/^\[|\]$/g, ''));
  if (v === 4) return blockedV4(ipv4Bytes(address)!);
  if (v !== 6) return 'not an IP address';
  const g = ipv6Groups(address);
  if (!g) return 'not an IP address';
  const embedded = (hi: number, lo: number) => [hi >> 8, hi & 255, lo >> 8, lo & 255];
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d)
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return blockedV4(embedded(g[6]!, g[7]!)) ?? (g[5] === 0 ? 'reserved' : null);
  if (g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g[5] === 0) return blockedV4(embedded(g[6]!, g[7]!));
  if (g[0] === 0x64 && g[1] === 0xff9b) return blockedV4(embedded(g[6]!, g[7]!)) ?? null;
  if (g[0] === 0x2002) return blockedV4(embedded(g[1]!, g[2]!)); // 6to4
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'site-local';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return 'reserved (discard)';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'reserved (documentation)';
  return null;
}

const defaultResolve = async (host: string) => (await dnsLookup(host, { all: true, verbatim: true })).map((r) => ({ address: r.address, family: (r.family === 6 ? 6 : 4) as 4 | 6 }));

/** The refusal of an address that is not public (loopback, private, link-local, …), the same for all of them. */
/** The private-address refusal in English. */
export const NOT_PUBLIC = reasonIn('en', 'privateAddress', {});

/** The address to connect to: every address the host resolves to is checked, the first one is used. */
async function checkedAddress(url: URL, opts: FetchArticleOptions): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  let addresses: { address: string; family: 4 | 6 }[];
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (opts.resolve ?? defaultResolve)(host);
    } catch {
      throw new FetchArticleError('dns', 'dns', { host });
    }
    if (!addresses.length) throw new FetchArticleError('dns', 'dns', { host });
  }
  if (opts.allowPrivateAddresses !== true) {
    const allowed = Array.isArray(opts.allowPrivateAddresses) ? opts.allowPrivateAddresses : [];
    for (const a of addresses) {
      const why = allowed.includes(a.address) ? null : blockedAddressReason(a.address);
      // Said without the address or why: the answer must not map the network the bot runs in.
      if (why) throw new FetchArticleError('private-address', 'privateAddress');
    }
  }
  return addresses[0]!;
}

// ── Fetching ───────────────────────────────────────────────────────────────────────────────

function parseUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = base ? new URL(raw, base) : new URL(raw.trim());
  } catch {
    throw new FetchArticleError('bad-url', 'badUrl');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchArticleError('bad-scheme', 'badScheme', { scheme: url.protocol.replace(/:$/, '') });
  return url;
}

interface Response {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  stream: http.IncomingMessage;
}

function request(url: URL, pinned: { address: string; family: 4 | 6 }, signal: AbortSignal, userAgent: string): Promise<Response> {
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'GET',
        lookup,
        signal,
        headers: { 'user-agent': userAgent, accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1', 'accept-encoding': 'gzip, deflate, br' },
        agent: false,
      },
      (res) => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, stream: res }),
    );
    req.on('error', reject);
    req.end();
  });
}

/** The body, decompressed, up to `maxBytes` (the request is abandoned past it). */
async function readBody(res: Response, maxBytes: number, abort: () => void): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  const tooLarge = () => new FetchArticleError('too-large', ...sizeReason(maxBytes));
  if (Number.isFinite(declared) && declared > maxBytes) {
    abort();
    throw tooLarge();
  }
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase().trim();
  let stream: Readable = res.stream;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.stream.pipe(createGunzip());
  else if (encoding === 'deflate') stream = res.stream.pipe(createInflate());
  else if (encoding === 'br') stream = res.stream.pipe(createBrotliDecompress());
  const chunks: Buffer[] = [];
  let total = 0;
  let raw = 0;
  res.stream.on('data', (c: Buffer) => {
    raw += c.length;
    if (raw > maxBytes) res.stream.destroy(tooLarge());
  });
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      abort();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const READABLE_TYPES = new Set(['text/html', 'application/xhtml+xml', 'text/plain']);

/** The charset of the Content-Type header, else of the page's <meta>, else UTF-8. */
export function charsetOf(contentType: string, head: Buffer | string): string {
  const fromHeader = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1];
  const sniff = typeof head === 'string' ? head : head.subarray(0, 4096).toString('latin1');
  const fromMeta = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(sniff)?.[1];
  for (const label of [fromHeader, fromMeta]) {
    if (!label) continue;
    try {
      return new TextDecoder(label).encoding;
    } catch {
      // an unknown label: try the next
    }
  }
  return 'utf-8';
}

/**
 * Fetch a page and read the article out of it. Throws FetchArticleError (message for the member)
 * for every refusal: bad link, private address, too large, too slow, not a web page, HTTP error.
 * The parsing runs on the calling thread: the bot reads pages with fetchPage and parses them on
 * its worker pool (src/work/).
 */
export async function fetchArticle(rawUrl: string, opts: FetchArticleOptions = {}): Promise<FetchedArticle> {
  const page = await fetchPage(rawUrl, opts);
  // Loaded here, not at the top: the bot's event loop imports this file for fetchPage and must not load the parsers.
  const { articleFromHtml, articleFromText } = await import('./html.js');
  const article = page.contentType === 'text/plain' ? articleFromText(page.text, { url: page.finalUrl }) : articleFromHtml(page.text, page.finalUrl);
  return { article, finalUrl: page.finalUrl, contentType: page.contentType, charset: page.charset, bytes: page.bytes, redirects: page.redirects };
}

/** Fetch a page (the same checks and refusals as fetchArticle), without parsing it. */
export async function fetchPage(rawUrl: string, opts: FetchArticleOptions = {}): Promise<FetchedPage> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const userAgent = opts.userAgent ?? 'HindsightBot/0.1 (+forecast ledger; reads one article page on request)';
  const controller = new AbortController();
  const timeoutError = new FetchArticleError('timeout', 'timeout', { seconds: seconds(timeoutMs) });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(timeoutError);
      reject(timeoutError);
    }, timeoutMs);
  });
  const work = (async (): Promise<FetchedPage> => {
    let url = parseUrl(rawUrl);
    for (let redirects = 0; ; redirects++) {
      const pinned = await checkedAddress(url, opts);
      if (controller.signal.aborted) throw timeoutError;
      let res: Response;
      try {
        res = await request(url, pinned, controller.signal, userAgent);
      } catch (error) {
        if (controller.signal.aborted) throw timeoutError;
        const code = (error as NodeJS.ErrnoException).code;
        throw (code ? new FetchArticleError('network', 'unreachableCode', { host: url.host, code: String(code) }) : new FetchArticleError('network', 'unreachable', { host: url.host }));
      }
      if ([301, 302, 303, 307, 308].includes(res.status)) {
        res.stream.resume();
        const location = res.headers.location;
        if (!location) throw new FetchArticleError('http-status', 'redirectNowhere', { status: String(res.status) });
        if (redirects >= maxRedirects) throw new FetchArticleError('too-many-redirects', 'tooManyRedirects', { max: maxRedirects });
        url = parseUrl(location, url.href);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        res.stream.resume();
        throw new FetchArticleError('http-status', 'httpStatus', { status: `${res.status}${res.statusText ? ` ${res.statusText}` : ''}` });
      }
      const contentType = String(res.headers['content-type'] ?? '').trim();
      const mime = contentType.split(';')[0]!.trim().toLowerCase();
      if (!READABLE_TYPES.has(mime)) {
        res.stream.destroy();
        throw (mime ? new FetchArticleError('not-html', 'notHtml', { type: mime }) : new FetchArticleError('not-html', 'notHtmlUntyped'));
      }
      let body: Buffer;
      try {
        body = await readBody(res, maxBytes, () => res.stream.destroy());
      } catch (error) {
        if (error instanceof FetchArticleError) throw error;
        if (controller.signal.aborted) throw timeoutError;
        throw new FetchArticleError('network', 'unreadableFrom', { host: url.host });
      }
      const charset = charsetOf(contentType, mime === 'text/plain' ? '' : body);
      const text = new TextDecoder(charset).decode(body);
      return { text, finalUrl: url.href, contentType: mime, charset, bytes: body.length, redirects };
    }
  })();
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    if (error instanceof FetchArticleError) throw error;
    throw new FetchArticleError('network', 'unreadable');
  } finally {
    clearTimeout(timer);
    controller.abort();
    work.catch(() => {});
  }
}
