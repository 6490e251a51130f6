/**
 * A claim card's data with every part a compact card can show, each as long as the ledger allows
 * (claim text, quote, notes, speaker, article, a pending condition, counts at their widest); the
 * render and language tests build on it and add what their views show.
 */
import type { CardData } from '../../src/ledger/claim-queries.js';

export function longestCardData(text: string, at: Date): CardData {
  const long = (n: number) => text.repeat(Math.ceil(n / text.length)).slice(0, n);
  const claim = {
    id: 1, guildId: '1', number: 99999, sourceKey: null, text: long(500), quote: long(2000), speakerId: 1, articleId: 1, family: long(100),
    madeOn: '2026-01-01', checkBy: '2026-02-01', checkByNote: long(1000), hedge: 'likely', criteria: long(1000),
    dueAt: new Date('2026-02-02T00:00:00Z'), windowStartsAt: new Date('2026-02-02T00:00:00Z'), votingClosesAt: new Date('2026-03-09T00:00:00Z'),
    round: 3, status: 'open', outcome: null, flag: null, resolvedBy: null, resolvedAt: null, resolutionNote: long(1000), addedBy: '2',
    conditionClaimId: 2, conditionDays: null, createdAt: at, updatedAt: at, deletedAt: null,
  } as unknown as CardData['claim'];
  return {
    claim,
    speaker: long(300),
    article: { outlet: long(200), url: `https://news.example/${long(400)}`, title: long(300), titleNote: long(300) },
    tally: { came_true: 123456, partly: 123456, did_not: 123456, too_early: 123456 },
    votesCast: 493824,
    forecasters: 99999,
    settings: { quorum: 1000, majorityPct: 100 },
    condition: { number: 99998, text: long(500), status: 'open', outcome: null },
    crowd: { median: 57.5, count: 99999 },
  };
}
