/**
 * Trains the forecast model (src/extract/model.ts) on the keyed real articles and writes its
 * weights to src/extract/model-weights.ts. `npm run train:extract` (= `npx tsx bench/train-extract.ts`).
 *
 * Training sets (TRAINING_FOLDS): the corpus (both splits), the held-out set and the first seven blind
 * sets, every one of them spent as a measure, and the eighth blind set, keyed for training. The measure
 * of the trained model is two sets it never saw (MEASURES in bench/extract.ts: the ninth and tenth
 * blind sets), scored by `npm run bench:extract`.
 *
 * Each article's pool (src/extract/index.ts) is labelled against its key: a stretch that matches a
 * key forecast by the bench's rule is a forecast, one that meets only an item the key marks
 * ambiguous counts as not one (the strict precision the issue sets a target for counts those as
 * wrong), any other is not one either. The shipped model is gradient-boosted regression trees
 * (TREES: each tree asks of a stretch whether it has a feature, three questions deep; the leaves
 * add to its log-odds), fitted with Newton steps on the logistic loss; `trainLinear` is the
 * logistic regression of session 5 (an L2 penalty, full-batch gradient descent from zero), kept as
 * the comparison. Both are deterministic: the same data gives the same model. Features seen in
 * fewer than a minimum of training stretches are left out.
 *
 * `--cv` instead prints leave-one-set-out figures (train on all folds but one, score that one with
 * the bench's scorer) for a range of thresholds, next to the rules alone, and writes nothing;
 * `--linear` cross-validates the linear model (`--lambda a,b` its penalties, `--with-rule` adds the
 * rules' verdict to its features: a comparison, see model.ts), `--per-fold` prints each fold's
 * figures too, `--threshold a,b` the grid. `--compare SET` scores one set (overall figures only) with
 * the shipped model, the linear model, the linear model with the rules' verdict, and the rules alone.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { poolCandidates, selectCandidates, extractByRules, type Pooled } from '../src/extract/index.js';
import { features, leafValue, type ForecastModel, type Tree, type TreeNode } from '../src/extract/model.js';
import { combine, loadCorpus, locate, scoreArticle, spansMatch, type ArticleKey, type ArticleScore, type SetName } from './extract.js';

/** The sets trained on, grouped as the folds of `--cv` (the corpus's two splits are one fold). */
export const TRAINING_FOLDS: Record<string, SetName[]> = { corpus: ['dev', 'test'], heldout: ['heldout'], blind: ['blind'], blind2: ['blind2'], blind3: ['blind3'], blind4: ['blind4'], blind5: ['blind5'], blind6: ['blind6'], blind7: ['blind7'], blind8: ['blind8'] };
const MIN_COUNT = 2;
/** The linear model's penalty (the comparison). */
export const LAMBDA = 10;
/** Keep a stretch whose probability is at least this (leave-one-set-out: recall and strict precision both above the linear model's at 0.25). */
export const THRESHOLD = 0.3;
const ITERATIONS = 400;
/** The boosted trees: how many, how deep, the shrinkage of each, the leaves' L2 penalty, the least training stretches a feature needs, the least Hessian weight on each side of a split. */
export interface TreeOptions { count: number; depth: number; rate: number; lambda: number; minCount: number; minHessian: number }
export const TREES: Readonly<TreeOptions> = { count: 200, depth: 3, rate: 0.1, lambda: 1, minCount: 5, minHessian: 1 };

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

/** The linear model (the comparison): L2-penalised logistic loss (mean over examples + λ/n · ‖w‖²/2), gradient descent with Adam steps. */
export function trainLinear(articles: Article[], lambda = LAMBDA, threshold = THRESHOLD, withRule = false): ForecastModel {
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

/**
 * The shipped model: TREES.count regression trees, each TREES.depth questions deep, fitted one after
 * the other to the logistic loss's gradient and Hessian (XGBoost's gain and leaf values, with
 * TREES.lambda on the leaves, each leaf shrunk by TREES.rate). A split asks whether a stretch has one
 * feature; of equal gains the first feature in sorted order wins, so training is deterministic.
 * Leaves are rounded to 1e-4 as they are written.
 */
export function trainTrees(articles: Article[], opts: Readonly<TreeOptions> = TREES, threshold = THRESHOLD): ForecastModel {
  const examples = articles.flatMap((a) => a.examples);
  const counts = new Map<string, number>();
  for (const e of examples) for (const f of e.feats) counts.set(f, (counts.get(f) ?? 0) + 1);
  const names = [...counts].filter(([, n]) => n >= opts.minCount).map(([f]) => f).sort();
  const index = new Map(names.map((f, i) => [f, i]));
  const F = names.length;
  const X = examples.map((e) => new Set(e.feats.flatMap((f) => (index.has(f) ? [index.get(f)!] : []))));
  const Xs = X.map((x) => Int32Array.from(x));
  const y = examples.map((e) => e.label);
  const n = examples.length;
  const positives = y.reduce<number>((s, v) => s + v, 0);
  const bias = Math.round(Math.log(Math.max(positives, 1) / Math.max(n - positives, 1)) * 1e4) / 1e4;
  const margin = new Float64Array(n).fill(bias);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const at = new Int32Array(n);
  // (a leaf rounded to zero is 0, not -0: the written file cannot tell them apart)
  const leaf = (G: number, H: number) => Math.round(((-G / (H + opts.lambda)) * opts.rate) * 1e4) / 1e4 || 0;
  const trees: Tree[] = [];
  for (let t = 0; t < opts.count; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]!));
      g[i] = p - y[i]!;
      h[i] = p * (1 - p);
    }
    at.fill(0);
    const tree: ({ f: string; fi: number; yes: number; no: number } | { v: number } | null)[] = [null];
    let level = [0];
    for (let d = 0; d <= opts.depth && level.length; d++) {
      const slot = new Map(level.map((node, k) => [node, k]));
      const L = level.length;
      const GT = new Float64Array(L);
      const HT = new Float64Array(L);
      const last = d === opts.depth;
      const GF = last ? null : new Float64Array(L * F);
      const HF = last ? null : new Float64Array(L * F);
      for (let i = 0; i < n; i++) {
        const k = slot.get(at[i]!);
        if (k === undefined) continue;
        GT[k]! += g[i]!;
        HT[k]! += h[i]!;
        if (!GF || !HF) continue;
        for (const f of Xs[i]!) {
          GF[k * F + f]! += g[i]!;
          HF[k * F + f]! += h[i]!;
        }
      }
      const next: number[] = [];
      level.forEach((node, k) => {
        const G = GT[k]!;
        const H = HT[k]!;
        let best = 1e-9;
        let chosen = -1;
        if (GF && HF) {
          const parent = (G * G) / (H + opts.lambda);
          for (let f = 0; f < F; f++) {
            const hl = HF[k * F + f]!;
            if (hl < opts.minHessian || H - hl < opts.minHessian) continue;
            const gl = GF[k * F + f]!;
            const gain = (gl * gl) / (hl + opts.lambda) + ((G - gl) * (G - gl)) / (H - hl + opts.lambda) - parent;
            if (gain > best) {
              best = gain;
              chosen = f;
            }
          }
        }
        if (chosen < 0) {
          tree[node] = { v: leaf(G, H) };
          return;
        }
        const yes = tree.push(null) - 1;
        const no = tree.push(null) - 1;
        tree[node] = { f: names[chosen]!, fi: chosen, yes, no };
        next.push(yes, no);
      });
      for (let i = 0; i < n; i++) {
        const node = tree[at[i]!];
        if (node && 'fi' in node) at[i] = X[i]!.has(node.fi) ? node.yes : node.no;
      }
      level = next;
    }
    const written: TreeNode[] = tree.map((node) => (node === null ? { v: 0 } : 'fi' in node ? { f: node.f, yes: node.yes, no: node.no } : node));
    for (let i = 0; i < n; i++) margin[i]! += leafValue(written, (f) => X[i]!.has(index.get(f)!));
    trees.push(written);
  }
  return { threshold, bias, weights: {}, trees };
}

const fmt = (s: ArticleScore) => `recall ${s.recall.toFixed(2)} · precision ${s.precision.toFixed(2)} · strict ${s.strictPrecision.toFixed(2)} · speaker ${s.speaker.toFixed(2)} · check-by ${s.checkBy.toFixed(2)} (${s.matched}/${s.forecasts}, ${s.candidates} found)`;

function crossValidate(opts: { linear: boolean; lambdas: number[]; thresholds: number[]; withRule: boolean; perFold: boolean }): void {
  const folds = Object.entries(TRAINING_FOLDS).map(([name, sets]) => ({ name, articles: loadArticles(sets, { withRule: opts.withRule }) }));
  const rules = folds.map((f) => combine(f.articles.map((a) => scoreArticle(a.key, extractByRules(a.key.article)))));
  console.log(`rules alone, all folds: ${fmt(combine(rules))}`);
  folds.forEach((f, i) => console.log(`  ${f.name}: ${fmt(rules[i]!)}`));
  const learners = opts.linear
    ? opts.lambdas.map((lambda) => ({ name: `linear, λ ${lambda}`, fit: (a: Article[]) => trainLinear(a, lambda, THRESHOLD, opts.withRule) }))
    : [{ name: `trees (${TREES.count} × depth ${TREES.depth})`, fit: (a: Article[]) => trainTrees(a) }];
  for (const learner of learners) {
    const models = folds.map((f) => learner.fit(folds.filter((o) => o !== f).flatMap((o) => o.articles)));
    for (const threshold of opts.thresholds) {
      const per = folds.map((f, i) => combine(f.articles.map((a) => scoreArticle(a.key, selectCandidates(a.pool, { ...models[i]!, threshold })))));
      console.log(`${learner.name}, threshold ${threshold}: ${fmt(combine(per))}`);
      if (opts.perFold) folds.forEach((f, i) => console.log(`  ${f.name}: ${fmt(per[i]!)}`));
    }
  }
}

function writeModel(model: ForecastModel, trainedOn: string): void {
  const file = fileURLToPath(new URL('../src/extract/model-weights.ts', import.meta.url));
  const entries = Object.entries(model.weights).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const trees = model.trees ?? [];
  const asked = new Set(trees.flatMap((t) => t.flatMap((node) => ('f' in node ? [node.f] : []))));
  const lines = [
    '// Written by bench/train-extract.ts (npm run train:extract); not edited by hand.',
    `// Trained on ${trainedOn}; ${trees.length} trees of depth ${TREES.depth} asking about ${asked.size} features${entries.length ? `, ${entries.length} linear weights` : ''}.`,
    "import type { ForecastModel } from './model.js';",
    '',
    'export const FORECAST_MODEL: ForecastModel = {',
    `  threshold: ${model.threshold},`,
    `  bias: ${model.bias},`,
    '  weights: {',
    ...entries.map(([f, x]) => `    ${JSON.stringify(f)}: ${x},`),
    '  },',
    '  trees: [',
    ...trees.map((t) => `    ${JSON.stringify(t)},`),
    '  ],',
    '};',
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  console.log(`wrote ${file}: ${trees.length} trees (${asked.size} features asked), bias ${model.bias}, threshold ${model.threshold}`);
}

/**
 * One set scored four ways, overall figures only (no per-article misses): the shipped model, the
 * linear model, the linear model trained with the rules' verdict among its features, and the rules alone.
 */
function compare(set: SetName): void {
  const keys = loadCorpus(set);
  const sets = Object.values(TRAINING_FOLDS).flat();
  const linear = { ...trainLinear(loadArticles(sets)), threshold: 0.25 };
  const withRule = { ...trainLinear(loadArticles(sets, { withRule: true }), LAMBDA, THRESHOLD, true), threshold: 0.25 };
  const rows: [string, (k: ArticleKey) => ReturnType<typeof extractByRules>][] = [
    ['model (shipped)', (k) => selectCandidates(poolCandidates(k.article))],
    ['linear model (threshold 0.25)', (k) => selectCandidates(poolCandidates(k.article), linear)],
    ['linear model with the rules\' verdict', (k) => selectCandidates(poolCandidates(k.article), withRule)],
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
    crossValidate({ linear: process.argv.includes('--linear') || process.argv.includes('--with-rule'), lambdas: nums('--lambda', [LAMBDA]), thresholds: nums('--threshold', [0.2, 0.25, 0.3, 0.35, 0.4]), withRule: process.argv.includes('--with-rule'), perFold: process.argv.includes('--per-fold') });
  } else {
    const sets = Object.values(TRAINING_FOLDS).flat();
    const articles = loadArticles(sets);
    const model = trainTrees(articles);
    const n = articles.reduce((s, a) => s + a.examples.length, 0);
    writeModel(model, `${articles.length} articles (${sets.join(', ')}), ${n} stretches`);
  }
}
