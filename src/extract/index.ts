/**
 * The article extractor: forecasts found in an article's text, each with its verbatim quote, the
 * speaker as the article names them, a restatement no stronger than the quote, a proposed
 * check-by date with the words it came from, an ICD-203 hedge band, a family guess and why it was
 * picked. Offline and explainable: sentences (sentences.ts) → attributed speech (attribution.ts)
 * → forecast cues (cues.ts) → horizon (horizon.ts), hedge (hedge.ts), family (family.ts).
 * Candidates are for a person to review; nothing here touches the ledger.
 */
import type { ArticleInput, Candidate } from './types.js';
import { proposeCondition } from './condition.js';
import { attributedSegments, FORECAST_VERBS, MAX_SENTENCE, readStructure, type Segment } from './attribution.js';
import { describeCue, readCues } from './cues.js';
import { readHedge } from './hedge.js';
import { readHorizon } from './horizon.js';
import { guessFamily } from './family.js';
import { HEDGE_BAND_INFO, mirrorBand } from '../ledger/hedge.js';

export type { ArticleInput, Candidate, Extraction } from './types.js';
export { articleFromHtml, articleFromText } from './html.js';
export { fetchArticle, fetchPage, FetchArticleError, type FetchedPage, type FetchArticleOptions } from './fetch.js';

export interface ExtractOptions {
  /** YYYY-MM-DD, used when the article has no date. Default: today (UTC). */
  today?: string;
}

/** A candidate (the contract's, with its optional `negated`). */
export type ExtractedCandidate = Candidate;

const LEADING = /^(?:[\s,;:—–-]+|(?:but|and|so|yet|still|however|clearly|frankly|honestly|look|well|now|mark my words|at that rate|that said)\b[,:]?\s*)+/i;

/** Trim a segment to its words: no surrounding spaces, quote marks or trailing commas. */
function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && /[\s“”"‘,;:—–-]/.test(text[start]!)) start++;
  while (end > start && /[\s“”",;:—–-]/.test(text[end - 1]!)) end--;
  return [start, end];
}

/** The quote, restated plainly: lead-ins dropped, one sentence; hedges and conditions kept. */
export function restate(quote: string, speaker: string | null, verb: string, form: Segment['form']): string {
  let s = quote.replace(/\s+/g, ' ').trim();
  if (form === 'paraphrase') s = s.replace(/^that\s+/i, '');
  const withoutLead = s.replace(LEADING, '');
  if (withoutLead.length > 10) s = withoutLead;
  if (form === 'paraphrase' && FORECAST_VERBS.has(verb) && speaker && !/\b(?:expect|predict|forecast|anticipat|project)/i.test(s)) s = `${speaker} ${verb} ${s}`;
  s = s.charAt(0).toUpperCase() + s.slice(1);
  if (!/[.!?…]$/.test(s)) s += '.';
  return s;
}

function isHeading(text: string): boolean {
  const t = text.trim();
  return !/[.!?…]["”’)\]]*$/.test(t) || t.split(/\s+/).length < 4;
}

const ANAPHORIC = /^(?:when (?:it|that|this|they|he|she) (?:does|do|happens?|comes?)|once (?:it|that|this) (?:does|happens)|then|after that|by then|at that point)\b/i;

const todayUtc = () => new Date().toISOString().slice(0, 10);

/** Text past this many characters (about 30,000 words) is not read: no article is that long, a hostile file may be. */
export const MAX_TEXT_CHARS = 200_000;

/** Candidates found per article at most (a review draft keeps the first 50). */
export const MAX_CANDIDATES = 200;
/** Context read around a forecast when its sentence is longer than MAX_SENTENCE. */
const CONTEXT_WINDOW = 600;

/** The sentence of a segment, or the part of it around the segment when the sentence is not prose-sized. */
function contextOf(text: string, seg: Segment): string {
  const s = seg.sentence;
  if (s.end - s.start <= MAX_SENTENCE) return s.text;
  return text.slice(Math.max(s.start, seg.start - CONTEXT_WINDOW), Math.min(s.end, seg.end + CONTEXT_WINDOW));
}

/**
 * The forecasts of an article, in reading order. Bounded whatever the text: at most
 * MAX_TEXT_CHARS read, MAX_CANDIDATES found, and no segment longer than a prose sentence
 * considered, so the work grows with the text, never with its square.
 */
export function extractCandidates(input: ArticleInput, opts: ExtractOptions = {}): ExtractedCandidate[] {
  const text = input.text.length > MAX_TEXT_CHARS ? input.text.slice(0, MAX_TEXT_CHARS) : input.text;
  const publishedOn = input.publishedOn ?? opts.today ?? todayUtc();
  const ctx = readStructure(text);
  const usContextText = text.slice(0, 20_000);
  const headings = new Set(ctx.paragraphs.filter((p) => isHeading(text.slice(p.start, p.end))).map((p) => p.index));
  const out: ExtractedCandidate[] = [];
  const seen = new Set<string>();
  for (const seg of attributedSegments(ctx)) {
    if (out.length >= MAX_CANDIDATES) break;
    if (seg.end - seg.start > MAX_SENTENCE) continue;
    if (headings.has(seg.sentence.paragraph)) continue;
    const [start, end] = trimSpan(text, seg.start, seg.end);
    const quote = text.slice(start, end);
    if (quote.split(/\s+/).length < 4) continue;
    const key = `${start}:${end}`;
    if (seen.has(key)) continue;
    const reading = readCues(quote, publishedOn);
    const forecastVerb = seg.form === 'paraphrase' && FORECAST_VERBS.has(seg.verb);
    if (reading.rejected && !forecastVerb) continue;
    seen.add(key);
    const hedge = readHedge(forecastVerb ? `${seg.verb} ${quote}` : quote);
    const context = contextOf(text, seg);
    let horizon = readHorizon(quote, publishedOn, context, { article: usContextText });
    // "When it does, …", "Then …": the horizon of the forecast it follows
    const previous = out.at(-1);
    if (previous && previous.speaker === seg.speaker && horizon.phrase.startsWith('no horizon') && ANAPHORIC.test(quote) && previous.checkBy) {
      horizon = { checkBy: previous.checkBy, phrase: `as the forecast before it (${previous.checkByPhrase})`, anchor: previous.anchor };
    }
    const why: string[] = [];
    why.push(seg.speaker ? `attributed (${seg.form}): ${seg.verb}` : `unattributed ${seg.form}`);
    if (forecastVerb) why.push(`expectation: ${seg.verb}`);
    const described = new Set<string>();
    for (const c of reading.cues) {
      const d = describeCue(c);
      if (!described.has(d.toLowerCase())) described.add(d.toLowerCase()) && why.push(d);
      if (described.size >= 6) break;
    }
    // A claim is scored as stated ("there won't be a shift" comes true when there is none), so a
    // negated forecast's band is mirrored: "very unlikely that X" is "very likely that not X".
    const band = hedge.negated ? mirrorBand(hedge.band) : hedge.band;
    why.push(`hedge: ${hedge.phrase}${hedge.negated ? ` (negated: ${HEDGE_BAND_INFO[band].label} that the claim as stated comes true)` : ''}`);
    if (horizon.anchor) why.push(`anchored on ${horizon.anchor}`);
    const candidate: ExtractedCandidate = {
      quote,
      start,
      end,
      speaker: seg.speaker,
      restatement: restate(quote, seg.speaker, seg.verb, seg.form),
      checkBy: horizon.checkBy,
      checkByPhrase: horizon.phrase,
      anchor: horizon.anchor,
      hedge: band,
      hedgePhrase: hedge.phrase,
      family: guessFamily(`${quote} ${context}`),
      why,
    };
    if (hedge.negated) candidate.negated = true;
    const condition = proposeCondition(quote);
    if (condition) candidate.condition = condition;
    out.push(candidate);
  }
  return out.sort((a, b) => a.start - b.start);
}
