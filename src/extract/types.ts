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
