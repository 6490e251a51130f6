/**
 * The failure classes issue 23 found on real articles, each in a sentence made up here (the
 * corpus articles are the measure; these pin the rules): attribution, cues and horizons.
 */
import { describe, expect, it } from 'vitest';
import { attributedSegments, cleanSpeaker, readStructure } from '../../src/extract/attribution.js';
import { readCues } from '../../src/extract/cues.js';
import { readHorizon } from '../../src/extract/horizon.js';
import { articleFromText, extractCandidates, restate } from '../../src/extract/index.js';

const speech = (text: string) => attributedSegments(readStructure(text)).map((s) => ({ speaker: s.speaker, text: text.slice(s.start, s.end) }));
const candidates = (text: string, publishedOn = '2025-03-04') => extractCandidates(articleFromText(text, { publishedOn }));
const isForecast = (text: string) => readCues(text, '2025-03-04').rejected === null;

describe('speakers as the article names them', () => {
  it('takes the person, not the title or the firm after them', () => {
    expect(cleanSpeaker('Jane Roe, Director, Acme Securities')).toBe('Jane Roe');
    expect(cleanSpeaker('Kira Lund, head of research, Halden Capital')).toBe('Kira Lund');
  });

  it('does not take a sentence opener for the speaker', () => {
    const s = speech('Coming back to the market, experts say the upside will be capped in the near-term.');
    expect(s).toEqual([{ speaker: 'experts', text: 'the upside will be capped in the near-term' }]);
  });

  it('does not cut "Gov." or "U.S." as the end of a speaker', () => {
    expect(speech('“We will cut taxes next year,” said Gov. Kristi Noem.')[0]!.speaker).toBe('Kristi Noem');
    expect(speech('Imports will rise to 425,000 tonnes next year, the U.S. Embassy said in its annual report on the farm sector.')[0]).toEqual({
      speaker: 'U.S. Embassy',
      text: 'Imports will rise to 425,000 tonnes next year',
    });
  });

  it('leaves a wire dateline out of the speaker and the quote', () => {
    const s = speech('CLEVELAND, Feb 26 - Ohio Widget Co said its sales will rise 10 pct this year.');
    expect(s).toEqual([{ speaker: 'Ohio Widget Co', text: 'its sales will rise 10 pct this year' }]);
    expect(speech('JAKARTA (Reuters) - The ministry said the airport would reopen on Friday.')[0]!.speaker).toBe('The ministry');
  });

  it('reads an attribution inside the sentence, and names no speaker for a passive', () => {
    expect(speech('Because of the acquisitions, it said, first quarter sales will be higher.')).toEqual([
      { speaker: 'it', text: 'Because of the acquisitions, it said, first quarter sales will be higher' },
    ]);
    expect(speech('Imports are forecast to rise in 1988.')).toEqual([]);
  });

  it('reads an institution forecasting, "sees" with a time ahead, and a negated "see"', () => {
    expect(candidates('The fund foresees growth of 3% next year.').map((c) => c.speaker)).toEqual(['The fund']);
    expect(candidates('The ministry is forecasting growth of 7% in 2026.').map((c) => c.speaker)).toEqual(['The ministry']);
    expect(candidates('“Therefore, we see demand coming back in 2026,” said Sam Ortiz, Director, Pell Securities.').map((c) => [c.speaker, c.checkBy])).toEqual([['Sam Ortiz', '2026-12-31']]);
    const neg = candidates('At about 280 now, he doesn’t see returning to the 750 workers anytime soon, said Kevin Yard.');
    expect(neg).toHaveLength(1);
    expect(neg[0]!.quote.startsWith('doesn’t see')).toBe(true);
  });
});

describe('what is and is not a forecast', () => {
  it('reads forecasts not in the future tense', () => {
    expect(isForecast('she has no intention of running in 2028')).toBe(true);
    expect(isForecast('he plans to campaign for re-election')).toBe(true);
    expect(isForecast('imports are forecast to rise')).toBe(true);
    expect(isForecast('we see demand coming back in 2026')).toBe(true);
  });

  it('sets aside comparisons with what was expected and forecasts named', () => {
    expect(isForecast('the trade fight lasted far longer than most expected')).toBe(false);
    expect(isForecast('the budget is based on updated forecasts')).toBe(false);
  });

  it('sets aside declining to forecast, hedged uncertainty, stances and reactions', () => {
    expect(isForecast('it would depend on each order')).toBe(false);
    expect(isForecast('it was too early to say whether the plant will reopen')).toBe(false);
    expect(isForecast('policies may change')).toBe(false);
    expect(isForecast('we will stand tall')).toBe(false);
    expect(isForecast('we won’t gamble with safety')).toBe(false);
    expect(isForecast('That would be OK.')).toBe(false);
    expect(isForecast('Any company that doesn’t like a surprise attack would.')).toBe(false);
  });

  it('does not read "May" the month or a date alone as a forecast', () => {
    expect(isForecast('the economy reached a milestone in May')).toBe(false);
    expect(isForecast('the plane last underwent maintenance in mid-November')).toBe(false);
  });

  it('leaves out a past announcement with "would", a bare possibility and a quote with no speaker', () => {
    expect(candidates('The minister announced that the administration would impose sanctions.')).toEqual([]);
    expect(candidates('The plane could be at the bottom of the sea, the agency chief said.')).toEqual([]);
    expect(candidates('The plane could be found within days, the agency chief said.')).toHaveLength(1);
    expect(candidates('“Rates will fall by June.”')).toEqual([]);
  });
});

describe('check-by dates', () => {
  const on = '2025-03-04'; // a Tuesday
  const by = (text: string, article?: string) => readHorizon(text, on, undefined, article ? { article } : {}).checkBy;

  it('reads the issue’s horizons', () => {
    expect(by('lawmakers do not expect to act until at least 2027')).toBe('2026-12-31');
    expect(by('growth will pick up in 2026 and 2027')).toBe('2027-12-31');
    expect(by('near-term gains are likely')).toBe('2025-06-04');
    expect(by('a deal will come sometime soon')).toBe('2025-06-04');
    expect(by('the court is expected to rule in the coming weeks')).toBe('2025-04-04');
    expect(by('the fleet will grow again in the early 2030s')).toBe('2033-12-31');
    expect(by('the vote will take place this week')).toBe('2025-03-07');
    expect(by('the board could approve it later today')).toBe(on);
  });

  it('takes the later of two years, and a quarter or fiscal year the article dates', () => {
    expect(by('subsequent quarters should improve from first quarter levels but 2025 earnings will not reach 2024 levels')).toBe('2025-12-31');
    expect(by('first quarter sales will be higher', 'Acme said its first quarter, ending February 28, profits may fall.')).toBe('2026-02-28');
    expect(by('spending in fiscal 2025 will be 50 mln dlrs', 'Acme, reporting a loss for the January 31 second quarter, said')).toBe('2025-07-31');
    expect(by('imports will rise in 2025/26', 'crops in 2025/26 (October/September) are forecast')).toBe('2026-09-30');
    expect(by('the report is likely to be issued in early April this year')).toBe('2025-04-10');
    expect(by('sluggish spending over the next couple of quarters')).toBe('2025-09-30');
  });
});

describe('what a reviewer sees (issue 23)', () => {
  it('restates in the third person: the speaker’s “I” and “we” do not survive', () => {
    const r = (quote: string, speaker = 'Jane Roe') => restate(quote, speaker, 'said', 'quote');
    expect(r('I think a deal is likely')).toBe('Jane Roe thinks a deal is likely.');
    expect(r('I don’t think rates will fall this year')).toBe('Jane Roe doesn’t think rates will fall this year.');
    expect(r('I’m confident we will win the vote next week')).toBe('Jane Roe is confident they will win the vote next week.');
    expect(r('A deal is likely by June, I think')).toBe('Jane Roe thinks a deal is likely by June.');
    expect(r('We will cut rates in 2027', 'the governor')).toBe('The governor says they will cut rates in 2027.');
    expect(r('Prices will hurt our margins next year')).toBe('Jane Roe says prices will hurt their margins next year.');
    expect(r('I really expect my team to win')).toBe('Jane Roe really expects their team to win.');
    // "US" in capitals is the country; hedges stay
    expect(r('The US will probably raise tariffs')).toBe('The US will probably raise tariffs.');
    const [c] = candidates('“I think a deal is likely by June,” said John Smith, an analyst at Acme Securities.');
    expect(c!.restatement).toBe('John Smith thinks a deal is likely by June.');
  });

  it('merges the same quote repeated in an article, keeping the named speaker', () => {
    const text = [
      'Talks resumed on Monday.',
      '“A deal will be signed in Geneva by March,” she said.',
      'The delegations met for six hours in the old town hall.',
      '“A deal will be signed in Geneva by March,” said Foreign Minister Anna Berg.',
    ].join('\n\n');
    const found = candidates(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ quote: 'A deal will be signed in Geneva by March', speaker: 'Anna Berg', checkBy: '2025-03-31' });
    expect(found[0]!.why.at(-1)).toBe('repeated in the article (2 times): kept once');
  });
});
