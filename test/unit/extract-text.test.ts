/** Sentences, quotations and attributed speech (src/extract/sentences.ts, attribution.ts). */
import { describe, expect, it } from 'vitest';
import { findQuotations, splitParagraphs, splitSentences } from '../../src/extract/sentences.js';
import { attributedSegments, cleanSpeaker, readStructure } from '../../src/extract/attribution.js';

const sentences = (text: string) => splitSentences(text).map((s) => s.text);
const speech = (text: string) => attributedSegments(readStructure(text)).map((s) => ({ speaker: s.speaker, form: s.form, text: text.slice(s.start, s.end).replace(/\s+/g, ' ') }));

describe('splitSentences', () => {
  it('does not split after abbreviations, initials or inside brackets', () => {
    expect(sentences('Mr. Smith met U.S. officials on Jan. 5 in Washington. They said J. D. Vance will attend. Talks resume Monday.')).toEqual([
      'Mr. Smith met U.S. officials on Jan. 5 in Washington.',
      'They said J. D. Vance will attend.',
      'Talks resume Monday.',
    ]);
    expect(sentences('It will fall [the index, i.e. the S.&P. 500. Or so.] soon. Next one.')).toEqual(['It will fall [the index, i.e. the S.&P. 500. Or so.] soon.', 'Next one.']);
  });

  it('splits inside quotations and after closing quote marks, and keeps offsets', () => {
    const text = '“We will win. It is clear,” she said. "Maybe?" he asked.';
    const got = splitSentences(text);
    expect(got.map((s) => s.text)).toEqual(['“We will win.', 'It is clear,” she said.', '"Maybe?" he asked.']);
    for (const s of got) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('never crosses a paragraph, and joins hard-wrapped lines', () => {
    const text = 'First line\nof a sentence.\n\nSecond paragraph without a stop\n\nThird.';
    expect(splitParagraphs(text).length).toBe(3);
    expect(sentences(text)).toEqual(['First line\nof a sentence.', 'Second paragraph without a stop', 'Third.']);
  });
});

describe('findQuotations', () => {
  it('continues a quotation into a paragraph that opens with a quote mark', () => {
    const text = 'Lee said:\n\n“We are saving money. But riders will pay.\n\n“Within a year we will be back here.”\n\nNext paragraph.';
    const q = findQuotations(text);
    expect(q).toHaveLength(1);
    expect(q[0]!.parts).toHaveLength(2);
    expect(q[0]!.firstParagraph).toBe(1);
    expect(q[0]!.lastParagraph).toBe(2);
  });

  it('pairs straight quotes and curly ones', () => {
    const q = findQuotations('"One two three four," a man said. “Five six seven eight.”');
    expect(q.map((x) => x.words)).toEqual([4, 4]);
  });
});

describe('attributed speech', () => {
  it('reads the speaker after a quote, either order', () => {
    expect(speech('“Prices will rise by March,” said Anna Berg, who runs the shop.')[0]).toMatchObject({ speaker: 'Anna Berg', form: 'quote', text: 'Prices will rise by March,' });
    expect(speech('“Prices will rise by March,” a senior official told reporters.')[0]).toMatchObject({ speaker: 'a senior official' });
    expect(speech('"We will walk out on March 4 if there is no offer," union president Dana Okafor told reporters.')[0]).toMatchObject({ speaker: 'Dana Okafor' });
  });

  it('reads the speaker before a quote', () => {
    expect(speech('A government official expressed confidence in the plan, saying: “If he joins the team, some of the people involved will be rational.”')[0]).toMatchObject({ speaker: 'A government official' });
    expect(speech('Asked about the deal, she said: "We won\'t accept another offer like this one."')[0]!.speaker).toBe('she');
  });

  it('carries a speaker over a continued quote, a second quote in the paragraph and a multi-paragraph quote', () => {
    const text = [
      'Councilor Derek Ambrose, who voted against the budget, said the merger was a false economy.',
      '“We are saving money on paper. But the people who lose that bus are going to call for paratransit.',
      '“Within a year, we’ll be back in this room.”',
      '“Until the vote, we will keep going,” a local official said. “It would be good to finish by January.”',
    ].join('\n\n');
    const got = speech(text).filter((s) => s.form === 'quote');
    expect(got.map((s) => s.speaker)).toEqual(['Derek Ambrose', 'Derek Ambrose', 'Derek Ambrose', 'a local official', 'a local official']);
  });

  it('reads paraphrase: X said (that) …, …, X said, adding that …, according to X', () => {
    const a = speech('City Manager Priya Raman said the study should be finished by March and that construction could begin in 2025.');
    expect(a.map((s) => [s.speaker, s.text])).toEqual([
      ['Priya Raman', 'the study should be finished by March'],
      ['Priya Raman', 'construction could begin in 2025'],
    ]);
    const b = speech('Should the advance continue, it would be logical for the new administration to propose talks, another official said, voicing the belief that Kyiv will also show more readiness.');
    expect(b.map((s) => s.speaker)).toEqual(['another official', 'another official']);
    expect(b[1]!.text).toBe('Kyiv will also show more readiness');
    const c = speech('A stoppage of more than a week would cut freight volumes by a fifth, according to the chief operating officer, Paul Sandor.');
    expect(c[0]).toMatchObject({ speaker: 'Paul Sandor', text: 'A stoppage of more than a week would cut freight volumes by a fifth' });
    const d = speech('According to two diplomats, dialogue will resume within weeks.');
    expect(d[0]).toMatchObject({ speaker: 'two diplomats', text: 'dialogue will resume within weeks' });
  });

  it('resolves pronouns to the last speaker and surnames to the full name', () => {
    const text = 'Mira Castellanos, an economist at Harlow University, said talks were close.\n\n“They will settle before the deadline,” she said.\n\nCastellanos added that a deal would come within days.';
    expect(speech(text).map((s) => s.speaker)).toEqual(['Mira Castellanos', 'Mira Castellanos', 'Mira Castellanos']);
  });

  it('takes a quote opening a paragraph from "She said:" ending the one before, and a role for "she"', () => {
    const text = 'The finance minister spoke to reporters on Monday. She said:\n\n“Inflation will be back at 2% within two years.”';
    expect(speech(text).filter((s) => s.form === 'quote').map((s) => s.speaker)).toEqual(['The finance minister']);
  });

  it('reads interview answers by the name before the colon', () => {
    const got = speech('Review: Will it grow?\n\nSolberg: It will. I expect it to reach the front within two years.');
    expect(got.filter((s) => s.speaker === 'Solberg').map((s) => s.text)).toEqual(['It will.', 'I expect it to reach the front within two years.']);
  });

  it('ignores scare quotes', () => {
    const got = speech('Diplomats predict that Trump will be “desperate” to negotiate.');
    expect(got).toEqual([{ speaker: 'Diplomats', form: 'paraphrase', text: 'Trump will be “desperate” to negotiate' }]);
  });

  it('tidies a speaker phrase', () => {
    expect(cleanSpeaker('However, Russian diplomats')).toBe('Russian diplomats');
    expect(cleanSpeaker('Shirin Mahmoudi of Castlegate Research')).toBe('Shirin Mahmoudi');
    expect(cleanSpeaker('Mayor Alicia Ferreira')).toBe('Alicia Ferreira');
    expect(cleanSpeaker('a source close to the Foreign Ministry')).toBe('a source close to the Foreign Ministry');
  });
});
