/**
 * custom_id formats of the bot's buttons. They carry only what the click needs (a claim number
 * and a verdict, or a list page); the server always comes from the interaction itself, and
 * every parse is strict, so a forged id is refused rather than guessed at.
 */
import { STATUS_FILTERS, type StatusFilter } from '../ledger/claims.js';
import { VERDICTS, type Verdict } from '../ledger/rules.js';

const MAX = 100;

/** `vote:<claim number>:<verdict>` */
export const voteId = (number: number, verdict: Verdict) => `vote:${number}:${verdict}`;

export function parseVoteId(id: string): { number: number; verdict: Verdict } | null {
  const m = /^vote:([1-9]\d{0,9}):([a-z_]+)$/.exec(id);
  if (!m || !(VERDICTS as readonly string[]).includes(m[2]!)) return null;
  return { number: Number(m[1]), verdict: m[2] as Verdict };
}

export interface ListState {
  status: StatusFilter;
  page: number;
  family: string | null;
  speaker: string | null;
}

const SEP = '|'; // stripped from the filters it separates
const clean = (s: string | null, n: number) => (s ? s.replaceAll(SEP, ' ').slice(0, n) : '');

/** `list:<p|n>:<status>:<page>␟<family>␟<speaker>`; the p/n tag keeps both buttons' ids distinct. */
export function listId(state: ListState, tag: 'p' | 'n'): string {
  const id = `list:${tag}:${state.status}:${Math.max(1, state.page)}${SEP}${clean(state.family, 40)}${SEP}${clean(state.speaker, 40)}`;
  return id.slice(0, MAX);
}

export function parseListId(id: string): ListState | null {
  const m = /^list:[pn]:([a-z]+):([1-9]\d{0,5})\|([^|]{0,40})\|([^|]{0,40})$/u.exec(id);
  if (!m || !(STATUS_FILTERS as readonly string[]).includes(m[1]!)) return null;
  return { status: m[1] as StatusFilter, page: Number(m[2]), family: m[3] || null, speaker: m[4] || null };
}

/** Draft review buttons: a accept, c accept a duplicate anyway, e edit, d discard, p/n previous/next page, v view. */
export const DRAFT_ACTIONS = ['a', 'c', 'e', 'd', 'p', 'n', 'v'] as const;
export type DraftAction = (typeof DRAFT_ACTIONS)[number];

/** `draft:<action>:<draft id>:<candidate index>`; the server comes from the interaction, the state from the database. */
export const draftId = (action: DraftAction, id: number, index: number) => `draft:${action}:${id}:${index}`;

export function parseDraftId(customId: string): { action: DraftAction; id: number; index: number } | null {
  const m = /^draft:([a-z]):([1-9]\d{0,9}):(\d{1,3})$/.exec(customId);
  if (!m || !(DRAFT_ACTIONS as readonly string[]).includes(m[1]!)) return null;
  return { action: m[1] as DraftAction, id: Number(m[2]), index: Number(m[3]) };
}

/** The Edit form of a draft's candidate: `dedit:<draft id>:<candidate index>`. */
export const draftEditId = (id: number, index: number) => `dedit:${id}:${index}`;

export function parseDraftEditId(customId: string): { id: number; index: number } | null {
  const m = /^dedit:([1-9]\d{0,9}):(\d{1,3})$/.exec(customId);
  return m ? { id: Number(m[1]), index: Number(m[2]) } : null;
}

/** The confirmation of /predict delete: `delete:<claim number>:<yes|no>`. */
export const deleteId = (number: number, answer: 'yes' | 'no') => `delete:${number}:${answer}`;

export function parseDeleteId(customId: string): { number: number; answer: 'yes' | 'no' } | null {
  const m = /^delete:([1-9]\d{0,9}):(yes|no)$/.exec(customId);
  return m ? { number: Number(m[1]), answer: m[2] as 'yes' | 'no' } : null;
}
