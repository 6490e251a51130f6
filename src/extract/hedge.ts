/**
 * How sure a forecast sounds, on ICD-203's seven bands (src/ledger/hedge.ts). The words that
 * hedge win over the tense they hedge ("will probably" is likely, "possible … will" is an even
 * chance); a negated belief or a negated future maps down ("I don't think X will" → unlikely,
 * "won't" → very unlikely) as the chance of the event the quote names, and says it was negated;
 * the extractor then mirrors the band (index.ts), since a claim is scored as stated ("there won't be
 * X" comes true when X does not happen). Plain functions.
 */
import type { HedgeBand } from '../ledger/hedge.js';

export interface HedgeReading {
  band: HedgeBand;
  phrase: string;
  /** The band is the chance of the event the quote denies ("won't accept" → accepting is very unlikely). */
  negated: boolean;
}

interface Rule {
  re: RegExp;
  band: HedgeBand;
  negated?: boolean;
}

// First match wins: the most specific wording comes first, and of two hedges the weaker ("possible
// to predict" is an even chance).
const RULES: Rule[] = [
  { re: /\b(?:no chance|impossible|no way|not a chance|zero chance)\b/i, band: 'almost-no-chance', negated: true },
  { re: /\bbetter than (?:an? )?even chance\b/i, band: 'likely' },
  { re: /\b(?:even chance|50-50|fifty-fifty|toss-up|coin flip)\b/i, band: 'even-chance' },
  { re: /\b(?:highly|very|extremely) unlikely\b/i, band: 'very-unlikely', negated: true },
  { re: /\bunlikely\b/i, band: 'unlikely', negated: true },
  { re: /\b(?:don[’']t|do not|doesn[’']t|does not|didn[’']t|did not|never) (?:believe|think|expect|see|anticipate|foresee)\b/i, band: 'unlikely', negated: true },
  { re: /\b(?:I|we) doubt\b|\bdoubtful\b/i, band: 'unlikely', negated: true },
  { re: /\bno (?:intention|plans?)\b/i, band: 'very-unlikely', negated: true },
  { re: /\bno illusions\b/i, band: 'unlikely', negated: true },
  { re: /\bsurprised if\b.*\bnot\b/i, band: 'very-likely' },
  { re: /\b(?:almost|virtually|all but) certain(?:ly)?\b|\b(?:definitely|certainly|undoubtedly|inevitabl[ey]|guaranteed)\b|\bno doubt\b|\bmark my words\b|\bbound to\b|\bwithout (?:a )?doubt\b|\bfor sure\b/i, band: 'almost-certain' },
  { re: /\b(?:highly|very) likely\b|\balmost surely\b|\bI(?:['’]m| am) (?:confident|sure)\b/i, band: 'very-likely' },
  // ("May" with a capital is the month: "would reopen in May")
  { re: /\b(?:[Cc]ould|COULD|[Mm]ight|may|[Pp]ossibl[ey]|[Mm]aybe|[Pp]erhaps|[Cc]hance)\b/, band: 'even-chance' },
  { re: /\b(?:probably|likely|my (?:guess|bet|base case|expectation)|(?:expects?|expected|expecting)|predicts?|predicted|forecasts?|anticipates?|on track|should(?!\s+have\b)|foresees?|forecasting|predicting|projecting|expecting|signall?ed|intends?|plans?|I think|I believe|we think|we believe)\b/i, band: 'likely' },
  { re: /\b(?:won[’']t|will not|shall not|isn[’']t going to|aren[’']t going to|is not going to|are not going to|not going to)\b/i, band: 'very-unlikely', negated: true },
  { re: /\bwould(?:n[’']t)?\b|\b\p{L}+[’']d\b/iu, band: 'likely' },
  { re: /\bwill\b|\b\p{L}+[’']ll\b|\bgoing to\b|\bshall\b|\b(?:is|are) set to\b/iu, band: 'very-likely' },
];

const NEGATED_FUTURE = /\b(?:won[’']t|will not|will never|not going to|wouldn[’']t|would not)\b/i;
const FLIP: Record<HedgeBand, HedgeBand> = {
  'almost-certain': 'almost-no-chance',
  'very-likely': 'very-unlikely',
  likely: 'unlikely',
  'even-chance': 'even-chance',
  unlikely: 'likely',
  'very-unlikely': 'very-likely',
  'almost-no-chance': 'almost-certain',
};

/** "will" plus an intensifier is almost certain; "would … not"/"wouldn't" lowers like "won't" does. */
export function readHedge(text: string): HedgeReading {
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (!m) continue;
    let band = rule.band;
    let negated = rule.negated ?? false;
    const phrase = m[0];
    if (/^wouldn[’']t$/i.test(phrase)) {
      band = 'unlikely';
      negated = true;
    }
    if (band === 'very-likely' && /\b(?:always|absolutely|clearly|surely|certainly)\b/i.test(text)) band = 'almost-certain';
    if (!negated && NEGATED_FUTURE.test(text)) {
      band = FLIP[band];
      negated = true;
    }
    return { band, phrase, negated };
  }
  return { band: 'even-chance', phrase: '(no hedge word: an even chance assumed)', negated: false };
}
