/**
 * Paragraphs, sentences and quotations of an article's text, with their offsets in it. Plain
 * functions: a sentence ends at . ? ! (or …) followed by a capital, a digit or an opening quote,
 * except after an abbreviation (Mr., U.S., Jan.), an initial (J.), or inside brackets. Quotation
 * marks don't stop the split (a long quote holds several sentences), but they are tracked: a
 * quotation left open at a paragraph's end continues when the next paragraph opens with a quote
 * mark, as newspapers print multi-paragraph quotes.
 */

export interface Span {
  start: number;
  end: number;
}

export interface Paragraph extends Span {
  index: number;
}

export interface Sentence extends Span {
  text: string;
  paragraph: number;
}

/** A run of quoted speech: its inner text (marks excluded), possibly over several paragraphs. */
export interface Quotation {
  /** The inner spans, one per paragraph the quotation covers. */
  parts: Span[];
  start: number;
  end: number;
  /** Index of the paragraph it opens in, and the one it closes in. */
  firstParagraph: number;
  lastParagraph: number;
  /** Where the opening and closing marks stand (closing: -1 when the paragraph ended it). */
  openAt: number;
  closeAt: number;
  /** Words inside: a short one ("desperate", "at this stage") is a scare quote, not speech. */
  words: number;
}

/** Paragraphs are separated by blank lines (whitespace-only lines count as blank). */
export function splitParagraphs(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  const re = /\n[ \t\r\f\v]*\n\s*/g;
  let from = 0;
  const push = (start: number, end: number) => {
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (end > start) out.push({ start, end, index: out.length });
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    push(from, m.index);
    from = m.index + m[0].length;
  }
  push(from, text.length);
  return out;
}

const ABBREVIATIONS = new Set(
  [
    'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'sen', 'rep', 'gov', 'gen', 'lt', 'col', 'capt', 'cmdr', 'sgt', 'adm', 'maj',
    'st', 'jr', 'sr', 'rev', 'hon', 'pres', 'supt', 'insp', 'det', 'messrs',
    'inc', 'corp', 'co', 'ltd', 'llc', 'plc', 'bros', 'dept', 'univ', 'assn', 'ave', 'blvd', 'rd', 'mt', 'ft',
    'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
    'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
    'no', 'nos', 'vs', 'etc', 'approx', 'est', 'fig', 'vol', 'pp', 'ca', 'cf', 'al',
  ],
);

/** The longest word before a period taken for an abbreviation ("messrs", "e.g", "U.S.A"). */
const MAX_ABBREVIATION = 12;

const OPENING_QUOTES = '“"‘«„';
const CLOSERS = '”"’\'»)]';

/** Is the period at `i` the end of an abbreviation rather than of a sentence? */
function isAbbreviation(text: string, i: number): boolean {
  let j = i;
  // An abbreviation is short: looking back further made "a.a.a.a…" quadratic.
  while (j > 0 && i - j <= MAX_ABBREVIATION && /[\p{L}.]/u.test(text[j - 1]!)) j--;
  if (i - j > MAX_ABBREVIATION) return false;
  const word = text.slice(j, i);
  if (!word) return false;
  if (/^\p{Lu}$/u.test(word)) return true; // an initial: "J. D. Vance"
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return true; // U.S, e.g, a.m
  return ABBREVIATIONS.has(word.toLowerCase());
}

/** Sentences of the whole text, in order, never crossing a paragraph. */
export function splitSentences(text: string, paragraphs: Paragraph[] = splitParagraphs(text)): Sentence[] {
  const out: Sentence[] = [];
  for (const p of paragraphs) {
    let start = p.start;
    let depth = 0;
    const push = (end: number) => {
      let s = start;
      while (s < end && /\s/.test(text[s]!)) s++;
      let e = end;
      while (e > s && /\s/.test(text[e - 1]!)) e--;
      if (e > s) out.push({ start: s, end: e, text: text.slice(s, e), paragraph: p.index });
    };
    for (let i = p.start; i < p.end; i++) {
      const c = text[i]!;
      if (c === '(' || c === '[') depth++;
      else if ((c === ')' || c === ']') && depth > 0) depth--;
      if (depth > 0 || !'.?!…'.includes(c)) continue;
      if (c === '.' && isAbbreviation(text, i)) continue;
      let j = i + 1;
      while (j < p.end && '.?!…'.includes(text[j]!)) j++;
      while (j < p.end && CLOSERS.includes(text[j]!)) j++;
      if (j >= p.end) break;
      if (!/\s/.test(text[j]!)) continue;
      let k = j;
      while (k < p.end && /\s/.test(text[k]!)) k++;
      const next = text[k];
      if (next === undefined) break;
      if (!/[\p{Lu}\p{N}]/u.test(next) && !OPENING_QUOTES.includes(next) && next !== '(' && next !== '[') continue;
      push(j);
      start = k;
      i = k - 1;
    }
    push(p.end);
  }
  return out;
}

const countWords = (s: string) => (s.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? []).length;

/**
 * Quotations: “curly” pairs, and "straight" ones taken in turn. A straight quote mark that
 * opens must follow a space, a bracket or the start of the paragraph; one that closes may not.
 */
export function findQuotations(text: string, paragraphs: Paragraph[] = splitParagraphs(text)): Quotation[] {
  const out: Quotation[] = [];
  let pending: { parts: Span[]; firstParagraph: number; openAt: number; single: boolean } | null = null;
  for (const p of paragraphs) {
    let open: { at: number; straight: boolean; single: boolean } | null = null;
    let i = p.start;
    if (pending) {
      // A quotation left open by the previous paragraph continues only if this one opens with a mark.
      const c = text[i]!;
      if (!pending.single && (c === '“' || c === '"')) {
        open = { at: i, straight: c === '"', single: false };
        i++;
      } else if (pending.single && (c === '‘' || (c === "'" && /[\p{L}\p{N}]/u.test(text[i + 1] ?? '')))) {
        open = { at: i, straight: c === "'", single: true };
        i++;
      } else {
        const last = pending.parts.at(-1)!;
        out.push(makeQuotation(text, pending.parts, pending.firstParagraph, p.index - 1, pending.openAt, -1, last));
        pending = null;
      }
    }
    for (; i < p.end; i++) {
      const c = text[i]!;
      if (c === '“' && (!open || open.single)) {
        // a double quotation opening inside a single one: the single one was an apostrophe
        open = { at: i, straight: false, single: false };
      } else if (c === '”' && open && !open.single) {
        close(i);
      } else if (c === '"') {
        if (open && open.straight && !open.single) close(i);
        else if ((!open || open.single) && (i === p.start || /[\s([\-—–]/.test(text[i - 1]!))) open = { at: i, straight: true, single: false };
      } else if (!open && singleOpens(text, i, p.start)) {
        // British style: ‘We will win,’ he said. (a single quotation only outside a double one)
        open = { at: i, straight: c === "'", single: true };
      } else if (open?.single && singleCloses(text, i, p.end)) {
        close(i);
      }
    }
    if (open) {
      const part = { start: open.at + 1, end: p.end };
      if (pending) pending.parts.push(part);
      else pending = { parts: [part], firstParagraph: p.index, openAt: open.at, single: open.single };
    }

    function close(at: number) {
      const part = { start: open!.at + 1, end: at };
      if (pending) {
        pending.parts.push(part);
        out.push(makeQuotation(text, pending.parts, pending.firstParagraph, p.index, pending.openAt, at, part));
        pending = null;
      } else {
        out.push(makeQuotation(text, [part], p.index, p.index, open!.at, at, part));
      }
      open = null;
    }
  }
  if (pending) out.push(makeQuotation(text, pending.parts, pending.firstParagraph, paragraphs.at(-1)!.index, pending.openAt, -1, pending.parts.at(-1)!));
  return out;
}

/** A single quotation mark that opens speech: ‘ or ' at the start of a paragraph or after a space or a bracket, before a letter or a digit. */
function singleOpens(text: string, i: number, paragraphStart: number): boolean {
  const c = text[i];
  if (c !== '‘' && c !== "'") return false;
  if (i > paragraphStart && !/[\s([\-—–]/.test(text[i - 1]!)) return false;
  // "'90s", "'em": an elision, not a quotation
  if (c === "'" && /^'(?:\d0s|em\b|tis\b|n\b)/i.test(text.slice(i, i + 5))) return false;
  return /[\p{L}\p{N}]/u.test(text[i + 1] ?? '');
}

/**
 * A single mark that closes speech, not an apostrophe: after the sentence's own punctuation
 * (‘We will win,’ he said), or before punctuation, a space or the paragraph's end, but not in a
 * word ("Nixon’s") nor after a plural's s before a word ("the workers’ pay").
 */
function singleCloses(text: string, i: number, paragraphEnd: number): boolean {
  const c = text[i];
  if (c !== '’' && c !== "'") return false;
  const prev = text[i - 1] ?? '';
  const next = i + 1 < paragraphEnd ? text[i + 1]! : '';
  if (/\s/.test(prev)) return false;
  if (/[,.!?…—–-]/.test(prev)) return true;
  if (next === '' || /[,.;:!?)\]—–]/.test(next)) return true;
  if (/\s/.test(next)) return !/[sS]/.test(prev) || !/^\s+\p{Ll}/u.test(text.slice(i + 1, i + 4)) || /^\s+(?:he|she|they|it|we|said|says|added|told)\b/u.test(text.slice(i + 1, i + 12));
  return false;
}

function makeQuotation(text: string, parts: Span[], firstParagraph: number, lastParagraph: number, openAt: number, closeAt: number, last: Span): Quotation {
  const words = parts.reduce((n, s) => n + countWords(text.slice(s.start, s.end)), 0);
  return { parts: [...parts], start: parts[0]!.start, end: last.end, firstParagraph, lastParagraph, openAt, closeAt, words };
}
