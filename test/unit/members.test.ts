/** The ids and the form reading of the card's forecast buttons, /predict mine paging and the list query (issue 24). */
import { describe, expect, it } from 'vitest';
import { forecastFormIds, forecastIds, listIds, mineIds } from '../../src/kit/custom-ids.js';
import { readPercent } from '../../src/components/forecast.js';
import { claimCard } from '../../src/kit/render.js';
import type { CardData } from '../../src/ledger/claim-queries.js';

describe('forecast button ids', () => {
  it('round-trip a probability or Other…, and refuse anything else', () => {
    expect(forecastIds.parse(forecastIds.encode(12, 30))).toEqual({ number: 12, probability: 30 });
    expect(forecastIds.parse(forecastIds.encode(12, 'other'))).toEqual({ number: 12, probability: 'other' });
    for (const forged of ['fc:12:0', 'fc:12:100', 'fc:0:30', 'fc:12:3o', 'fc:12:', 'vote:12:30', 'fc:12:30:1']) expect(forecastIds.parse(forged)).toBeNull();
    expect(forecastFormIds.parse(forecastFormIds.encode(7))).toEqual({ number: 7 });
    expect(forecastFormIds.parse('fcf:x')).toBeNull();
    expect(mineIds.parse(mineIds.encode(3, 'n'))).toEqual({ page: 3 });
    expect(mineIds.parse('mine:n:0')).toBeNull();
  });

  it('the Other… form reads 1–99 (with or without %), and refuses the rest', () => {
    expect(readPercent('65')).toBe(65);
    expect(readPercent(' 65% ')).toBe(65);
    expect(readPercent('12.5')).toBe(12.5);
    expect(readPercent('12,5')).toBe(12.5);
    for (const bad of ['0', '100', '150', '-5', 'abc', '', '5e1', '99.5.1']) expect(() => readPercent(bad)).toThrow(/from 1 to 99/);
  });
});

describe('list ids with a query', () => {
  it('carry the query, and old ids without one still read', () => {
    const state = { status: 'open' as const, page: 2, family: 'war', speaker: 'Ryabkov', query: 'ceasefire talks' };
    expect(listIds.parse(listIds.encode(state, 'n'))).toEqual(state);
    expect(listIds.parse('list:n:open:2|war|Ryabkov')).toEqual({ status: 'open', page: 2, family: 'war', speaker: 'Ryabkov' });
  });
});

describe('the card', () => {
  const card = (dueAt: Date, crowd: CardData['crowd'] = null): CardData =>
    ({
      claim: { number: 4, text: 'Talks start', status: 'open', outcome: null, flag: null, dueAt, votingClosesAt: new Date(dueAt.getTime() + 7 * 864e5), checkBy: '2027-01-01', round: 1, hedge: null },
      speaker: null,
      article: null,
      tally: null,
      votesCast: 0,
      forecasters: 0,
      settings: { quorum: 3, majorityPct: 60 },
      crowd,
    }) as unknown as CardData;
  const now = new Date('2026-12-01T00:00:00Z');
  const labels = (r: ReturnType<typeof claimCard>) => (r.components ?? []).flatMap((row) => (row as { components: { label?: string }[] }).components.map((b) => b.label));

  it('carries forecast buttons before the check date and vote buttons (and Add evidence) after it, and the crowd when the ledger hands it', () => {
    expect(labels(claimCard(card(new Date('2027-01-02T00:00:00Z')), now))).toEqual(['10%', '30%', '50%', '70%', '90%', 'Other…']);
    expect(labels(claimCard(card(new Date('2026-11-30T00:00:00Z')), now))).toEqual(['Came true', 'Partly', 'Did not', 'Too early', 'Add evidence']);
    const withCrowd = claimCard(card(new Date('2026-11-30T00:00:00Z'), { median: 42.5, count: 4 }), now);
    expect(withCrowd.embeds![0]!.fields).toContainEqual({ name: 'Crowd', value: 'median 42.5% of 4', inline: true });
    expect(JSON.stringify(claimCard(card(new Date('2026-11-30T00:00:00Z')), now))).not.toMatch(/Crowd/);
  });
});
