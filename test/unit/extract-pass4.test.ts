/**
 * Extraction's pool, session 7 (issue 23): attribution the pool did not read, found in the misses of
 * sets already spent as measures, each pinned here in sentences written for this file (not the
 * articles' own): forecasting verbs after a plural subject ("Analysts estimate …"), the progressive
 * with an adverb ("Investors are widely expecting …"), an inverted "…, reckons X", a paragraph that
 * ends on a credit ("… ” — Name, Outlet") rather than a full stop, and the one credited as its speaker;
 * and, after the measure's one scoring (found in a training article's draft, chosen on leave-one-set-out:
 * no change there), a bare agency dateline ("(Reuters) - ") that is no part of a quote or a speaker, and
 * the past clause before ", but" cut from a forecast whose attribution follows it.
 */
import { describe, expect, it } from 'vitest';
import { attributedSegments, creditAtEnd, readStructure } from '../../src/extract/attribution.js';
import { articleFromText, poolCandidates } from '../../src/extract/index.js';

const on = '2025-03-04';
const speech = (text: string) => attributedSegments(readStructure(text)).map((s) => ({ speaker: s.speaker, verb: s.verb, text: text.slice(s.start, s.end) }));
const pooled = (text: string) => poolCandidates(articleFromText(text, { publishedOn: on })).map((p) => ({ speaker: p.candidate.speaker, verb: p.verb, quote: p.candidate.quote }));

describe('forecasting verbs the pool did not read', () => {
  it('reads "X estimate" and "X anticipate" after a plural subject', () => {
    expect(speech('Analysts estimate a longer strike would push the index below 3,000 points.')).toEqual([
      { speaker: 'Analysts', verb: 'estimate', text: 'a longer strike would push the index below 3,000 points' },
    ]);
    expect(speech('Port operators anticipate that container volumes will recover by the autumn.')[0]).toMatchObject({ speaker: 'Port operators', verb: 'anticipate' });
  });

  it('reads the progressive with an adverb ("are widely expecting", "is now predicting")', () => {
    expect(speech('Traders are widely expecting the central bank to hold rates at 4% on Thursday.')[0]).toMatchObject({ speaker: 'Traders', verb: 'are widely expecting' });
    expect(speech('The ministry is now predicting a deficit of 3.1% of output next year.')[0]).toMatchObject({ speaker: 'The ministry', verb: 'is now predicting' });
  });

  it('reads an inverted "…, reckons X" and "…, estimates X"', () => {
    expect(speech('The merged grid operator could spend £20bn on new cables by 2030, reckons Fitch.')[0]).toMatchObject({ speaker: 'Fitch', verb: 'reckons', text: 'The merged grid operator could spend £20bn on new cables by 2030' });
    expect(speech('Output will rise by 4% in the second half, estimates the trade body.')[0]).toMatchObject({ verb: 'estimates' });
  });

  it('still reads "estimate" as a noun where it is one', () => {
    expect(speech('The estimate for the new bridge rose to $2bn in the latest budget.')).toEqual([]);
  });
});

describe('a paragraph closed by a credit', () => {
  const roundup = [
    'Our editors look ahead.',
    '',
    'Ferries will run on batteries within the decade. “Three operators have ordered electric vessels, and the ports are building chargers.” — Mara Ekdahl, Harbour Weekly',
    '',
    'Rents will keep rising in the capital. “Nothing in the planning pipeline suggests supply will catch up.”— Tomas Varga',
  ].join('\n');

  it('names the one credited, or nobody', () => {
    expect(creditAtEnd('Ferries will run on batteries. “Chargers are being built.” — Mara Ekdahl, Harbour Weekly')).toBe('Mara Ekdahl');
    expect(creditAtEnd('Rents will keep rising. “Supply lags.”— Tomas Varga')).toBe('Tomas Varga');
    // a dash inside a sentence, or a paragraph with no credit, credits nobody
    expect(creditAtEnd('Rents will keep rising — and fast.')).toBeNull();
    expect(creditAtEnd('The council will vote on Tuesday, officials said.')).toBeNull();
  });

  it('reads such a paragraph as prose (not a heading) and gives its sentence and quotation the one credited', () => {
    const pool = pooled(roundup);
    expect(pool.find((p) => p.quote.startsWith('Ferries will run on batteries'))).toMatchObject({ speaker: 'Mara Ekdahl', verb: 'credited' });
    expect(pool.find((p) => p.quote.startsWith('Three operators have ordered'))).toMatchObject({ speaker: 'Mara Ekdahl', verb: 'credited' });
    expect(pool.find((p) => p.quote.startsWith('Rents will keep rising'))).toMatchObject({ speaker: 'Tomas Varga' });
  });

  it('still skips a short heading without a full stop', () => {
    const pool = pooled('Markets will move next week\n\nThe central bank said on Monday that rates would rise by half a point in June.');
    expect(pool.some((p) => p.quote.startsWith('Markets will move'))).toBe(false);
    expect(pool.some((p) => p.quote.includes('rates would rise'))).toBe(true);
  });
});

describe('datelines and the clause before ", but"', () => {
  it('leaves a bare agency dateline out of the speaker and the quote', () => {
    expect(speech('(Reuters) — Harbour operator Kestrel Ports said on Monday it would open two new berths by June.')[0]).toMatchObject({ speaker: 'Kestrel Ports', text: 'it would open two new berths by June' });
    // a subject found by its verb: the dateline is no part of its name
    expect(speech('(Reuters) — Ferry parent Nordline missed estimates for quarterly profit on Monday as it reported its highest-ever costs, sending shares down 1.2%.')[0]).toMatchObject({ speaker: 'Ferry parent Nordline' });
  });

  it('cuts the past clause before ", but" when the forecast after it is what a following attribution covers', () => {
    const text = '(Reuters) - Storms and a long strike cut grain shipments in the first quarter, but export volumes will recover over the next two years and reach a record by 2027, traders estimate.';
    const c = poolCandidates(articleFromText(text, { publishedOn: on })).find((p) => p.candidate.speaker === 'traders')!.candidate;
    expect(c.quote).toBe('export volumes will recover over the next two years and reach a record by 2027');
    expect(c.checkBy).toBe('2027-12-31');
  });

  it('keeps the clause before ", but" when the part after it is no forecast', () => {
    const text = 'The ministry expects the new line to open in 2027, but officials declined to say what it cost, the spokesman said.';
    const quotes = pooled(text).map((p) => p.quote);
    expect(quotes.some((q) => q.startsWith('The ministry expects the new line to open in 2027'))).toBe(true);
  });
});
