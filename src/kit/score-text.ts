/**
 * Scores as text: the numbers the leaderboards and round posts show, and the "Score changes"
 * lines of a round post (members as mentions; never parsed, see allowedMentions).
 */
import { scoreChanges } from '../ledger/leaderboard.js';
import { SCORE_DECIMALS, scoreKey, type RankedMember, type ScoreChange } from '../ledger/scoring.js';
import { fitLines } from './render.js';
import type { GuildScope } from '../ledger/context.js';
import { EN, type Translator } from '../i18n/index.js';
import { serverTranslator } from './locale.js';

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
export function formatScoreChanges(changes: readonly ScoreChange[], maxChars: number, t: Translator = EN): string {
  const lines = changes.map((c) => {
    const who = `<@${c.userId}>`;
    if (c.after === null) return t('scoreText.notScored', { who });
    if (c.before === null || c.delta === null) return t('scoreText.firstScore', { who, score: formatScore(c.after) });
    const key = scoreKey(c.delta);
    const change = key < 0 ? t('scoreText.better', { delta: formatScore(c.delta) }) : key > 0 ? t('scoreText.worse', { delta: formatScore(c.delta) }) : t('scoreText.noChange');
    return `${who} ${formatScore(c.before)} → ${formatScore(c.after)} · ${change}`;
  });
  return fitLines(lines, maxChars, (n) => t('scoreText.moreMembers', { count: n, shown: t.number(n) }));
}

/** How much of a round post's summary the score changes may take (under an embed description's limit). */
export const SCORE_NOTES_CHARS = 3000;

/** The "Score changes" lines of a round post: who gained and who lost on the claims it reports resolved. */
export async function roundScoreNotes(ctx: GuildScope, claimIds: number[]): Promise<string[]> {
  // In the server's language, as the round that shows them.
  const t = await serverTranslator(ctx, null);
  const text = formatScoreChanges(await scoreChanges(ctx, claimIds), SCORE_NOTES_CHARS, t);
  return text ? text.split('\n') : [];
}
