/**
 * A claim's history in words: what each audited action reads as on the card, with field names as
 * members know them ("check-by date", not `checkBy`), and the "Edited after …" line worded by why
 * the claim was locked, in `t`'s language. Pure text, no Discord client.
 */
import { TimestampStyles, time } from '@discordjs/formatters';
import { EN, type MessageKey, type Translator } from '../i18n/index.js';
import type { LockReason } from '../ledger/claim-queries.js';
import { FLAG_REASONS, OUTCOMES, VERDICTS, type FlagReason, type Outcome, type Verdict } from '../ledger/rules.js';

/** The ledger's field names (audit `changes` keys) that members know by a name of their own. */
const FIELDS = ['text', 'quote', 'criteria', 'family', 'checkBy', 'checkByNote', 'madeOn', 'speaker', 'source', 'hedge', 'condition', 'conditionDays'] as const;
type Field = (typeof FIELDS)[number];

/** The ledger's field names as members read them, in English. */
export const FIELD_LABELS: Record<string, string> = Object.fromEntries(FIELDS.map((f) => [f, EN(`history.field.${f}`)]));

export const fieldLabel = (field: string, t: Translator = EN) =>
  (FIELDS as readonly string[]).includes(field) ? t(`history.field.${field as Field}`) : field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

type Changes = Record<string, { from: unknown; to: unknown }>;

/** "check-by date 2026-03-01 → 2027-12-07, criteria": dates and bands with their values, other fields by name. */
export function describeChanges(changes: Changes | undefined | null, t: Translator = EN): string {
  const entries = Object.entries(changes ?? {});
  const none = t('history.none');
  const value = (v: unknown) => (v == null ? none : String(v));
  const claim = (v: unknown) => (v == null ? none : `#${String(v)}`);
  return entries
    .map(([field, change]) => {
      const label = fieldLabel(field, t);
      if (field === 'checkBy' || field === 'madeOn') return `${label} ${value(change.from)} → ${value(change.to)}`;
      if (field === 'hedge' || field === 'family' || field === 'speaker') return `${label} ${value(change.to)}`;
      if (field === 'condition') return `${label} ${claim(change.from)} → ${claim(change.to)}`;
      if (field === 'conditionDays') return `${label} ${value(change.to)}`;
      return label;
    })
    .join(', ');
}

const who = (id: string) => (id === 'system' ? 'Hindsight' : `<@${id}>`);

const verdictText = (v: unknown, t: Translator) => ((VERDICTS as readonly unknown[]).includes(v) ? t(`verdicts.${v as Verdict}`) : String(v));
const outcomeText = (o: unknown, t: Translator) => ((OUTCOMES as readonly unknown[]).includes(o) ? t(`outcomes.${o as Outcome}`) : String(o));
const flagText = (f: unknown, t: Translator) => ((FLAG_REASONS as readonly unknown[]).includes(f) ? t(`flags.${f as FlagReason}`) : String(f));
const sideText = (s: unknown, t: Translator) => (s === 'came_true' || s === 'did_not' || s === 'context' ? t(`sides.${s}`) : String(s).replace('_', ' '));

/** What an audited action reads as after its actor's name on the card's history. */
const AUDIT_LABELS: Record<string, (d: Record<string, unknown>, t: Translator) => string> = {
  'claim.add': (d, t) => (typeof d.approvedBy === 'string' ? t('history.addedAccepted', { by: who(d.approvedBy) }) : t('history.added')),
  'claim.import': (d, t) => (d.from ? t('history.importedFrom', { from: String(d.from) }) : t('history.imported')),
  'claim.edit': (d, t) => {
    const what = describeChanges(d.changes as Changes, t) || t('history.it');
    return d.from ? t('history.editedReimport', { what, from: String(d.from) }) : t('history.edited', { what });
  },
  'claim.delete': (_d, t) => t('history.deleted'),
  'vote.cast': (d, t) => t('history.voted', { verdict: verdictText(d.verdict, t) }),
  'forecast.set': (d, t) => t('history.forecast', { probability: String(d.probability) }),
  'evidence.add': (d, t) => t('history.evidenceAdded', { side: sideText(d.side, t) }),
  // (its number on the claim; entries written before numbers were per claim kept only the item's id)
  'evidence.remove': (d, t) => t('history.evidenceRemoved', { id: String(d.number ?? d.evidence) }),
  'claim.resolve': (d, t) => {
    const outcome = outcomeText(d.outcome, t);
    if (d.by === 'rule') return t('history.resolvedByVote', { outcome });
    if (d.by === 'condition') return t('history.resolvedByCondition', { outcome, condition: String(d.condition) });
    return t('history.resolved', { outcome });
  },
  'claim.reopen': (d, t) =>
    d.by === 'condition'
      ? d.waiting
        ? t('history.reopenedWaitingOn', { condition: String(d.condition) })
        : t('history.openedByCondition', { condition: String(d.condition), checkBy: String(d.checkBy) })
      : d.waiting
        ? t('history.reopenedWaiting')
        : t('history.reopened'),
  'claim.postpone': (d, t) => t('history.postponed', { to: String(d.to) }),
  'claim.flag': (d, t) => t('history.flagged', { reason: flagText(d.reason, t) }),
};

/** One line of a claim's history: "<date> @alice edited check-by date 2026-03-01 → 2027-12-07". */
export function historyLine(h: { createdAt: Date; actorId: string; action: string; detail: Record<string, unknown> }, t: Translator = EN): string {
  return `${time(h.createdAt, TimestampStyles.ShortDate)} ${who(h.actorId)} ${AUDIT_LABELS[h.action]?.(h.detail, t) ?? h.action}`;
}

/** Why the claim was locked when a manager edited it, as the card says it. */
const LOCKED_WHEN: Record<LockReason, MessageKey> = {
  resolved: 'history.locked.resolved',
  votes: 'history.locked.votes',
  due: 'history.locked.due',
  forecasts: 'history.locked.forecasts',
};

/** "Edited after forecasts were made by @mod on 07/12/2026 (check-by date)" */
export function lockedEditText(e: { actorId: string; at: Date; lockedBy: string; fields: string[] }, t: Translator = EN): string {
  const when = t(LOCKED_WHEN[e.lockedBy as LockReason] ?? 'history.locked.other');
  const text = t('history.editedLocked', { when, by: who(e.actorId), on: time(e.at, TimestampStyles.ShortDate) });
  return e.fields.length ? `${text} (${e.fields.map((f) => fieldLabel(f, t)).join(', ')})` : text;
}
