/**
 * The trained forecast model (src/extract/model.ts): its weights are what the trainer computes
 * from the keyed sets in the repository (nobody edits them by hand, and they never saw the
 * measure), its features leave out the rules' verdict, and the selection keeps the likelier of
 * two overlapping stretches, at most MAX_CANDIDATES, repeats merged.
 */
import { describe, expect, it } from 'vitest';
import { articleFromText, extractCandidates, MAX_CANDIDATES, poolCandidates, selectCandidates, type Pooled } from '../../src/extract/index.js';
import { features, leafValue, probability, type ForecastModel, type Tree } from '../../src/extract/model.js';
import { FORECAST_MODEL } from '../../src/extract/model-weights.js';
import { loadArticles, THRESHOLD, trainTrees, TREES, TRAINING_FOLDS } from '../../bench/train-extract.js';
import { MEASURES } from '../../bench/extract.js';

const on = '2025-03-04';

describe('the shipped weights', () => {
  it('are what the trainer computes from the keyed sets: its trees, bias and threshold', () => {
    const model = trainTrees(loadArticles(Object.values(TRAINING_FOLDS).flat()));
    expect(model.threshold).toBe(THRESHOLD);
    expect(FORECAST_MODEL.threshold).toBe(THRESHOLD);
    expect(FORECAST_MODEL.bias).toBe(model.bias);
    expect(FORECAST_MODEL.weights).toEqual({});
    expect(FORECAST_MODEL.trees?.length).toBe(TREES.count);
    expect(FORECAST_MODEL.trees).toEqual(model.trees);
    expect(FORECAST_MODEL.withRule).toBeUndefined();
  }, 120_000);

  it('never saw the sets that measure them', () => {
    expect(MEASURES.length).toBeGreaterThan(0);
    for (const set of MEASURES) expect(Object.values(TRAINING_FOLDS).flat()).not.toContain(set);
  });
});

describe('features', () => {
  const pool = poolCandidates(articleFromText('“We will cut rates twice next year,” said Jane Roe, the bank’s governor. The bank cut rates in 2019 after a slump.', { publishedOn: on }));

  it('leave out the rules’ verdict unless asked (the comparison only)', () => {
    for (const p of pool) {
      expect(features(p).some((f) => f.startsWith('rule='))).toBe(false);
      expect(features(p, { withRule: true })).toContain(`rule=${p.rule ?? 'kept'}`);
    }
  });

  it('read how a stretch was found, its cues, words, speaker and horizon', () => {
    const quote = pool.find((p) => p.form === 'quote')!;
    const f = features(quote);
    expect(f).toEqual(expect.arrayContaining(['form=quote', 'kind=future', 'w=rates', 'b=cut_rates', 'f1=we', 'speaker=named', 'horizon=found']));
    expect(new Set(f).size).toBe(f.length);
  });

  it('the shipped model gives a plain forecast a higher probability than a plain fact', () => {
    const quote = pool.find((p) => p.form === 'quote')!;
    const fact = pool.find((p) => p.form === 'sentence')!;
    expect(fact.candidate.quote).toMatch(/^The bank cut rates in 2019/);
    expect(probability(FORECAST_MODEL, features(quote))).toBeGreaterThan(probability(FORECAST_MODEL, features(fact)));
  });
});

describe('trees', () => {
  // is it a quote? then does it name a year ahead?
  const tree: Tree = [{ f: 'form=quote', yes: 1, no: 2 }, { f: 'year:ahead', yes: 3, no: 4 }, { v: -1 }, { v: 2 }, { v: 0.5 }];

  it('a stretch gets the value of the leaf its features lead to', () => {
    expect(leafValue(tree, (f) => ['form=quote', 'year:ahead'].includes(f))).toBe(2);
    expect(leafValue(tree, (f) => f === 'form=quote')).toBe(0.5);
    expect(leafValue(tree, (f) => f === 'year:ahead')).toBe(-1);
    // a malformed tree (a loop, a missing node) ends at 0, never hangs
    expect(leafValue([{ f: 'x', yes: 0, no: 0 }], () => true)).toBe(0);
    expect(leafValue([{ f: 'x', yes: 5, no: 5 }], () => true)).toBe(0);
  });

  it('add their leaves to the bias and the linear weights', () => {
    const model: ForecastModel = { threshold: 0.5, bias: -1, weights: { 'w=rates': 0.5 }, trees: [tree, tree] };
    const z = -1 + 0.5 + 2 + 2;
    expect(probability(model, ['form=quote', 'year:ahead', 'w=rates'])).toBeCloseTo(1 / (1 + Math.exp(-z)), 12);
    expect(probability({ ...model, trees: [] }, ['form=quote', 'w=rates'])).toBeCloseTo(1 / (1 + Math.exp(0.5)), 12);
  });

  it('the trainer finds the feature that decides the label, and a second one below it', () => {
    // forecasts: quotes that name a year ahead; everything else is not one
    const examples = Array.from({ length: 400 }, (_, i) => {
      const quote = i % 2 === 0;
      const ahead = i % 3 === 0;
      const feats = [quote ? 'form=quote' : 'form=paraphrase', ...(ahead ? ['year:ahead'] : []), `w=n${i % 7}`];
      return { feats, label: (quote && ahead ? 1 : 0) as 0 | 1 };
    });
    const model = trainTrees([{ key: null as never, pool: [], examples }], { ...TREES, count: 30, depth: 2 });
    expect(model.trees).toHaveLength(30);
    const first = model.trees![0]!;
    expect(first[0]).toMatchObject({ f: expect.stringMatching(/^(?:form=quote|form=paraphrase|year:ahead)$/) });
    const p = (feats: string[]) => probability(model, feats);
    expect(p(['form=quote', 'year:ahead', 'w=n1'])).toBeGreaterThan(0.9);
    expect(p(['form=quote', 'w=n1'])).toBeLessThan(0.1);
    expect(p(['form=paraphrase', 'year:ahead', 'w=n1'])).toBeLessThan(0.1);
    // deterministic: the same data, the same trees
    expect(trainTrees([{ key: null as never, pool: [], examples }], { ...TREES, count: 30, depth: 2 })).toEqual(model);
  });
});

describe('the pool', () => {
  it('holds the sentences no attribution covers, with the speaker named just before', () => {
    const text = 'Jane Roe, the fund’s chief economist, said growth would slow to 2% next year.\n\nThe fund will cut its forecast again in April. Exports fell in May.';
    const pool = poolCandidates(articleFromText(text, { publishedOn: on }));
    const sentence = pool.find((p) => p.candidate.quote.startsWith('The fund will cut'))!;
    expect(sentence.form).toBe('sentence');
    expect(sentence.rule).toBe('no attribution');
    expect(sentence.candidate.speaker).toBe('Jane Roe');
    expect(pool.find((p) => p.form === 'paraphrase')!.candidate.speaker).toBe('Jane Roe');
  });
});

describe('selection', () => {
  const text = 'Jane Roe said rates will fall next year. Jane Roe said rates will fall next year. Sales rose.';
  const pool = poolCandidates(articleFromText(text, { publishedOn: on }));
  const byWord = (word: string, w: number): ForecastModel => ({ threshold: 0.5, bias: -5, weights: { [`w=${word}`]: w } });

  it('keeps what reaches the threshold and nothing else', () => {
    expect(selectCandidates(pool, byWord('fall', 10)).map((c) => c.quote)).toEqual(['rates will fall next year']);
    expect(selectCandidates(pool, byWord('fall', 1))).toEqual([]);
  });

  it('keeps no stretch without a speaker, however likely', () => {
    const unattributed = poolCandidates(articleFromText('Prices will rise by 5% in 2030 across the whole region, the report shows.\n\nSales will fall by a third in 2031 in every market we know of.', { publishedOn: on }));
    const speakerless = unattributed.filter((p) => p.candidate.speaker === null);
    expect(speakerless.length).toBeGreaterThan(0);
    const everything: ForecastModel = { threshold: 0.5, bias: 5, weights: {} };
    expect(selectCandidates(unattributed, everything).every((c) => c.speaker !== null)).toBe(true);
    expect(selectCandidates(speakerless, everything)).toEqual([]);
  });

  it('merges a repeated quote into one, with why it was kept once', () => {
    const [only] = selectCandidates(pool, byWord('fall', 10));
    expect(only!.why.at(-1)).toMatch(/repeated in the article \(2 times\)/);
  });

  it('of two overlapping stretches keeps the likelier', () => {
    const a = pool.find((p) => p.candidate.quote === 'rates will fall next year')!;
    const wide: Pooled = { ...a, candidate: { ...a.candidate, quote: 'Jane Roe said rates will fall next year', start: a.candidate.start - 14 }, form: 'sentence' };
    const model: ForecastModel = { threshold: 0.5, bias: 0, weights: { 'form=sentence': 2, 'form=paraphrase': 1 } };
    expect(selectCandidates([a, wide], model).map((c) => c.quote)).toEqual([wide.candidate.quote]);
    expect(selectCandidates([a, wide], { ...model, weights: { 'form=sentence': 1, 'form=paraphrase': 2 } }).map((c) => c.quote)).toEqual([a.candidate.quote]);
  });

  it('keeps at most MAX_CANDIDATES, however many pass', () => {
    const many = Array.from({ length: MAX_CANDIDATES + 50 }, (_, i) => `Analyst ${i} said prices will rise by ${i} percent in 2027.`).join('\n\n');
    const everything: ForecastModel = { threshold: 0.5, bias: 5, weights: {} };
    const kept = selectCandidates(poolCandidates(articleFromText(many, { publishedOn: on })), everything);
    expect(kept.length).toBe(MAX_CANDIDATES);
    expect(kept.map((c) => c.start)).toEqual([...kept.map((c) => c.start)].sort((x, y) => x - y));
  });

  it('extractCandidates is the shipped model on the pool', () => {
    const article = articleFromText('“We will cut rates twice next year,” said Jane Roe. The bank cut rates in 2019 after a slump.', { publishedOn: on });
    expect(extractCandidates(article)).toEqual(selectCandidates(poolCandidates(article), FORECAST_MODEL));
  });
});
