/** Forecast cues, hedge bands (ICD-203) and horizons read against a fixed article date. */
import { describe, expect, it } from 'vitest';
import { readCues } from '../../src/extract/cues.js';
import { readHedge } from '../../src/extract/hedge.js';
import { nextUsElection, nextUsInauguration, readHorizon } from '../../src/extract/horizon.js';
import { extractCandidates, restate } from '../../src/extract/index.js';

describe('forecast cues', () => {
  it.each([
    'We will keep advancing',
    'Prices could fall in the third quarter',
    'I expect it to reach the ice front within two years',
    'If this goes on for a month, you are going to see empty shelves',
    'The study should be finished by March',
    'We are going back in November with a ship',
    "I don't think any of them pulls back this year",
    'As soon as Trump takes office and forms his team, then we can agree to start consultations.',
  ])('a forecast: %s', (text) => {
    expect(readCues(text).rejected).toBeNull();
  });

  it.each([
    ['Talks broke down on Friday after eleven weeks', 'no future'],
    ['Demand is running ahead of anything we planned for', 'present'],
    ['An earlier version, which would have cut library hours, was dropped', 'counterfactual'],
    ["I wouldn't use that word yet", 'own words'],
    ['It is an interesting idea and people should study it', 'advice'],
    ['Twenty years ago nobody could monitor these shelves', 'past'],
    ['Will it keep warming?', 'question'],
    ['Revenue beat what analysts had expected', 'past expectation'],
  ])('not a forecast: %s (%s)', (text) => {
    expect(readCues(text).rejected).not.toBeNull();
  });
});

describe('hedge bands', () => {
  it.each([
    ['Something interesting is definitely going to happen', 'almost-certain', false],
    ['We will keep advancing', 'very-likely', false],
    ['Trump will probably want to facilitate this', 'likely', false],
    ['The situation will likely intensify', 'likely', false],
    ['The company expects revenue to rise', 'likely', false],
    ['They could authorize the use of American weapons', 'even-chance', false],
    ['They might make decisions that complicate dialogue', 'even-chance', false],
    ["It's possible to cautiously predict that some contact will be restored", 'even-chance', false],
    ["I don't believe in major breakthroughs", 'unlikely', true],
    ["I don't think anyone will install a barrier before 2035", 'unlikely', true],
    ["We won't accept another offer", 'very-unlikely', true],
    ['There is a better than even chance they settle', 'likely', false],
    ['A strike is highly unlikely', 'very-unlikely', true],
  ])('%s → %s', (text, band, negated) => {
    const h = readHedge(text);
    expect(h.band).toBe(band);
    expect(h.negated).toBe(negated);
    expect(text.toLowerCase()).toContain(h.phrase.toLowerCase());
  });
});

describe('horizons', () => {
  const on = '2024-11-06';
  const us = { article: 'Trump won the U.S. election.' };
  it.each([
    ['reach the borders by January', '2025-01-31', 'by January'],
    ['by next year the talks will start', '2025-12-31', 'next year'],
    ['the HX-9 will be our biggest product by the end of next year', '2025-12-31', 'next year'],
    ['it will resume within weeks', '2024-12-18', 'within weeks'],
    ['a deal within days', '2024-11-13', 'within days'],
    ['this will not happen anytime soon', '2025-11-06', 'anytime soon'], // denied: not within the short window
    ['margins dip in the third quarter', '2025-09-30', 'third quarter'],
    ['the plant will run by mid-2026', '2026-06-30', 'mid-2026'],
    ['no barrier before 2035', '2034-12-31', 'before 2035'],
    ['the pool will reopen next summer', '2025-09-22', 'next summer'],
    ['within the next year or two', '2026-11-06', 'year or two'],
    ['they will walk out on March 4', '2025-03-04', 'March 4'],
    ['by Memorial Day next year', '2025-05-26', 'Memorial Day'],
  ])('%s → %s', (text, date, phrase) => {
    const h = readHorizon(text, on, undefined, us);
    expect(h.checkBy).toBe(date);
    expect(h.phrase.toLowerCase()).toContain(phrase.toLowerCase());
  });

  it('anchors on events: the inauguration before and after, taking office, with the date proposed', () => {
    const until = readHorizon('Until the inauguration, we will keep advancing', on, undefined, us);
    expect(until).toMatchObject({ checkBy: '2025-01-20', anchor: 'the inauguration (2025-01-20)' });
    const after = readHorizon('Moscow will appoint a new ambassador following the inauguration', on, undefined, us);
    expect(after).toMatchObject({ checkBy: '2025-07-20' });
    expect(after.anchor).toContain('inauguration');
    const office = readHorizon('As soon as Trump takes office, we can agree to talks', on, undefined, us);
    expect(office.checkBy).toBe('2025-04-30');
    const unknown = readHorizon('They expect a deal before the summit', on);
    expect(unknown).toMatchObject({ anchor: 'the summit', checkBy: '2025-11-06' });
    expect(nextUsInauguration('2024-11-06')).toBe('2025-01-20');
    expect(nextUsInauguration('2025-01-20')).toBe('2029-01-20');
    expect(nextUsElection('2024-11-06')).toBe('2026-11-03');
  });

  it('does not read a look back ("the worst in a decade") as a horizon', () => {
    expect(readHorizon('he expects the harvest to be the worst in a decade', on).phrase).toMatch(/default/);
    expect(readHorizon('it will be done in a decade', on).checkBy).toBe('2034-11-06');
  });

  it('uses chrono-node for dates our rules do not read, forward from the article', () => {
    expect(readHorizon('the vote is expected on Friday', '2024-11-06').checkBy).toBe('2024-11-08');
    expect(readHorizon('results will come on 3 February', '2024-11-06').checkBy).toBe('2025-02-03');
  });

  it('falls back to the sentence, then to the default of 12 months, and says so', () => {
    expect(readHorizon('it will happen', on, 'By January, it will happen.').checkBy).toBe('2025-01-31');
    const d = readHorizon('it will happen', on);
    expect(d.checkBy).toBe('2025-11-06');
    expect(d.phrase).toMatch(/default of 12 months/);
    expect(d.anchor).toBeNull();
  });
});

describe('candidates', () => {
  it('restates without strengthening: hedges and conditions kept', () => {
    for (const quote of ['If he decides to leave, it could be a positive shift', 'Trump will probably want to facilitate this, provided he is at the center', 'But it might last two weeks']) {
      const r = restate(quote, 'X', 'said', 'quote');
      for (const word of ['if', 'could', 'probably', 'provided', 'might']) if (quote.toLowerCase().includes(` ${word} `) || quote.toLowerCase().startsWith(`${word} `)) expect(r.toLowerCase()).toContain(word);
    }
  });

  it('carries every field the review needs, quote verbatim at its offsets', () => {
    const text = 'The mayor spoke on Tuesday.\n\n“We will open the new library by June, if the council approves the money,” Mayor Ana Ruiz said.\n\n“The building is old,” she said.';
    const [c, ...rest] = extractCandidates({ text, publishedOn: '2024-03-02' });
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      quote: 'We will open the new library by June, if the council approves the money',
      speaker: 'Ana Ruiz',
      checkBy: '2024-06-30',
      checkByPhrase: 'by June',
      anchor: null,
      hedge: 'very-likely',
    });
    expect(text.slice(c!.start, c!.end)).toBe(c!.quote);
    expect(c!.restatement).toContain('if the council approves');
    expect(c!.why.join('; ')).toMatch(/attributed \(quote\): said.*future tense: will/);
  });

  it('reads an undated article against the given today', () => {
    const [c] = extractCandidates({ text: '“Prices will rise by next year, without a doubt,” the analyst said.' }, { today: '2023-05-01' });
    expect(c).toMatchObject({ checkBy: '2024-12-31', hedge: 'almost-certain' });
  });
});

describe('bands of candidates are for the claim as stated', () => {
  it('mirrors a negated forecast: "there won\'t be X" is very likely to come true as stated', () => {
    const [negated] = extractCandidates({ text: '"There won\'t be an immediate radical shift in relations," a senior official told reporters.', publishedOn: '2024-11-06' });
    expect(negated?.negated).toBe(true);
    expect(negated?.hedge).toBe('very-likely');
    expect(negated?.why.join(' ')).toMatch(/negated: very likely that the claim as stated comes true/);
    const [plain] = extractCandidates({ text: '"Prices will probably rise by March," the minister said.', publishedOn: '2024-11-06' });
    expect(plain?.negated).toBeUndefined();
    expect(plain?.hedge).toBe('likely');
  });
});
