/**
 * The extraction corpus (test/fixtures/corpus/) is well-formed: every article has its address,
 * outlet and date; every key quote stands in its article verbatim, once; every speaker the key
 * names is named in the article; and split.json is the split the seed gives. Reads files only:
 * the extractor is not run here.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BLIND2_DIR, BLIND3_DIR, BLIND4_DIR, BLIND5_DIR, BLIND6_DIR, BLIND7_DIR, BLIND8_DIR, BLIND9_DIR, BLIND10_DIR, BLIND_DIR, CORPUS_DIR, HELDOUT_DIR, SPLIT_SEED, occurrences, readCorpusKeys, readCorpusText, readSplit, seededSplit } from '../../bench/corpus.js';
import { combine, corpusSplits, loadCorpus, scoreArticle, type ArticleKey } from '../../bench/extract.js';
import { articleFromText } from '../../src/extract/index.js';
import type { Candidate } from '../../src/extract/types.js';

const keys = readCorpusKeys();
const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

describe('the extraction corpus', () => {
  it('holds at least 32 articles, each with its text, address, outlet, date and source', () => {
    expect(keys.length).toBeGreaterThanOrEqual(32);
    const texts = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.txt'));
    expect(texts.sort()).toEqual(keys.map((k) => k.article).sort());
    expect(new Set(keys.map((k) => k.id)).size).toBe(keys.length);
    for (const k of keys) {
      expect(k.article, k.id).toBe(`${k.id}.txt`);
      expect(readCorpusText(k).split(/\s+/).filter(Boolean).length, `${k.id} words`).toBeGreaterThanOrEqual(60);
      expect(k.url, `${k.id} url`).toMatch(/^https?:\/\/\S+$/);
      expect(isDay(k.publishedOn), `${k.id} publishedOn ${k.publishedOn}`).toBe(true);
      for (const field of ['outlet', 'domain', 'source', 'dateFrom', 'dropped', 'style'] as const) expect(k[field].trim(), `${k.id} ${field}`).not.toBe('');
    }
    expect(keys.filter((k) => k.domain === 'sport').length).toBeLessThanOrEqual(1);
  });

  it('every text comes from a public dataset in a repository: the source names the repository, the path and the commit', () => {
    for (const k of keys) {
      expect(k.source, k.id).toMatch(/^(Reuters-21578, Distribution 1\.0: shaefeli\/NLP_training, reut2-000\.sgm|codelucas\/newspaper, tests\/data\/text\/\S+\.txt)\b/);
      expect(k.source, k.id).toMatch(/\b[0-9a-f]{40}\b/);
    }
  });

  it('every quote of every key stands in its article verbatim, exactly once', () => {
    let quotes = 0;
    for (const k of keys) {
      const text = readCorpusText(k);
      for (const item of [...k.forecasts, ...k.ambiguous, ...k.notForecasts]) {
        expect(occurrences(text, item.quote), `${k.id}: ${item.quote}`).toBe(1);
        quotes++;
      }
    }
    expect(quotes).toBeGreaterThan(200);
  });

  it('every speaker and alias is named in the article, and every check-by is a real day not before publication', () => {
    for (const k of keys) {
      const text = readCorpusText(k).toLowerCase();
      for (const f of k.forecasts) {
        for (const name of [f.speaker, ...(f.speakerAliases ?? [])]) expect(text.includes(name.toLowerCase()), `${k.id}: speaker "${name}"`).toBe(true);
        expect(isDay(f.checkBy), `${k.id}: checkBy ${f.checkBy}`).toBe(true);
        expect(f.checkBy >= k.publishedOn, `${k.id}: checkBy ${f.checkBy} before ${k.publishedOn}`).toBe(true);
      }
    }
    expect(keys.reduce((n, k) => n + k.forecasts.length, 0)).toBeGreaterThanOrEqual(70);
  });

  it('split.json is the split the seed gives: every article once, halves within one of each other', () => {
    const split = readSplit();
    expect(split.seed).toBe(SPLIT_SEED);
    const ids = keys.map((k) => k.id);
    expect(seededSplit(ids, split.seed)).toEqual({ dev: split.dev, test: split.test });
    expect([...split.dev, ...split.test].sort()).toEqual([...ids].sort());
    expect(split.dev.filter((id) => split.test.includes(id))).toEqual([]);
    expect(Math.abs(split.dev.length - split.test.length)).toBeLessThanOrEqual(1);
  });
});

describe('the corpus as the bench reads it', () => {
  it('loads each split apart, with the outlet, date and address of the key on the article', () => {
    const split = readSplit();
    const dev = loadCorpus('dev');
    expect(dev.map((k) => k.name)).toEqual(split.dev);
    const test = loadCorpus('test');
    expect(test.map((k) => k.name)).toEqual(split.test);
    const key = keys.find((k) => k.id === dev[0]!.name)!;
    expect(dev[0]!.article).toMatchObject({ outlet: key.outlet, publishedOn: key.publishedOn, url: key.url });
  });

  it('scores both splits, the held-out set and the first seven blind sets (spent: in-sample), the eighth (training), the ninth and tenth (the measure), every article of each', () => {
    expect(corpusSplits()).toEqual(['dev', 'test', 'heldout', 'blind', 'blind2', 'blind3', 'blind4', 'blind5', 'blind6', 'blind7', 'blind8', 'blind9', 'blind10']);
    for (const [set, dir] of [['heldout', HELDOUT_DIR], ['blind', BLIND_DIR], ['blind2', BLIND2_DIR], ['blind3', BLIND3_DIR], ['blind4', BLIND4_DIR], ['blind5', BLIND5_DIR], ['blind6', BLIND6_DIR], ['blind7', BLIND7_DIR], ['blind8', BLIND8_DIR], ['blind9', BLIND9_DIR], ['blind10', BLIND10_DIR]] as const) {
      const loaded = loadCorpus(set);
      const ids = readdirSync(dir).filter((f) => f.endsWith('.key.json')).map((f) => f.replace(/\.key\.json$/, '')).sort();
      expect(loaded.map((k) => k.name).sort(), set).toEqual(ids);
      expect(ids.length, set).toBeGreaterThanOrEqual(set === 'blind3' ? 12 : set === 'blind10' ? 15 : set === 'blind8' ? 20 : set === 'blind7' ? 25 : 29);
    }
  });

  it('a candidate on an ambiguous item only is left out of precision and counted wrong in strict precision', () => {
    const text = 'The bank will cut rates in March, the governor said.\n\nPrices may fall, some think.\n\nThe bank met on Tuesday.';
    const key: ArticleKey = {
      name: 'made-up',
      article: articleFromText(text, { publishedOn: '2024-01-10' }),
      forecasts: [{ quote: 'The bank will cut rates in March', speaker: 'the governor', checkBy: '2024-03-31' }],
      ambiguous: [{ quote: 'Prices may fall' }],
      notForecasts: [{ quote: 'The bank met on Tuesday.' }],
    };
    const candidate = (quote: string, speaker: string | null, checkBy: string | null): Candidate => {
      const start = text.indexOf(quote);
      return { quote, start, end: start + quote.length, speaker, restatement: quote, checkBy, checkByPhrase: null, anchor: null, hedge: 'likely', hedgePhrase: 'will', family: null, why: [] };
    };
    const s = scoreArticle(key, [
      candidate('The bank will cut rates in March, the governor said.', 'the governor', '2024-03-28'),
      candidate('Prices may fall, some think.', 'some', null),
      candidate('The bank met on Tuesday.', null, null),
    ]);
    expect(s).toMatchObject({ recall: 1, matched: 1, speaker: 1, checkBy: 1, ambiguousOnly: 1, correctCandidates: 1, counted: 2 });
    expect(s.precision).toBe(0.5);
    expect(s.strictPrecision).toBeCloseTo(1 / 3);
    const both = combine([s, { ...s, candidates: 1, correctCandidates: 1, counted: 1, ambiguousOnly: 0 }]);
    expect(both.strictPrecision).toBe(0.5);
    expect(both.precision).toBeCloseTo(2 / 3);
  });
});

describe('the checks behind it', () => {
  it('occurrences: whitespace aside, counts repeats, and an edited quote is not found', () => {
    const text = 'He said the bank\nwill cut rates.\n\nThe bank  will cut rates, he said.';
    expect(occurrences(text, 'the bank will cut rates')).toBe(1);
    expect(occurrences(text, 'bank will cut rates')).toBe(2);
    expect(occurrences(text, 'the bank will cut rate.')).toBe(0);
    expect(occurrences(text, 'cut rates (soon)')).toBe(0);
  });

  it('seededSplit: the same seed gives the same halves whatever the order in; another seed another split', () => {
    const ids = Array.from({ length: 38 }, (_, i) => `article-${String(i).padStart(2, '0')}`);
    const a = seededSplit(ids, 2323);
    expect(seededSplit([...ids].reverse(), 2323)).toEqual(a);
    expect(a.dev).toHaveLength(19);
    expect(a.test).toHaveLength(19);
    expect(seededSplit(ids, 2324).dev).not.toEqual(a.dev);
    expect(a.dev).not.toEqual(ids.slice(0, 19));
  });
});
