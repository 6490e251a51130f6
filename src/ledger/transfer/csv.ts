/** A ledger export as CSV, for spreadsheets. */
import type { LedgerExport } from './schema.js';

const CSV_COLUMNS = [
  'number', 'key', 'claim', 'quote', 'speaker', 'outlet', 'article_title', 'article_url', 'published_on', 'family',
  'made_on', 'check_by', 'criteria', 'status', 'outcome', 'came_true', 'partly', 'did_not', 'too_early',
  'resolved_by', 'resolved_by_name', 'resolved_at', 'added_by', 'added_by_name', 'condition', 'condition_days', 'evidence',
] as const;

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvHeader = () => CSV_COLUMNS.join(',');

/** Members' names where known (memberNames), for the *_name columns beside their ids. */
export type CsvNames = ReadonlyMap<string, string>;

/**
 * One claim's row (ending in CRLF) with the current round's tally; tally cells are empty where
 * the export holds no votes (claims only, or blind voting). A name column stays empty where the
 * name is not known.
 */
export function csvRow(c: LedgerExport['claims'][number], memberData: boolean, conditionNumber?: number | null, names: CsvNames = new Map()): string {
  const current = c.votes.filter((v) => v.round === c.round);
  const withTally = memberData && !c.votesHidden;
  const n = (verdict: string) => (withTally ? current.filter((v) => v.verdict === verdict).length : null);
  const row = [
    c.number, c.key, c.text, c.quote, c.speaker, c.article?.outlet, c.article?.title, c.article?.url, c.article?.publishedOn,
    c.family, c.madeOn, c.checkBy, c.criteria, c.status, c.outcome, n('came_true'), n('partly'), n('did_not'), n('too_early'),
    c.resolvedBy, c.resolvedBy ? names.get(c.resolvedBy) : null, c.resolvedAt, c.addedBy, c.addedBy ? names.get(c.addedBy) : null,
    c.condition ? `#${conditionNumber ?? c.condition}` : null, c.condition ? c.conditionDays : null,
    // Each item on a line of the cell: its side (left out while blind voting hides the sides), link, note.
    (c.evidence ?? []).map((e) => [c.votesHidden ? null : e.side.replace('_', ' '), e.url, e.note].filter(Boolean).join(' · ')).join('\n') || null,
  ];
  return `${row.map(csvCell).join(',')}\r\n`;
}

/** One row per claim, for spreadsheets; `names`: members' names where known, beside their ids. */
export function exportCsv(data: LedgerExport, names: CsvNames = new Map()): string {
  const numberByKey = new Map(data.claims.map((c) => [c.key, c.number]));
  return `${csvHeader()}\r\n${data.claims.map((c) => csvRow(c, data.memberData !== false, c.condition ? numberByKey.get(c.condition) : null, names)).join('')}`;
}
