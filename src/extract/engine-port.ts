/**
 * TEMPORARY STAND-IN for the extraction engine (branch `extract`: src/extract/fetch.ts, html.ts,
 * index.ts). Everything outside src/extract/ imports the engine from this file only, under the
 * engine's own names, so wiring the real one at merge is replacing this file's body with
 *
 *   export { fetchArticle, FetchArticleError } from './fetch.js';
 *   export { articleFromHtml, articleFromText } from './html.js';
 *   export { extractCandidates } from './index.js';
 *
 * The stand-in is deliberately small: it finds sentences with an attributed future ("will",
 * "would", "expects") and refuses unsafe links the way the contract says, enough for the review
 * flow's tests, which rely only on what the real engine also does.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { ArticleInput, Candidate } from './types.js';
import type { HedgeBand } from '../ledger/hedge.js';

export class FetchArticleError extends Error {
  override name = 'FetchArticleError';
}

export interface FetchOptions {
  allowPrivateAddresses?: boolean;
  maxBytes?: number;
  timeoutMs?: number;
}

function isPrivate(ip: string): boolean {
  if (isIP(ip) === 6) {
    const v = ip.toLowerCase();
    if (v.startsWith('::ffff:')) return isPrivate(v.slice(7));
    return v === '::1' || v === '::' || v.startsWith('fc') || v.startsWith('fd') || v.startsWith('fe8') || v.startsWith('fe9') || v.startsWith('fea') || v.startsWith('feb');
  }
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

async function checkUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchArticleError(`"${raw.slice(0, 80)}" is not a link I can read.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchArticleError('Only http(s) links can be read.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (!addresses.length) throw new FetchArticleError(`Could not find the server ${host.slice(0, 80)}.`);
  if (!allowPrivate && addresses.some(isPrivate)) throw new FetchArticleError('That link points to a private or local address, which Hindsight does not fetch.');
  return url;
}

export async function fetchArticle(raw: string, opts: FetchOptions = {}): Promise<ArticleInput> {
  const maxBytes = opts.maxBytes ?? 5_000_000;
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  let url = await checkUrl(raw, opts.allowPrivateAddresses ?? false);
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, { redirect: 'manual', signal });
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        if (hop >= 5) throw new FetchArticleError('The link redirects too many times.');
        url = await checkUrl(new URL(response.headers.get('location')!, url).href, opts.allowPrivateAddresses ?? false);
        continue;
      }
      if (!response.ok || !response.body) throw new FetchArticleError(`The page answered HTTP ${response.status}.`);
      const type = response.headers.get('content-type') ?? '';
      if (!/text\/html|application\/xhtml|text\/plain/.test(type)) throw new FetchArticleError(`That link is not a web page (it is ${type.split(';')[0] || 'of an unknown type'}).`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new FetchArticleError(`The page is too large (more than ${Math.round(maxBytes / 1_000_000)} MB).`);
        chunks.push(Buffer.from(chunk));
      }
      const body = Buffer.concat(chunks).toString('utf8');
      return type.includes('text/plain') ? { ...articleFromText(body), url: url.href } : articleFromHtml(body, url.href);
    }
  } catch (error) {
    if (error instanceof FetchArticleError) throw error;
    if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') throw new FetchArticleError('The page took too long to answer.');
    throw new FetchArticleError('Could not reach that page.');
  }
}

export function articleFromHtml(html: string, url?: string): ArticleInput {
  const { document } = parseHTML(html);
  const meta = (name: string) => document.querySelector(`meta[property="${name}"], meta[name="${name}"]`)?.getAttribute('content') ?? null;
  const parsed = new Readability(document as never).parse();
  const text = (parsed?.textContent ?? document.body?.textContent ?? '')
    .split(/\n\s*\n|\n/)
    .map((p: string) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
  const published = meta('article:published_time')?.slice(0, 10) ?? null;
  return {
    text,
    title: parsed?.title || meta('og:title') || null,
    outlet: meta('og:site_name') ?? (url ? new URL(url).hostname.replace(/^www\./, '') : null),
    publishedOn: published && /^\d{4}-\d{2}-\d{2}$/.test(published) ? published : null,
    url: url ?? null,
  };
}

export function articleFromText(text: string): ArticleInput {
  const normalised = text.replace(/\r\n?/g, '\n').trim();
  const first = normalised.split('\n', 1)[0]?.trim() ?? '';
  return { text: normalised, title: first && first.length <= 200 && !/[.!?]["”]?$/.test(first) ? first : null };
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function horizon(sentence: string): { date: string; phrase: string } | null {
  const m = new RegExp(`\\b(?:by|in|before|until) (?:the end of )?(?:(${MONTHS.join('|')}) )?(\\d{4})\\b`, 'i').exec(sentence);
  if (!m) return null;
  const year = Number(m[2]);
  const month = m[1] ? MONTHS.indexOf(m[1].toLowerCase()) + 1 : 12;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { date: `${year}-${String(month).padStart(2, '0')}-${last}`, phrase: m[0] };
}

const HEDGES: [RegExp, HedgeBand][] = [
  [/\b(?:certainly|definitely) will\b/i, 'almost-certain'],
  [/\bwill\b/i, 'very-likely'],
  [/\b(?:expects?|likely)\b/i, 'likely'],
  [/\b(?:would|could|may|might)\b/i, 'even-chance'],
];

export function extractCandidates(input: ArticleInput, opts: { today?: string } = {}): Candidate[] {
  void opts;
  const out: Candidate[] = [];
  const sentence = /[^.!?\n]+(?:[.!?]+["”]?|$)/g;
  for (const m of input.text.matchAll(sentence)) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    const quote = raw.trim();
    const said = /,?["”]?,? (?:said|says|told [^,.]+|added) ([^,.]+?)[.,]?$/i.exec(quote) ?? /^([A-Z][^,]+?) (?:said|says) /.exec(quote);
    const hedge = HEDGES.find(([re]) => re.test(quote));
    if (!said || !hedge || quote.length < 20) continue;
    const when = horizon(quote);
    const start = m.index + lead;
    out.push({
      quote,
      start,
      end: start + quote.length,
      speaker: said[1]!.trim(),
      restatement: quote.replace(/^["“]/, '').replace(/[,.]?["”]?,? (?:said|says|told|added)\b.*$/i, '').trim(),
      checkBy: when?.date ?? null,
      checkByPhrase: when?.phrase ?? null,
      anchor: null,
      hedge: hedge[1],
      hedgePhrase: hedge[0].exec(quote)![0],
      family: null,
      why: [`future or hedged wording: ${hedge[0].exec(quote)![0]}`, `attributed: ${said[0].trim().slice(0, 60)}`],
    });
  }
  return out;
}
