/**
 * The custom id of every button and form the bot draws: one format each, with its prefix (what the
 * router routes by) written once, how an id is written, and a strict reader of it. Ids carry only
 * what the click needs (a claim number and a verdict, a list page, a draft and a candidate); the
 * server always comes from the interaction itself, and every read is strict, so a forged id is
 * refused rather than guessed at.
 *
 * A component (src/components/) names its format (`ids: voteIds`) and gets what the id carries,
 * already read. The formats live here, in the kit, because the kit's views draw some of these
 * buttons (the vote row of a claim card, Previous/Next of a list) for the commands, the rounds and
 * the card flusher alike.
 */
import { STATUS_FILTERS, type StatusFilter } from '../ledger/claim-queries.js';
import { VERDICTS, type Verdict } from '../ledger/rules.js';
import type { CustomIdReader } from './types.js';

/** Discord's limit on a custom id. */
const MAX = 100;

/** A custom id format: `<prefix>:<what write gives>`, read back by `read` (null: not one of ours). */
export interface CustomIdFormat<A, P extends unknown[]> extends CustomIdReader<A> {
  encode(...args: P): string;
}

function format<P extends unknown[], A>(prefix: string, write: (...args: P) => string, read: (rest: string) => A | null): CustomIdFormat<A, P> {
  const head = `${prefix}:`;
  return {
    prefix,
    encode: (...args) => `${head}${write(...args)}`.slice(0, MAX),
    parse: (customId) => (customId.startsWith(head) && customId.length <= MAX ? read(customId.slice(head.length)) : null),
  };
}

/** The vote buttons of a claim card: `vote:<claim number>:<verdict>`. */
export const voteIds = format(
  'vote',
  (number: number, verdict: Verdict) => `${number}:${verdict}`,
  (rest): { number: number; verdict: Verdict } | null => {
    const m = /^([1-9]\d{0,9}):([a-z_]+)$/.exec(rest);
    if (!m || !(VERDICTS as readonly string[]).includes(m[2]!)) return null;
    return { number: Number(m[1]), verdict: m[2] as Verdict };
  },
);

export interface ListState {
  status: StatusFilter;
  page: number;
  family: string | null;
  speaker: string | null;
  /** Text searched in the claim, its quote and its speaker (/predict list query:). */
  query?: string | null;
}

const SEP = '|'; // stripped from the filters it separates
const clean = (s: string | null, n: number) => (s ? s.replaceAll(SEP, ' ').slice(0, n) : '');

/** Previous/Next of a claim list: `list:<p|n>:<status>:<page>|<family>|<speaker>[|<query>]`; the p/n tag keeps both buttons' ids distinct. */
export const listIds = format(
  'list',
  (state: ListState, tag: 'p' | 'n') =>
    `${tag}:${state.status}:${Math.max(1, state.page)}${SEP}${clean(state.family, 40)}${SEP}${clean(state.speaker, 40)}${state.query ? `${SEP}${clean(state.query, QUERY_MAX)}` : ''}`,
  (rest): ListState | null => {
    const m = /^[pn]:([a-z]+):([1-9]\d{0,5})\|([^|]{0,40})\|([^|]{0,40})(?:\|([^|]{1,30}))?$/u.exec(rest);
    if (!m || !(STATUS_FILTERS as readonly string[]).includes(m[1]!)) return null;
    return { status: m[1] as StatusFilter, page: Number(m[2]), family: m[3] || null, speaker: m[4] || null, ...(m[5] ? { query: m[5] } : {}) };
  },
);

/** The longest `query:` of /predict list (what a list id can carry beside its other filters). */
export const QUERY_MAX = 30;

/** Draft review buttons: a accept, c accept a duplicate anyway, e edit, d discard, p/n previous/next page, v view, k drop the proposed condition. */
export const DRAFT_ACTIONS = ['a', 'c', 'e', 'd', 'p', 'n', 'v', 'k'] as const;
export type DraftAction = (typeof DRAFT_ACTIONS)[number];

/** A draft's review buttons: `draft:<action>:<draft id>:<candidate index>`; the state comes from the database. */
export const draftIds = format(
  'draft',
  (action: DraftAction, id: number, index: number) => `${action}:${id}:${index}`,
  (rest): { action: DraftAction; id: number; index: number } | null => {
    const m = /^([a-z]):([1-9]\d{0,9}):(\d{1,3})$/.exec(rest);
    if (!m || !(DRAFT_ACTIONS as readonly string[]).includes(m[1]!)) return null;
    return { action: m[1] as DraftAction, id: Number(m[2]), index: Number(m[3]) };
  },
);

/** The Edit form of a draft's candidate: `dedit:<draft id>:<candidate index>`. */
export const draftEditIds = format(
  'dedit',
  (id: number, index: number) => `${id}:${index}`,
  (rest): { id: number; index: number } | null => {
    const m = /^([1-9]\d{0,9}):(\d{1,3})$/.exec(rest);
    return m ? { id: Number(m[1]), index: Number(m[2]) } : null;
  },
);

/** The probabilities a claim card offers as buttons (others through the "Other…" form). */
export const FORECAST_CHOICES = [10, 30, 50, 70, 90] as const;

/** A card's forecast buttons: `fc:<claim number>:<probability 1–99, or o for the Other… form>`. */
export const forecastIds = format(
  'fc',
  (number: number, probability: number | 'other') => `${number}:${probability === 'other' ? 'o' : probability}`,
  (rest): { number: number; probability: number | 'other' } | null => {
    const m = /^([1-9]\d{0,9}):(o|[1-9]\d?)$/.exec(rest);
    if (!m) return null;
    return { number: Number(m[1]), probability: m[2] === 'o' ? 'other' : Number(m[2]) };
  },
);

/** The "Other…" forecast form of a claim card: `fcf:<claim number>`. */
export const forecastFormIds = format(
  'fcf',
  (number: number) => `${number}`,
  (rest): { number: number } | null => (/^[1-9]\d{0,9}$/.test(rest) ? { number: Number(rest) } : null),
);

/** Previous/Next of /predict mine: `mine:<p|n>:<page>` (the member is always the clicker). */
export const mineIds = format(
  'mine',
  (page: number, tag: 'p' | 'n') => `${tag}:${Math.max(1, page)}`,
  (rest): { page: number } | null => {
    const m = /^[pn]:([1-9]\d{0,5})$/.exec(rest);
    return m ? { page: Number(m[1]) } : null;
  },
);

/** The confirmation of /predict delete: `delete:<claim number>:<yes|no>` (Delete / Keep it). */
export const deleteIds = format(
  'delete',
  (number: number, answer: 'yes' | 'no') => `${number}:${answer}`,
  (rest): { number: number; answer: 'yes' | 'no' } | null => {
    const m = /^([1-9]\d{0,9}):(yes|no)$/.exec(rest);
    return m ? { number: Number(m[1]), answer: m[2] as 'yes' | 'no' } : null;
  },
);

/** Evidence on a claim card: `evid:a:<claim number>` opens the Add evidence form, `evid:p:<claim number>:<page>` shows a page of its items. */
export const evidenceIds = format(
  'evid',
  (action: 'a' | 'p', number: number, page = 1) => (action === 'a' ? `a:${number}` : `p:${number}:${page}`),
  (rest): { action: 'a' | 'p'; number: number; page: number } | null => {
    const m = /^(a):([1-9]\d{0,9})$|^(p):([1-9]\d{0,9}):([1-9]\d{0,4})$/.exec(rest);
    if (!m) return null;
    return m[1] ? { action: 'a', number: Number(m[2]), page: 1 } : { action: 'p', number: Number(m[4]), page: Number(m[5]) };
  },
);

/** The Add evidence form of claim #number: `evform:<claim number>`. */
export const evidenceFormIds = format(
  'evform',
  (number: number) => String(number),
  (rest): { number: number } | null => {
    const m = /^([1-9]\d{0,9})$/.exec(rest);
    return m ? { number: Number(m[1]) } : null;
  },
);
