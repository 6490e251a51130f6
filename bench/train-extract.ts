/**
 * Trains the forecast model (src/extract/model.ts) on the keyed real articles and writes its
 * weights to src/extract/model-weights.ts. `npm run train:extract` (= `npx tsx bench/train-extract.ts`).
 *
 * Training sets: the corpus (both splits), the held-out set and the first three blind sets, every one
 * of them spent as a measure. The measure of the trained model is a set it never saw (MEASURE in
 * bench/extract.ts), scored by `npm run bench:extract`.
 *
 * Each article's pool (src/extract/index.ts) is labelled against its key: a stretch that matches a
 * key forecast by the bench's rule is a forecast, one that meets only an item the key marks
 * ambiguous counts as not one (the strict precision the issue sets a target for counts those as
 * wrong), any other is not one either. A logistic regression with an L2 penalty,
 * fitted by full-batch gradient descent from zero (deterministic: the same data gives the same
 * weights); features seen in fewer than MIN_COUNT training stretches are dropped.
 *
 * `--cv` instead prints leave-one-set-out figures (train on four sets, score the fifth with the
 * bench's scorer) for a range of thresholds and penalties, next to the rules alone, and writes
 * nothing; `--with-rule` adds the rules' verdict to the features (a comparison: see model.ts),
 * `--per-fold` prints each fold's figures too, `--lambda a,b` and `--threshold a,b` the grid.
 * `--compare SET` scores one set (overall figures only) with the shipped model, the model trained
 * with the rules' verdict, and the rules alone.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { poolCandidates, selectCandidates, extractByRules, type Pooled } from '../src/extract/index.js';
import { features, type ForecastModel } from '../src/extract/model.js';
import { combine, loadCorpus, locate, scoreArticle, spansMatch, type ArticleKey, type ArticleScore, type SetName } from './extract.js';

/** The sets trained on, grouped as the folds of `--cv` (the corpus's two splits are one fold). */
export const TRAINING_FOLDS: Record<string, SetName[]> = { corpus: ['dev', 'test'], heldout: ['heldout'], blind: ['blind'], blind2: ['blind2'], blind3: ['blind3'], blind4: ['blind4'], blind5: ['blind5'] };
const MIN_COUNT = 2;
export const LAMBDA = 10;
export const THRESHOLD = 0.25;
const ITERATIONS = 400;

interface Example {
  feats: string[];
  label: 0 | 1;
}
interface Article {
  key: ArticleKey;
  pool: Pooled[];
  examples: Example[];
}

/** Each set's articles with their pools, every stretch labelled: 1 when it matches a key forecast by the bench's rule, else 0 (an ambiguous item included). */
export function loadArticles(sets: SetName[], opts: { withRule?: boolean } = {}): Article[] {
  return sets.flatMap((set) => loadCorpus(set)).map((key) => {
    const pool = poolCandidates(key.article);
    const spans = key.forecasts.flatMap((f) => locate(key.article.text, f.quote) ?? []);
    const label = (p: Pooled): 0 | 1 => (spans.some((at) => spansMatch(at, p.candidate)) ? 1 : 0);
    return { key, pool, examples: pool.map((p) => ({ feats: features(p, opts), label: label(p) })) };
  });
}

/** Fits the weights: L2-penalised logistic loss (mean over examples + λ/n · ‖w‖²/2), gradient descent with Adam steps. */
export function train(articles: Article[], lambda = LAMBDA, threshold = THRESHOLD, withRule = false): ForecastModel {
  const examples = articles.flatMap((a) => a.examples);
  const counts = new Map<string, number>();
  for (const e of examples) for (const f of e.feats) counts.set(f, (counts.get(f) ?? 0) + 1);
  const names = [...counts].filter(([, n]) => n >= MIN_COUNT).map(([f]) => f).sort();
  const index = new Map(names.map((f, i) => [f, i]));
  const rows = examples.map((e) => ({ x: e.feats.flatMap((f) => (index.has(f) ? [index.get(f)!] : [])), y: e.label }));
  const n = rows.length;
  const w = new Float64Array(names.length);
  let b = 0;
  const m = new Float64Array(names.length + 1);
  const v = new Float64Array(names.length + 1);
  const g = new Float64Array(names.length + 1);
  const lr = 0.05;
  for (let t = 1; t <= ITERATIONS; t++) {
    g.fill(0);
    for (const r of rows) {
      let z = b;
      for (const i of r.x) z += w[i]!;
      const err = 1 / (1 + Math.exp(-z)) - r.y;
      for (const i of r.x) g[i]! += err / n;
      g[names.length]! += err / n;
    }
    for (let i = 0; i < names.length; i++) g[i]! += (lambda / n) * w[i]!;
    for (let i = 0; i <= names.length; i++) {
      m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
      v[i] = 0.999 * v[i]! + 0.001 * g[i]! * g[i]!;
      const step = (lr * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8);
      if (i === names.length) b -= step;
      else w[i] = w[i]! - step;
    }
  }
  const weights: Record<string, number> = {};
  names.forEach((f, i) => {
    const x = Math.round(w[i]! * 1e3) / 1e3;
    if (x !== 0) weights[f] = x;
  });
  return { threshold, bias: Math.round(b * 1e3) / 1e3, weights, ...(withRule ? { withRule: true } : {}) };
}

const fmt = (s: ArticleScore) => `recall ${s.recall.toFixed(2)} · precision ${s.precision.toFixed(2)} · strict ${s.strictPrecision.toFixed(2)} · speaker ${s.speaker.toFixed(2)} · check-by ${s.checkBy.toFixed(2)} (${s.matched}/${s.forecasts}, ${s.candidates} found)`;

function crossValidate(lambdas: number[], thresholds: number[], withRule: boolean, perFold: boolean): void {
  const folds = Object.entries(TRAINING_FOLDS).map(([name, sets]) => ({ name, articles: loadArticles(sets, { withRule }) }));
  const rules = folds.map((f) => combine(f.articles.map((a) => scoreArticle(a.key, extractByRules(a.key.article)))));
  console.log(`rules alone, all folds: ${fmt(combine(rules))}`);
  folds.forEach((f, i) => console.log(`  ${f.name}: ${fmt(rules[i]!)}`));
  for (const lambda of lambdas) {
    const models = folds.map((f) => train(folds.filter((o) => o !== f).flatMap((o) => o.articles), lambda, THRESHOLD, withRule));
    for (const threshold of thresholds) {
      const per = folds.map((f, i) => combine(f.articles.map((a) => scoreArticle(a.key, selectCandidates(a.pool, { ...models[i]!, threshold })))));
      console.log(`λ ${lambda} threshold ${threshold}: ${fmt(combine(per))}`);
      if (perFold) folds.forEach((f, i) => console.log(`  ${f.name}: ${fmt(per[i]!)}`));
    }
  }
}

function writeModel(model: ForecastModel, trainedOn: string): void {
  const file = fileURLToPath(new URL('../src/extract/model-weights.ts', import.meta.url));
  const entries = Object.entries(model.weights).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = [
    '// Written by bench/train-extract.ts (npm run train:extract); not edited by hand.',
    `// Trained on ${trainedOn}; λ ${LAMBDA}, ${entries.length} features.`,
    "import type { ForecastModel } from './model.js';",
    '',
    'export const FORECAST_MODEL: ForecastModel = {',
    `  threshold: ${model.threshold},`,
    `  bias: ${model.bias},`,
    '  weights: {',
    ...entries.map(([f, x]) => `    ${JSON.stringify(f)}: ${x},`),
    '  },',
    '};',
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  console.log(`wrote ${file}: ${entries.length} features, bias ${model.bias}, threshold ${model.threshold}`);
}

/**
 * One set scored three ways, overall figures only (no per-article misses): the shipped model, the
 * same model trained with the rules' verdict among its features, and the rules alone.
 */
function compare(set: SetName): void {
  const keys = loadCorpus(set);
  const withRule = train(loadArticles(Object.values(TRAINING_FOLDS).flat(), { withRule: true }), LAMBDA, THRESHOLD, true);
  const rows: [string, (k: ArticleKey) => ReturnType<typeof extractByRules>][] = [
    ['model (shipped)', (k) => selectCandidates(poolCandidates(k.article))],
    ['model with the rules\' verdict', (k) => selectCandidates(poolCandidates(k.article), withRule)],
    ['rules alone', (k) => extractByRules(k.article)],
  ];
  for (const [name, run] of rows) console.log(`${set}, ${name}: ${fmt(combine(keys.map((k) => scoreArticle(k, run(k)))))}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--compare')) {
    compare(process.argv[process.argv.indexOf('--compare') + 1] as SetName);
  } else if (process.argv.includes('--cv')) {
    const nums = (flag: string, dflt: number[]) => {
      const at = process.argv.indexOf(flag);
      return at >= 0 ? process.argv[at + 1]!.split(',').map(Number) : dflt;
    };
    crossValidate(nums('--lambda', [LAMBDA]), nums('--threshold', [0.2, 0.25, 0.3, 0.35, 0.4]), process.argv.includes('--with-rule'), process.argv.includes('--per-fold'));
  } else {
    const sets = Object.values(TRAINING_FOLDS).flat();
    const articles = loadArticles(sets);
    const model = train(articles);
    const n = articles.reduce((s, a) => s + a.examples.length, 0);
    writeModel(model, `${articles.length} articles (${sets.join(', ')}), ${n} stretches`);
  }
}
