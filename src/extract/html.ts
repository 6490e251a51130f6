/**
 * An article out of a web page: @mozilla/readability (Firefox's reader view) on a linkedom DOM
 * takes out the main text, kept as paragraphs separated by blank lines; the page's own metadata
 * gives the title, the outlet (og:site_name, the JSON-LD publisher, else the host) and the
 * publication date (article:published_time, JSON-LD datePublished, a <time datetime>). Plain text
 * goes through articleFromText. No network here: see fetch.ts.
 *
 * Readability's cost grows faster than the page: a hostile page of a few kilobytes (thousands of
 * nested elements) or a flat one near the size cap (tens of thousands of links) kept it busy for
 * seconds to minutes. So a cheap scan of the markup (scanHtml: one pass, no DOM) counts the
 * elements and the nesting depth first, and a page past MAX_ELEMENTS or MAX_DEPTH is refused
 * with a PageTooComplexError before anything is parsed; article pages are far inside both.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { t } from '../i18n/index.js';
import * as chrono from 'chrono-node';
import type { ArticleInput } from './types.js';

/** The little of the DOM this file uses (the project compiles without the DOM library). */
interface El {
  tagName?: string;
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<El>;
  getAttribute?(name: string): string | null;
}
interface Doc {
  querySelector(sel: string): El | null;
  querySelectorAll(sel: string): ArrayLike<El>;
  title?: string;
}

const BLOCKS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'BLOCKQUOTE', 'PRE', 'DD', 'DT', 'FIGCAPTION', 'TD', 'TH']);
const CONTAINERS = new Set(['DIV', 'SECTION', 'ARTICLE', 'MAIN', 'UL', 'OL', 'DL', 'TABLE', 'TBODY', 'THEAD', 'TR', 'FIGURE', 'HEADER', 'FOOTER', 'ASIDE', 'BODY', 'HTML', 'SPAN']);

const squash = (s: string) => s.replace(/[ \t\r\n\f\v\u00a0]+/g, ' ').trim();

/** The text of a DOM subtree as paragraphs: one per block element, blank lines between. */
function paragraphsOf(root: El): string[] {
  const out: string[] = [];
  let loose = '';
  const flush = () => {
    const t = squash(loose);
    if (t) out.push(t);
    loose = '';
  };
  const walk = (node: El) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 3) {
        loose += child.textContent ?? '';
      } else if (child.nodeType === 1) {
        const tag = (child.tagName ?? '').toUpperCase();
        if (tag === 'BR') loose += '\n';
        else if (BLOCKS.has(tag)) {
          flush();
          const t = squash(child.textContent ?? '');
          if (t) out.push(t);
        } else if (CONTAINERS.has(tag) && tag !== 'SPAN') {
          flush();
          walk(child);
          flush();
        } else walk(child);
      }
    }
  };
  walk(root);
  flush();
  return out;
}

/** YYYY-MM-DD of a date-time string as the page wrote it (its own calendar day, not UTC's). */
export function isoDay(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
}

interface JsonLdFacts {
  headline?: string;
  datePublished?: string;
  publisher?: string;
}

function jsonLd(doc: Doc): JsonLdFacts {
  const facts: JsonLdFacts = {};
  const roots: unknown[] = [];
  for (const script of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      roots.push(JSON.parse(script.textContent ?? ''));
    } catch {
      // a broken JSON-LD block is ignored
    }
  }
  // nodes by their @id: a publisher is often a reference ({"@id": "#org"}) to a node of the @graph
  const byId = new Map<string, Record<string, unknown>>();
  const index = (node: unknown, depth = 0) => {
    if (!node || typeof node !== 'object' || depth > 8) return;
    if (Array.isArray(node)) return node.forEach((n) => index(n, depth + 1));
    const o = node as Record<string, unknown>;
    if (typeof o['@id'] === 'string' && typeof o.name === 'string' && !byId.has(o['@id'])) byId.set(o['@id'], o);
    for (const v of Object.values(o)) if (v && typeof v === 'object') index(v, depth + 1);
  };
  roots.forEach((r) => index(r));
  const nameOf = (pub: unknown): string | undefined => {
    if (typeof pub === 'string') return pub.trim() || undefined;
    if (Array.isArray(pub)) {
      for (const p of pub) {
        const n = nameOf(p);
        if (n) return n;
      }
      return undefined;
    }
    if (!pub || typeof pub !== 'object') return undefined;
    const o = pub as Record<string, unknown>;
    if (typeof o.name === 'string' && o.name.trim()) return o.name.trim();
    const ref = typeof o['@id'] === 'string' ? byId.get(o['@id']) : undefined;
    return ref && ref !== o && typeof ref.name === 'string' && ref.name.trim() ? ref.name.trim() : undefined;
  };
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const o = node as Record<string, unknown>;
    if (o['@graph']) visit(o['@graph']);
    const type = String(o['@type'] ?? '');
    if (/Article|Posting|Report|WebPage/i.test(type) || o.datePublished) {
      if (typeof o.headline === 'string') facts.headline ??= o.headline;
      if (typeof o.datePublished === 'string') facts.datePublished ??= o.datePublished;
      facts.publisher ??= nameOf(o.publisher);
    }
  };
  roots.forEach(visit);
  return facts;
}

const meta = (doc: Doc, ...names: string[]) => {
  for (const n of names) {
    const el = doc.querySelector(`meta[property="${n}"]`) ?? doc.querySelector(`meta[name="${n}"]`) ?? doc.querySelector(`meta[itemprop="${n}"]`);
    const v = el?.getAttribute?.('content');
    if (v && v.trim()) return v.trim();
  }
  return null;
};

const hostOf = (url: string | null | undefined) => {
  if (!url) return null;
  try {
    return new URL(url).hostname.replace(/^www\./, '') || null;
  } catch {
    return null;
  }
};

/** More elements than this is not an article page (a long one has a few thousand). */
export const MAX_ELEMENTS = 30_000;
/** Deeper nesting than this is not an article page (real ones stay under a hundred levels). */
export const MAX_DEPTH = 256;

/** A page refused before parsing (too many elements, or nested too deep); the message is for the member. */
/** A page refused before parsing; `key` and `vars` tell it in the member's language (`message` is English). */
export class PageTooComplexError extends Error {
  override name = 'PageTooComplexError';
  constructor(
    readonly key: 'extract.page.tooManyElements' | 'extract.page.tooDeep',
    readonly vars: { max: number },
  ) {
    super(t('en', key, vars));
  }
}

/** Elements whose content is text, not markup (the scan skips to their end tag). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
/** Elements that never have content. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen', 'command', 'basefont', 'bgsound', 'frame', 'image', 'menuitem']);
/** Elements an opening tag of the same kind closes (`<li>a<li>b`), as HTML parsers do. */
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'rb', 'rt', 'rp']);
/** Block elements that close an open <p>. */
const CLOSES_P = new Set(['address', 'article', 'aside', 'blockquote', 'div', 'dl', 'fieldset', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'ul']);

const rawTextEnds = new Map<string, RegExp>();
const rawTextEnd = (name: string) => {
  let re = rawTextEnds.get(name);
  if (!re) rawTextEnds.set(name, (re = new RegExp(`</${name}`, 'gi')));
  return re;
};

export interface HtmlShape {
  /** Start tags (elements) outside comments and raw-text content. */
  elements: number;
  /** The deepest nesting of elements (implied end tags of <p>, <li>, <td>… applied). */
  depth: number;
}

/**
 * The shape of a page without building it: one pass over the markup counting start tags and
 * tracking open elements. It stops as soon as a limit is passed (the shape then says so). An
 * approximation of what an HTML parser builds, but never a gross under-count: an unknown or
 * unclosed element counts as open until its end tag or its parent's.
 */
export function scanHtml(html: string, limits: { elements: number; depth: number } = { elements: MAX_ELEMENTS, depth: MAX_DEPTH }): HtmlShape {
  const open: string[] = [];
  let elements = 0;
  let depth = 0;
  let foreign = 0; // inside <svg> or <math>, where `/>` closes an element
  const tag = /<(\/?)([a-zA-Z][^\s/>]*)([^>]*)>/y;
  // Past the last '>' no tag can end: stopping there keeps every match attempt short (linear overall).
  const lastGt = html.lastIndexOf('>');
  let i = html.indexOf('<');
  while (i !== -1 && i < lastGt) {
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      if (end === -1) break;
      i = html.indexOf('<', end + 3);
      continue;
    }
    if (html[i + 1] === '!' || html[i + 1] === '?') {
      const end = html.indexOf('>', i + 2);
      if (end === -1) break;
      i = html.indexOf('<', end + 1);
      continue;
    }
    tag.lastIndex = i;
    const m = tag.exec(html);
    if (!m) {
      i = html.indexOf('<', i + 1);
      continue;
    }
    const name = m[2]!.toLowerCase();
    const closing = m[1] === '/';
    let next = tag.lastIndex;
    if (closing) {
      const at = open.lastIndexOf(name);
      if (at !== -1) {
        for (let k = open.length - 1; k >= at; k--) if (open[k] === 'svg' || open[k] === 'math') foreign--;
        open.length = at;
      }
    } else {
      elements++;
      if (elements > limits.elements) return { elements, depth };
      const top = open.at(-1);
      if (top === 'p' && CLOSES_P.has(name)) open.pop();
      else if (top === name && SELF_CLOSING_SIBLINGS.has(name)) open.pop();
      const selfClosed = m[3]!.trimEnd().endsWith('/') && foreign > 0;
      if (!VOID.has(name) && !selfClosed) {
        if (RAW_TEXT.has(name)) {
          const endTag = rawTextEnd(name);
          endTag.lastIndex = next;
          next = endTag.exec(html) ? endTag.lastIndex - name.length - 2 : html.length;
        } else {
          open.push(name);
          if (name === 'svg' || name === 'math') foreign++;
          if (open.length > depth) depth = open.length;
          if (depth > limits.depth) return { elements, depth };
        }
      }
    }
    i = html.indexOf('<', next);
  }
  return { elements, depth };
}

/** Refuses a page past the limits, with a message for the member. */
export function assertReadableHtml(html: string): void {
  const shape = scanHtml(html);
  if (shape.elements > MAX_ELEMENTS) throw new PageTooComplexError('extract.page.tooManyElements', { max: MAX_ELEMENTS });
  if (shape.depth > MAX_DEPTH) throw new PageTooComplexError('extract.page.tooDeep', { max: MAX_DEPTH });
}

/** An article out of an HTML page (refused with PageTooComplexError past the limits, before parsing). */
export function articleFromHtml(html: string, url?: string | null): ArticleInput {
  assertReadableHtml(html);
  const { document } = parseHTML(html);
  const doc = document as unknown as Doc;
  // metadata first: Readability changes the document it reads
  const ld = jsonLd(doc);
  const ogTitle = meta(doc, 'og:title', 'twitter:title');
  // the outlet: the page's own name for itself (a link in a meta tag is no name)
  const named = (v: string | null | undefined) => (v && !/^(?:https?:|www\.)/i.test(v.trim()) ? v.trim() : null);
  const outletMeta = named(meta(doc, 'og:site_name')) ?? named(ld.publisher) ?? named(meta(doc, 'publisher', 'dc.publisher', 'DC.publisher', 'application-name'));
  const timeEl = doc.querySelector('article time[datetime]') ?? doc.querySelector('time[datetime]');
  const published = isoDay(meta(doc, 'article:published_time', 'datePublished', 'date', 'pubdate', 'publish-date', 'dc.date')) ?? isoDay(ld.datePublished) ?? isoDay(timeEl?.getAttribute?.('datetime'));
  const h1 = doc.querySelector('h1')?.textContent;
  const pageTitle = doc.title ?? doc.querySelector('title')?.textContent ?? null;

  const reader = new Readability<El>(document as never, { serializer: (node) => node as unknown as El }).parse();
  let paragraphs = reader?.content ? paragraphsOf(reader.content) : [];
  if (!paragraphs.length) {
    const body = doc.querySelector('body');
    paragraphs = body ? paragraphsOf(body) : [];
  }
  const title = squash(ld.headline ?? ogTitle ?? h1 ?? reader?.title ?? pageTitle ?? '') || null;
  // the headline often opens the extracted text too; the article's text starts after it
  if (title && paragraphs[0] && squash(paragraphs[0]) === title) paragraphs = paragraphs.slice(1);
  const text = paragraphs.join('\n\n');
  const outlet = outletMeta ?? named(reader?.siteName) ?? outletFromByline(text) ?? hostOf(url);
  return { text, title, outlet, publishedOn: published ?? isoDay(reader?.publishedTime), url: url ?? null };
}

/** Words that follow a name in a byline without being an outlet ("By Jane Roe, Staff Writer"). */
const NOT_OUTLET = /\b(?:correspondents?|reporters?|writers?|editors?|staff|contributors?|contributing|columnist|analyst|bureau|chief|desk|senior|associate|special|freelance|updated|published|posted|photos?|video|and|in|at|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|ago|am|pm|gmt|utc|et)\b|\d/i;
const NAME = String.raw`\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|van|von|de|da|del|der|di|le|la|bin|al))*`;
/** "By Jane Roe, Reuters", "By Jane Roe and John Doe | The Herald", "By Jane Roe for The Herald". */
const BYLINE = new RegExp(String.raw`^(?:[Ww]ritten\s+)?(?:[Bb]y|BY)\s+${NAME}(?:\s*(?:,|and|&)\s*${NAME})*?\s*(?:,|\||—|–|\s-\s|\s+for\s+)\s*((?:[Tt]he\s+)?\p{Lu}[^,|—–]{0,60}?)\s*(?:[,|—–].*)?$`, 'u');
/** "WASHINGTON (Reuters) - ", "NEW YORK, March 3 (AP) — ", "(AFP) - ": the wire in brackets after the place. */
const DATELINE = /^(?:\p{Lu}{2}[\p{Lu}\p{L}\p{N} .,'’/-]{0,60}?\s*)?\((\p{Lu}[\p{L}&.' -]{1,30}?)\)\s*[-–—]+\s/u;

/** The outlet a plain text names in its byline or dateline among its first paragraphs, or null. */
export function outletFromByline(text: string): string | null {
  const paragraphs = text.trim().split(/\n\s*\n|\n/).slice(0, 8).map((p) => p.trim()).filter(Boolean);
  for (const p of paragraphs) {
    const words = p.split(/\s+/).length;
    if (words <= 16) {
      const m = BYLINE.exec(p);
      const outlet = m?.[1]?.trim().replace(/[.:;]+$/, '');
      if (outlet && outlet.split(/\s+/).length <= 6 && !NOT_OUTLET.test(outlet)) return outlet.charAt(0).toUpperCase() + outlet.slice(1);
    }
    const d = DATELINE.exec(p);
    if (d && !NOT_OUTLET.test(d[1]!)) return d[1]!.trim();
  }
  return null;
}

/** A full date (day, month and year) in a byline or dateline among the first short lines: "By A. Writer — May 9, 2024". */
function bylineDate(text: string): string | null {
  const lines = text.trim().split(/\n\s*\n/).slice(0, 4).map((p) => p.trim()).filter((p) => p.split(/\s+/).length <= 25);
  for (const line of lines) {
    for (const r of chrono.parse(line)) {
      const c = r.start;
      if (c.isCertain('day') && c.isCertain('month') && c.isCertain('year')) return `${c.get('year')}-${String(c.get('month')).padStart(2, '0')}-${String(c.get('day')).padStart(2, '0')}`;
    }
  }
  return null;
}

/**
 * An article from plain text: paragraphs as they are (blank lines between), the first line as the
 * title when it reads like a headline, the date of a byline among the first short lines, the
 * outlet of a byline ("By Jane Roe, Reuters") or a wire dateline ("WASHINGTON (Reuters) -").
 */
export function articleFromText(text: string, meta: Partial<Omit<ArticleInput, 'text'>> = {}): ArticleInput {
  const clean = text.replace(/\r\n?/g, '\n').replace(/^\uFEFF/, '');
  const first = clean.trim().split('\n')[0]?.trim() ?? '';
  const headline = first && first.split(/\s+/).length <= 20 && !/[.!?…]["”’]?$/.test(first) && /\n\s*\n/.test(clean) ? first.replace(/^["“]|["”]$/g, '') : null;
  return { text: clean, title: meta.title ?? headline, outlet: meta.outlet ?? outletFromByline(clean), publishedOn: meta.publishedOn ?? bylineDate(clean), url: meta.url ?? null };
}
