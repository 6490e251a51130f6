/**
 * Extraction's third pass (issue 23): rules for classes of English news phrasing read from the
 * spent held-out set's misses, each pinned here in sentences written for this file (not the
 * articles' own): the future of reported speech, speakers that are things or phrases, nouns that
 * look like verbs, hopes with a date, reports by a paper, and the guide's horizons.
 *
 * What the rules keep is `extractByRules` (the verdicts of the pool, src/extract/index.ts); since
 * session 5 the extractor keeps what the trained model picks from the same pool
 * (test/unit/extract-model.test.ts), so these pin the rules, their cues, speakers and horizons.
 */
import { describe, expect, it } from 'vitest';
import { attributedSegments, plausibleSpeaker, readStructure } from '../../src/extract/attribution.js';
import { readCues } from '../../src/extract/cues.js';
import { readHorizon } from '../../src/extract/horizon.js';
import { articleFromText, extractByRules } from '../../src/extract/index.js';
import { findQuotations } from '../../src/extract/sentences.js';

const on = '2025-03-04';
const candidates = (text: string, publishedOn = on) => extractByRules(articleFromText(text, { publishedOn }));
const found = (text: string) => candidates(text).map((c) => [c.speaker, c.quote]);
const speech = (text: string) => attributedSegments(readStructure(text)).map((s) => ({ speaker: s.speaker, text: text.slice(s.start, s.end) }));
const by = (text: string) => readHorizon(text, on).checkBy;

describe('the future of reported speech', () => {
  it('keeps "X said Y would …" when the clause opens with its subject and "would"', () => {
    expect(found('The union met on Monday. Its leader, Ada Brill, said the 40 dockers would return to work without a new contract.')).toEqual([
      ['Ada Brill', 'the 40 dockers would return to work without a new contract'],
    ]);
    expect(found('Weather is poor. Port officials said on Tuesday that the ferry service would be suspended and replaced by buses.')).toHaveLength(1);
    expect(found('Last month, the growers’ association said more than 300 farms would stop planting sugar beet after the subsidy ends.')).toHaveLength(1);
  });

  it('reads "would have no effect" as the future, "would have risen" as the past', () => {
    expect(readCues('the strike would have no effect on deliveries', on).rejected).toBeNull();
    expect(readCues('prices would have risen anyway', on).rejected).not.toBeNull();
  });

  it('leaves out hypotheticals: an indefinite subject, "would be possible", and a clause before "X said"', () => {
    expect(found('Analysts said a second runway would give the city its busiest airport in the region.')).toEqual([]);
    expect(found('The minister said it would be possible to rescue the scheme by amending it.')).toEqual([]);
    expect(found('The depot would be heavily subsidised by the county, Ada Brill said.')).toEqual([]);
  });
});

describe('speakers that can say something', () => {
  it('refuses things, prepositional phrases and the subject of a passive', () => {
    expect(plausibleSpeaker('The euro')).toBe(false);
    expect(plausibleSpeaker('ongoing problems for the refinery')).toBe(false);
    expect(plausibleSpeaker('with 4% growth')).toBe(false);
    expect(plausibleSpeaker('more capital is')).toBe(false);
    expect(plausibleSpeaker('a number of analysts')).toBe(true);
    expect(plausibleSpeaker('the central bank')).toBe(true);
  });

  it('takes the speaker of the subordinate clause, not the main clause’s subject', () => {
    expect(speech('The euro slid to a two-month low after the ECB president said inflation would stay above target.')).toEqual([
      { speaker: 'the ECB president', text: 'inflation would stay above target' },
    ]);
  });

  it('takes the speaker inside a relative clause ("which it said could reach")', () => {
    const c = candidates('Northwind Foods posted sales of £2bn. Its margin was 9%, which it said could reach 11% by 2027.');
    expect(c.map((x) => [x.quote, x.checkBy])).toEqual([['could reach 11% by 2027', '2027-12-31']]);
    expect(c[0]!.speaker).not.toMatch(/margin|sales/i);
  });

  it('does not read a forecast noun as a verb ("forecasts of", "cost estimates for")', () => {
    expect(found('Profits rose 8% to £90m, ahead of analysts’ forecasts of £85m.')).toEqual([]);
    expect(found('The bill adds money for cost estimates for those projects under review.')).toEqual([]);
  });

  it('reads a paper’s report as its speaker, and the one quoted inside it first', () => {
    expect(found('Halden Group will announce a new chief executive on Thursday, the Daily Courier reported.')).toEqual([
      ['Daily Courier', 'Halden Group will announce a new chief executive on Thursday'],
    ]);
    const inner = candidates('Brightwell says none of the savings will go to shareholders, the Courier reported.');
    expect(inner.map((c) => c.speaker)).toEqual(['Brightwell']);
  });
});

describe('hopes and plans', () => {
  it('keeps a hope with a date ahead, leaves one without', () => {
    expect(found('The launch failed. The company hopes to resume flights in June to deliver two weather satellites.')).toHaveLength(1);
    expect(found('The company hopes to win customers by offering the service free.')).toEqual([]);
  });
});

describe('horizons as forecast-keys.md reads them', () => {
  it('"in the near future" and "a not too distant future" are three months', () => {
    expect(by('sales will recover in the near future')).toBe('2025-06-04');
    expect(by('the economy will regain momentum in a not too distant future')).toBe('2025-06-04');
  });

  it('"until 2028" is judged when 2027 is over', () => {
    expect(by('the market will grow 20% a year until 2028')).toBe('2027-12-31');
  });

  it('"next year" after an earlier year in the same claim: the later one', () => {
    expect(by('growth would reach 3% in 2025 but slow to 2% next year')).toBe('2026-12-31');
  });

  it('"by spring 2026": that year’s spring, not the end of the year', () => {
    expect(by('they expect to sign a final deal by spring 2026')).toBe('2026-06-20');
  });
});

describe('more of the third pass', () => {
  it('sets aside what is not a forecast: "it can\u2019t" after "if", "did not know if", "within months of", a rule of thumb, advice after "we believe", an indirect question', () => {
    expect(readCues('If the council wanted a ban it should have voted for one, but it can\u2019t do so now', on).rejected).not.toBeNull();
    expect(readCues('they did not know whether the new governor would keep the policy', on).rejected).not.toBeNull();
    expect(readCues('within weeks of the merger, the chain was cutting prices', on).rejected).not.toBeNull();
    expect(readCues('If you put that on the shelf, shoppers are going to buy it', on).rejected).not.toBeNull();
    expect(readCues('We believe the police should be better equipped to fight this', on).rejected).not.toBeNull();
    expect(readCues('where the new jobs would go', on).rejected).not.toBeNull();
    expect(readCues('the protests will not break our resolve and will not divide us', on).rejected).not.toBeNull();
  });

  it('keeps "should lead to" and "should weather" as expectations, and a measured hypothetical', () => {
    expect(found('"This rating upgrade should lead to a return of foreign money," said Priya Nair, an economist at Halden Bank.')).toHaveLength(1);
    expect(found('Most lenders should weather the rise in defaults, according to the central bank.')).toHaveLength(1);
    expect(found('A strike of more than a week would cut output at the plant by about a third, Tom Ekdahl said.')).toHaveLength(1);
    expect(found('A fall in fuel prices would improve the mood of shoppers, the institute said.')).toEqual([]);
  });

  it('keeps a plan only with a date or a number', () => {
    expect(found('The airline plans to add 12 routes from Leeds.')).toHaveLength(1);
    expect(found('The group intends to change the way it books licence income.')).toEqual([]);
  });

  it('reads "in X\u2019s view" and "reports claim" as attribution', () => {
    expect(found('The bank will, in Halden\u2019s view, cut rates twice in 2026.').map(([s]) => s)).toEqual(['Halden']);
    expect(found('Norcross could sell its shipping arm this year, reports claim.').map(([s]) => s)).toEqual(['reports']);
  });

  it('splits two forecasts joined by ", and" in one reported clause', () => {
    const c = candidates('Halden predicts the bank will raise rates to 3% at its meeting this week, and the bank will ultimately take them to 4% in 2026.');
    expect(c.map((x) => x.checkBy)).toEqual(['2025-03-07', '2026-12-31']);
  });

  it('keeps the forecast clause of a long quote, not the account of the past before it', () => {
    const c = candidates('"Money has flowed out of the country for three weeks into markets like Korea and Chile and this upgrade should lead to a reversal," said Priya Nair.');
    expect(c.map((x) => x.quote)).toEqual(['this upgrade should lead to a reversal']);
  });

  it('reads the items of a list introduced by "X also said:", each as said by X', () => {
    const text = 'Anna Berg spoke for an hour.\n\nIn the interview, Chancellor Berg also said:\n\nThe budget needs new taxes\n\nShe is confident the pension bill will be passed by parliament\n\nShe would visit Warsaw to discuss energy prices\n\nThe talks went on.';
    const c = candidates(text);
    expect(c.map((x) => [x.speaker, x.quote])).toEqual([
      ['Anna Berg', 'She is confident the pension bill will be passed by parliament'],
      ['Anna Berg', 'She would visit Warsaw to discuss energy prices'],
    ]);
  });

  it('refuses a verb phrase as a speaker and keeps a quotation that finishes the clause', () => {
    expect(plausibleSpeaker('said ministers should')).toBe(false);
    expect(found('Rival publishers complained. Jo Marsh said this change will \u201cleave readers with a worse service.\u201d').map(([, q]) => q)).toEqual(['this change will \u201cleave readers with a worse service.']);
  });

  it('reads a projection with its number and its year ahead, and a revised estimate, as forecasts', () => {
    expect(found('Growth forecasts for the region slip to 1.5% in 2026 from 1.9%, the fund said.')).toHaveLength(1);
    expect(found('The agency raised its estimate of 2025 coal demand by 2% to 8.1 billion tonnes.').map(([s]) => s)).toEqual(['The agency']);
    expect(found('The agency raised its estimate of 2023 coal demand by 2% to 8.1 billion tonnes.')).toEqual([]);
  });

  it('reads "were expected to" after "warned that" as an expectation', () => {
    expect(found('The airline warned that fares were expected to fall as rivals cut prices.')).toHaveLength(1);
  });

  it('does not read money ("\u00a359m") as a time of day', () => {
    expect(readHorizon('it expects fuel costs of \u00a359m to rise', on).checkBy).toBe('2026-03-04');
  });
});

describe('speakers and horizons, last rules of the pass', () => {
  it('does not take a number, a range or the article\u2019s own date for a horizon; a weekday of the same day stays', () => {
    expect(readHorizon('demand is expected to remain stable at 200,000 to 250,000 tonnes', on).checkBy).toBe('2026-03-04');
    expect(readHorizon('the company said on Mar 4 it would file a new plan', on).checkBy).toBe('2026-03-04');
    expect(readHorizon('ships will join the search on Tuesday', on).checkBy).toBe('2025-03-04');
  });

  it('sets aside attention asked for ("must be watched", "will be worth watching")', () => {
    expect(readCues('the Gulf must be watched with an eagle eye next year', on).rejected).not.toBeNull();
    expect(readCues('metals will also be worth watching in 2026', on).rejected).not.toBeNull();
  });

  it('leaves a believed possibility with no time for it', () => {
    expect(found('The institute believes the economy could still regain momentum.')).toEqual([]);
    expect(found('The institute believes the economy could regain momentum by June.')).toHaveLength(1);
  });

  it('takes the one who told a programme, not the programme, and the speaker named after a quote\u2019s continuation', () => {
    const c = candidates('"Once fuel prices stop rising, the shock will be absorbed within two quarters," Mia Laine, an economist with the fund, told the BBC\u2019s Business Hour.');
    expect(c.map((x) => x.speaker)).toEqual(['Mia Laine']);
    const d = candidates('\u201cIt is hard to see what could persuade the unions\u201d to hold off on their strike plans, Okafor said. \u201cThe two sides will be on a path to a walkout by May.\u201d');
    expect(d.map((x) => x.speaker)).toEqual(['Okafor']);
  });

  it('keeps "the Paris based think tank" whole as a speaker', () => {
    expect(speech('However, the Paris based economics think tank said growth would slow to 2% next year.')[0]!.speaker).toMatch(/think tank$/);
  });
});

describe('verbs of saying beyond "said"', () => {
  it('reads pledged, hinted, tweeted and testified as attribution', () => {
    expect(found('The mayor pledged that the bridge would reopen by June.').map(([s]) => s)).toEqual(['The mayor']);
    expect(found('The governor hinted that rates would rise again in May.').map(([s]) => s)).toEqual(['The governor']);
    expect(found('Senator Ruth Vale tweeted that the bill will pass next week.').map(([s]) => s)).toEqual(['Ruth Vale']);
    expect(found('The chief executive testified that the plant will close in 2026.').map(([s]) => s)).toEqual(['The chief executive']);
  });
});

describe('speech in single quotation marks (British style)', () => {
  it('reads ‘…’ and \'…\' as speech, with the speaker after them', () => {
    expect(found('The vote is close. \u2018We will win this seat by a clear margin next month,\u2019 said Jo Pike, the party\u2019s agent.')).toEqual([
      ['Jo Pike', 'We will win this seat by a clear margin next month'],
    ]);
    expect(found("'Sales will rise by 5% next year,' the chief executive told shareholders.")).toEqual([['the chief executive', 'Sales will rise by 5% next year']]);
  });

  it('does not take an apostrophe for a quotation mark', () => {
    const text = 'The workers\u2019 union met Nixon\u2019s aides. \u2018We expect the plant to close in 2026 because the owners\u2019 losses keep growing,\u2019 said Ida Roos.';
    const quotes = findQuotations(text).map((q) => text.slice(q.start, q.end));
    expect(quotes).toEqual(['We expect the plant to close in 2026 because the owners\u2019 losses keep growing,']);
  });

  it('leaves a single quotation inside a double one alone', () => {
    const text = '\u201cThey called it \u2018a mistake\u2019 and they will regret it next year,\u201d said Ida Roos.';
    expect(findQuotations(text).map((q) => text.slice(q.start, q.end))).toEqual(['They called it \u2018a mistake\u2019 and they will regret it next year,']);
  });
});

describe('outlooks as business news words them', () => {
  it('reads "now sees full-year revenue of …" as an outlook for this year', () => {
    const c = candidates('The company now sees full-year revenue of $10bn to $11bn.');
    expect(c.map((x) => [x.speaker, x.checkBy])).toEqual([['The company', '2025-12-31']]);
  });

  it('"full-year" is the company\u2019s year when the article says where it ends', () => {
    expect(readHorizon('it expects a rise in full-year revenue', on, undefined, { article: 'Profits for the year to March 2025 rose.' }).checkBy).toBe('2025-03-31');
    expect(readHorizon('it expects a rise in full-year revenue', on, undefined, { article: 'Profits for the year to June rose.' }).checkBy).toBe('2025-06-30');
  });

  it('reads a hope with a date ahead as a forecast, a hope without one as none', () => {
    expect(found('The league hopes fans can return to stadiums from October 1, chief executive Ray Mott said.').map(([s]) => s)).toEqual(['Ray Mott']);
    expect(found('The league hopes fans can return to stadiums, chief executive Ray Mott said.')).toEqual([]);
  });

  it('takes whose forecast or report it is, and leaves "now" out of a speaker', () => {
    expect(found('According to the EIU\u2019s latest forecast, the incumbent will win the election in November.').map(([s]) => s)).toEqual(['the EIU']);
    expect(found('The IMF now expects global growth of 3.1% this year.').map(([s]) => s)).toEqual(['The IMF']);
  });
});

describe('wire-service phrasing', () => {
  it('"as soon as Monday" is that Monday, not "soon"', () => {
    expect(candidates('Sources said the merger could be announced as soon as Monday.').map((c) => c.checkBy)).toEqual(['2025-03-10']);
  });

  it('"Analysts expect …, according to FactSet": the analysts are the speaker', () => {
    expect(found('Analysts expect earnings of $1.20 a share in 2025, according to FactSet.').map(([s]) => s)).toEqual(['Analysts']);
  });

  it('"said it was on track to" is the reported present', () => {
    expect(found('The chain said it was on track to open 50 stores by the end of the year.')).toHaveLength(1);
  });

  it('a poll\u2019s count of economists after "said" is the speaker', () => {
    expect(found('The central bank will probably hold rates steady in March, said 38 of 45 economists polled.').map(([s]) => s)).toEqual(['38 of 45 economists polled']);
  });
});

describe('fourth pass: speakers that are phrases, and what is not a forecast', () => {
  it('refuses clauses and fragments as speakers, keeps people described in lower case', () => {
    for (const junk of ['because Obama', 'He called on Congress to cut', 'Just when you', 'The OPEC continues to', 'only Chinese scientists have been able to lead', 'at the low end of prior', 'Mr Trump\u2019s', 'you', 'Taxes'])
      expect(plausibleSpeaker(junk), junk).toBe(false);
    for (const person of ['banking sources', 'administration and industry sources', 'aviation analyst Mike Powell of Dresdner', 'chief executive Lena Halvorsen', 'she', 'last night Citibank'])
      expect(plausibleSpeaker(person), person).toBe(true);
  });

  it('reads past a phrase that is no speaker to the one named after it', () => {
    expect(found('"There is going to be a rude awakening next year" for retailers, said Jared Drieling, an analyst.').map(([s]) => s)).toEqual(['Jared Drieling']);
  });

  it('sets aside: what remains to be seen, what is unclear or undecided, a past expectation, a routine, a pledge of conduct, a weighed hypothetical', () => {
    for (const t of [
      'It remains to be seen how the tariffs will play out next year',
      'it remains unclear if the new government will really cut taxes',
      'They haven\u2019t decided how long the strike will last yet',
      'I am not going to offer the incoming president advice next year',
      'We had expected at least a quarter of our stadiums would be full by October 1',
      'the bank will continue to monitor the scope for rate cuts next year',
      'We are going to respect the independence of our scientists',
      'That would make it much tougher for another president to undo the deal in 2026',
      'When you have so many agencies involved, each one is going to have its own rules',
      'I don\u2019t think she needs the money right now',
      'there was a need for improvements ahead of a vote in parliament next week',
    ]) expect(readCues(t, on).rejected, t).not.toBeNull();
    expect(readCues('I don\u2019t think the bank will cut rates this year', on).rejected).toBeNull();
  });

  it('does not read adjectives ("the expected boost", "its predicted life") or an inverted condition ("should the UK leave") as cues', () => {
    expect(readCues('the expected boost to spending may have been overblown', on).rejected).not.toBeNull();
    expect(readCues('the plane is nearing the end of its predicted life', on).rejected).not.toBeNull();
    expect(readCues('our stores are ready should the UK leave without a deal', on).rejected).not.toBeNull();
  });

  it('keeps plans and outlooks worded otherwise: "our commitment is to …" with a year, "appears set to", "is currently forecasting", "assumes", a quarter like "Q3 2026"', () => {
    expect(readCues('Our commitment is to have a hydrogen car in the range around 2028', on).rejected).toBeNull();
    expect(readCues('new lockdowns appear set to push oil demand lower', on).rejected).toBeNull();
    expect(found('Oxford Economics is currently forecasting a 0.8% decline in GDP from Q2 to Q4 2025.').map(([s]) => s)).toEqual(['Oxford Economics']);
    const c = candidates('Oxford Economics assumes that most US tariffs will be removed by Q3 2026 as the trade pact is renegotiated.');
    expect(c.map((x) => [x.speaker, x.checkBy])).toEqual([['Oxford Economics', '2026-09-30']]);
  });

  it('reads whose forecast it is, a revised outlook with words between, and "X, which said"', () => {
    expect(found('Oxford\u2019s baseline forecast for Canada\u2019s GDP is for 0.9% growth in 2025, slowing to 0.4% in 2026.').map(([s]) => s)).toEqual(['Oxford']);
    expect(found('The cartel lowered its 2026 supply growth outlook to 1 million barrels a day.').map(([s]) => s)).toEqual(['The cartel']);
    expect(found('Halden Micro raised its full-year revenue forecast on Wednesday, sending its shares up 11%.')).toEqual([]);
    expect(found('Rain will spread east. The Met Office, which said gusts could cause problems during rush hour on Friday, issued a warning.').map(([s]) => s)).toEqual(['The Met Office']);
  });

  it('splits forecasts joined by ", but" and reads "U.N. envoy X said" after a clause', () => {
    const c = candidates('The set-top box won\u2019t go away entirely before 2027, but as more devices get the software, the box will become optional by 2030, executives said.');
    expect(c).toHaveLength(2);
    expect(found('The United Nations will name a date on Friday for the parties to return to talks, U.N. Syria envoy Staffan de Mistura said on Thursday.').map(([s]) => s)).toEqual(['Staffan de Mistura']);
  });
});

describe('fourth pass: horizons', () => {
  const h = (t: string, article = 'Washington, the US Congress') => readHorizon(t, on, undefined, { article }).checkBy;
  it('reads hours, quarters to a month, calendar quarters, this calendar year', () => {
    expect(h('the results will come within 48 hours')).toBe('2025-03-06');
    expect(h('I hope to tell you the outcome in a couple of hours time')).toBe('2025-03-04');
    expect(h('sales in the quarter to March will rise')).toBe('2025-03-31');
    expect(h('demand could slow in CQ1')).toBe('2025-03-31');
    expect(h('by the time we get to the end of this calendar year')).toBe('2025-12-31');
  });

  it('reads postponements and "until around" as that year, a plain "until" as the year before', () => {
    expect(h('the launch was postponed until 2027')).toBe('2027-12-31');
    expect(h('demand will grow until around 2035')).toBe('2035-12-31');
    expect(h('the market will grow 20% a year until 2028')).toBe('2027-12-31');
  });

  it('reads Black Friday and winning the election as their days', () => {
    expect(h('there will be a slowdown on Black Friday')).toBe('2025-11-28');
    expect(readHorizon('she will win the presidential election', '2024-07-16', undefined, { article: 'Washington, Trump' }).checkBy).toBe('2024-11-05');
  });

  it('does not read a figure ("a day from 1.10") as a date', () => {
    expect(h('supply growth to 1 million barrels a day from 1.10 million')).toBe('2026-03-04');
  });
});

describe('fourth pass: the last rules', () => {
  it('reads nouns as nouns ("expects to" is a verb), a continued short quote, a hope with "that", the future perfect with its date', () => {
    expect(found('Northwind expects to rake in \u00a32bn of sales by the end of the year since reopening its stores in June.').map(([s]) => s)).toEqual(['Northwind']);
    expect(found('"He will be prosecuted" when he returns to Oslo, Ida Berg, chair of the board, told reporters.').map(([s]) => s)).toEqual(['Ida Berg']);
    expect(found('Li hopes that the telescope\u2019s operations will soon move to a new centre in the city.').map(([s]) => s)).toEqual(['Li']);
    expect(found('By the 2030s, the array should have racked up enough measurements to study such waves, says Maura Keane.').map(([s]) => s)).toEqual(['Maura Keane']);
  });

  it('reads "…, X said - an aside" and a clause ending in a quoted show name', () => {
    expect(found('The task force will convene for the first time in Geneva on Friday, Ruth Ovie said - an opportunity for diplomats to meet.').map(([s]) => s)).toEqual(['Ruth Ovie']);
    expect(found('The president will close the prison this year, his chief of staff Tom Reyes said on "Meet the Press."').map(([s]) => s)).toEqual(['Tom Reyes']);
  });

  it('sets aside: what was pledged long ago, a rule ("shall"), a need weighed, a stance, "while analysts expected", "what the bank anticipates"', () => {
    expect(found('Obama pledged during the 2008 campaign that he would close the military prison.')).toEqual([]);
    for (const t of ['Uber shall do the same.', 'the central bank would need to balance higher prices with a downturn', 'Since day one we have not taken this for granted and that will not change.', 'Tesla reported a loss of 87 cents a share, while analysts expected a profit of 10 cents', 'factors that could slow the economy beyond what the central bank anticipates'])
      expect(readCues(t, on).rejected, t).not.toBeNull();
  });

  it('reads an outlook verb with its subject ("the Fed raised rates and signalled a faster pace … in 2017")', () => {
    const c = candidates('The Federal Reserve raised interest rates on Wednesday and signalled a faster pace of increases in 2026.');
    expect(c.map((x) => x.quote)).toEqual(['The Federal Reserve raised interest rates on Wednesday and signalled a faster pace of increases in 2026']);
  });
});

describe('fourth pass: datelines and the last horizons', () => {
  it('drops an agency dateline without spaces ("HOUSTON (ICIS)–") and keeps a capitalised -ing word inside a name', () => {
    expect(found('HOUSTON (ICIS)\u2013Mining major Halden announced it will now cost $7 billion to build the mine by mid-2027.').map(([s]) => s)).toEqual(['Mining major Halden']);
  });

  it('reads "by the middle of 2026", "by the 2030s", "soon" as three months, a year-quarter before a bare one', () => {
    expect(readHorizon('inflation will rise to 3% by the middle of 2026', on).checkBy).toBe('2026-06-30');
    expect(readHorizon('by the 2030s it should have enough data', on).checkBy).toBe('2030-12-31');
    expect(readHorizon('talks will resume soon', on).checkBy).toBe('2025-06-04');
    expect(readHorizon('a decline in GDP from Q2 to Q4 2025', '2025-07-24').checkBy).toBe('2025-12-31');
  });
});

describe('fifth pass (tuned on the first two blind sets after their scoring)', () => {
  it('reads more outlooks: "is still set for", "vowed to", "weeks away", "can … next year", "later in the year", "end the year", "the first half of 2015"', () => {
    for (const t of ['Oil demand is still set for a record fall in 2026', 'policymakers vowed to achieve a 5% growth target for 2026', 'a breakthrough could be just weeks away', 'it can maintain or even grow production next year with 18 rigs', 'the cuts would bite later in the year', 'output could end the year at just 10.6m b/d', 'before the end of the first half of 2026 we could have a few hundred thousand doses'])
      expect(readCues(t, on).rejected, t).toBeNull();
    expect(readHorizon('a breakthrough could be just weeks away', on).checkBy).toBe('2025-04-15');
    expect(readHorizon('before the end of the first half of 2026 we could have doses', on).checkBy).toBe('2026-06-30');
    expect(readHorizon('output could end the year at 10.6m b/d', on).checkBy).toBe('2025-12-31');
  });

  it('reads a revised forecast by itself, but not one of a year already past', () => {
    expect(found('But the agency downgraded its forecast for US growth to 2.6%.').map(([s]) => s)).toEqual(['the agency']);
    expect(found('The agency raised its estimate of 2023 coal demand by 2% to 8.1 billion tonnes.')).toEqual([]);
  });

  it('keeps names ending like participles ("Mohammed al-Sabban, who …, told Reuters") and drops participle clauses', () => {
    expect(found('Mohammed al-Sabban, who has been an adviser to a former oil minister, told Reuters that the plan would not resolve the problem.').map(([s]) => s)).toEqual(['Mohammed al-Sabban']);
    expect(found('Looking ahead to its results, the airline warned that fares were expected to fall.').map(([s]) => s)).toEqual(['the airline']);
  });

  it('reads a report with a quoted title, "revealed its plans to … by 2021", "which plans to", "X doubted", "though it says"', () => {
    expect(found('A recent report from the institute on \u201cBreakthrough Batteries\u201d hints that electric cars will cost less than petrol cars by 2027.')).toHaveLength(1);
    expect(found('Ola has already revealed its plans to put 10,000 electric cars on the road by 2027.').map(([s]) => s)).toEqual(['Ola']);
    expect(found('The government, seeking to raise money, plans to sell about 5 percent of the company next year.').map(([s]) => s)).toEqual(['The government']);
    expect(found('The adviser doubted the research would see a dramatic shift in 2026.').map(([s]) => s)).toEqual(['The adviser']);
    expect(found('The airline cut 20 flights, though it says customers won\u2019t be affected next month.').map(([s]) => s)).toEqual(['it']);
  });

  it('keeps the forecast before a trailing clause that declines one, and reads "would have to" in reported speech', () => {
    expect(found('Millions of doses will be ready for use in 2026 but it is not clear if any will work, the agency has said.').map(([, q]) => q)).toEqual(['Millions of doses will be ready for use in 2026']);
    expect(found('Sonia Vale, a researcher, said candidates would have to think carefully about their remarks.')).toHaveLength(1);
  });

  it('sets aside: "no one knows", "up to the people", "make sure it won\u2019t happen", "key to watch", "how easy it will be", an indirect "which … will", "was going to" in the past, the "can" of a condition', () => {
    for (const t of ['But no one knows what tomorrow will bring.', 'Now it\u2019s going to really be up to the people of our state to sort this out', 'we have to make sure that it won\u2019t happen.', 'It will be key to watch for further development over the next two months', 'it shows how easy it will be for Americans to file', 'which sections of the field will yield the most oil', 'I thought he was going to hit me.', 'There is plenty of value left in the brand if the chief can make the cars cheaper'])
      expect(readCues(t, on).rejected, t).not.toBeNull();
  });
});

describe('sixth pass (read from the fourth blind set after its one scoring)', () => {
  it('gives a quotation with no attribution of its own to the speaker a sentence before it in the paragraph names', () => {
    const text = 'Rents rose again. The bank’s chief economist, Ana Ruiz, foresees something in between. “Sales will keep falling as long as rates stay high. We forecast a further 4% drop in 2026.” She expects inventory to rise.';
    expect(speech(text).filter((s) => /Sales will keep falling|further 4% drop/.test(s.text)).map((s) => s.speaker)).toEqual(['Ana Ruiz', 'Ana Ruiz']);
    // (a quotation with no one named before it in its paragraph still has no speaker)
    expect(speech('Rents rose again in May across the region. “Sales will keep falling as long as rates stay high,” was the verdict.')[0]?.speaker ?? null).toBeNull();
  });

  it('reads "X projects A while Y sees B" as two forecasts, each with its own speaker', () => {
    const text = 'Other lenders were gloomier. The fund projects growth of 6.8% for 2027 while the Asian Development Bank sees growth of 6.4% in 2027 and 6.6% in 2028.';
    expect(found(text)).toEqual([
      ['The fund', 'growth of 6.8% for 2027'],
      ['Asian Development Bank', 'growth of 6.4% in 2027 and 6.6% in 2028'],
    ]);
  });

  it('a connecting adverb before the subject is not the speaker ("Consequently, they believe", "Specifically, Musk wrote")', () => {
    expect(speech('The forecasters said the season would be busy. Consequently, they believe that El Niño is extremely unlikely this year.').map((s) => s.speaker)).toEqual(['The forecasters', 'The forecasters']);
    expect(speech('Specifically, Musk wrote: "The new car should ship in 2027 if supply allows."').map((s) => s.speaker)).toEqual(['Musk']);
    expect(speech('Accordingly, the Government expects to borrow Rs.1,944 billion from local and foreign sources.').map((s) => s.speaker)).toEqual(['the Government']);
  });

  it('reads "…, while Y forecast B" in the past tense too', () => {
    const text = 'Nomura sees the won at 1,350 by June, while Barclays Capital forecast continued depreciation, with the rate reaching 1,500 by the end of 2027.';
    expect(found(text).map(([who]) => who)).toEqual(['Nomura', 'Barclays Capital']);
  });

  it('keeps the whole object of a forecasting verb, not only the clause after "and" or "while"', () => {
    const text = 'The ministry projects a budget deficit of 3.1% of output for the whole of 2026, while the shortfall in the year after that should be a little smaller at about 2.9%.';
    const [c] = candidates(text);
    expect(c!.quote.startsWith('a budget deficit of 3.1%')).toBe(true);
  });
});
