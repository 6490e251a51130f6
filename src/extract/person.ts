/**
 * Restatements in the third person: a claim is about what the speaker said, so the speaker's
 * own "I" and "we" do not survive into it. "I think a deal is likely" → "Jane Roe thinks a deal
 * is likely"; "We will cut rates in 2027" → "Jane Roe says they will cut rates in 2027";
 * "Prices will hurt our margins" → "Jane Roe says prices will hurt their margins". The pronouns
 * left become the neutral singular "they" (the article may not say who "we" are).
 */

/** First-person words as they stand in a sentence ("US" in capitals is the country, not "us"). */
const FIRST_PERSON = /(?:^|[^\p{L}])(?:I(?:['’](?:m|ve|ll|d))?|me|my|mine|myself|[Ww]e(?:['’](?:re|ve|ll|d))?|us|[Oo]urs?|ourselves|My)(?![\p{L}])/u;

export const hasFirstPerson = (text: string) => FIRST_PERSON.test(text);

const KEEP_CASE = (from: string, to: string) => (from[0] === from[0]!.toUpperCase() && from !== 'I' ? to.charAt(0).toUpperCase() + to.slice(1) : to);

/** The first-person pronouns of a text as "they" (with its verb where "I" takes another: am, was). */
export function shiftPronouns(text: string): string {
  return text
    .replace(/\bI\s+am\b/g, 'they are')
    .replace(/\bI\s+was\b/g, 'they were')
    .replace(/\bI(['’])m\b/g, 'they$1re')
    .replace(/\bI(['’])(ve|ll|d)\b/g, 'they$1$2')
    .replace(/\bI\b(?![.'’])/g, 'they')
    .replace(/\b([Ww]e)(['’])(re|ve|ll|d)\b/g, (_m, w: string, q: string, rest: string) => `${KEEP_CASE(w, 'they')}${q}${rest}`)
    .replace(/\b([Ww]e)\b/g, (_m, w: string) => KEEP_CASE(w, 'they'))
    .replace(/\b(ourselves|myself)\b/g, 'themselves')
    .replace(/\b([Oo]urs|mine)\b/g, (_m, w: string) => KEEP_CASE(w, 'theirs'))
    .replace(/\b([Oo]ur|[Mm]y)\b/g, (_m, w: string) => KEEP_CASE(w, 'their'))
    .replace(/\b(us|me)\b/g, 'them');
}

const MODALS = new Set(['will', 'would', 'can', 'could', 'may', 'might', 'must', 'shall', 'should', 'cannot', "can't", 'can’t', "won't", 'won’t', "wouldn't", 'wouldn’t', "couldn't", 'couldn’t', "shouldn't", 'shouldn’t', 'ought']);
const IRREGULAR_PAST = new Set(['was', 'had', 'did', 'thought', 'saw', 'knew', 'felt', 'said', 'told', 'got', 'made', 'went', 'became', 'began', 'found', 'heard', 'meant', 'kept', 'left', 'took', 'gave', 'came', 'put', 'set', 'bet', 'foresaw', 'understood', 'forgot', 'wrote', 'spoke', 'sought', 'stood', 'held']);
const SPECIAL: Record<string, string> = {
  am: 'is',
  were: 'was',
  have: 'has',
  do: 'does',
  "don't": "doesn't",
  'don’t': 'doesn’t',
  "haven't": "hasn't",
  'haven’t': 'hasn’t',
  "'m": 'is',
  '’m': 'is',
  "'ve": 'has',
  '’ve': 'has',
  "'ll": 'will',
  '’ll': 'will',
  "'d": 'would',
  '’d': 'would',
};

/** A verb after "I" as it reads after a name: think → thinks, am → is, will → will, thought → thought. */
export function thirdSingular(verb: string): string {
  const lower = verb.toLowerCase();
  if (SPECIAL[lower]) return SPECIAL[lower]!;
  if (MODALS.has(lower) || IRREGULAR_PAST.has(lower) || /ed$/.test(lower) || /n['’]t$/.test(lower)) return lower;
  if (/(?:s|sh|ch|x|z|o)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** Words that open a sentence without being a name: lower-cased when the sentence follows "says". */
const COMMON_OPENER = /^(?:the|a|an|this|that|these|those|it|its|it['’]s|there|they|their|them|he|she|his|her|if|when|once|unless|in|on|at|by|for|from|with|without|after|before|over|under|next|all|any|some|most|many|much|more|no|not|one|two|both|each|every|prices?|rates?|growth|demand|inflation|sales|profits?|earnings|output|production|exports?|imports?|talks|negotiations|everything|nothing|something|things|people|this|what|whether|how|why|so|and|but|yet|also|only|even|just|let|watch|look|expect)$/i;

const BELIEF_VERB = 'think|believe|expect|suspect|guess|reckon|hope|fear|feel|assume|bet|doubt|imagine|predict|anticipate|foresee|know|see';

/** The speaker as a sentence's subject ("the governor" → "The governor"). */
const subject = (speaker: string | null) => {
  const s = (speaker ?? 'the speaker').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** The restatement in the third person: the text unchanged when it has no first person. */
export function inThirdPerson(text: string, speaker: string | null): string {
  if (!hasFirstPerson(text)) return text;
  const who = subject(speaker);
  let s = text.trim();
  // a belief said after the forecast: "a deal is likely, I think." → "<who> thinks a deal is likely."
  const trailing = new RegExp(`[,—–-]\\s*(?:I|we)\\s+(${BELIEF_VERB})\\s*(?=[.!?…]?$)`, 'i').exec(s);
  if (trailing) {
    const verb = trailing[1]!.toLowerCase();
    const body = lowerOpener(shiftPronouns(s.slice(0, trailing.index).trim()));
    return /^[,—–-]\s*we\b/i.test(trailing[0]) ? `${who} says they ${verb} ${body}` : `${who} ${thirdSingular(verb)} ${body}`;
  }
  // "I think …", "I don't believe …", "I'm confident …", "I really expect …": the speaker as subject
  const lead = /^I(?:(['’](?:m|ve|ll|d))|\s+((?:(?:do|does)\s+not|don['’]t|never|really|also|still|just|certainly|strongly|firmly|fully|personally|definitely|honestly|truly|genuinely|now|already|always|fully|really|sincerely|actually)\s+)?([a-z]+(?:n['’]t)?))(?![\p{L}])/u.exec(s);
  if (lead) {
    const [whole, contraction, adverb, verb] = lead;
    const rest = shiftPronouns(s.slice(whole.length));
    if (contraction) return `${who} ${thirdSingular(contraction)}${rest}`;
    const adv = (adverb ?? '').replace(/^do\s+not\s+$/i, 'does not ').replace(/^don(['’])t\s+$/i, 'doesn$1t ');
    const negated = /^(?:does not|doesn['’]t) $/.test(adv);
    return `${who} ${adv}${negated ? verb!.toLowerCase() : thirdSingular(verb!)}${rest}`;
  }
  // anything else in the first person ("We will cut rates", "… hurt our margins"): what the speaker says
  return `${who} says ${lowerOpener(shiftPronouns(s))}`;
}

/** The sentence's first letter lower-cased when its first word is no name ("Prices will …" → "prices will …"). */
function lowerOpener(text: string): string {
  const first = /^[\p{L}'’]+/u.exec(text)?.[0] ?? '';
  return COMMON_OPENER.test(first) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
