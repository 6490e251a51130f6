/**
 * The contract between the article extractor (src/extract/) and what uses it (/predict extract,
 * the review drafts, the quality benchmark). Plain data: no Discord, no database. The article and
 * the candidate are defined once, in src/ledger/candidates.ts (the drafts keep them, and the
 * ledger sits below the extractor).
 */
import type { ArticleInput, Candidate } from '../ledger/candidates.js';
import type { SpeechForm } from './attribution.js';

export type { ArticleInput, Candidate } from '../ledger/candidates.js';

export interface Extraction {
  article: ArticleInput;
  candidates: Candidate[];
}

/** Text past this many characters (about 30,000 words) is not read: no article is that long, a hostile file may be. */
export const MAX_TEXT_CHARS = 200_000;

/** Candidates found per article at most (the search stops there; a review draft keeps fewer). */
export const MAX_CANDIDATES = 200;

/** A stretch of an article considered as a forecast: the candidate it would be, and what the rules say of it. */
export interface Pooled {
  candidate: Candidate;
  /** Why the hand-written rules set it aside; null when they keep it. */
  rule: string | null;
  /** How it was found: attributed speech (its form), or a sentence no attribution covers. */
  form: SpeechForm | 'sentence';
  verb: string;
  /** The cues read in its quote, and the reading's own rejection; whether its verb is a forecasting one. */
  cues: { kind: string; phrase: string }[];
  rejected: string | null;
  forecastVerb: boolean;
  /** Up to 60 characters before the quote in its sentence (the attribution's frame). */
  before: string;
  publishedOn: string;
}
