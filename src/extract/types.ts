/**
 * The contract between the article extractor (src/extract/) and what uses it (/predict extract,
 * the review drafts, the quality benchmark). Plain data: no Discord, no database. The article and
 * the candidate are defined once, in src/ledger/candidates.ts (the drafts keep them, and the
 * ledger sits below the extractor).
 */
import type { ArticleInput, Candidate } from '../ledger/candidates.js';

export type { ArticleInput, Candidate } from '../ledger/candidates.js';

export interface Extraction {
  article: ArticleInput;
  candidates: Candidate[];
}

/** Text past this many characters (about 30,000 words) is not read: no article is that long, a hostile file may be. */
export const MAX_TEXT_CHARS = 200_000;

/** Candidates found per article at most (the search stops there; a review draft keeps fewer). */
export const MAX_CANDIDATES = 200;
