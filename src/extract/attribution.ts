/**
 * Attributed speech: who said what, as the article names them. Three forms are read:
 *
 * - quotations ("…," X said. / X said: "…" / "…," said X, who also expects that …), a quotation
 *   without its own attribution taking the speaker of the quotation before it in the paragraph,
 *   or, when it opens a paragraph, of the last speaker of the paragraph before (newspapers' way of
 *   continuing a quote);
 * - paraphrase (X said/expects/predicts (that) …; …, X said(, adding that …); …, according to X;
 *   According to X, …);
 * - interviews (a paragraph opening with "Name: …").
 *
 * Pronouns (he, she, they) take the last named speaker; a surname alone takes the full name the
 * article used earlier ("Sandor" → "Paul Sandor"). Plain functions over offsets in the text.
 */
import { findQuotations, splitParagraphs, splitSentences, type Paragraph, type Quotation, type Sentence } from './sentences.js';

export type SpeechForm = 'quote' | 'paraphrase' | 'interview';

/** A stretch of the text someone is reported as saying. */
export interface Segment {
  start: number;
  end: number;
  speaker: string | null;
  form: SpeechForm;
  /** The attribution's words ("said", "according to", "expects", "continued quote"). */
  verb: string;
  sentence: Sentence;
  /** An item of a list introduced by "X also said:" (a line without a full stop, not a heading). */
  listItem?: boolean;
}

const VERB_WORDS = [
  'said', 'says', 'say', 'told', 'tells', 'tell', 'added', 'adds', 'noted', 'notes', 'explained', 'explains', 'wrote', 'writes',
  'argued', 'argues', 'warned', 'warns', 'cautioned', 'predicted', 'predicts', 'predict', 'expects', 'expect', 'expected',
  'believes', 'believe', 'believed', 'suggested', 'suggests', 'suggest', 'acknowledged', 'insisted', 'insists', 'stated', 'states',
  'stressed', 'declared', 'announced', 'estimated', 'estimates', 'forecast', 'forecasts', 'projected', 'projects', 'project', 'claimed', 'claims', 'claim',
  'contended', 'conceded', 'asserted', 'emphasized', 'emphasised', 'observed', 'remarked', 'hopes', 'fears', 'feared', 'thinks',
  'think', 'thought', 'reckons', 'anticipates', 'anticipated', 'promised', 'promises', 'vowed', 'vows', 'agreed', 'continued',
  'replied', 'recalled', 'confirmed', 'admitted', 'foresees', 'foresee', 'sees', 'see', 'signalled', 'signaled',
  'plans', 'intends', 'aims', 'reported', 'complained', 'complains',
  'pledged', 'pledges', 'hinted', 'hints', 'indicated', 'indicates', 'forecasted', 'reiterated', 'reiterates', 'maintained', 'maintains',
  'tweeted', 'testified', 'acknowledges', 'admits', 'concedes', 'insist', 'argue', 'warn', 'wagered', 'speculated', 'surmised',
  'revealed', 'unveiled', 'outlined', 'disclosed', 'alleges', 'alleged', 'doubted', 'doubts', 'doubt',
  'estimate', 'anticipate', 'reckon', 'reckoned',
];
const VERB_PHRASES = [
  'pointed out', 'hold no illusions', 'holds no illusions', 'held no illusions', 'expressed confidence', 'shared his view', 'shared her view',
  'shared their view', 'is confident', 'are confident', 'was confident', 'were confident',
  'is planning', 'are planning', 'is forecasting', 'are forecasting', 'is predicting', 'are predicting', 'is projecting', 'are projecting', 'is expecting', 'are expecting',
  'is currently forecasting', 'is now forecasting', 'is still forecasting', 'are anticipating', 'is anticipating', 'are now expecting', 'is now expecting', 'now expects', 'now forecasts', 'now predicts',
  'assumes', 'assume', 'envisages', 'envisions', 'expects',
  'are betting', 'is betting', 'are now betting', 'is now betting',
];
/** The progressive of expecting with an adverb ("Investors are widely expecting …"): attribution, and a forecasting verb. */
const EXPECTING_WITH_ADVERB = ['are widely expecting', 'is widely expecting', 'are increasingly expecting', 'are still expecting', 'is still expecting', 'are also expecting', 'is also expecting', 'are now forecasting', 'are now predicting', 'is now predicting'];
VERB_PHRASES.push(...EXPECTING_WITH_ADVERB);
const PARTICIPLES = ['saying', 'adding', 'noting', 'warning', 'predicting', 'arguing', 'explaining', 'voicing the belief', 'expressing the hope', 'insisting', 'stressing'];
/** Verbs that carry a forecast themselves (so the restatement keeps them). */
export const FORECAST_VERBS = new Set(['revised its forecast', 'in its forecast', 'expects', 'expect', 'expected', 'predicted', 'predicts', 'predict', 'forecast', 'forecasts', 'projected', 'projects', 'project', 'anticipates', 'anticipated', 'estimates', 'foresees', 'foresee', 'is forecasting', 'are forecasting', 'is predicting', 'are predicting', 'is projecting', 'are projecting', 'is expecting', 'are expecting', 'is currently forecasting', 'is now forecasting', 'is still forecasting', 'are anticipating', 'is anticipating', 'are now expecting', 'is now expecting', 'now expects', 'now forecasts', 'now predicts', 'assumes', 'assume', 'envisages', 'envisions', 'estimate', 'anticipate', ...EXPECTING_WITH_ADVERB]);
/** Verbs of intent ("plans to"): the one who plans is the speaker, the clause is read from them. */
const PLAN_VERB = /^(?:plans|intends|aims|is planning|are planning|hopes)$/;
/** A time ahead in a plan that is only hoped for ("hopes to resume launches in December"): without one, a hope is no forecast. */
const PLAN_TIME = /\b(?:in|by|before|until|from|next|this|early|late|mid-?|within)\s+(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:19|20)\d{2}|next|the\s+(?:next|coming|first|second|third|fourth|end)|weeks|months|days|spring|summer|autumn|fall|winter|year|month|week|quarter)\b/;
/** "sees"/"see": an outlook only with a time ahead ("we see demand coming back in 2026"); the clause keeps a negation before it. */
const SEE_VERB = /^(?:sees|see)$/;

/** A period that does not end a speaker's phrase: after an initial or a short abbreviation ("U.S.", "Gov.", "David T. Mizrahi"). */
const ABBREV_DOT = String.raw`(?<=(?:^|[\s(])(?:\p{Lu}|\p{Lu}\.\p{Lu}|\p{Lu}\.\p{Lu}\.\p{Lu}|U\.S|U\.K|Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Col|Capt|Cmdr|Sgt|St|Jr|Sr|Prof|Rev|Hon|Co|Corp|Inc|Ltd|Bros|No))\.`;
/** A dateline opening a wire story: "CLEVELAND, Feb 26 - ", "Caracas, feb 26 - ", "JAKARTA (Reuters) - ", "WASHINGTON (AP) — ". */
export const DATELINE = /^\s*(?:\((?:Reuters|AP|AFP|UPI|Bloomberg|dpa|PTI|IANS|Xinhua)\)\s*[-–—]+\s*|\p{Lu}[\p{L}.'’ -]{1,30}?(?:,\s*\p{Lu}[\p{L}.'’ -]{1,25}?)?,\s*(?:\p{L}{3,9}\.?\s+\d{1,2}|\d{1,2}\s+\p{L}{3,9})\s*[-–—]+\s+|\p{Lu}[\p{Lu}.'’ -]{1,30}(?:,\s*[\p{L}.'’ -]{2,25})?\s*\((?:Reuters|AP|AFP|UPI|Bloomberg|dpa|PTI|IANS|Xinhua|ICIS|CNN|Dow Jones|MarketWatch|MT Newswires)\)\s*[-–—]+\s*)/u;

const alt = (words: string[]) => words.map((w) => w.replace(/ /g, '\\s+')).sort((a, b) => b.length - a.length).join('|');
const VERB = `(?:${alt([...VERB_PHRASES, ...VERB_WORDS])})`;
const PARTICIPLE = `(?:${alt(PARTICIPLES)})`;
const verbAt = new RegExp(`\\b(${VERB}|${PARTICIPLE})\\b`, 'giu');
const AFTER_VERB_FIRST = new RegExp(`^\\s*(${VERB})\\s+(.+)$`, 'iu');
const AFTER_SPEAKER_FIRST = new RegExp(`^\\s*((?:[^.;:!?“”"]|${ABBREV_DOT}){1,90}?)\\s+(?:also\\s+|later\\s+|then\\s+)?(${VERB})\\b(.*)$`, 'iu');
const CLAUSE_THEN_SPEAKER = new RegExp(`^(.*\\S),\\s+((?:[^,.;:!?]|${ABBREV_DOT}){2,80}?)\\s+(?:also\\s+)?(${VERB})\\b((?:[^,.;]|${ABBREV_DOT})*)(?:[,;]\\s*(.*?))?[.!]?[”"’)]*\\s*$`, 'iu');
/** "Because of X, it said, sales will rise": the attribution inside the sentence, the whole sentence reported. */
const PARENTHETICAL = new RegExp(`^(.*?\\p{L}.*?),\\s+((?:[^,.;:!?]|${ABBREV_DOT}){1,60}?)\\s+(${VERB}),\\s+(\\S.{11,})$`, 'iu');
const VERB_THEN_COMMA = new RegExp(`\\b(?:${VERB}),`, 'iu');
/** "…, said Joseph Arsenio, analyst with Birr, Wilson and Co.": the attribution after the clause, verb first. */
const INVERTED_TAIL = new RegExp(`^(.*\\S),\\s+(said|says|added|adds|noted|notes|warned|warns|predicted|predicts|argued|argues|wrote|writes|explained|estimated|estimates|forecast|forecasts|reckons|reckoned|reported|told\\s+\\p{L}+)\\s+((?:[^;:!?“”"]|${ABBREV_DOT}){2,200}?)[.!]?\\s*$`, 'iu');
const FURTHER_CLAUSE = new RegExp(`^(?:who\\s+(?:also\\s+)?(?:${VERB})|${PARTICIPLE})\\s+(?:that\\s+)?`, 'iu');
const isParticiple = (v: string) => PARTICIPLES.includes(v.toLowerCase().replace(/\s+/g, ' '));

export const PRONOUNS: ReadonlySet<string> = new Set(['he', 'she', 'they', 'it', 'we', 'i']);
const CONNECTORS = /^(?:however|meanwhile|but|and|yet|still|also|instead|moreover|separately|similarly|likewise|indeed|now|so|then|later|earlier|previously|nevertheless|nonetheless|furthermore|additionally|besides|elsewhere|overall|still|today|yesterday|consequently|specifically|accordingly|therefore|thus|hence|ultimately|finally|currently|notably|importantly|crucially|initially|originally|subsequently|alternatively|conversely|essentially|generally|typically|historically|traditionally|fortunately|unfortunately|interestingly|significantly|clearly|obviously|in addition|in turn|as a result|in fact|for (?:now|example|instance|its part|his part|her part|their part)|this (?:morning|afternoon|evening|week)|in (?:a|an|the) [\p{L} -]+|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\s*,?\s+/iu;
const TITLES = new Set(
  ['mayor', 'president', 'councilor', 'councillor', 'council', 'city', 'manager', 'chief', 'executive', 'officer', 'minister', 'senator', 'sen.', 'rep.', 'gov.',
    'governor', 'dr.', 'mr.', 'mrs.', 'ms.', 'prof.', 'professor', 'resident', 'director', 'chairman', 'chairwoman', 'chair', 'secretary', 'spokesman',
    'spokeswoman', 'spokesperson', 'commissioner', 'judge', 'general', 'gen.', 'ceo', 'cfo', 'prime', 'deputy', 'vice', 'state', 'foreign', 'analyst', 'economist',
    'professor', 'sheriff', 'superintendent', 'trustee', 'alderman', 'alderwoman', 'supervisor', 'assemblyman', 'assemblywoman', 'coach', 'captain', 'brokerage', 'lord', 'lady', 'sir'],
);
const NOT_SPEAKERS = new Set(['related', 'advertisement', 'correction', 'corrections', 'update', 'note', 'photo', 'source', 'sources', 'read more', 'editor', "editor's note", 'q', 'a', 'q&a', 'watch', 'listen', 'see also', 'caption', 'credit']);

/** Words a capitalised run opening a sentence starts with that make it no personal name ("The Fed", "In March"). */
const NOT_NAME_START = /^(?:The|A|An|This|That|These|Those|In|On|At|For|From|By|With|After|Before|Under|Over|Its|Their|His|Her|Our|Some|Most|Many|Several|Both|All|Each|Every|No|Not|But|And|Or|If|When|While|As|So|Then|There|Here|Such|Other|Another|New|Last|Next|First|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$/;

/** The full names (two or three capitalised words) the text uses, by surname. */
function namesBySurname(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\b(\p{Lu}[\p{Ll}’'-]+(?:\s\p{Lu}\.)?(?:\s\p{Lu}[\p{Ll}’'-]+){1,2})\b/gu;
  for (const m of text.matchAll(re)) {
    const words = m[1]!.split(/\s+/);
    if (NOT_NAME_START.test(words[0]!)) continue;
    if (words.some((w) => TITLES.has(w.toLowerCase()))) {
      // "Mayor Alicia Ferreira": keep what follows the titles
      while (words.length && TITLES.has(words[0]!.toLowerCase())) words.shift();
      if (words.length < 2) continue;
    }
    const surname = words.at(-1)!;
    if (!out.has(surname)) out.set(surname, words.join(' '));
  }
  return out;
}

/** The end of a speaker's noun phrase: at a period, a semicolon, a quote mark, or a comma before a lower-case word. */
function cutPhrase(s: string): string {
  const m = new RegExp(`^((?:[^.;:!?“”"(]|${ABBREV_DOT})*?)(?:(?!${ABBREV_DOT})[.;:!?“”"(]|,\\s*(?=\\p{Ll})|\\s+—|\\s+–|$)`, 'u').exec(s);
  return (m?.[1] ?? s).trim().replace(/,$/, '');
}

/** A speaker's phrase tidied: connectors dropped, a personal name preferred to its job title. */
export function cleanSpeaker(raw: string): string | null {
  let s = raw.replace(/\s+/g, ' ').trim().replace(/^[,;:\s]+|[,;:\s]+$/g, '');
  // a wire dateline left on the subject: "WASHINGTON The U.S. Federal Reserve"
  s = s.replace(/^\p{Lu}{3,}(?:\s+\p{Lu}{3,})*,?\s+(?=(?:The|A|An)\s)/u, '');
  // "The analyst's prediction of a summer launch": whose prediction it is
  s = s.replace(/^(.+?)[’']s\s+(?:prediction|forecast|projection|estimate|view|expectation|assessment|outlook)\b.*$/iu, '$1');
  for (let i = 0; i < 3; i++) s = s.replace(CONNECTORS, '');
  s = s.replace(/\s+(?:also|later|previously|then|again|once|too|had|has|have|who|which|now|currently|still|already|recently|meanwhile)$/i, '').trim();
  // "the EIU's forecast", "the bank's latest report": whose it is
  s = s.replace(/^(.+?)[’']s?\s+(?:latest\s+|new\s+|own\s+|annual\s+|quarterly\s+|monthly\s+)?(?:forecasts?|reports?|estimates?|analysis|projections?|data|survey|statement|outlook|figures|calculations|model|research|note)$/iu, '$1');
  if (!s || s.split(' ').length > 14) return null;
  if (!/\p{L}/u.test(s)) return null;
  // a demonstrative or a question word is no one: "this", "These", "What should we"
  if (/^(?:this|that|these|those|there|here|such)$|^(?:which|what|whose|how|why|when|where|whether)\b/i.test(s)) return null;
  // "Mr. Smith", "Dr. Okafor": the name (a surname alone takes the full name used earlier)
  s = s.replace(/^(?:Mr|Mrs|Ms|Mx|Dr|Messrs)\.?\s+(?=\p{Lu})/u, '');
  // "Jane Roe, Director, Acme Securities": the person named before their title and firm
  const parts = s.split(/,\s*/);
  if (parts.length > 1) {
    const person = parts.find((p) => /^(?:\p{Lu}[\p{Ll}’'-]+|\p{Lu}\.)(?:\s(?:\p{Lu}\.|\p{Lu}[\p{Ll}’'-]+)){1,3}$/u.test(p) && !TITLES.has(p.split(' ')[0]!.toLowerCase()) && !/\b(?:Inc|Corp|Co|Ltd|Group|Securities|Bank|Capital|Partners|Research|Associates|Institute|University|Agency|Department|Ministry|Association|Council|Fund|Trust|Holdings)\b/.test(p));
    if (person) return person;
  }
  // "Shirin Mahmoudi of Castlegate Research": the person, not the firm
  const of = /^(?:[\p{Ll}\s’'-]*\s)?((?:\p{Lu}[\p{L}’'.-]*\s){1,3}\p{Lu}[\p{L}’'.-]*)\s+(?:of|at|from|with)\s+\p{Lu}/u.exec(s);
  if (of) {
    const words = of[1]!.split(' ');
    while (words.length > 2 && TITLES.has(words[0]!.toLowerCase())) words.shift();
    if (words.length >= 2) return words.join(' ');
  }
  // A trailing personal name after a description: "union president Dana Okafor", "the chair, Hollis Brandt"
  const m = /(?:^|[\s,])((?:\p{Lu}[\p{L}’'.-]*)(?:\s(?:\p{Lu}[\p{L}’'.-]*|&|de|van|von|da|bin|al))*)$/u.exec(s);
  if (m) {
    const words = m[1]!.split(' ');
    while (words.length > 2 && TITLES.has(words[0]!.toLowerCase())) words.shift();
    if (words.length >= 2 && TITLES.has(words[0]!.toLowerCase()) && words.length > 2) words.shift();
    const name = words.join(' ');
    const before = s.slice(0, s.length - m[1]!.length).trim();
    // only when the part before is a description in lower case (not "Russian diplomats" → "diplomats")
    if (words.length >= 2 && (before === '' || /\p{Ll}/u.test(before.split(' ').at(-1) ?? '') || before.endsWith(','))) {
      if (!TITLES.has(words[0]!.toLowerCase()) || words.length > 2) return name;
    }
  }
  return s;
}

const LEAD_IN = /^(asked|speaking|responding|writing|asking|in|on|at|after|before|for|during|with|from|while|when|if|as|since|although|though|however|meanwhile|but|still|yet|instead|throughout|over|across|under|amid|despite|according|unlike|like|by|to|therefore|thus|hence|so|now|then|also|moreover|furthermore|indeed|overall|nevertheless|nonetheless)$/;

/** The subject of a clause that ends where its verb starts: "Mayor X, who proposed the plan in April," → "Mayor X". */
function subjectOf(prefix: string): string | null {
  let s = prefix.replace(/\s+/g, ' ').trim().replace(/,$/, '').trim();
  for (let i = 0; i < 3; i++) s = s.replace(CONNECTORS, '');
  // a clause joined to the one before ("The balance sheet has stopped growing, and most observers
  // think …"): the subject is the second clause's; none there ("…, but said") leaves the first's
  const joined = /^(.*\S)[,;]\s+(?:and|but|while|whereas|as)\s+(.*)$/iu.exec(s);
  if (joined && joined[2]!.trim()) s = joined[2]!.trim();
  else if (joined) s = joined[1]!;
  // "The dollar rose after the Fed chairman said": the subject of the clause with the verb
  const sub = /^\p{Lu}.*?\S\s+(?:after|when|because|since|while|before|although|though|once|until|as)\s+((?:the|a|an|his|her|its|their|\p{Lu})[^,]*)$/u.exec(s);
  if (sub && sub[1]!.split(' ').length <= 8) s = sub[1]!;
  // when and where it was said is not who said it: "The central bank this morning", "the ministry in a statement"
  s = s.replace(/\s+(?:(?:early|late)\s+)?(?:this|last|on|on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\s+(?:morning|afternoon|evening|night|week|month|year|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$|\s+(?:today|yesterday|tonight|earlier|later|previously)$|\s+(?:in|on)\s+(?:a|an|its|his|her|their)\s+(?:\p{L}+\s+)?(?:statement|interview|note|report|letter|speech|briefing|post|filing|release)$/iu, '');
  // drop a lead-in clause: "Asked whether …, she", "In a statement, the company"; a participle
  // clause after one ("In its latest forecast, released on Tuesday, the bank")
  const parts = s.split(/,\s*/);
  const useful: string[] = [];
  for (const [i, p] of parts.entries()) {
    const first = p.split(' ')[0]?.toLowerCase() ?? '';
    if (!p.trim()) continue;
    // (a participle opens a clause: "Looking ahead to its results", "Released on Tuesday"; a name ending
    // alike stands alone or with other names: "Mohammed al-Sabban", "Manning")
    const participle = (re: RegExp) => re.test(first) && (/^\p{Ll}/u.test(p) || /\s\p{Ll}{3,}/u.test(p.replace(/\s(?:al|el|de|van|von|bin|da)-?/g, ' ')));
    if (i < parts.length - 1 && (LEAD_IN.test(first) || participle(/^\p{L}+ing$/u) || /^(?:this|that|last|next|earlier|later|yesterday|today|tonight|tomorrow)$/.test(first) || (participle(/^\p{L}+ed$/u) && !useful.length))) continue;
    // an appositive after a kept part: "Mira Castellanos, a transport economist at …,"
    if (useful.length && /^(who|which|whose|where|a|an|the|one|each|both|some)$/.test(first) && !/\p{Lu}\p{Ll}+\s\p{Lu}/u.test(p)) continue;
    useful.push(p);
  }
  if (!useful.length) return null;
  if (useful.length === 1 && /^\p{Lu}\p{Ll}+ing\b/u.test(useful[0]!) && !/\s\p{Lu}/u.test(useful[0]!)) return 'it';
  // "In its latest outlook the IMF": a lead-in phrase without its comma, then the subject
  if (useful.length === 1 && LEAD_IN.test(useful[0]!.split(' ')[0]!.toLowerCase()) && !/^according$/i.test(useful[0]!.split(' ')[0]!)) {
    const np = trailingSubject(useful[0]!);
    // "With total Bahia crop estimates …": a prepositional phrase is no subject
    if (!np) return null;
    useful[0] = np;
  }
  const named = useful.find((p) => /\p{Lu}\p{Ll}+\s\p{Lu}\p{Ll}+/u.test(p) && !/^(asked|in|on)\b/i.test(p));
  // ("…, though it says customers won't be affected": the subject after the conjunction, in the clause next to the verb)
  const concessive = useful.length > 1 && /^(?:though|although|whereas)\s+\S/i.test(useful.at(-1)!) ? useful.at(-1)! : null;
  s = (concessive ?? named ?? useful[0]!).replace(/^(?:though|although|whereas)\s+(?=\S)/i, '');
  // cut at the clause's first verb, if the prefix ran past it ("A Russian official expressed confidence in …")
  const words = s.split(' ');
  const out: string[] = [];
  for (const [i, w] of words.entries()) {
    const lw = w.toLowerCase().replace(/[^\p{L}’']/gu, '');
    if (i > 0 && (/^(is|are|was|were|has|have|had|will|would|could|can|may|might|said|says|told|shared|hold|holds|thanked|urged|told|made|gave|took|did|does|do|doesn[’']?t|don[’']?t|didn[’']?t|who|which|that|also|continues|continue|wants|want|tends|seems|appears|began|begins|starts|goes|went|keeps|kept|remains)$/.test(lw) || (/^\p{Ll}/u.test(w) && /ed$/.test(lw) && lw.length > 4 && !/(?:speed|need|seed|feed|breed|creed|deed|greed|bred|hundred|red|bed|led)$/.test(lw) && !(/^(?:based|listed|owned|backed|funded|controlled)$/.test(lw) && /^\p{Lu}/u.test(words[i - 1] ?? ''))))) break;
    out.push(w);
  }
  while (out.length > 1 && /^\p{Ll}+ly$/u.test(out.at(-1)!)) out.pop();
  return out.length ? out.join(' ') : null;
}

const NOT_IN_NAME = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|In|On|At|For|With|By|After|Before|During)$/;

/** The subject closing a lead-in phrase that has no comma: "In March the ministry" → "the ministry", "On Tuesday Jane Roe" → "Jane Roe". */
function trailingSubject(phrase: string): string | null {
  const words = phrase.split(' ');
  if (words.length < 3) return null;
  // a run of capitalised words at the end (a name), not a month or a weekday
  let k = words.length;
  while (k > 1 && /^\p{Lu}[\p{L}’'.&-]*$/u.test(words[k - 1]!) && !NOT_IN_NAME.test(words[k - 1]!)) k--;
  if (k < words.length && k >= 2 && !/^(?:the|a|an)$/i.test(words[k - 1]!)) return words.slice(k).join(' ');
  // "the/a …" at the end: a determiner after the lead-in's own noun, no preposition after it
  for (let i = words.length - 2; i >= 2; i--) {
    if (!/^(?:the|a|an)$/i.test(words[i]!)) continue;
    const np = words.slice(i);
    if (np.length <= 5 && !np.slice(1).some((w) => /^(?:in|on|at|for|with|by|from|of|to|into|about|over|under|after|before)$/i.test(w))) return np.join(' ');
    break;
  }
  return null;
}

const ORGANISATION = /\b(?:Inc|Corp|Co|Ltd|LLC|plc|Group|Securities|Bank|Capital|Partners|Research|Associates|Institute|University|Agency|Department|Ministry|Association|Council|Fund|Trust|Holdings|Company|Bureau|Office|Commission|Committee|Authority|Board|Reserve|OPEC|IMF|Reuters|Government|Administration|House|Party|Union|Federation|Exchange|Markets|Economics|Analytics|Advisors|Advisers|Management|Investments?)\b/;

/** A person the article names ("Jane Roe", "Roe") or describes ("the finance minister", "analysts"), not an organisation: who "he" or "she" can be. */
export function looksLikePerson(speaker: string): boolean {
  if (ORGANISATION.test(speaker)) return false;
  if (/^(?:the|a|an)\s/i.test(speaker)) return ROLE_SUBJECT.test(speaker.charAt(0).toUpperCase() + speaker.slice(1));
  return /^\p{Lu}[\p{Ll}’'-]+(?:\s(?:\p{Lu}\.|\p{Lu}[\p{Ll}’'-]+|de|van|von|da|bin|al)){1,3}$/u.test(speaker);
}

const PANEL_NAME = /^\p{Lu}[\p{Ll}’'-]+(?:\s(?:\p{Lu}\.|\p{Lu}[\p{Ll}’'-]+)){1,2}$/u;
const PANEL_TITLE = /^[^.!?]{3,140}$/u;
const PANEL_ROLE = /\b(?:economist|analyst|strategist|professor|director|president|chief|head|fellow|minister|ambassador|editor|partner|founder|executive|officer|adviser|advisor|researcher|chair|governor|senior|former)\b/i;

/**
 * Paragraphs written by a panel's members: a paragraph that is a name, the next a role ("Chief
 * economist, RBC Global Asset Management – Toronto"), then their text up to the next name. Only
 * when the article has two such headings or more (a lone name and role is a byline: the reporter's).
 */
function panelAuthors(text: string, paragraphs: Paragraph[]): Map<number, string> {
  const heads: { index: number; name: string }[] = [];
  for (let i = 0; i + 1 < paragraphs.length; i++) {
    const p = paragraphs[i]!;
    if (p.end - p.start > 40) continue;
    const name = text.slice(p.start, p.end).trim();
    const role = text.slice(paragraphs[i + 1]!.start, paragraphs[i + 1]!.end).trim();
    if (PANEL_NAME.test(name) && !NOT_NAME_START.test(name.split(' ')[0]!) && PANEL_TITLE.test(role) && PANEL_ROLE.test(role)) heads.push({ index: i, name });
  }
  const out = new Map<number, string>();
  if (heads.length < 2) return out;
  for (const [k, h] of heads.entries()) {
    const until = heads[k + 1]?.index ?? paragraphs.length;
    for (let i = h.index + 2; i < until; i++) out.set(i, h.name);
  }
  return out;
}

/** A "sentence" longer than this is not prose (a list, a table, a page's debris): no paraphrase is read in it. */
export const MAX_SENTENCE = 2_000;
/**
 * How far from a quotation its attribution is looked for (before its opening mark, after its
 * closing one): "Foreign Minister Anna Berg, speaking in Geneva on Tuesday, said: “…" is well
 * inside. Reading the whole sentence instead made a text without full stops quadratic.
 */
export const QUOTE_WINDOW = 400;
/** Quotations of speech read per article (a long interview has a few hundred); the rest are left out. */
export const MAX_QUOTATIONS = 1_000;

/** "The finance minister spoke …": a role the next "she" may stand for. */
const ROLE_SUBJECT = /^((?:The|A|An)\s+(?:[\p{Ll}-]+\s+){0,3}(?:minister|mayor|president|governor|senator|chief|spokesman|spokeswoman|spokesperson|secretary|director|chairman|chairwoman|chair|official|officer|economist|analyst|executive|founder|commissioner|judge|prosecutor|general|ambassador|diplomat|councilor|councillor))\b/u;

interface RawAttribution {
  at: number;
  speaker: string;
}

export interface AttributionContext {
  text: string;
  paragraphs: Paragraph[];
  sentences: Sentence[];
  quotations: Quotation[];
}

export function readStructure(text: string): AttributionContext {
  const paragraphs = splitParagraphs(text);
  return { text, paragraphs, sentences: splitSentences(text, paragraphs), quotations: findQuotations(text, paragraphs) };
}

/** Quotations of speech, not scare quotes ("desperate", "not that far apart"): at least five words. */
export const isSpeech = (q: Quotation) => q.words >= 5;

/** "“He will be prosecuted” when he returns, X told reporters": a short quotation that is a whole forecast (a subject and "will") is speech too. */
export const isShortForecast = (text: string, q: Quotation) => q.words >= 3 && q.words < 5 && q.parts.length === 1 && /^(?:I|we|he|she|it|they|you|this|that|there|\p{Lu}\p{L}+)\s+(?:will|won[’']t|would|is\s+going\s+to|are\s+going\s+to|shall)\s+\p{L}/u.test(text.slice(q.parts[0]!.start, q.parts[0]!.end).trim());
/** "‘A landslide,’ one strategist predicted": a short quotation someone is said to predict is speech. */
const PREDICTED_AFTER = new RegExp(`^[\\s,]*(?!according\\b)(?:(?:[^.;:!?“”"]|${ABBREV_DOT}){1,60}?\\s+)?(?<![’']s?\\s|\\b(?:a|an|the|its|their|his|her)\\s)(?:predicted|predicts|forecast|forecasts|projected|projects|wagered|bet)\\b(?!\\s+(?:that|to|for|of)\\b)`, 'iu');
/** After a quotation's closing mark at `closeAt`: its speaker and a verb of predicting ("…,” one strategist predicted). */
export const predictedAfter = (text: string, closeAt: number) => closeAt >= 0 && PREDICTED_AFTER.test(text.slice(closeAt + 1, closeAt + 100));
export const isVerblessPrediction = (text: string, q: Quotation) => q.words >= 1 && predictedAfter(text, q.closeAt);

/** The last item whose start is at or before `at` (items sorted by start), by binary search. */
function lastStartingBy<T extends { start: number }>(items: readonly T[], at: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.start <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
const sentenceAt = (sentences: Sentence[], at: number): Sentence | undefined => sentences[lastStartingBy(sentences, at)];

/**
 * A credit closing a paragraph: `… “By some measures, India is even further ahead.” — Akshat Rathi,
 * Bloomberg Green` (a roundup's or a newsletter's item, an epigraph): the one credited, or null.
 */
export function creditAtEnd(paragraph: string): string | null {
  const m = /[.!?…"”’)\]]\s*[—–]\s*(\p{Lu}[\p{L}.’'-]+(?:\s+\p{Lu}[\p{L}.’'-]+){0,3})(?:\s*,\s*[^.!?“”"]{2,80})?\s*$/u.exec(paragraph.trimEnd());
  const who = m ? cleanSpeaker(m[1]!) : null;
  return who && plausibleSpeaker(who) ? who : null;
}

/** The speaker named right after a quotation: `,” she said.` `,” said X, who also expects that …` */
function afterQuote(tail: string): { speaker: string; verb: string; rest: string } | null {
  // "…further ahead.” — Akshat Rathi, Bloomberg Green": a credit
  const credited = /^\s*[—–]/.test(tail) ? creditAtEnd(`.${tail}`) : null;
  if (credited) return { speaker: credited, verb: 'credited', rest: '' };
  let t = tail.replace(/^[\s,]+/, ' ');
  // "…” for retailers, said Jared Drieling": past a phrase that is no speaker to the next clause (twice at most)
  for (let tries = 0; tries < 3; tries++) {
    let m = AFTER_VERB_FIRST.exec(t);
    if (m) {
      const np = cutPhrase(m[2]!);
      if (np && np.split(' ').length <= 12 && plausibleSpeaker(np)) return { speaker: np, verb: m[1]!.toLowerCase(), rest: m[2]!.slice(np.length) };
    }
    m = AFTER_SPEAKER_FIRST.exec(t);
    if (m && m[1]!.split(/\s+/).length <= 10 && !/\b(?:that|if|when|because|and then)\b/i.test(m[1]!) && plausibleSpeaker(m[1]!)) return { speaker: m[1]!.trim(), verb: m[2]!.toLowerCase(), rest: m[3]! };
    if (!m) return null;
    const comma = t.indexOf(',');
    if (comma < 0 || comma > 120) return null;
    t = ' ' + t.slice(comma + 1).trimStart();
  }
  return null;
}

/** The speaker named before a quotation in its sentence: `X said: “` `…, saying: “` `X said in a statement that the budget “` */
function beforeQuote(head: string): { speaker: string; verb: string } | null {
  const all = [...head.matchAll(verbAt)];
  const last = all.at(-1);
  if (!last) return null;
  const verb = last[1]!.toLowerCase();
  let prefix = head.slice(0, last.index);
  if (PARTICIPLES.some((p) => verb.replace(/\s+/g, ' ') === p)) prefix = prefix.replace(/,\s*$/, '');
  const subject = subjectOf(prefix);
  return subject ? { speaker: subject, verb } : null;
}

/** Clauses someone is reported (not quoted) as saying, in a sentence with quotations masked out. */
export function paraphrases(masked: string): { start: number; end: number; speaker: string; verb: string }[] {
  const out: { start: number; end: number; speaker: string; verb: string }[] = [];
  // a wire dateline ("CLEVELAND, Feb 26 - ") is not part of the sentence's grammar
  const dateline = DATELINE.exec(masked);
  if (dateline) masked = ' '.repeat(dateline[0].length) + masked.slice(dateline[0].length);
  const clause = (start: number, end: number, speaker: string, verb: string) => {
    // several reported clauses joined by "and that"
    const body = masked.slice(start, end);
    let from = 0;
    for (const m of body.matchAll(/,?\s+and\s+that\s+/giu)) {
      out.push({ start: start + from, end: start + m.index, speaker, verb });
      from = m.index + m[0].length;
    }
    out.push({ start: start + from, end, speaker, verb });
  };
  const trimEnd = (end: number) => {
    while (end > 0 && /[\s.,;]/.test(masked[end - 1]!)) end--;
    return end;
  };
  // "The Fed, in Nomura's view, will push rates to 4.75%", "In the bank's view, growth will slow": X's view is X's forecast
  const view = /(?:^\s*|,\s*)in\s+((?:the\s+)?\p{Lu}[\p{L}.&’' -]{0,60}?|(?:the|its|their)\s+[\p{Ll} -]{2,40}?)[’']s?\s+(?:view|opinion|estimation|judgement|judgment)\s*,\s*/iu.exec(masked);
  if (view) {
    clause(masked.search(/\S/), trimEnd(masked.length), view[1]!, 'in the view of');
    return out;
  }
  // According to X, CLAUSE.
  let m = /^\s*According to ([^,]{2,120}),\s*/iu.exec(masked);
  if (m) {
    clause(m[0].length, trimEnd(masked.length), m[1]!, 'according to');
    return out;
  }
  // CLAUSE, according to X. ("Analysts expect …, according to FactSet": the analysts expect it)
  m = /^(.*\S),\s+according to (.+?)[.]?\s*$/iu.exec(masked);
  if (m && !/^\s*(?:\p{Lu}[\p{L}.&’'-]*\s+){1,3}(?:expect|expects|predict|predicts|forecast|forecasts|see|sees|estimate|estimates|said|says|told)\s/u.test(m[1]!)) {
    clause(masked.search(/\S/), m[1]!.length, cutPhrase(m[2]!), 'according to');
    return out;
  }
  // CLAUSE, said X(, appositive).
  m = INVERTED_TAIL.exec(masked);
  if (m && !(/^reported$/i.test(m[2]!) && INNER_SPEAKER.test(m[1]!)) && !/\0/.test(m[3]!) && !(/^told/i.test(m[2]!) && /\0/.test(m[1]!)) && m[1]!.replace(/\0/g, ' ').trim().split(/\s+/).length >= 4 && /^(?:the\s|an?\s|\p{Lu}|\d)/u.test(m[3]!.trim()) && !/\b(?:is|are|was|were|will|would|could|should|may|might|can|has|have|had|that|to|did|does|do)\b/i.test(m[3]!.split(',')[0]!)) {
    const np = cutPhrase(m[3]!.replace(/,\s+(?=\p{Ll})/gu, ' , '));
    const speaker = m[3]!.trim().replace(/[.!]\s*$/, '');
    if (np && speaker.split(/\s+/).length <= 16 && plausibleSpeaker(np)) {
      clause(masked.search(/\S/), m[1]!.length, speaker, m[2]!.toLowerCase());
      return out;
    }
  }
  // LEAD-IN, X said, CLAUSE.
  // (a cheap look for "VERB," first: the full pattern backtracks over the whole sentence)
  m = VERB_THEN_COMMA.test(masked) ? PARENTHETICAL.exec(masked) : null;
  if (m && !/\0/.test(masked) && m[2]!.split(/\s+/).length <= 6 && plausibleSpeaker(m[2]!) && !/\b(?:that|if|which|because|when|and|but|who)\b/i.test(m[2]!) && !isParticiple(m[3]!) && m[4]!.split(/\s+/).length >= 4 && !/^(?:that|who|which|according|\p{L}+ing)\b/iu.test(m[4]!)) {
    clause(masked.search(/\S/), trimEnd(masked.length), m[2]!, m[3]!.toLowerCase());
    return out;
  }
  // CLAUSE, X said(, adding that CLAUSE2).
  m = CLAUSE_THEN_SPEAKER.exec(masked);
  if (
    m &&
    m[2]!.split(/\s+/).length <= 9 &&
    !/\b(?:that|if|which|because|when|but)\b/i.test(m[2]!) &&
    (!/\band\b/i.test(m[2]!) || /\b(?:sources|officials|analysts|economists|executives|experts|bankers|dealers|traders|delegates|diplomats|people|managers|sources said)$/i.test(m[2]!.trim())) &&
    /\p{L}/u.test(m[1]!.replace(/\0/g, '')) &&
    !/\0/.test(m[4]!) &&
    m[1]!.replace(/\0/g, ' ').trim().split(/\s+/).length >= 3 &&
    (m[4]!.trim().split(/\s+/).filter(Boolean).length <= 6 || (/^\s*(?:in|on|at|during|to|after|before|from|via|through)\b/i.test(m[4]!) && m[4]!.trim().split(/\s+/).length <= 10) || /^\s*[-–—]\s/.test(m[4]!)) &&
    !/^\s*(?:asked|speaking|responding|in|on|at|for)\b/i.test(m[1]!) &&
    plausibleSpeaker(m[2]!) &&
    // ("…, the airline warned that fares were expected to fall", "…, though it says customers won't be
    // affected": what follows the verb is what was said, not the clause before it)
    !/^\s*that\b/i.test(m[4]!) &&
    !/\b(?:will|won[’']t|would|could|should|may|might|is|are|was|were|be)\b/i.test(m[4]!) &&
    !/^(?:though|although|while|whereas|as|because|since)\s/i.test(m[2]!.trim()) &&
    !(/^reported$/i.test(m[3]!) && INNER_SPEAKER.test(m[1]!)) &&
    !(NOUN_TOO.test(m[3]!.toLowerCase()) && /^\s*(?:for|of|from|on|at|by|in|to)\b/i.test(m[4]!))
  ) {
    clause(masked.search(/\S/), m[1]!.length, m[2]!, m[3]!.toLowerCase());
    const rest = m[5];
    if (rest) {
      const r = FURTHER_CLAUSE.exec(rest);
      if (r) {
        const at = masked.indexOf(rest, m[1]!.length) + r[0].length;
        clause(at, trimEnd(masked.length), m[2]!, m[3]!.toLowerCase());
      }
    }
    return out;
  }
  // "Oxford's baseline forecast for Canada's GDP is for 0.9% growth in 2025": whose forecast it is
  const owned = /^\s*(?:The\s+)?((?:\p{Lu}[\p{L}.&’'-]*\s+){0,3}\p{Lu}[\p{L}.&-]*)[’']s?\s+(?:(?:latest|new|revised|baseline|base-case|central|updated|own|current|annual|quarterly|monthly)\s+){0,2}(?:forecasts?|projections?|estimates?|outlook|base\s+case|baseline)\b(?=[^\0]*\d)/u.exec(masked);
  if (owned && plausibleSpeaker(owned[1]!)) {
    clause(masked.search(/\S/), trimEnd(masked.length), owned[1]!, 'in its forecast');
    return out;
  }
  // "The cartel lowered its 2026 supply growth outlook to 1 million barrels a day": revising one's own projection
  const revised = REVISED_PROJECTION.exec(masked);
  if (revised && !/\0/.test(revised[1]!)) {
    const subject = subjectOf(revised[1]!);
    if (subject && plausibleSpeaker(subject)) {
      clause(masked.search(/\S/), trimEnd(masked.length), subject, 'revised its forecast');
      return out;
    }
  }
  // X said/expects/predicts (that) CLAUSE.
  let tries = 0;
  for (const v of masked.matchAll(verbAt)) {
    if (++tries > 6) break;
    let prefix = masked.slice(0, v.index);
    // (a quoted title in the subject, "a report on “Breakthrough Batteries”", is no speech)
    if (/\0/.test(prefix) || (/[“”"]/.test(prefix) && !((prefix.match(/“/g)?.length ?? 0) === (prefix.match(/”/g)?.length ?? 0) && (prefix.match(/"/g)?.length ?? 0) % 2 === 0))) break;
    if (/[-–]$/.test(prefix)) continue; // "slower-than-expected"
    // "the United States": a capital is a name, not the verb (a sentence's first word aside)
    if (/^\p{Lu}/u.test(v[1]!) && /\S/.test(prefix)) continue;
    // "The Met Office, which said gusts could cause problems": the one the relative clause is about said it
    const whichSaid = /^(.*\S),\s*(?:which|who)\s*(?:also\s+)?$/u.exec(prefix);
    if (whichSaid && /^(?:said|says|warned|warns|predicted|predicts|expects|forecast|forecasts|plans|intends|aims)$/i.test(v[1]!)) {
      const who = subjectOf(whichSaid[1]!);
      const end = trimEnd(masked.length);
      // ("…, which plans to sell 5% of Aramco next year": the plan read from its verb)
      const at = /^(?:plans|intends|aims)$/i.test(v[1]!) ? v.index : v.index + v[0].length;
      if (who && plausibleSpeaker(who) && end - at >= 12) {
        clause(at, end, who, v[1]!.toLowerCase());
        return out;
      }
    }
    // a verb in a relative clause ("the startup that once promised …") is not the attribution
    // (one with its own subject, "which it said", is read below)
    if (/\b(?:that|who|which)(?:\s+(?:once|also|had|has|have|\p{Ll}+ly))?\s*$/iu.test(prefix)) continue;
    // an attribution verb used as an adjective ("no confirmed signs", "the expected rise")
    if (/\b(?:no|the|a|an|any|its|their|his|her|our|of|been|being|un)\s*$/iu.test(prefix)) continue;
    // a passive ("imports are forecast to rise", "is expected to") names no speaker
    if (/\b(?:is|are|was|were|be|been|being|is\s+not|are\s+not)\s+(?:\p{Ll}+ly\s+)?$/iu.test(prefix)) continue;
    if (isParticiple(v[1]!)) {
      if (!/,\s*$/.test(prefix)) continue;
      prefix = prefix.replace(/,\s*$/, '');
    }
    const verbWord = v[1]!.toLowerCase();
    // "think tank", "the project's", "forecast period": nouns
    if (/^think$/.test(verbWord) && /^\s+tanks?\b/i.test(masked.slice(v.index + v[0].length))) continue;
    // "estimates for those programs", "forecasts of £532m", "analysts' forecasts": the noun, not the verb
    if (NOUN_TOO.test(verbWord) && (/^\s+(?:for|of|from|on|at|by|in|and|or|were|was|are|is|have|had|has)\b/i.test(masked.slice(v.index + v[0].length)) || /[’']s?\s*$|\b(?:sales|growth|earnings|profit|revenue|output|cost|price|budget|market|consensus|official|earlier|previous|latest|new|revised|own)\s*$/iu.test(prefix))) continue;
    // "…, which it said could reach 14.8% by 2006": the speaker inside the relative clause
    const relative = /(?:,\s*|\s)(?:which|that)\s+(it|he|she|they|we|(?:the|its|his|her|their)\s+\p{Ll}+(?:\s+\p{Ll}+)?|\p{Lu}[\p{L}.&-]+(?:\s+\p{Lu}[\p{L}.&-]+){0,2})\s*$/u.exec(prefix);
    const subject = relative ? relative[1]! : subjectOf(prefix);
    if (!subject || subject.split(' ').length > 12 || !plausibleSpeaker(subject)) continue;
    let at = v.index + v[0].length;
    // ("its 2024 forecasts for India, which it now expects to expand by 7%": the antecedent is what is forecast)
    if (relative && /,\s*which\s/.test(relative[0]) && /^\s+to\s/.test(masked.slice(at))) at = masked.search(/\S/);
    let after = masked.slice(at);
    const verb = v[1]!.toLowerCase().replace(/\s+/g, ' ');
    if (SEE_VERB.test(verb)) {
      const neg = /\b(?:doesn[’']t|does\s+not|don[’']t|do\s+not|didn[’']t|did\s+not|never)\s+$/iu.exec(prefix);
      if (neg) at = neg.index;
    }
    // skip an object or an adverbial to "that": "told reporters on Monday that", "said after the vote that"
    // "said Monday the bridge would reopen": when it was said is not what was said
    const when = /^\s+(?:on\s+|late\s+|early\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|earlier|last\s+week|this\s+week)(?:\s+(?:night|morning|afternoon|evening))?(?=\s+(?!that\b)\p{L})/u.exec(after);
    if (when) {
      at += when[0].length;
      after = masked.slice(at);
    }
    const toThat = /^((?:,?\s+[\p{L}\p{N}’'&-]+){0,8}?),?\s+that\s+/u.exec(after);
    // "told Reuters he would …", "told reporters the plant would …": the one told, then the clause
    const toldClause = /^(?:told|tells|tell|assured|informed)$/.test(verb) ? /^((?:\s+[\p{L}\p{N}’'&.-]+){1,4}?)\s+(?=(?:he|she|they|it|we|I|the|its|his|her|their|\p{Lu}\p{L}+)\s(?:[^.;,]{0,60}?\s)?(?:would|will|could|might|should|was\s+going\s+to|were\s+going\s+to|planned|expected|intended)\b)/u.exec(after) : null;
    if (toThat && !/\b(?:will|would|should|could|may|might|can|is|are|was|were|and|but|has|have|had|be|won[’']t|expects?|believes?|thinks?|predicts?|hopes?|says|said|fears?|sees)\b/i.test(toThat[1]!)) at += toThat[0].length;
    else if (toldClause) at += toldClause[0].length;
    else if (/^(?:told|tells|tell)$/.test(verb)) continue;
    else if (/^\s*(?:on|in|at|after|before|during|(?:last|this)\s+(?:week|month|year|morning|afternoon|evening|night|weekend|spring|summer|autumn|fall|winter|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b/i.test(after)) continue;
    const end = trimEnd(masked.length);
    // "The ministry is forecasting 7%": a forecast verb with a short object is read with its subject
    if (end - at < 12 && FORECAST_VERBS.has(verb) && /\p{N}|%/u.test(masked.slice(at, end))) {
      const from = masked.lastIndexOf(subject, v.index);
      at = from >= 0 ? from : masked.search(/\S/);
    }
    // "The Fed raised rates and signalled a faster pace of increases in 2017", "the Fed sees three hikes in 2017": an outlook is read with its subject
    if (/^(?:signall?ed|signals|sees|foresaw|foresees)$/.test(verb) && !/^\s+(?:that\s+)?(?:the|a|an|it|he|she|they|we|its|their|\p{Lu}\p{L}+)\s+(?:\p{L}+\s+){0,3}(?:will|would|is|are|could|may)\b/u.test(after)) {
      const from = masked.lastIndexOf(subject, v.index);
      if (from >= 0) at = from;
    }
    // "The IEA raised its estimate to 84 million barrels": revising one's own projection is making one,
    // read with its subject (a number is needed)
    const revision = REVISING_VERB.test(verb) ? /^\s+(?:its|their)\s+(?:forecasts?|estimates?|target|outlook|projections?|guidance)\b/.exec(after) : null;
    if (revision) {
      if (!/\d/.test(after.slice(revision[0].length))) continue;
      const from = masked.lastIndexOf(subject, v.index);
      at = from >= 0 ? from : masked.search(/\S/);
    }
    // "MAS plans to launch trading …": a plan is read with the one who has it
    // ("Li hopes that the telescope will soon move": a hope with its own clause is read as what is hoped)
    if (PLAN_VERB.test(verb) && !(verb === 'hopes' && /^\s+that\s/.test(after))) {
      if (!/^\s+to\s/.test(after)) continue;
      if (!PLAN_TIME.test(after) && (verb === 'hopes' || !/\d/.test(after))) continue;
      const from = masked.lastIndexOf(subject, v.index);
      at = from >= 0 ? from : masked.search(/\S/);
    }
    if (end - at < 12) continue;
    clause(at, end, subject, verb);
    return out;
  }
  return out;
}

/** "SAIC says none of its money will …, the FT reported": the one quoted inside the report is the speaker. */
const INNER_SPEAKER = /^\s*(?:\p{Lu}[\p{L}.&’'-]*\s+){1,4}(?:says|said|expects|predicts|forecasts)\s/u;
/** Verbs of revising one's own projection ("raised its estimate", "lowered its 2026 outlook"). */
const REVISING = 'raised|cut|lowered|lifted|trimmed|revised|reiterated|upgraded|downgraded|kept|maintained|raises|cuts|lowers|lifts|trims|revises|reiterates|keeps|maintains|held|holds';
const REVISING_VERB = new RegExp(`^(?:${REVISING})$`);
/** "The cartel lowered its 2026 supply growth outlook to 1 million barrels a day": the subject before, a figure after. */
const REVISED_PROJECTION = new RegExp(`^(.*?)\\s(?:${REVISING})\\s+(?:its|their)\\s+(?:[\\p{L}\\p{N}-]+\\s+){0,4}?(?:forecasts?|estimates?|targets?|outlook|projections?|guidance)\\b(?=[^\\0]*?\\b(?:to|at|of|from|by)\\s+(?:about\\s+|around\\s+|up\\s+to\\s+)?[$£€¥]?\\d)`, 'u');
/** Titles put before a surname ("Chancellor Berg", "Lord Strathclyde" is a name of its own and not one). */
const NAME_TITLE = /^(?:President|Chancellor|Premier|Minister|Secretary|Governor|Senator|Judge|General|Ambassador|King|Queen|Prince|Princess|Pope|Chairman|Chairwoman|Chief|Director|Commissioner|Mayor|Speaker|Leader|Sir|Dame|Justice|Inspector|Detective|Sheriff|Coach|Captain|Admiral|Colonel|Bishop|Archbishop|Rabbi|Imam|Father|Sister)$/;
/** Verbs that are nouns too ("the forecasts for 2005", "cost estimates"). */
const NOUN_TOO = /^(?:forecasts?|estimates?|projects?|projections?)$/;
/** Head nouns of things that say nothing: "The dollar", "ongoing problems for Yukos", "Revenues". */
const THINGS = new Set(['attacks', 'taxes', 'tax', 'energy', 'storm', 'pandemic', 'standing', 'aspects', 'sector', 'risks', 'risk', 'limit', 'measures', 'policy', 'policies', 'tariffs', 'tariff', 'prospects', 'situation', 'weather', 'virus', 'outbreak', 'talks', 'negotiations', 'strike', 'ban', 'rule', 'rules', 'process', 'system', 'change', 'changes', 'dollar', 'euro', 'pound', 'sterling', 'yen', 'yuan', 'rupee', 'currency', 'currencies', 'share', 'shares', 'stock', 'stocks', 'price', 'prices', 'revenue', 'revenues', 'sales', 'profit', 'profits', 'earnings', 'growth', 'economy', 'economies', 'result', 'results', 'figure', 'figures', 'data', 'bill', 'law', 'legislation', 'deal', 'move', 'decision', 'problem', 'problems', 'deficit', 'surplus', 'rate', 'rates', 'margin', 'margins', 'index', 'inflation', 'demand', 'supply', 'output', 'production', 'exports', 'imports', 'cash', 'money', 'cost', 'costs', 'spending', 'debt', 'oil', 'gas', 'gold', 'points', 'question', 'crisis', 'war', 'attack', 'vote', 'election', 'elections']);
/** Lower-case words a speaker's phrase may open with: determiners, numbers, quantifiers and people. */
const LOWER_OPENERS = /^(?:he|she|it|they|we|i|management|staff|administration|government|leadership|parliament|congress|police|the|a|an|some|many|most|several|few|all|both|other|these|those|this|that|his|her|its|their|our|my|your|one|two|three|four|five|six|seven|eight|nine|ten|dozens|hundreds|more|fewer|no|each|every|any|another|former|senior|top|local|state|federal|foreign|western|eastern|chief|deputy|independent|private|u\.s\.|analysts?|officials?|economists?|experts?|sources?|executives?|investors?|traders?|people|diplomats?|leaders?|lawmakers?|legislators?|critics?|residents?|scientists?|researchers?|doctors?|observers?|strategists?|bankers?|dealers?|insiders?|aides?|advisers?|advisors?|ministers?|members?|voters?|workers?|campaigners?|activists?|protesters?|organi[sz]ers?|authorities|police|prosecutors?|regulators?|forecasters?|meteorologists?|pollsters?|reports?|reporters?|bosses|managers?|consultants?|specialists?|engineers?|officers?|spokesm[ae]n|spokeswom[ae]n|spokespeople|spokespersons?|negotiators?|envoys?|delegates?|representatives?|ambassadors?|governors?|senators?|president|union|unions|fans|clubs|companies|firms|banks|markets|polls?|surveys?|studies|study|data|estimates|forecasts|projections|models|respondents|participants|economics|research|brokers?|lenders?|producers?|retailers?|airlines?|carriers?)$/i;
/** Whether a subject can be someone who says something: not a preposition's phrase, a passive's subject or a thing. */
export function plausibleSpeaker(subject: string): boolean {
  const s = subject.trim().replace(/^(?:(?:last|this|late|early)\s+(?:night|week|month|year|morning|afternoon|evening)|yesterday|today|tonight|earlier|later)\s+/i, '').replace(/\s+(?:now|also|still|then|later|currently|already|again|too)$/i, '');
  const first = s.split(/\s+/)[0] ?? '';
  const head = (s.split(/\s+(?:of|for|in|on|at|from|with|to|by|against|about)\s+/i)[0] ?? s).split(/\s+/).at(-1)!;
  // a phrase opening in lower case is a determiner's, a number's or people's ("analysts at X", "banking sources"), not "because Obama", "attacks on …"
  if (/^\p{Ll}/u.test(first) && !LOWER_OPENERS.test(first) && !LOWER_OPENERS.test(head) && !/\s\p{Lu}\p{Ll}/u.test(s)) return false;
  // a pronoun is one word ("He called on Congress to cut" is a clause); "you" is nobody
  if (/^(?:he|she|it|they|we|i)$/i.test(first) && s.split(/\s+/).length > 1) return false;
  if (/^(?:you|most|all|each|any|another|other|the|a|an|no|every|this|that|these|those)$/i.test(s)) return false;
  // "Mr Trump’s": a possessive is half a phrase
  if (/[’']s$/.test(s)) return false;
  // a clause's words: a conjunction, an auxiliary before a verb, a particle at the end
  if (/\b(?:when|because|if|while|although|whether)\b/i.test(s) || /\b(?:have|has|had|been)\s+\p{Ll}/u.test(s) || /\s(?:to|of|on|in|at|for|by|with|and|or|the|a|an)$/i.test(s)) return false;
  if (/^(?:with|without|ahead|from|for|of|to|into|than|despite|amid|cut|raised|lowered|increasing|rising|falling|during|over|under)\b/i.test(s)) return false;
  if (/\b(?:is|are|was|were|be|been|being|aren[’']t|isn[’']t|wasn[’']t|weren[’']t|don[’']t|doesn[’']t|didn[’']t|won[’']t|can[’']t)$/i.test(s)) return false;
  // "said ministers should": a verb's phrase, not a speaker
  if (/^(?:said|says|told|added|warned|noted)\b|\b(?:should|would|will|could|may|might|must|can)\b/i.test(s)) return false;
  return !THINGS.has(head.toLowerCase().replace(/[’']s?$/, ''));
}

/** Every stretch of reported speech in the text, in order, with speakers resolved. */
export function attributedSegments(ctx: AttributionContext): Segment[] {
  const { text, sentences, paragraphs } = ctx;
  const speech = ctx.quotations.filter((q) => isSpeech(q) || isVerblessPrediction(text, q) || isShortForecast(text, q)).slice(0, MAX_QUOTATIONS);
  const names = namesBySurname(text);
  const raw = new Map<Quotation, RawAttribution & { verb: string }>();
  const extraFromQuotes: { start: number; end: number; at: number; quotation: Quotation; verb: string }[] = [];

  for (const [qi, q] of speech.entries()) {
    // after the closing mark, in the same sentence
    if (q.closeAt >= 0) {
      const s = sentenceAt(sentences, q.closeAt);
      if (s) {
        let tailEnd = s.end;
        const following = speech[qi + 1];
        const nextOpen = following && following.openAt > q.closeAt && following.openAt < s.end ? following : undefined;
        if (nextOpen) tailEnd = nextOpen.openAt;
        tailEnd = Math.min(tailEnd, q.closeAt + 1 + QUOTE_WINDOW);
        const tail = text.slice(q.closeAt + 1, tailEnd).replace(/\s/g, ' ');
        const a = /\p{L}/u.test(tail) ? afterQuote(tail) : null;
        if (a) {
          raw.set(q, { at: q.closeAt + 1, speaker: a.speaker, verb: a.verb });
          const r = FURTHER_CLAUSE.exec(a.rest.replace(/^,\s*/, '').trimStart());
          if (r) {
            const restStart = tailEnd - a.rest.replace(/^,\s*/, '').length + r[0].length;
            let end = tailEnd;
            while (end > restStart && /[\s.,;]/.test(text[end - 1]!)) end--;
            if (end - restStart > 12) extraFromQuotes.push({ start: restStart, end, at: q.closeAt + 1, quotation: q, verb: a.verb });
          }
          continue;
        }
      }
    }
    // before the opening mark, in its sentence
    const s = sentenceAt(sentences, q.openAt);
    if (s && s.start < q.openAt) {
      const head = text.slice(Math.max(s.start, q.openAt - QUOTE_WINDOW), q.openAt).replace(/\s/g, ' ');
      const before = speech[qi - 1];
      const prev = before && before.closeAt > s.start && before.closeAt < q.openAt ? before : undefined;
      const b = /\p{L}/u.test(head) && !prev ? beforeQuote(head) : null;
      if (b) raw.set(q, { at: s.start, speaker: b.speaker, verb: b.verb });
    }
  }

  // Paraphrase and interview segments, sentence by sentence, with quotations masked out.
  const segments: (Omit<Segment, 'speaker'> & { rawSpeaker: string | null; at: number; quotation?: Quotation })[] = [];
  const interviewSpeaker = new Map<number, { name: string; prefixEnd: number }>();
  for (const p of paragraphs) {
    const m = /^(\p{Lu}[\p{L}’'.-]+(?:\s\p{Lu}[\p{L}’'.-]+){0,2}):\s+/u.exec(text.slice(p.start, Math.min(p.end, p.start + 60)));
    if (m && !NOT_SPEAKERS.has(m[1]!.toLowerCase())) interviewSpeaker.set(p.index, { name: m[1]!, prefixEnd: p.start + m[0].length });
  }
  // The text with speech (its marks too) and the clauses read after quotes blanked out, whitespace as spaces
  const chars = text.replace(/\s/g, ' ').split('');
  const blank = (a: number, b: number) => {
    for (let i = Math.max(0, a); i < Math.min(chars.length, b); i++) chars[i] = '\0';
  };
  for (const q of speech) for (const part of q.parts) blank(part.start - 1, part.end + 1);
  for (const x of extraFromQuotes) blank(x.start, x.end);
  const maskedText = chars.join('');
  for (const s of sentences) {
    // a "sentence" of thousands of characters is not prose (a list, a table, a page's debris)
    const iv = interviewSpeaker.get(s.paragraph);
    if (iv) {
      const start = Math.max(s.start, iv.prefixEnd);
      if (s.end - start > 3) segments.push({ start, end: s.end, rawSpeaker: iv.name, at: start, form: 'interview', verb: 'interview answer', sentence: s });
      continue;
    }
    if (s.end - s.start > MAX_SENTENCE) continue;
    const masked = maskedText.slice(s.start, s.end);
    for (const c of paraphrases(masked)) {
      let start = s.start + c.start;
      let end = s.start + c.end;
      while (start < end && /[\s\0,]/.test(text[start]!) ) start++;
      // "this wrinkle will “ensure a muddled market.”": a quotation that finishes the clause is part of it
      const finishes = /[\p{L}\p{N}]\s+\0+[\s.]*$/u.test(masked.slice(c.start, c.end));
      while (end > start && (/[\s,]/.test(text[end - 1]!) || (!finishes && masked[end - 1 - s.start] === '\0'))) end--;
      const tailPhrase = /,\s+(?:citing|pointing to|referring to)\b[^,]*$/i.exec(text.slice(start, end));
      if (tailPhrase && tailPhrase.index > 20) end = start + tailPhrase.index;
      const piece = text.slice(start, end);
      if (end - start < 8 || !/\p{L}/u.test(piece)) continue;
      segments.push({ start, end, rawSpeaker: c.speaker, at: start, form: 'paraphrase', verb: c.verb, sentence: s });
    }
  }
  // "In the interview, X also said:" then a list, an item a line: each item is what X said
  for (const p of paragraphs) {
    if (text[p.end - 1] !== ':' || p.end - p.start > MAX_SENTENCE) continue;
    const intro = sentenceAt(sentences, p.end - 1);
    const said = intro ? beforeQuote(text.slice(Math.max(intro.start, p.end - QUOTE_WINDOW), p.end - 1).replace(/\s/g, ' ') + ' ') : null;
    if (!said || !plausibleSpeaker(said.speaker)) continue;
    for (let k = p.index + 1; k < paragraphs.length && k <= p.index + 12; k++) {
      const item = paragraphs[k]!;
      const line = text.slice(item.start, item.end).trim();
      const words = line.split(/\s+/).length;
      if (/[.!?…:]["”’)]*$/.test(line) || words < 3 || words > 40) break;
      if (/^[“"‘]/.test(line)) continue;
      const s = sentenceAt(sentences, item.start);
      if (s) segments.push({ start: item.start, end: item.end, rawSpeaker: said.speaker, at: item.start, form: 'paraphrase', verb: said.verb, sentence: s, listItem: true });
    }
  }
  for (const x of extraFromQuotes) {
    const s = sentenceAt(sentences, x.start)!;
    segments.push({ start: x.start, end: x.end, rawSpeaker: raw.get(x.quotation)?.speaker ?? null, at: x.at, form: 'paraphrase', verb: x.verb, sentence: s });
  }

  // Quotations without their own attribution: the one before in the paragraph, else the next, else
  // (opening a paragraph) the last speaker of the paragraph before.
  const quoteSpeaker = new Map<Quotation, { raw: string | null; at: number; verb: string }>();
  for (const [i, q] of speech.entries()) {
    const own = raw.get(q);
    if (own) {
      quoteSpeaker.set(q, { raw: own.speaker, at: own.at, verb: own.verb });
      continue;
    }
    const prev = speech[i - 1];
    const next = speech[i + 1];
    if (prev && prev.lastParagraph === q.firstParagraph && quoteSpeaker.get(prev)?.raw) {
      quoteSpeaker.set(q, { ...quoteSpeaker.get(prev)!, verb: 'continued quote' });
    } else if (next && next.firstParagraph === q.lastParagraph && raw.get(next)) {
      quoteSpeaker.set(q, { raw: raw.get(next)!.speaker, at: raw.get(next)!.at, verb: 'continued quote' });
    } else {
      const para = paragraphs[q.firstParagraph]!;
      const opensParagraph = q.openAt <= para.start + 1;
      // "She said:" ending the paragraph before
      const before = paragraphs[q.firstParagraph - 1];
      const intro = opensParagraph && before && text[before.end - 1] === ':' ? sentenceAt(sentences, before.end - 1) : undefined;
      const introduced = intro ? beforeQuote(text.slice(Math.max(intro.start, before!.end - QUOTE_WINDOW), before!.end).replace(/\s/g, ' ')) : null;
      if (introduced) quoteSpeaker.set(q, { raw: introduced.speaker, at: intro!.start, verb: introduced.verb });
      // ("Danielle Hale foresees something in between. “The deceleration … will continue.”": a
      // quotation after a sentence that names its speaker, in the same paragraph, is theirs)
      else quoteSpeaker.set(q, { raw: opensParagraph ? '\u0001previous paragraph' : '\u0001this paragraph', at: q.openAt, verb: 'continued quote' });
    }
  }
  for (const q of speech) {
    const info = quoteSpeaker.get(q)!;
    for (const part of q.parts) {
      for (let si = Math.max(0, lastStartingBy(sentences, part.start)); si < sentences.length && sentences[si]!.start < part.end; si++) {
        const s = sentences[si]!;
        const start = Math.max(part.start, s.start);
        const end = Math.min(part.end, s.end);
        if (end - start < 3) continue;
        // "Details will not be revealed until a bill is published “in the next two weeks,” a
        // spokesman said": a fragment quoted inside the reporter's sentence; the sentence is what was said
        const head = q.parts.length === 1 && part.start > s.start ? text.slice(s.start, part.start - 1) : '';
        // (no attribution verb before it: a passive "will not be revealed" is none)
        const attributedBefore = head !== '' && [...head.matchAll(verbAt)].some((m) => !/\b(?:be|been|being|is|are|was|were)\s+(?:\p{Ll}+ly\s+)?$/iu.test(head.slice(0, m.index)));
        const fragment = head && q.words < 12 && raw.get(q)?.at === q.closeAt + 1 && head.trim().split(/\s+/).length >= 4 && !/[“”"]/.test(head) && !attributedBefore;
        // "“He will be prosecuted” when he returns to Liberia, X told reporters": the clause that continues a short quote is said too
        let to = end;
        if (q.words < 5 && q.closeAt >= 0 && q.closeAt < s.end) {
          const cont = /^\s+(?:when|if|once|after|before|until|by|in|on|unless|as\s+soon\s+as)\s[^,.;:!?“”"]{3,120}(?=,)/u.exec(text.slice(q.closeAt + 1, s.end));
          if (cont) to = q.closeAt + 1 + cont[0].length;
        }
        segments.push({ start: fragment ? s.start : start, end: to, rawSpeaker: info.raw, at: info.at, form: 'quote', verb: info.verb, sentence: s, quotation: q });
      }
    }
  }

  // A panel of named writers ("Jane Roe" / "Chief economist, Acme – Toronto" / her text …, then the
  // next): each one's sentences that nobody else is reported saying are theirs.
  const authors = panelAuthors(text, paragraphs);
  if (authors.size) {
    const covered = new Set(segments.map((g) => g.sentence));
    for (const s of sentences) {
      const author = authors.get(s.paragraph);
      if (!author || covered.has(s) || s.end - s.start > MAX_SENTENCE) continue;
      segments.push({ start: s.start, end: s.end, rawSpeaker: author, at: s.start, form: 'paraphrase', verb: 'wrote', sentence: s });
    }
  }

  // Resolve pronouns and surnames in reading order.
  segments.sort((a, b) => a.start - b.start);
  // a sentence whose subject is a person the article named ("Camacho disputes that.") makes them the one "he" means next
  const fullNames = new Set(names.values());
  const subjects = sentences.flatMap((s) => {
    const m = /^(\p{Lu}[\p{L}’'-]+(?:\s\p{Lu}[\p{L}’'-]+)?)\b/u.exec(s.text.replace(CONNECTORS, ''));
    if (m && (names.has(m[1]!) || fullNames.has(m[1]!))) return [{ at: s.start, raw: m[1]!, seg: null }];
    const role = ROLE_SUBJECT.exec(s.text.replace(CONNECTORS, ''));
    return role ? [{ at: s.start, raw: role[1]!, seg: null }] : [];
  });
  const events = [...segments.map((s) => ({ at: s.at, raw: s.rawSpeaker, seg: s })), ...[...raw.values()].map((r) => ({ at: r.at, raw: r.speaker, seg: null })), ...subjects].sort((a, b) => a.at - b.at);
  let last: string | null = null;
  let lastPerson: string | null = null;
  let lastParagraphSpeaker = new Map<number, string>();
  const resolved = new Map<(typeof segments)[number], string | null>();
  const paragraphOf = (at: number) => paragraphs[lastStartingBy(paragraphs, at)]?.index ?? 0;
  for (const e of events) {
    let speaker: string | null = null;
    if (e.raw === '\u0001previous paragraph') {
      const para = e.seg ? e.seg.sentence.paragraph : paragraphOf(e.at);
      speaker = lastParagraphSpeaker.get(para - 1) ?? null;
    } else if (e.raw === '\u0001this paragraph') {
      speaker = lastParagraphSpeaker.get(e.seg ? e.seg.sentence.paragraph : paragraphOf(e.at)) ?? null;
    } else if (e.raw) {
      const cleaned = cleanSpeaker(e.raw);
      if (cleaned) {
        const lower = cleaned.toLowerCase();
        if (lower === 'he' || lower === 'she') speaker = lastPerson ?? last ?? cleaned;
        else if (PRONOUNS.has(lower)) speaker = last ?? cleaned;
        else if (/^\p{Lu}[\p{L}’'-]+$/u.test(cleaned) && names.has(cleaned)) speaker = names.get(cleaned)!;
        // "President Obama", "Chancellor Brown": the full name the article gave
        else if (/^\p{Lu}\p{Ll}+\s\p{Lu}[\p{L}’'-]+$/u.test(cleaned) && (TITLES.has(cleaned.split(' ')[0]!.toLowerCase()) || NAME_TITLE.test(cleaned.split(' ')[0]!)) && names.has(cleaned.split(' ')[1]!)) speaker = names.get(cleaned.split(' ')[1]!)!;
        else speaker = cleaned;
        if (!PRONOUNS.has(lower)) {
          last = speaker;
          if (looksLikePerson(speaker)) lastPerson = speaker;
        }
      }
    }
    if (e.seg) resolved.set(e.seg, speaker);
    if (speaker) lastParagraphSpeaker.set(e.seg ? e.seg.sentence.paragraph : paragraphOf(e.at), speaker);
  }
  return segments.map((s) => ({ start: s.start, end: s.end, speaker: resolved.get(s) ?? null, form: s.form, verb: s.verb, sentence: s.sentence, ...(s.listItem ? { listItem: true } : {}) }));
}
