/**
 * A claim's history in words: what each audited action reads as on the card, with field names as
 * members know them ("check-by date", not `checkBy`), and the "Edited after …" line worded by why
 * the claim was locked. Pure text, no Discord client.
 */
import { TimestampStyles, time } from '@discordjs/formatters';
import type { LockReason } from '../ledger/claim-queries.js';
import { FLAG_LABELS, OUTCOME_LABELS, VERDICT_LABELS, type FlagReason, type Outcome, type Verdict } from '../ledger/rules.js';

/** The ledger's field names (audit `changes` keys) as members read them. */
export const FIELD_LABELS: Record<string, string> = {
  text: 'text',
  quote: 'quote',
  criteria: 'criteria',
  family: 'family',
  checkBy: 'check-by date',
  checkByNote: 'why-this-date note',
  madeOn: 'date it was made',
  speaker: 'speaker',
  source: 'source',
  hedge: 'band',
  condition: 'condition',
  conditionDays: 'days after the condition',
};

export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

type Changes = Record<string, { from: unknown; to: unknown }>;

/** "check-by date 2026-03-01 → 2027-12-07, criteria": dates and bands with their values, other fields by name. */
export function describeChanges(changes: Changes | undefined | null): string {
  const entries = Object.entries(changes ?? {});
  return entries
    .map(([field, change]) => {
      const label = fieldLabel(field);
      if (field === 'checkBy' || field === 'madeOn') return `${label} ${String(change.from ?? 'none')} → ${String(change.to ?? 'none')}`;
      if (field === 'hedge' || field === 'family' || field === 'speaker') return `${label} ${String(change.to ?? 'none')}`;
      if (field === 'condition') return `${label} ${change.from == null ? 'none' : `#${String(change.from)}`} → ${change.to == null ? 'none' : `#${String(change.to)}`}`;
      if (field === 'conditionDays') return `${label} ${String(change.to ?? 'none')}`;
      return label;
    })
    .join(', ');
}

const who = (id: string) => (id === 'system' ? 'Hindsight' : `<@${id}>`);

/** What an audited action reads as after its actor's name on the card's history. */
const AUDIT_LABELS: Record<string, (d: Record<string, unknown>) => string> = {
  'claim.add': (d) => `added it${typeof d.approvedBy === 'string' ? ` (accepted by ${who(d.approvedBy)})` : ''}`,
  'claim.import': (d) => `imported it${d.from ? ` from ${String(d.from)}` : ''}`,
  'claim.edit': (d) => `edited ${describeChanges(d.changes as Changes) || 'it'}${d.from ? ` (re-import of ${String(d.from)})` : ''}`,
  'claim.delete': () => 'deleted it',
  'vote.cast': (d) => `voted ${VERDICT_LABELS[d.verdict as Verdict] ?? String(d.verdict)}`,
  'forecast.set': (d) => `forecast ${String(d.probability)}%`,
  'evidence.add': (d) => `added evidence (${String(d.side).replace('_', ' ')})`,
  'evidence.remove': (d) => `removed evidence ${String(d.evidence)}`,
  'claim.resolve': (d) =>
    `resolved it: ${OUTCOME_LABELS[d.outcome as Outcome] ?? String(d.outcome)}${d.by === 'rule' ? ' (by the vote)' : d.by === 'condition' ? ` (its condition #${String(d.condition)} did not happen)` : ''}`,
  'claim.reopen': (d) =>
    d.by === 'condition'
      ? d.waiting
        ? `put it back to waiting on #${String(d.condition)} (reopened)`
        : `opened it: its condition #${String(d.condition)} came true; check-by date ${String(d.checkBy)}`
      : d.waiting
        ? 'reopened it (waiting on its condition)'
        : 'reopened it',
  'claim.postpone': (d) => `moved the check-by date to ${String(d.to)} (too early)`,
  'claim.flag': (d) => `flagged it: ${FLAG_LABELS[d.reason as FlagReason] ?? String(d.reason)}`,
};

/** One line of a claim's history: "<date> @alice edited check-by date 2026-03-01 → 2027-12-07". */
export function historyLine(h: { createdAt: Date; actorId: string; action: string; detail: Record<string, unknown> }): string {
  return `${time(h.createdAt, TimestampStyles.ShortDate)} ${who(h.actorId)} ${AUDIT_LABELS[h.action]?.(h.detail) ?? h.action}`;
}

/** Why the claim was locked when a manager edited it, as the card says it. */
const LOCKED_WHEN: Record<LockReason, string> = {
  resolved: 'after it was resolved',
  votes: 'after voting began',
  due: 'after its check-by date passed',
  forecasts: 'after forecasts were made',
};

/** "Edited after forecasts were made by @mod on 07/12/2026 (check-by date)" */
export function lockedEditText(e: { actorId: string; at: Date; lockedBy: string; fields: string[] }): string {
  const when = LOCKED_WHEN[e.lockedBy as LockReason] ?? 'after it was locked';
  return `Edited ${when} by ${who(e.actorId)} on ${time(e.at, TimestampStyles.ShortDate)}${e.fields.length ? ` (${e.fields.map(fieldLabel).join(', ')})` : ''}`;
}
