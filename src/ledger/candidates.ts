/**
 * What reading an article hands over for review: the article as text and the forecasts found in
 * it. The extractor (src/extract/) produces these, the review drafts (drafts.ts) keep them: one
 * definition, here, because the ledger sits below the extractor. Plain data.
 */
import type { HedgeBand } from './hedge.js';

/** An article as text with what is known about it. */
export interface ArticleInput {
  /** The main text (for HTML, what readability took out of the page), paragraphs separated by blank lines. */
  text: string;
  title?: string | null;
  outlet?: string | null;
  /** YYYY-MM-DD; horizons ("by January", "next year") are read against it. Unknown → the caller's today. */
  publishedOn?: string | null;
  url?: string | null;
}

/** One forecast the extractor found, for a person to review. Never added to the ledger unreviewed. */
export interface Candidate {
  /** Verbatim from the article text (a substring of `text`, whitespace as in the text). */
  quote: string;
  /** Offsets of `quote` in `ArticleInput.text`. */
  start: number;
  end: number;
  /** The speaker as the article names them ("a Russian government official", "Dmitry Peskov"); null when unattributed. */
  speaker: string | null;
  /** A plain restatement, no stronger than the quote: it keeps the quote's condition and hedge. */
  restatement: string;
  /** Proposed check-by date, YYYY-MM-DD, or null when the article gives no horizon. */
  checkBy: string | null;
  /** The words the date came from ("by January", "within weeks"), or the rule used when there were none. */
  checkByPhrase: string | null;
  /** An event-anchored horizon ("the inauguration") the reviewer must confirm the date of; null when none. */
  anchor: string | null;
  /** How sure the wording sounds that the claim as stated comes true (ICD-203 band). */
  hedge: HedgeBand;
  /** The words the band came from ("would be logical", "will"). */
  hedgePhrase: string;
  /**
   * Set when the wording is negated ("won't", "I don't think … will"). The band is still the
   * chance that the claim as stated comes true ("there won't be X": came true when X did not
   * happen), i.e. the mirror of the chance the wording gives X. Absent otherwise.
   */
  negated?: boolean;
  /** The condition the wording hangs the forecast on ("Trump takes office and forms his team", src/extract/condition.ts), for the reviewer to accept or drop; absent (or null once dropped) when unconditional. */
  condition?: string | null;
  /** A family guess (see src/ledger/families.ts when it exists; otherwise a short lower-case label). */
  family: string | null;
  /** Why it was picked: the cues found, in words ("future tense: will keep advancing", "attributed: said"). */
  why: string[];
}
