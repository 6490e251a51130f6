/**
 * Scores as text: the numbers the leaderboards and round posts show, and the "Score changes"
 * lines of a round post (members as mentions; never parsed, see allowedMentions).
 */
import { scoreChanges } from '../ledger/leaderboard.js';
import { SCORE_DECIMALS, scoreKey, type RankedMember, type ScoreChange } from '../ledger/scoring.js';
import { fitLines } from './render.js';
import type { GuildScope } from '../ledger/context.js';

/** 0.123 */
export const formatScore = (x: number) => (Math.abs(scoreKey(x)) / 10 ** SCORE_DECIMALS).toFixed(SCORE_DECIMALS);

/** +0.012 / −0.034 / ±0.000 (typographic minus). */
export function formatSigned(x: number): string {
  const key = scoreKey(x);
  return `${key > 0 ? '+' : key < 0 ? '−' : '±'}${formatScore(x)}`;
}

/** A percentage without a useless ".0": 70%, 33.3%. */
export const formatPct = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;

/** "1", or "=2" when the rank is shared. */
export const rankLabel = (m: Pick<RankedMember, 'rank' | 'tied'>) => `${m.tied ? '=' : ''}${m.rank}`;

/** One line per member, "<@id> 0.250 → 0.180 · 0.070 better", within `maxChars` ("…and N more" for the rest). */
export function formatScoreChanges(changes: readonly ScoreChange[], maxChars: number): string {
  const lines = changes.map((c) => {
    const who = `<@${c.userId}>`;
    if (c.after === null) return `${who} not scored`;
    if (c.before === null || c.delta === null) return `${who} first score: ${formatScore(c.after)}`;
    const key = scoreKey(c.delta);
    const change = key < 0 ? `${formatScore(c.delta)} better` : key > 0 ? `${formatScore(c.delta)} worse` : 'no change';
    return `${who} ${formatScore(c.before)} → ${formatScore(c.after)} · ${change}`;
  });
  return fitLines(lines, maxChars, (n) => `…and ${n} more member${n === 1 ? '' : 's'}`);
}

/** How much of a round post's summary the score changes may take (under an embed description's limit). */
export const SCORE_NOTES_CHARS = 3000;

/** The "Score changes" lines of a round post: who gained and who lost on the claims it reports resolved. */
export async function roundScoreNotes(ctx: GuildScope, claimIds: number[]): Promise<string[]> {
  const text = formatScoreChanges(await scoreChanges(ctx, claimIds), SCORE_NOTES_CHARS);
  return text ? text.split('\n') : [];
}
