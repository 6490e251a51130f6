/**
 * The forecast model: what the pool (index.ts) knows of a stretch of text — how it was attributed,
 * its cues, its words and the words of its attribution frame — as string features, and a score
 * over them: gradient-boosted regression trees (each asks whether a stretch has a feature, and its
 * leaf adds to the log-odds), optionally beside linear weights (the comparison model), trained on
 * the keyed real articles in test/fixtures/ (bench/train-extract.ts writes model-weights.ts; nothing
 * is learned at run time). Plain functions: the probability is the logistic of the sum.
 */
import { PRONOUNS } from './attribution.js';
import type { Pooled } from './types.js';

/** Words of a stretch, lower-cased: letters (with inner apostrophes and hyphens) or digits. */
const tokens = (text: string): string[] => text.toLowerCase().replace(/[’]/g, "'").match(/\p{L}[\p{L}'-]*|\d+(?:[.,]\d+)?/gu) ?? [];

/** The words of a stretch as features: each word, each pair of neighbours, and its first two words. */
function wordFeatures(words: string[], out: string[]): void {
  const capped = words.slice(0, 80);
  for (const w of new Set(capped)) out.push(`w=${/^\d/.test(w) ? '#' : w}`);
  for (let i = 0; i + 1 < capped.length; i++) out.push(`b=${/^\d/.test(capped[i]!) ? '#' : capped[i]}_${/^\d/.test(capped[i + 1]!) ? '#' : capped[i + 1]}`);
  if (capped[0]) out.push(`f1=${capped[0]}`);
  if (capped[1]) out.push(`f2=${capped[0]}_${capped[1]}`);
}

const lengthBand = (n: number) => (n < 8 ? 'xs' : n < 15 ? 's' : n < 25 ? 'm' : n < 40 ? 'l' : 'xl');

/**
 * The features of a pooled stretch (deduplicated). `withRule` adds the hand-written rules' verdict
 * (for the comparison in bench/train-extract.ts only: those rules were written on the very
 * articles the model is trained on, so in training they look far better than on text they never saw).
 */
export function features(p: Pooled, opts: { withRule?: boolean } = {}): string[] {
  const c = p.candidate;
  const out: string[] = [`form=${p.form}`, `verb=${p.verb.toLowerCase()}`, `rej=${p.rejected ?? 'none'}`];
  if (opts.withRule) out.push(`rule=${p.rule ?? 'kept'}`);
  if (p.forecastVerb) out.push('forecastVerb');
  const kinds = new Set<string>();
  for (const cue of p.cues) {
    kinds.add(cue.kind);
    if (cue.kind !== 'date') out.push(`cue=${cue.kind}:${cue.phrase.toLowerCase().replace(/\s+/g, ' ')}`);
  }
  for (const k of kinds) out.push(`kind=${k}`);
  out.push(`kinds=${[...kinds].sort().join('+') || 'none'}`);
  const words = tokens(c.quote);
  wordFeatures(words, out);
  out.push(`len=${lengthBand(words.length)}`);
  for (const w of new Set(tokens(p.before).slice(-8))) out.push(`pre=${/^\d/.test(w) ? '#' : w}`);
  const year = Number(p.publishedOn.slice(0, 4));
  const years = [...c.quote.matchAll(/\b(?:19|20)\d{2}\b/g)].map((m) => Number(m[0]));
  if (years.some((y) => y >= year)) out.push('year:ahead');
  if (years.some((y) => y < year)) out.push('year:past');
  if (/%|\bper\s?cent\b|\bpct\b/i.test(c.quote)) out.push('percent');
  if (/[$€£¥]|\b(?:billion|million|trillion|bn|mln)\b/i.test(c.quote)) out.push('money');
  if (/[“”"]/.test(c.quote)) out.push('quoteMark');
  if (/\b(?:I|we|our|my|us)\b/.test(c.quote)) out.push('firstPerson');
  if (/\?\s*$/.test(c.quote)) out.push('question');
  const speakerKind = !c.speaker ? 'none' : PRONOUNS.has(c.speaker.toLowerCase()) ? 'pronoun' : /^\p{Lu}/u.test(c.speaker) ? 'named' : 'described';
  const horizonKind = c.checkByPhrase?.startsWith('no horizon') ? 'default' : c.checkByPhrase?.startsWith('as the forecast') ? 'before' : 'found';
  out.push(`speaker=${speakerKind}`, `horizon=${horizonKind}`);
  out.push(`hedge=${c.hedge}`);
  // pairs: how it was found, with its cues, its speaker, its horizon and its first words
  const ks = [...kinds].sort().join('+') || 'none';
  out.push(`fk=${p.form}|${ks}`, `vk=${p.verb.toLowerCase()}|${ks}`, `fs=${p.form}|${speakerKind}`, `fh=${p.form}|${horizonKind}`);
  // a forecasting verb is a cue of its own ("the report predicts an increase in unemployment")
  out.push(`fvk=${p.forecastVerb}|${ks}`, `fvr=${p.forecastVerb}|${p.rejected ?? 'none'}`);
  for (const w of words.slice(0, 3)) out.push(`fw=${p.form}|${w}`);
  if (c.negated) out.push('negated');
  return [...new Set(out)];
}

/**
 * A regression tree over the features: each inner node asks whether a stretch has feature `f`
 * (then `yes`, else `no`, indices into the array, the root first); a leaf holds a value `v`.
 */
export type TreeNode = { f: string; yes: number; no: number } | { v: number };
export type Tree = readonly TreeNode[];

/** A tree's value for a stretch with these features. */
export function leafValue(tree: Tree, has: (feature: string) => boolean): number {
  let node = tree[0];
  for (let steps = 0; node && steps < tree.length; steps++) {
    if ('v' in node) return node.v;
    node = tree[has(node.f) ? node.yes : node.no];
  }
  return 0;
}

export interface ForecastModel {
  /** Keep a stretch when its probability is at least this. */
  threshold: number;
  bias: number;
  weights: Readonly<Record<string, number>>;
  /** Boosted trees added to the linear sum (gradient boosting); none in a purely linear model. */
  trees?: readonly Tree[];
  /** Trained with the rules' verdict among the features (the comparison only; the shipped model is not). */
  withRule?: boolean;
}

/** The probability that a stretch with these features is a forecast the keys would list. */
export function probability(model: Pick<ForecastModel, 'bias' | 'weights' | 'trees'>, feats: readonly string[]): number {
  let z = model.bias;
  for (const f of feats) z += model.weights[f] ?? 0;
  if (model.trees?.length) {
    const has = new Set(feats);
    for (const tree of model.trees) z += leafValue(tree, (f) => has.has(f));
  }
  return 1 / (1 + Math.exp(-z));
}
