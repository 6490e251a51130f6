/**
 * The article extractor: forecasts found in an article's text, each with its verbatim quote, the
 * speaker as the article names them, a restatement no stronger than the quote, a proposed
 * check-by date with the words it came from, an ICD-203 hedge band, a family guess and why it was
 * picked. Offline and explainable: sentences (sentences.ts) → attributed speech (attribution.ts)
 * → forecast cues (cues.ts) → horizon (horizon.ts), hedge (hedge.ts), family (family.ts).
 * Candidates are for a person to review; nothing here touches the ledger.
 */
import { MAX_CANDIDATES, MAX_TEXT_CHARS, type ArticleInput, type Candidate, type Pooled } from './types.js';
import { proposeCondition } from './condition.js';
import { attributedSegments, cleanSpeaker, creditAtEnd, FORECAST_VERBS, MAX_SENTENCE, plausibleSpeaker, predictedAfter, readStructure, type Segment } from './attribution.js';
import { describeCue, readCues } from './cues.js';
import { readHedge } from './hedge.js';
import { readHorizon } from './horizon.js';
import { guessFamily } from './family.js';
import { inThirdPerson } from './person.js';
import { mirrorBand } from '../ledger/hedge.js';
import { checkByPhrase, why as whyLine } from './why.js';
import { features, probability, type ForecastModel } from './model.js';
import { FORECAST_MODEL } from './model-weights.js';

export type { ArticleInput, Candidate, Extraction, Pooled } from './types.js';
export { articleFromHtml, articleFromText } from './html.js';
export { fetchArticle, fetchPage, FetchArticleError, type FetchedPage, type FetchArticleOptions } from './fetch.js';

export interface ExtractOptions {
  /** YYYY-MM-DD, used when the article has no date. Default: today (UTC). */
  today?: string;
}

/** A candidate (the contract's, with its optional `negated`). */
export type ExtractedCandidate = Candidate;

const LEADING = /^(?:[\s,;:—–-]+|(?:but|and|so|yet|still|however|clearly|frankly|honestly|look|well|now|mark my words|at that rate|that said)\b[,:]?\s*)+/i;

/** Trim a segment to its words: no surrounding spaces, quote marks or trailing commas. */
function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && /[\s“”"‘,;:—–-]/.test(text[start]!)) start++;
  while (end > start && /[\s“”",;:—–-]/.test(text[end - 1]!)) end--;
  return [start, end];
}

/** The quote, restated plainly: lead-ins dropped, one sentence, in the third person; hedges and conditions kept. */
export function restate(quote: string, speaker: string | null, verb: string, form: Segment['form']): string {
  let s = quote.replace(/\s+/g, ' ').trim();
  if (form === 'paraphrase') s = s.replace(/^that\s+/i, '');
  const withoutLead = s.replace(LEADING, '');
  if (withoutLead.length > 10) s = withoutLead;
  if ((form === 'paraphrase' || form === 'quote') && (FORECAST_VERBS.has(verb) || OUTLOOK_VERBS.test(verb)) && speaker && !/\b(?:expect|predict|forecast|anticipat|project|foresee|see|signal)/i.test(s) && (form === 'paraphrase' || !/\b(?:will|would|could|should|may|might|going to|likely)\b|[’']ll\b/i.test(s))) {
    s = `${speaker} ${verb} ${form === 'quote' ? s.charAt(0).toLowerCase() + s.slice(1) : s}`;
  }
  // the speaker's own "I" and "we" do not survive into the claim
  s = inThirdPerson(s, speaker);
  s = s.charAt(0).toUpperCase() + s.slice(1);
  if (!/[.!?…]$/.test(s)) s += '.';
  return s;
}

function isHeading(text: string): boolean {
  const t = text.trim();
  const words = t.split(/\s+/).length;
  if (words < 4) return true;
  if (/[.!?…]["”’)\]]*$/.test(t)) return false;
  // ("… by some measures, India is even further ahead.” — Akshat Rathi, Bloomberg Green": a paragraph of
  // sentences that ends without a full stop, on a credit or a cut-off, is prose, not a heading)
  return !(words >= 12 && /[.!?…]["”’)\]]*\s+\S/.test(t));
}

const ANAPHORIC = /^(?:when (?:it|that|this|they|he|she) (?:does|do|happens?|comes?)|once (?:it|that|this) (?:does|happens)|then|after that|by then|at that point)\b/i;

/** Attribution verbs that say the speaker expects what follows ("believed a stock would", "was confident OPEC would"). */
const BELIEF = /^(?:believes?|believed|thinks?|thought|reckons|expects?|expected|predict(?:s|ed)?|forecasts?|projects?|projected|anticipate[sd]?|foresees?|estimates|(?:is|are|was|were) confident|expressed confidence|holds? no illusions|held no illusions|voicing the belief)$/;
/** A change or an event after "would": what a forecast in reported speech names ("would rise", "would sign"). */
const WOULD_CHANGE = /\b(?:would|should)\s+(?:(?:\p{L}+ly|also|still|not|soon|eventually|then|help|continue\s+to)\s+)?(?:re-?)?(?:rise|fall|increase|decrease|decline|drop|grow|reach|exceed|top|climb|gain|lose|improve|worsen|return|resume|recover|double|triple|halve|surge|slow|accelerate|expand|shrink|contract|end|begin|start|close|open|win|pass|approve|reject|sign|launch|announce|cut|raise|lower|hike|ease|tighten|report|post|earn|pay|sell|buy|acquire|merge|leave|resign|run|hold|take|make|become|continue|remain|stay|fail|succeed|collapse|default|strike|invade|attack|withdraw|hit|require|need|cost|save|delay|proceed|go\s+ahead|happen|occur|come|arrive|last|take\s+place|offer|introduce|propose|submit|file|seek|vote|act|impose|lift|ban|block|veto|unveil|release|issue|publish|deliver|complete|finish|hire|fire|invest|spend|borrow|lend|build|shut|reach|settle|sign|ratify|extend|expire|support|revive|boost|weigh|hurt|benefit|outpace|lag|trail|beat|miss|stabili[sz]e|rebound|recover|peak|bottom|unwind|experience|see|face|get|receive|lead|be\s+(?:signed|approved|passed|completed|lifted|imposed|announced|released|published|delivered|held|cut|raised|reduced|increased|higher|lower|ready|done|over|back|up|down|able|out|in\s+place|profitable|finished|in\s+(?:the\s+)?(?:black|red)))\b/iu;
/** What "should" forecasts: a change that happens to things, or a state reached ("should exceed", "should be better off"). */
const SHOULD_CHANGE = /\bshould\s+(?:(?:\p{L}+ly|also|still|not|soon|eventually|continue\s+to|help(?:\s+to)?)\s+){0,2}(?:rise|weather|outperform|underperform|lead\s+to|result\s+in|fall|increase|decrease|decline|drop|grow|exceed|top|climb|gain|improve|worsen|recover|rebound|slow|accelerate|expand|shrink|contract|ease|remain|stay|hold|last|come|arrive|happen|occur|unwind|stabili[sz]e|peak|bottom|pick\s+up|revive|support|boost|benefit|weigh|hurt|experience|see|reach|narrow|widen|fade|persist|continue|return|resume|end|begin|start|be\s+(?:\p{L}+er|better|worse|higher|lower|able|back|over|done|ready|completed|finished|available|enough|in\s+place|positive|negative|strong|weak|modest|limited|\p{L}+ed))\b/iu;
/** "Should the talks fail, …", "Were rates to rise, …": a condition put first, by inversion. */
const INVERTED_CONDITION = /^(?:should|were|had)\s+[^,]{3,120},/iu;
/** Verbs of saying (a reported clause after them is what was said then, its "would" the future of the past). */
const SPEECH_VERB = /^(?:said|says|told|tells|added|adds|warned|warns|noted|notes|insisted|insists|stressed|argued|argues|claimed|claims|maintained|reiterated|predicted|predicts|complained|reported|confirmed|wrote|writes|tweeted|testified|indicated|hinted|pledged|speculated|promised|vowed|assured|forecast|projected|estimated)$/;
/** A clause that opens with its subject (up to ten words, no verb of its own before it) and "would": "the crash of the ship would have …". */
const REPORTED_WOULD = /^(?:that\s+)?(?!(?:[Aa]|[Aa]n|[Aa]ny|[Ss]uch)\s)(?:[\p{L}\p{N}’'%$£€.,“”"‘-]+\s+){1,14}?(?:would|[’']d)\s+(?!(?:have\s+\p{L}+(?:ed|en|wn)|like|love|prefer|rather|mean|allow|permit|enable|be\s+(?:possible|impossible|able|unable|difficult|easy|hard|wise|a|an)\b|be\s+(?:better|best|good|bad|worse)\s+(?:to|if|for|off)\b)\b)\p{Ll}/u;
// ("it would be a risky strategy", "would be better to wait": a judgement or advice, not what will happen)
// (an indefinite subject is a hypothetical: "a new daily would give", "a sterling crash would blow out")
const PAST_ANNOUNCEMENT = /^(?:announced|declared|decided|agreed|confirmed|ruled|approved|stated)$/;

/** Attribution verbs that say what the speaker sees ahead ("signalled two more increases"): the restatement keeps them. */
const OUTLOOK_VERBS = /^(?:signall?ed|sees|see|foresaw)$/;

const todayUtc = () => new Date().toISOString().slice(0, 10);

export { MAX_CANDIDATES, MAX_TEXT_CHARS };
/** Context read around a forecast when its sentence is longer than MAX_SENTENCE. */
const CONTEXT_WINDOW = 600;

/** The sentence of a segment, or the part of it around the segment when the sentence is not prose-sized. */
function contextOf(text: string, seg: Segment): string {
  const s = seg.sentence;
  if (s.end - s.start <= MAX_SENTENCE) return s.text;
  return text.slice(Math.max(s.start, seg.start - CONTEXT_WINDOW), Math.min(s.end, seg.end + CONTEXT_WINDOW));
}

/** Stretches considered per article at most (the candidates kept are at most MAX_CANDIDATES). */
export const MAX_POOL = MAX_CANDIDATES * 4;

/**
 * Every stretch of an article that could be a forecast, in reading order: each attributed segment
 * (quotation, paraphrase, interview answer) with the verdict of the hand-written rules, then each
 * prose sentence that no segment covers, given the nearest speaker before it in its paragraph (or
 * the paragraph before). Bounded whatever the text: at most MAX_TEXT_CHARS read, MAX_POOL
 * stretches, and no segment longer than a prose sentence considered, so the work grows with the
 * text, never with its square.
 */
export function poolCandidates(input: ArticleInput, opts: ExtractOptions = {}): Pooled[] {
  const text = input.text.length > MAX_TEXT_CHARS ? input.text.slice(0, MAX_TEXT_CHARS) : input.text;
  const publishedOn = input.publishedOn ?? opts.today ?? todayUtc();
  const ctx = readStructure(text);
  const usContextText = text.slice(0, 20_000);
  const headings = new Set(ctx.paragraphs.filter((p) => isHeading(text.slice(p.start, p.end))).map((p) => p.index));
  const pool: Pooled[] = [];
  const seen = new Set<string>();
  let previousKept: ExtractedCandidate | undefined;
  const consider = (seg: Segment, sentenceOnly: boolean): void => {
    const [start0, end0] = trimSpan(text, seg.start, seg.end);
    let end = end0;
    // "Money has moved out of India this month and this upgrade should lead to a reversal": the
    // clause with the forecast, not the account of the past joined before it
    // (not after a forecasting verb: "projects a growth of 6.8% for 2017 while …" — its object is the forecast)
    // ("…, but oil companies will add 8% to output, analysts estimate": an attribution after the clause has no object to keep)
    const objectOfVerb = seg.form === 'paraphrase' && FORECAST_VERBS.has(seg.verb) && text.slice(seg.sentence.start, start0).toLowerCase().includes(seg.verb);
    const start = objectOfVerb ? start0 : forecastClauseStart(text, start0, end, publishedOn);
    let quote = text.slice(start, end);
    // "‘A landslide,’ one strategist predicted": a quotation the speaker is said, after it, to predict
    const closeMark = text.slice(end, end + 3).search(/[”"’]/);
    const verbless = seg.form === 'quote' && FORECAST_VERBS.has(seg.verb) && closeMark >= 0 && predictedAfter(text, end + closeMark);
    if (quote.split(/\s+/).length < 4 && !verbless) return;
    const key = `${start}:${end}`;
    if (seen.has(key)) return;
    seen.add(key);
    let rule: string | null = sentenceOnly ? 'no attribution' : null;
    // "BA warned that yields were expected to decline": the past of reported speech is its present
    // ("said candidates would have to think carefully": the reported "will have to", same length)
    const reported = seg.form === 'paraphrase' && SPEECH_VERB.test(seg.verb) ? quote.replace(/\b(was|were)(\s+(?:not\s+)?(?:expected|forecast|projected|likely|unlikely|set|due|poised|on\s+track|scheduled|slated|bound|certain|sure|going)\s+to)\b/gi, (_m, be: string, rest: string) => `${be === 'was' || be === 'Was' ? 'is ' : 'are '}${rest}`).replace(/\bwould(\s+have\s+to)\b/gi, 'will $1') : quote;
    let reading = readCues(reported, publishedOn);
    // "Doses will be ready in 2015 but it is not clear if any will work": the forecast before a
    // trailing clause that declines one
    let cut = end;
    if (reading.rejected) {
      const joint = /(?:,\s*|\s+)but\s+(?=it\s+is\s+not|it['’]s\s+not|there\s+is\s+no|no\s+one|nobody|it\s+remains|it\s+was\s+not)/i.exec(reported);
      if (joint && joint.index > 20) {
        const left = readCues(reported.slice(0, joint.index), publishedOn);
        if (!left.rejected) { reading = left; cut = start + joint.index; }
      }
    }
    if (cut < end) {
      quote = text.slice(start, cut).replace(/[\s,;]+$/, '');
      end = start + quote.length;
    }
    // "expects …", "‘A landslide,’ one strategist predicted": the verb says it is a forecast (a question stays a question)
    // ("now sees full-year revenue of $10bn": an outlook verb with a period ahead is one too)
    const forecastVerb = (seg.form === 'paraphrase' && (FORECAST_VERBS.has(seg.verb) || (OUTLOOK_VERBS.test(seg.verb) && /\b(?:(?:19|20)\d{2}|next|this year|coming|full[- ]year|fiscal|quarter)\b/i.test(quote)))) || verbless;
    if (reading.rejected && (!forecastVerb || reading.rejected === 'a question')) rule ??= 'cues: ' + reading.rejected;
    // a revised or owned projection of a year already past ("raised its estimate of 2023 demand", said in 2025) is history
    if (/^(?:revised its forecast|in its forecast)$/.test(seg.verb)) {
      const years = [...quote.matchAll(/\b(?:19|20)\d{2}\b/g)].map((m) => Number(m[0]));
      if (years.length && years.every((y) => y < Number(publishedOn.slice(0, 4)))) rule ??= 'a revised projection of a past year';
    }
    // a bare possibility ("could", "may", "would" and nothing else) with no time ahead and no one
    // saying they expect it: "the action would permit ...", "the plane could be at the bottom of the sea"
    // ("would" in reported speech is the future of the past, and stays unless it gives a purpose:
    // "the action would permit the government to ...")
    const strong = reading.cues.filter((c) => c.kind !== 'conditional' && c.kind !== 'date');
    const possibilityOnly = strong.length > 0 && strong.every((c) => c.kind === 'modal' && !/^(?:would|should)|[’']d$/i.test(c.phrase));
    const purpose = strong.length > 0 && strong.every((c) => c.kind === 'modal') && /\bwould\s+(?:not\s+)?(?:permit|allow|enable|mean|be\s+due\s+to)\b/i.test(quote);
    if (!forecastVerb && !BELIEF.test(seg.verb) && ((possibilityOnly && !reading.cues.some((c) => c.kind === 'horizon' || c.kind === 'date' || c.kind === 'conditional')) || purpose)) rule ??= 'a bare possibility';
    // believing something could happen, with no time for it, is still a bare possibility ("believed the economy could still regain momentum")
    if (BELIEF.test(seg.verb) && !forecastVerb && possibilityOnly && !reading.cues.some((c) => c.kind === 'horizon' || c.kind === 'date')) rule ??= 'a belief in a possibility, no time';
    // "would" and nothing else, no time ahead, no condition, no change named: a description of how
    // things would be ("a new daily would give the city its second paper", "the mill would be
    // subsidized"), not a forecast one could check; "sales would rise" (a change) stays
    // ("he would offer a bill", said of himself, is his plan: kept)
    const wouldOnly = strong.length > 0 && strong.every((c) => c.kind === 'modal' && /^(?:would|should)|[’']d$/i.test(c.phrase));
    const ownPlan = seg.form === 'paraphrase' && /^(?:he|she|they|it|we)\s+would\s+(?!(?:be|have|like|love|prefer|rather|want)\b)/i.test(quote);
    // "should" is advice unless it names a change that happens to things ("sales should exceed",
    // "should help revive"), not an act someone ought to do ("the government should raise taxes")
    const shouldOnly = strong.length > 0 && strong.every((c) => c.kind === 'modal' && /^should/i.test(c.phrase));
    // ("a dip in prices would improve confidence": an indefinite subject is a hypothetical, not a change
    // foreseen, unless the change is measured: "a stoppage would cut volumes by a fifth")
    const changeNamed = shouldOnly ? SHOULD_CHANGE.test(quote) : WOULD_CHANGE.test(quote) && !(/^(?:that\s+)?(?:a|an)\s/i.test(quote) && !/\d|\b(?:half|third|quarter|fifth|tenth|double|triple)\b/i.test(quote));
    // "X said the crash would have no impact", "said more than 250 hunts would meet": the future of
    // reported speech, its subject and "would" opening the clause
    // (said before the clause: "…, Jane Roe said" after a clause of "would" is as often a description)
    const said = text.slice(Math.max(seg.sentence.start, start - 60), start);
    const at = said.toLowerCase().lastIndexOf(seg.verb);
    const saidBefore = at >= 0 && !/[.;:!?]/.test(said.slice(at + seg.verb.length)) && said.length - (at + seg.verb.length) <= 40 && !/\p{L}/u.test(said[at - 1] ?? ' ') && !/\p{L}/u.test(said[at + seg.verb.length] ?? ' ');
    // ("Obama pledged during the 2008 campaign that he would close the prison": said long ago, the future of then)
    const saidLongAgo = (() => {
      const said = text.slice(seg.sentence.start, start);
      const y = /\b(?:in|during(?:\s+the)?|since)\s+((?:19|20)\d{2})\b/.exec(said);
      return (y !== null && Number(y[1]) < Number(publishedOn.slice(0, 4))) || /\b(?:ago|last\s+(?:year|decade))\b/i.test(said);
    })();
    const reportedFuture = seg.form === 'paraphrase' && SPEECH_VERB.test(seg.verb) && saidBefore && !saidLongAgo && REPORTED_WOULD.test(quote);
    if (wouldOnly && saidLongAgo && seg.form === 'paraphrase') rule ??= 'would, said long ago';
    if (wouldOnly && !forecastVerb && !BELIEF.test(seg.verb) && !ownPlan && !reportedFuture && !reading.cues.some((c) => c.kind === 'horizon' || c.kind === 'date' || c.kind === 'conditional') && !changeNamed && !INVERTED_CONDITION.test(quote)) rule ??= 'would, nothing ahead';
    // no one to hold to it: a quotation whose speaker the article does not give is left to the reader
    if (!seg.speaker) rule ??= 'no speaker';
    // a possibility on a condition ("could try to find a white knight if ..."): a conditional judgement
    if (!forecastVerb && !BELIEF.test(seg.verb) && strong.length > 0 && strong.every((c) => c.kind === 'modal' && /^(?:could|might|may)/i.test(c.phrase)) && reading.cues.some((c) => c.kind === 'conditional') && !reading.cues.some((c) => c.kind === 'horizon' || c.kind === 'date')) rule ??= 'a possibility on a condition';
    // "announced that the administration would impose sanctions": a past announcement, not a forecast
    if (seg.form === 'paraphrase' && PAST_ANNOUNCEMENT.test(seg.verb) && reading.cues.filter((c) => c.kind !== 'conditional').every((c) => c.kind === 'modal' && /^would/i.test(c.phrase))) rule ??= 'a past announcement';
    const hedge = readHedge(forecastVerb ? `${seg.verb} ${quote}` : quote);
    const context = contextOf(text, seg);
    let horizon = readHorizon(quote, publishedOn, context, { article: usContextText });
    // "When it does, …", "Then …": the horizon of the forecast it follows
    const previous = previousKept;
    if (previous && previous.speaker === seg.speaker && horizon.phrase.startsWith('no horizon') && ANAPHORIC.test(quote) && previous.checkBy) {
      horizon = { checkBy: previous.checkBy, phrase: checkByPhrase.asBefore(previous.checkByPhrase), anchor: previous.anchor };
    }
    const why: string[] = [];
    why.push(seg.speaker ? whyLine.attributed(seg.form, seg.verb) : whyLine.unattributed(seg.form));
    if (forecastVerb) why.push(whyLine.expectation(seg.verb));
    const described = new Set<string>();
    for (const c of reading.cues) {
      const d = describeCue(c);
      if (!described.has(d.toLowerCase())) described.add(d.toLowerCase()) && why.push(d);
      if (described.size >= 6) break;
    }
    // A claim is scored as stated ("there won't be a shift" comes true when there is none), so a
    // negated forecast's band is mirrored: "very unlikely that X" is "very likely that not X".
    const band = hedge.negated ? mirrorBand(hedge.band) : hedge.band;
    why.push(whyLine.hedge(hedge.phrase, hedge.negated ? band : undefined));
    if (horizon.anchor) why.push(whyLine.anchored(horizon.anchor));
    const candidate: ExtractedCandidate = {
      quote,
      start,
      end,
      speaker: seg.speaker,
      restatement: restate(quote, seg.speaker, seg.verb, seg.form),
      checkBy: horizon.checkBy,
      checkByPhrase: horizon.phrase,
      anchor: horizon.anchor,
      hedge: band,
      hedgePhrase: hedge.phrase,
      family: guessFamily(`${quote} ${context}`),
      why,
    };
    if (hedge.negated) candidate.negated = true;
    const condition = proposeCondition(quote);
    if (condition) candidate.condition = condition;
    pool.push({ candidate, rule, form: sentenceOnly ? 'sentence' : seg.form, verb: seg.verb, cues: reading.cues.map((c) => ({ kind: c.kind, phrase: c.phrase })), rejected: reading.rejected, forecastVerb, before: text.slice(Math.max(seg.sentence.start, start - 60), start), publishedOn });
    if (rule === null) previousKept = candidate;
  };

  const segments = attributedSegments(ctx).flatMap((g) => splitForecasts(text, g, publishedOn));
  for (const seg of segments) {
    if (pool.length >= MAX_POOL) break;
    if (seg.end - seg.start > MAX_SENTENCE) continue;
    if (headings.has(seg.sentence.paragraph) && !seg.listItem) continue;
    consider(seg, false);
  }
  // sentences no attribution covers: "The fund foresees growth of 3% next year." — the nearest
  // speaker before them in the paragraph, or in the paragraph before, is the best guess of whose it is
  const covered = new Set(segments.map((g) => g.sentence));
  let lastSpeaker: { speaker: string; paragraph: number } | null = null;
  // (read once a paragraph: a long one holds thousands of sentences)
  const credits = new Map<number, string | null>();
  const creditOf = (index: number): string | null => {
    if (!credits.has(index)) {
      const para = ctx.paragraphs[index];
      credits.set(index, para ? creditAtEnd(text.slice(Math.max(para.start, para.end - 200), para.end)) : null);
    }
    return credits.get(index)!;
  };
  // (segments come in reading order: attributedSegments sorts them, splitting keeps the order)
  let k = 0;
  for (const s of ctx.sentences) {
    while (k < segments.length && segments[k]!.start < s.start) {
      const g = segments[k++]!;
      if (g.speaker) lastSpeaker = { speaker: g.speaker, paragraph: g.sentence.paragraph };
    }
    if (pool.length >= MAX_POOL) break;
    if (covered.has(s) || s.end - s.start > MAX_SENTENCE || headings.has(s.paragraph)) continue;
    if (s.text.split(/\s+/).length < 6) continue;
    // ("India will be the world’s first electrostate. “…” — Akshat Rathi, Bloomberg Green": the one its paragraph credits)
    const credited = creditOf(s.paragraph);
    const speaker = credited ?? (lastSpeaker && s.paragraph - lastSpeaker.paragraph <= 1 ? lastSpeaker.speaker : null);
    consider({ start: s.start, end: s.end, speaker, form: 'paraphrase', verb: credited ? 'credited' : 'nearby attribution', sentence: s }, true);
  }
  return pool.sort((a, b) => a.candidate.start - b.candidate.start);
}

/** The forecasts the hand-written rules keep (the extractor before the model; for comparison and the model's features). */
export function extractByRules(input: ArticleInput, opts: ExtractOptions = {}): ExtractedCandidate[] {
  const kept = poolCandidates(input, opts).filter((p) => p.rule === null).map((p) => p.candidate).slice(0, MAX_CANDIDATES);
  return mergeRepeated(kept).sort((a, b) => a.start - b.start);
}

/**
 * What the model keeps of a pool: the stretches with a speaker it gives at least its threshold, the likelier first
 * where two overlap (by half of the shorter), at most MAX_CANDIDATES, repeats merged, in reading order.
 */
export function selectCandidates(pool: readonly Pooled[], model: ForecastModel = FORECAST_MODEL): ExtractedCandidate[] {
  // (a stretch nobody is said to have said is no claim anyone can be held to: not a draft)
  const scored = pool.filter((p) => p.candidate.speaker).map((p) => ({ p, score: probability(model, features(p, { withRule: model.withRule === true })) })).filter((x) => x.score >= model.threshold);
  scored.sort((a, b) => b.score - a.score || a.p.candidate.start - b.p.candidate.start);
  const kept: ExtractedCandidate[] = [];
  for (const { p } of scored) {
    if (kept.length >= MAX_CANDIDATES) break;
    const c = p.candidate;
    if (kept.some((k) => Math.min(k.end, c.end) - Math.max(k.start, c.start) >= 0.5 * Math.min(k.end - k.start, c.end - c.start))) continue;
    kept.push(c);
  }
  return mergeRepeated(kept.sort((a, b) => a.start - b.start)).sort((a, b) => a.start - b.start);
}

/** The forecasts of an article, in reading order: the pool, as the trained model reads it. */
export function extractCandidates(input: ArticleInput, opts: ExtractOptions = {}): ExtractedCandidate[] {
  return selectCandidates(poolCandidates(input, opts));
}

/**
 * Two forecasts joined in one reported clause ("the rate will be raised to 3.5% this week, and
 * the Fed will push it to 4.75% in 2023"): two segments, each a forecast of its own. Only a paraphrase,
 * split at ", and" or "; " before a subject, when each side reads as a forecast and has six words.
 */
function splitForecasts(text: string, seg: Segment, publishedOn: string): Segment[] {
  if (seg.form !== 'paraphrase' || seg.end - seg.start > MAX_SENTENCE) return [seg];
  const span = text.slice(seg.start, seg.end);
  // "projects growth of 6.8% for 2017 while the Asian Development Bank sees 6.4%": a second
  // speaker's forecast after "while", theirs
  const other = WHILE_OTHER.exec(span);
  if (other && other.index >= 12) {
    const speaker = cleanSpeaker(other[1]!);
    const rightStart = seg.start + other.index + other[0].length;
    if (speaker && plausibleSpeaker(speaker) && seg.end - rightStart >= 12) {
      return [{ ...seg, end: seg.start + other.index }, { ...seg, start: rightStart, speaker, verb: other[2]!.toLowerCase() }];
    }
  }
  const out: Segment[] = [];
  let from = 0;
  for (const j of span.matchAll(/(?:,\s+(?:and|but)|;|\s*[—–]\s*but)\s+(?=(?:the|a|an|its|their|this|that|it|he|she|they|we|as|annual|\p{Lu}\p{L}+)\s)/gu)) {
    const left = span.slice(from, j.index);
    const right = span.slice(j.index + j[0].length);
    if (left.split(/\s+/).length < 6 || right.split(/\s+/).length < 6) continue;
    if (readCues(left, publishedOn).rejected !== null || readCues(right, publishedOn).rejected !== null) continue;
    if (!/\b(?:will|would|could|should|may|might|won[’']t|is\s+set\s+to|is\s+expected\s+to|are\s+expected\s+to)\b/i.test(right.split(/\s+/).slice(0, 14).join(' '))) continue;
    out.push({ ...seg, start: seg.start + from, end: seg.start + j.index });
    from = j.index + j[0].length;
  }
  if (!out.length) return [seg];
  out.push({ ...seg, start: seg.start + from });
  return out;
}

/** "…, while the Asian Development Bank sees …": another speaker and their verb of forecasting, after "while" or "whereas". */
const WHILE_OTHER = /,?\s+(?:while|whereas)\s+((?:the\s+)?\p{Lu}[\p{L}&.’'-]*(?:\s+(?:of\s+)?\p{Lu}[\p{L}&.’'-]*){0,5})\s+(sees|saw|expects|expected|projects|projected|forecasts|forecast|predicts|predicted|estimates|estimated|anticipates|anticipated|is\s+forecasting|is\s+projecting|is\s+predicting|is\s+expecting)\s+/u;

/** Where a long quote's forecast starts: after leading clauses (joined by "and", "but", ";") that hold no forecast cue. */
function forecastClauseStart(text: string, start: number, end: number, publishedOn: string): number {
  const span = text.slice(start, end);
  if (span.split(/\s+/).length < 20) return start;
  // ("…put a dent in output in the second quarter, but oil companies are ramping up …": after a comma, "but" opens a clause whatever its subject)
  const joints = [...span.matchAll(/(?:;\s+|,?\s+(?:and|but|while|whereas)\s+)(?=(?:this|that|these|those|the|it|we|they|he|she|I|\p{Lu})\b)|,\s+(?:but|while|whereas)\s+(?=\p{Ll}+\s)/gu)];
  let from = 0;
  for (const j of joints) {
    const before = span.slice(from, j.index);
    if (readCues(before, publishedOn).rejected === null || /[“”"]/.test(before)) break;
    const rest = span.slice(j.index + j[0].length);
    if (rest.split(/\s+/).length < 5) break;
    // (a clause opened by "but" with a common noun, "but oil companies are …", only when it is the forecast)
    if (!/^(?:this|that|these|those|the|it|we|they|he|she|I|\p{Lu})\b/u.test(rest) && readCues(rest, publishedOn).rejected !== null) continue;
    from = j.index + j[0].length;
  }
  return start + from;
}

/** A quote folded for comparison: letters and digits only, lower-cased. */
const foldForRepeat = (quote: string) => quote.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** How well a candidate is attributed: a named speaker over a description ("the governor"), the fuller name over the shorter. */
function attributionRank(c: ExtractedCandidate): number {
  if (!c.speaker) return 0;
  const named = /(?:^|\s)\p{Lu}\p{Ll}/u.test(c.speaker) && !/^(?:he|she|they|it|we|i)$/i.test(c.speaker.trim());
  return (named ? 1000 : 500) + Math.min(c.speaker.length, 200) + (c.checkBy ? 0.5 : 0);
}

/**
 * The same quote said twice in an article (a pull quote, a recap) is one forecast: kept once,
 * with the best attribution among its repeats (ties: the first).
 */
function mergeRepeated(list: ExtractedCandidate[]): ExtractedCandidate[] {
  const byQuote = new Map<string, ExtractedCandidate[]>();
  for (const c of list) {
    const key = foldForRepeat(c.quote);
    byQuote.set(key, [...(byQuote.get(key) ?? []), c]);
  }
  const out: ExtractedCandidate[] = [];
  for (const group of byQuote.values()) {
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    let best = group[0]!;
    for (const c of group.slice(1)) if (attributionRank(c) > attributionRank(best)) best = c;
    out.push({ ...best, why: [...best.why, whyLine.repeated(group.length)] });
  }
  return out;
}
