/**
 * The pure rules of evidence items (no database): the sides, the side of a vote's evidence, a side
 * as typed, and the checks of a link and a note. Shared by the ledger (evidence.ts) and the import
 * check that runs on the worker pool (transfer/prepare.ts).
 */
import { invalid } from './errors.js';
import { BASE_LOCALE, LANGUAGES, t } from '../i18n/index.js';
import { LIMITS } from './limits.js';
import type { Verdict } from './rules.js';
import { optionalText, optionalUrl } from './validate.js';

export const EVIDENCE_SIDES = ['came_true', 'did_not', 'context'] as const;
export type EvidenceSide = (typeof EVIDENCE_SIDES)[number];
/** The sides in English (in a member's language: `t('sides.came_true')`). */
export const EVIDENCE_SIDE_LABELS = Object.fromEntries(EVIDENCE_SIDES.map((s) => [s, t(BASE_LOCALE, `sides.${s}`)])) as Record<EvidenceSide, string>;

/** Each side as the catalogs name it, in every language (a form's side may be typed in any). */
const SIDE_WORDS = new Map(EVIDENCE_SIDES.flatMap((s) => LANGUAGES.map((code) => [t(code, `sides.${s}`).toLowerCase().replace(/[\s_-]+/g, ' '), s] as const)));

/**
 * The side a vote's evidence supports: came true and *partly* back "came true" (partly is a partial
 * success: the evidence shows at least part of it happened), did not backs "did not", too early is
 * context (it shows where things stand, not an outcome).
 */
export function sideForVerdict(verdict: Verdict): EvidenceSide {
  return verdict === 'came_true' || verdict === 'partly' ? 'came_true' : verdict === 'did_not' ? 'did_not' : 'context';
}

/** A side as a member may type it in the form ("came true", "did-not", "ctx", "yes", …), or a clear error. */
export function parseSide(value: string | null | undefined): EvidenceSide {
  const v = (value ?? '').trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  if (v === '' || v === 'context' || v === 'ctx' || v === 'c') return 'context';
  if (['came true', 'true', 'yes', 'for', 't', 'y'].includes(v)) return 'came_true';
  if (['did not', 'didnt', "didn't", 'false', 'no', 'against', 'n', 'd'].includes(v)) return 'did_not';
  const named = SIDE_WORDS.get(v);
  if (named) return named;
  throw invalid('ledgerErrors.sideTyped', { got: v.slice(0, 40) });
}

/** `/vote … evidence:` text: one http(s) link alone becomes the link, anything else the note. */
export function splitEvidence(text: string): { url: string | null; note: string | null } {
  const t = text.trim();
  return /^https?:\/\/\S+$/i.test(t) && t.length <= LIMITS.url ? { url: t, note: null } : { url: null, note: t };
}

/** Validates a link and a note (at least one; http(s) only; the ledger's length caps). */
export function checkEvidence(input: { url?: string | null; note?: string | null }): { url: string | null; note: string | null } {
  const url = optionalUrl('Link', input.url);
  const note = optionalText('Note', input.note, LIMITS.evidence);
  if (!url && !note) throw invalid('ledgerErrors.linkOrNote');
  return { url, note };
}

