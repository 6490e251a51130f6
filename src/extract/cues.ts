/**
 * Forecast cues: the words that make a sentence about the future (will, going to, could, expects,
 * by January, within weeks, if …), and the forms that look like one but are not (would have,
 * "I wouldn't say", "should" as advice, questions). A stretch of speech is a forecast when it has
 * a cue left after the non-forecast forms are set aside. Plain functions.
 */
import { why, type CueKind } from './why.js';

export interface Cue {
  /** 'date': a day, month or season named ("in January", "on Sunday"): a time ahead for a modal, not a forecast by itself (the past names them too). */
  kind: CueKind;
  phrase: string;
  index: number;
}

const FUTURE: RegExp[] = [
  // "the will of OPEC", "political will", "against his will": the noun, not the future
  /(?<!\b(?:the|a|of|political|popular|good|free|ill|own|his|her|their|its|our|my|your|people['’]s|public)\s+)\bwill\b(?!\s+(?:of|to)\s+(?:the|a|an|its|their|his|her|our)\b)/gi,
  /\bwon[’']t\b/gi,
  /\b\p{L}+[’'](?:ll)\b/giu,
  // "we shall overcome"; "Uber shall do the same" is a rule, not a forecast
  /(?<=\b(?:I|we)\s+)shall\b/gi,
  // (not "I thought he was going to …": the past's future; reported speech reads "was" as "is" before this)
  /\b(?:is|are|am|['’]re|['’]s)\s+(?:not\s+)?going\s+to\b/gi,
  /\b(?:is|are)\s+(?:still\s+|now\s+|also\s+|widely\s+)?(?:set|poised|bound|slated|expected|likely|unlikely|on track|certain|sure)\s+to\b/gi,
  // "demand is still set for a record fall in 2020", "on course for a majority"
  /\b(?:is|are)\s+(?:still\s+|now\s+|also\s+)?(?:set|on\s+course|on\s+track|poised|headed|heading)\s+for\b/gi,
  /\b(?:is|are)\s+due\s+to\s+(?:be|begin|start|open|close|arrive|end|take|come|meet|report|release|expire|launch|finish|resume|vote|hold|sign|pay|visit|return|announce|publish|rule|decide|complete|deliver|go|leave|land|reach|present|testify|appear)\b/gi,
  /\bgonna\b/gi,
  // plans and intentions: "he plans to campaign", "the bank intends to", "has no intention of running"
  /\b(?:plans?|intends?|aims?|hopes?|vows?|vowed|pledges?|pledged|promises?|promised|is\s+(?:planning|preparing|scheduled)|are\s+(?:planning|preparing|scheduled))\s+to\b/gi,
  // "could be just weeks away"
  /\b(?:days|weeks|months|years)\s+away\b/gi,
  /\b(?:has|have)\s+no\s+(?:intention|plans?)\s+(?:of|to)\b/gi,
  // "our commitment is to have a fuel cell car around 2020", "the goal is to …" with a year or a date ahead
  /\b(?:commitment|goal|aim|plan|intention|target|ambition|objective)\s+(?:is|was)\s+to\b(?=[^.;]*\b(?:(?:19|20)\d{2}|next|by\s+the\s+end|within)\b)/gi,
  /\b(?:appears?|seems?|looks?)\s+(?:set|poised|likely|unlikely|bound|certain)\s+to\b/gi,
  /\b(?:are|is|am|['’]re|['’]m)\s+working\s+(?:to|towards?)\b(?=[^.;]*\b(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:19|20)\d{2}|next|by\s+the\s+end|this\s+(?:year|month|week))\b)/gi,
  // present progressive with a time ahead: "we are going back in November"
  /\b(?:is|are|am|['’]re|['’]m)\s+(?:going|heading|coming|returning|travelling|traveling|flying|moving|launching|starting|opening|leaving|meeting|holding)\b(?=.*\b(?:next|tomorrow|in (?:January|February|March|April|May|June|July|August|September|October|November|December)|this (?:week|month|year|spring|summer|autumn|fall|winter)|later)\b)/gi,
];
const MODAL: RegExp[] = [/\bcan\b(?![’']t|not)(?=[^.;]*\b(?:next\s+(?:year|month|week|quarter)|this\s+year|(?:19|20)\d{2}|by\s+the\s+end)\b)/gi, /\bwould(?:n[’']t)?\b/gi, /\b\p{L}+[’']d\b(?=\s+(?!better\b)\p{Ll})/giu, /\bcould(?:n[’']t)?\b/gi, /\bmight\b/gi, /(?<!\b(?:in|of|by|until|since|early|late|mid|from|through|during|and|or|to)\s)(?<![/-])\bmay\b(?![/-]|\s+(?:\d|of\b))/g, /(?<!\b(?:I|we|you|one|everyone|everybody|people)\s+)\bshould\s+(?:not\s+|also\s+|still\s+|\p{Ll}+ly\s+){0,2}(?!(?:the|a|an|he|she|they|it|we|there|this|that|these|those|any|such|have|be\s+(?:allowed|required|encouraged|made|given|forced|banned|punished|held\s+accountable|ashamed|careful))\b)\p{Ll}{2,}/giu];
const EXPECTATION: RegExp[] = [
  // the verb, not the noun: "building expectations that cannot be met" forecasts nothing
  // (not the adjective: "the expected boost", "its predicted life")
  /(?<!\b(?:the|an?|its|their|his|her|our|than|as|of)\s)\b(?:expects?|expected|expecting)\b/gi,
  /(?<!\b(?:the|an?|its|their|his|her|our|than|as|of)\s)\bpredict(?:s|ed|ing)?\b/gi,
  /\bforecasts?\b(?=\s+(?:that|a|an|\d|growth|rain|rising|falling))/gi,
  // passive projections: "imports are forecast to rise", "growth is seen at 3%"
  /\b(?:is|are|be)\s+(?:forecast|projected|predicted|seen|tipped|poised)\s+(?:to|at)\b/gi,
  /\b(?:is|are|be)\s+estimated\s+to\b/gi,
  /\bforesees?\b/gi,
  // "we see demand coming back in 2026": an outlook with a time ahead
  /\b(?:sees?|saw)\b(?=[^.;]*\b(?:(?:19|20)\d{2}|next|this year|coming|soon|near[- ]term|anytime|full[- ]year|fiscal|the (?:current|fourth|third|second|first) quarter)\b)/gi,
  // a hope with a date ahead: "hopes fans can return from October 1", "hoped talks would resume on March 7"
  /\bhop(?:es|ed|ing)\s+(?:that\s+)?(?=[^.;]{0,80}?\b(?:will|would|can|could)\b)(?=[^.;]*\b(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:19|20)\d{2}|next|tomorrow|soon|this (?:week|month|year|summer|autumn|fall|winter|spring)|in the coming)\b)/gi,
  /\banticipat(?:es?|ing)\b/gi,
  /\b(?:likely|unlikely|probably|possibly|chances?)\b/gi,
  /\b(?:the odds|odds are|odds of)\b/gi,
  /\b(?:don[’']t|do not|doesn[’']t|does not) (?:expect|foresee|anticipate)\b/gi,
  // "I don't think the Fed will hike" (not "I don't think she needs the money")
  /\b(?:don[’']t|do not|doesn[’']t|does not) (?:believe|think)\b(?=[^.;]*\b(?:will|would|won[’']t|wouldn[’']t|going\s+to|could|can|be\s+able|any\s?time\s+soon|soon|next|this\s+(?:year|month|week|quarter|spring|summer|autumn|fall|winter)|(?:19|20)\d{2})\b)|\b(?:don[’']t|do not|doesn[’']t|does not) believe in\b/gi,
  /\b(?:I|we)\s+(?:believe|think|reckon|suspect|bet)\b(?=.*\b(?:will|won[’']t|going to|would)\b)/gi,
  /\bmy (?:guess|bet|base case)\b/gi,
  /\bI(?:['’]m| am) (?:confident|sure|certain)\b(?=[^.;]*\b(?:will|won[’']t|would|going\s+to|next|soon|(?:19|20)\d{2})\b)/gi,
  /\bsurprised if\b/gi,
  /\bhold(?:s)? no illusions\b/gi,
];
/**
 * A projection named with its number and its year ahead: "growth forecasts slipping to 1.8% in
 * 2005", "raised its estimate of 2005 oil demand to 84 million barrels a day". Read only when the
 * year is not before the article's (checked in readCues).
 */
const PROJECTION = /\b(?:forecasts?|estimates?|projections?|targets?|outlook|guidance)\b(?=[^.;]{0,120}?\d(?:[\d.,]*)\s*(?:%|per\s*cent|percent|bn|billion|million|mln|barrels|tonnes|points))(?=[^.;]{0,160}?\b(?:next year|(?:19|20)\d{2})\b)/gi;
const PROJECTION_YEAR_FIRST = /\b((?:19|20)\d{2})\s+(?:[\p{L}-]+\s+){0,3}(?:forecasts?|estimates?|projections?|targets?|outlook|guidance)\b(?=[^.;]{0,120}?\d(?:[\d.,]*)\s*(?:%|per\s*cent|percent|bn|billion|million|mln|barrels|tonnes|points))/giu;
const HORIZON: RegExp[] = [
  /\b(?:by|until|before|within|as early as|no later than|into)\s+(?:the\s+)?(?:(?:end|summer|spring|autumn|fall|winter|start|beginning|middle) of\s+)?(?:next|this|early|mid|late|January|February|March|April|May|June|July|August|September|October|November|December|(?:19|20)\d{2}\b|mid-(?:19|20)\d{2}|days|weeks|months|years|a\s+(?:year|month|week)|the next|the coming|spring|summer|autumn|fall|winter|Christmas|the (?:first|second|third|fourth) quarter)(?!\s+of\b)/gi,
  /\b(?:next|coming)\s+(?:week|month|year|decade|spring|summer|autumn|fall|winter|quarter)\b/gi,
  /\bin the (?:coming|next) (?:days|weeks|months|years|decade)\b/gi,
  /\b(?:the\s+)?next\s+(?:couple\s+of|few|two|three|four|several)\s+(?:days|weeks|months|quarters|years)\b/gi,
  /\b(?:anytime|any time) soon\b/gi,
  /\bin\s+(?:fiscal\s+)?(?:19|20)\d{2}(?:\/\d{2})?\b/gi,
  /\b(?:later|by the end of)\s+(?:today|tonight|this week)\b|\btomorrow\b/gi,
  /\bnear[- ]term\b|\bin the short term\b|\bsometime soon\b/gi,
  /\b(?:before|by)\s+the\s+end\s+of\s+(?:the\s+)?(?:first|second)\s+half\s+of\s+(?:19|20)\d{2}\b|\blater\s+(?:this|in\s+the)\s+(?:year|month|week|decade)\b|\bend\s+the\s+year\b/gi,
];
/** Days, months, seasons, quarters: enough of a time ahead for "could" or "may", never a forecast alone. */
const DATES: RegExp[] = [
  /\bin\s+(?:the\s+)?(?:first|second|third|fourth|current|next)\s+(?:quarter|half)\b|\b(?:this|the current)\s+(?:quarter|month|week|year|fall|autumn|spring|summer|winter)\b/gi,
  /\b(?:in|by|until|before|from|early|late|mid-?)\s*(?:January|February|March|April|June|July|August|September|October|November|December)\b/g,
  /\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)\s+\d{1,2}\b/g,
  /\b(?:later\s+)?on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b(?:next|this|on|by|until|before)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b/g,
  // a bare weekday ("notice Monday", "the debate Tuesday night"), not the day something was said
  /(?<!\b(?:said|says|told\s+\p{L}+|announced|added|confirmed|reported|wrote|stated|earlier|last|on)\s+)\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!\s+(?:said|announced|told|reported|confirmed))/gu,
  /\b(?:in|within|over)\s+(?:the\s+next\s+)?(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|\d+)\s+(?:days?|weeks?|months?|quarters?|years?)\b(?!\s+of\b)/gi,
  /\b(?:in|by|this|next|until|before)\s+(?:the\s+)?(?:spring|summer|autumn|fall|winter)\b/gi,
  /(?<!\bas\s)\bsoon\b(?!\s+as\b)|\bas soon as (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|tomorrow|today|next)\b|\bshortly\b|\bbefore long\b|\bin the (?:near |distant )?future\b/gi,
];
const CONDITIONAL: RegExp[] = [/\bif\b/gi, /\bonce\b/gi, /\bas soon as\b/gi, /\bprovided\b/gi, /\bunless\b/gi, /\b[Ss]hould\s+(?:the|he|she|they|it|we|there|this|that|any|Russian|[A-Z])/g];

/** Forms that carry a modal but no forecast. Their span is set aside before cues are counted. */
/** "by 2030", "by the end of next year", "by the 2030s": a date the future perfect is reckoned to. */
const BY_DATE = /\bby\s+(?:the\s+)?(?:end\s+of\s+)?(?:(?:19|20)\d{2}s?|next\s+\p{L}+|then)\b/iu;
/** The future perfect after such a date: "…, the array should have racked up …". */
const FUTURE_PERFECT = /\b(?:will|should|would|could|may|might)\s+have\s+\p{L}+/giu;

/** `unlessDated`: not when a "by" date stands before it within 80 characters (then it is the future perfect). */
const NOT_FORECAST: { re: RegExp; why: string; whole?: boolean; unlessDated?: boolean }[] = [
  // "X does not mean Y will": a denial, not a forecast
  { re: /\b(?:does|do|did)(?:n[’']t|\s+not)\s+mean\s+(?:that\s+)?[^.;]*?\b(?:will|would)\b/giu, why: 'a denial, not a forecast' },
  // an elliptical end: "Any company that doesn't like a surprise attack would."
  { whole: true, re: /\b(?:would|will|could)(?:\s+too)?\s*[.!]?\s*$/giu, why: 'an elliptical modal' },
  // "would have risen" is the past; "would have no impact", "will have a chance" are the future
  { unlessDated: true, re: /\b(?:would|could|might|should|may|must)(?:n[’']t)?\s+have\s+(?!(?:no|a|an|the|to|some|any|more|less|little|much|many|enough|its|their|his|her|our|my|your|this|that|these|those|nothing|one|two|three|major|serious|significant|limited|negative|positive|an?\s)\b|\d)\p{L}+/giu, why: 'past counterfactual' },
  { re: /\b(?:had|have|has|was|were)\s+(?:\p{L}+\s+)?(?:expected|predicted|forecast|anticipated|planned)\b/giu, why: 'a past expectation' },
  // "We had expected a quarter of the stadiums would be full": what was expected, and did not come
  { whole: true, re: /^\s*(?:but\s+|and\s+)?(?:I|we|they|he|she|it|\p{Lu}\p{L}+)\s+had\s+(?:\p{L}+ly\s+)?(?:expected|hoped|predicted|anticipated|thought|assumed)\b/giu, why: 'a past expectation' },
  { re: /\b(?:I|we)\s*(?:would(?:n[’']t)?|[’']d|wouldn[’']t)\s+(?:not\s+)?(?:say|add|use|tell|call|describe|dismiss|like|love|prefer|rather|argue|recommend|suggest|caution|put|treat|go|advise|urge|encourage|want|be careful)\b/giu, why: 'speaking about their own words' },
  { re: /\b(?:would|will)\s+(?:believe|see)\s+\p{L}+\s+when\b/giu, why: 'scepticism, not a forecast' },
  { re: /\bwhat\s+(?:a|an|the)?\s*\p{L}+\s+would\s+(?:cost|mean|look)\b/giu, why: 'a hypothetical, not a forecast' },
  { re: /\bwill\s+(?:never\s+)?get\s+back\b/giu, why: 'an embedded clause' },
  { re: /\b(?:I|we)(?:['’]m|['’]re| am| are)\s+(?:confident|sure|certain)\s+(?:of|about)\s+(?:that|it|this)\b/giu, why: 'confidence in what was just said' },
  { re: /\b(?:will|would)\s+(?:tell|show|reveal|determine|decide|dictate|depend\s+on)\s+(?:us\s+)?(?:whether|if|how|what|when|which|who|where)\b/giu, why: 'says when we will know, not what will happen' },
  { whole: true, re: /\bremains? to be seen\b|\b(?:unclear|unsure|uncertain|not\s+known)\s+(?:when|whether|if|how|what)\b|\b(?:haven[’']t|hasn[’']t|have\s+not|has\s+not|had\s+not|hadn[’']t)\s+(?:yet\s+)?decided\b|\b(?:I|we)(?:[’']m|\s+am|[’']re|\s+are)\s+not\s+going\s+to\s+(?:offer|comment|speculate|say|discuss|give|predict|guess|get\s+into)\b/giu, why: 'declining to forecast' },
  // "longer than (most) expected", "above forecasts", "based on updated forecasts": expectations named, not made
  { re: /\b(?:than|above|below|beyond|exceeded|missed|beat|topped|in line with|ahead of|short of)\s+(?:(?:most|many|some|analysts['’]?|economists['’]?|the|earlier|previous|initial|market|our|its|their|his|her)\s+)*(?:expected|expectations?|forecasts?|predicted|predictions?|anticipated|estimates?|estimated|projections?|thought|feared|hoped)\b/giu, why: 'a comparison with what was expected' },
  { re: /\b(?:based on|according to|under|in)\s+(?:the\s+|its\s+|their\s+|our\s+)?(?:updated\s+|latest\s+|new\s+|revised\s+|earlier\s+|previous\s+|official\s+)*(?:forecasts?|projections?|estimates?|expectations?)\b/giu, why: 'a forecast named, not made' },
  // an open question: "the question is whether voters will forsake him", "unclear whether the deal will hold"
  { re: /\bwhether\b[^.;:!?,]*?\b(?:will|would|won['’]t|is\s+going\s+to)\b(?:\s+\p{L}+)?/giu, why: 'an open question, not a forecast' },
  // declining to forecast: "it would depend on each order", "too early to say"
  { whole: true, re: /\b(?:would|will|could|may|might)\s+depend\s+on\b|\b(?:it|that)\s+depends\s+on\b|\btoo\s+(?:early|soon)\s+to\s+(?:say|tell|project|predict|know|judge|call)\b|\bdeclined?\s+to\s+(?:say|comment|predict|forecast|speculate|give|specify|put)\b|\b(?:did|does|would)\s+not\s+(?:say|specify|predict|speculate)\b|\b(?:did|does|do)(?:\s+not|n[’']t)\s+know\s+(?:if|whether|when|how)\b|\bhas\s+not\s+decided\s+whether\b|\bnot\s+(?:certain|sure|clear)\s+(?:when|whether|if|how)\b/giu, why: 'declining to forecast' },
  // what the speaker once told themself: "When I lived that, I said to myself ... next time we'll be ready" (the future of the past)
  { whole: true, re: /\b(?:I|we)\s+(?:said|told|thought|promised|swore|kept\s+telling)\s+(?:to\s+)?(?:myself|ourselves)\b/giu, why: 'what the speaker once told themself' },
  // a habit, not a forecast: "debris would normally be expected to float"
  { re: /\b(?:would|will|could|can|may|might)\s+(?:normally|usually|typically|generally|often|sometimes|always)(?:\s+be\s+(?:expected|predicted|forecast|projected)\b)?\b/giu, why: 'a habit, not a forecast' },
  // considering is not forecasting: "he would consider launching", "may also consider trading in its listing"
  { re: /\b(?:would|may|might|could|will|should)\s+(?:also\s+)?(?:consider|explore|weigh|think\s+about|look\s+into)\b/giu, why: 'considering, not forecasting' },
  // hedged uncertainty with nothing to check: "policies may change"
  { re: /\b(?:may|might|could|can)\s+(?:always\s+)?(?:change|vary|evolve|fluctuate|differ)\b/giu, why: 'hedged uncertainty' },
  // stances and slogans: "we will stand tall", "we won't gamble with safety"
  { re: /\b(?:we|I)\s+(?:will|shall|['’]ll|won['’]t|will\s+not|shall\s+not)\s+(?:always\s+|never\s+|not\s+|continue\s+to\s+)?(?:stand(?:\s+(?:tall|firm|strong|together|united|by|with))?|fight|give\s+up|back\s+down|gamble|compromise|tolerate|be\s+intimidated|rest|waver|falter|forget|surrender|bow)\b/giu, why: 'a stance, not a forecast' },
  // defiance: "(terror) will not break our people's will", "they will never divide us"
  { re: /\b(?:will|shall)\s+(?:not|never)\s+(?:break|undermine|defeat|destroy|divide|deter|intimidate|silence|weaken|shake|frighten|cow)\s+(?:our|us|the\s+(?:people|nation|country))\b/giu, why: 'a stance, not a forecast' },
  // a routine, not an outcome: "will continue to monitor the scope for cuts"
  { whole: true, re: /\b(?:will|would|shall)\s+(?:continue\s+to\s+|closely\s+)?(?:monitor|watch|assess|review|evaluate|keep\s+an\s+eye\s+on)\b/giu, why: 'a routine, not a forecast' },
  // a pledge of conduct: "we are going to respect the integrity of our staff", "we’re going to hope for the best"
  { re: /\b(?:we|I)\s*(?:will|shall|['’]ll|(?:['’]re|['’]m|\s+are|\s+am)\s+going\s+to)\s+(?:always\s+|continue\s+to\s+)?(?:respect|uphold|honou?r|protect|defend|hope|pray|wish)\b/giu, why: 'a stance, not a forecast' },
  // attention asked for, not an outcome: "must be watched with an eagle eye", "will be worth watching"
  { whole: true, re: /\b(?:must|should|will|would)\s+(?:also\s+)?be\s+(?:watched|monitored|worth\s+(?:watching|monitoring|a\s+look))\b/giu, why: 'advice, not a forecast' },
  // stances: "that will not change", "it will not negotiate in public"
  { re: /\b(?:that|this)\s+(?:will\s+not|won[’']t|is\s+not\s+going\s+to)\s+change\b|\bwill\s+not\s+negotiate\b|\bwill\s+(?:now\s+)?(?:find\s+out|discover|see)\s+who\b/giu, why: 'a stance, not a forecast' },
  // a need weighed: "the central bank would need to balance concerns"
  { re: /\bwould\s+(?:need|have)\s+to\b/giu, why: 'a hypothetical need, not a forecast' },
  // "…, while analysts expected a profit": what was expected of a result now known
  { whole: true, re: /\b(?:while|whereas|but|and|when)\s+(?:most\s+|many\s+)?(?:analysts|economists|investors|traders|markets?|the\s+market|wall\s+street|the\s+consensus)(?:\s+\p{L}+){0,3}\s+(?:had\s+)?(?:expected|forecast|predicted|anticipated|estimated|projected)\b/giu, why: 'a comparison with what was expected' },
  // "no one knows what tomorrow will bring", "it's going to be up to the people": declining to forecast
  { whole: true, re: /\b(?:no\s+one|nobody|who)\s+knows\b|\b(?:going\s+to|will)\s+(?:really\s+)?be\s+up\s+to\s+(?:the|them|you|voters|us|him|her)\b/giu, why: 'declining to forecast' },
  // a commitment of conduct: "we have to make sure that it won't happen"
  { whole: true, re: /\bmake\s+sure\s+(?:that\s+)?(?:it|this|that|nothing)\s+(?:won['’]t|will\s+not|doesn['’]t|does\s+not|never)\s+(?:happen|happens|again)\b/giu, why: 'a stance, not a forecast' },
  // attention asked for: "It will be key to watch for further development"
  { whole: true, re: /\bwill\s+be\s+(?:key|important|crucial|interesting|worth)\s+to\s+(?:watch|see|monitor|follow)\b/giu, why: 'advice, not a forecast' },
  // an exclamation or an indirect question: "shows how easy it will be", "which rock types will prove tricky"
  { re: /\bhow\s+(?:\p{L}+\s+){0,2}(?:it|this|that|they)\s+will\b/giu, why: 'an open question, not a forecast' },
  { whole: true, re: /^\s*(?:which|where|how)\s+(?!it\s|they\s|he\s|she\s)\p{L}+[^.;:!?]*\bwill\b/giu, why: 'an open question, not a forecast' },
  // a rule of thumb for anyone: "If you've got that on the shelf, people are going to buy it"
  { whole: true, re: /^\s*(?:but\s+|and\s+)?(?:even\s+)?(?:if|when|once|whenever)\s+you\b/giu, why: 'a rule of thumb, not a forecast' },
  // an opinion of what ought to be: "we believe the ministry should be trained", "I think they should drop it"
  { re: /\b(?:I|we)\s+(?:believe|think|feel|hope)\s+(?:that\s+)?[^.;:!?]{0,60}?\bshould\b/giu, why: 'advice, not a forecast' },
  // an indirect question: "(did not say) where the job losses would fall"
  { whole: true, re: /^\s*(?:where|how|which|whether)\b[^.;:!?]*\bwould\b/giu, why: 'an open question, not a forecast' },
  // a hypothetical weighed: "That would make it much tougher for another president to undo it"
  { whole: true, re: /^\s*(?:but\s+|and\s+)?(?:that|this)\s+would\s+(?:make|be)\b/giu, why: 'a hypothetical, not a forecast' },
  // a reaction in a quote fragment: "That would be OK."
  { whole: true, re: /^\s*(?:that|this|it)\s+(?:would|will|could|might)\s+be\s+(?:ok|okay|fine|good|great|nice|bad|terrible|awful|wonderful|helpful|welcome|a\s+(?:shame|pity|mistake|disaster|relief))\s*[.!]?\s*$/giu, why: 'a reaction, not a forecast' },
];

/** A clause's verb in the past tense or the perfect. */
const PAST_TENSE = /\b(?:was|were|had|did|has\s+been|have\s+been|rose|fell|grew|dropped|jumped|slid|increased|decreased|declined|gained|lost|reached|posted|reported|earned|announced|targeted|recorded|totalled|totaled|ended|closed)\b/i;

const PAST_MARKER = /\b(?:ago|last (?:year|month|week|spring|summer|autumn|fall|winter)|yesterday|previously|at the time|back then|in the past|(?:in|since|during the) (?:19\d\d|200\d|201\d))\b/i;

/**
 * The past named in the clause itself, not in a phrase that describes one of its nouns:
 * "would act on the scores taken last spring", "the law that passed last year" name the past of
 * the scores and the law, not of the action.
 */
function pastNamed(text: string): boolean {
  for (const m of text.matchAll(new RegExp(PAST_MARKER.source, 'gi'))) {
    const before = text.slice(Math.max(0, m.index - 60), m.index);
    if (/\b(?:that|which|who|whose|where)\s+(?:[\p{L}’'-]+\s+){0,5}$/iu.test(before)) continue;
    if (/\b\p{Ll}+\s+(?:\p{Ll}+(?:ed|en)|made|set|held|paid|sold|built|won|lost|bought|put|cut|hit|led|met|run|begun|done|seen|shown|given|taken|written)\s+(?:(?:in|on|at|by|for)\s+(?:\p{L}+\s+){0,3})?$/u.test(before)) continue;
    return true;
  }
  return false;
}

export interface CueReading {
  cues: Cue[];
  /** Why the stretch is not a forecast, when it is not. */
  rejected: string | null;
}

const collect = (text: string, res: RegExp[], kind: Cue['kind'], out: Cue[]) => {
  for (const re of res) for (const m of text.matchAll(re)) out.push({ kind, phrase: m[0], index: m.index });
};

/** Cues in a stretch of speech, and whether it reads as a forecast at all. */
export function readCues(text: string, publishedOn?: string): CueReading {
  const trimmed = text.trim();
  if (/\?\s*[”"’]?$/.test(trimmed)) return { cues: [], rejected: 'a question' };
  const excluded: [number, number][] = [];
  let firstReason: string | null = null;
  const byDate = BY_DATE.exec(text);
  // ("by 2030 it should have …", and "could have been affected by 2015": the date before or just after)
  const datedBefore = (at: number) => byDate !== null && ((byDate.index < at && at - (byDate.index + byDate[0].length) <= 80 && !/[.;]/.test(text.slice(byDate.index, at))) || (byDate.index > at && byDate.index - at <= 60 && !/[.;,]/.test(text.slice(at, byDate.index))));
  for (const { re, why, whole, unlessDated } of NOT_FORECAST) {
    for (const m of text.matchAll(re)) {
      if (unlessDated && datedBefore(m.index)) continue;
      if (whole) return { cues: [], rejected: why };
      excluded.push([m.index, m.index + m[0].length]);
      firstReason ??= why;
    }
  }
  const outside = (c: Cue) => !excluded.some(([a, b]) => c.index >= a && c.index < b);
  const all: Cue[] = [];
  collect(text, FUTURE, 'future', all);
  // the future perfect with its date: "By the 2030s, the telescope should have racked up enough data"
  if (byDate && !/\bthen$/i.test(byDate[0])) for (const m of text.matchAll(FUTURE_PERFECT)) if (datedBefore(m.index)) all.push({ kind: 'future', phrase: m[0], index: m.index });
  collect(text, MODAL, 'modal', all);
  collect(text, EXPECTATION, 'expectation', all);
  for (const m of text.matchAll(PROJECTION)) {
    const ahead = /\b(?:next year|((?:19|20)\d{2}))\b/.exec(text.slice(m.index, m.index + 200));
    if (ahead && (!ahead[1] || !publishedOn || Number(ahead[1]) >= Number(publishedOn.slice(0, 4)))) all.push({ kind: 'expectation', phrase: m[0], index: m.index });
  }
  // the year before the noun: "its 2026 supply growth outlook to 1 million barrels a day"
  for (const m of text.matchAll(PROJECTION_YEAR_FIRST)) {
    if (!publishedOn || Number(m[1]) >= Number(publishedOn.slice(0, 4))) all.push({ kind: 'expectation', phrase: m[0], index: m.index });
  }
  collect(text, HORIZON, 'horizon', all);
  collect(text, DATES, 'date', all);
  collect(text, CONDITIONAL, 'conditional', all);
  // a horizon in a year before the article's ("by the summer of 2024", said in 2025) is the past
  const year = publishedOn ? Number(publishedOn.slice(0, 4)) : null;
  const pastHorizon = (c: Cue) => {
    if (c.kind !== 'horizon' || year === null) return false;
    const after = text.slice(c.index, c.index + c.phrase.length + 20);
    const y = /\b((?:19|20)\d{2})\b/.exec(after)?.[1];
    return y !== undefined && Number(y) < year;
  };
  // "As soon as he takes office, then we can agree to start talks": a condition with "can" is a conditional forecast
  if (all.some((c) => c.kind === 'conditional' && /^(?:as soon as|once|if)$/i.test(c.phrase) && !/\b(?:see|know|ask|asked|wonder|check|test|tell|whether)\s+$/i.test(text.slice(Math.max(0, c.index - 10), c.index)))) {
    // (not the "can" of the condition itself: "if Herr Blume can make them cheaper")
    for (const m of text.matchAll(/\b(?:then\s+)?(?:we|they|you|he|she|it|Russia|\p{Lu}\p{L}+)\s+can\b(?![’']t|not)/gu)) if (!/\b(?:if|once|as\s+soon\s+as|unless)\s+(?:[^,;]{0,40})$/i.test(text.slice(Math.max(0, m.index - 50), m.index))) all.push({ kind: 'modal', phrase: m[0], index: m.index });
  }
  // ("the lesson that should be learned": "should" right after "that" is in a relative clause too)
  const inRelative = (c: Cue) => c.kind !== 'horizon' && ((c.kind === 'expectation' && /\b(?:what|beyond\s+what|than\s+what)\s+(?:[\p{L}’']+\s+){1,3}$/iu.test(text.slice(Math.max(0, c.index - 40), c.index))) || /\b(?:levels?|efforts?|measures?|steps?|rules?|changes?|policies|policy|laws?|deals?|agreements?|reforms?|ways?|things?|products?|moves?|actions?|decisions?|factors?|conditions?|tools?|weapons?|scenarios?)\s+that\s+$/i.test(text.slice(Math.max(0, c.index - 20), c.index)) || /\b(?:which|who|whom)\s+(?:\p{L}+\s+){0,2}$/iu.test(text.slice(Math.max(0, c.index - 30), c.index)) || (/^should/i.test(c.phrase) && /\s(?:that|which|who)\s+$/i.test(text.slice(Math.max(0, c.index - 10), c.index))));
  const cues = all.filter((c) => outside(c) && !pastHorizon(c) && !inRelative(c)).sort((a, b) => a.index - b.index);
  // only would/could/might, with the past named ("twenty years ago", "last year"): the past, not a forecast
  if (cues.length && cues.every((c) => c.kind === 'modal' || c.kind === 'conditional') && pastNamed(text)) return { cues, rejected: 'the past (a modal about what was)' };
  // a forecast needs a future, modal or expectation cue, or a horizon (conditions alone are not one)
  const strong = cues.filter((c) => c.kind !== 'conditional' && c.kind !== 'date');
  // a horizon alone, in a clause in the past tense or about now ("growth, which has been targeted at
  // four pct in 1987", "are being negotiated now: … payments due in 1987"): a fact, not a forecast
  // ("postponed until late March", "would be running by mid-2026" in a relative clause: a date ahead, kept)
  if (strong.length && strong.every((c) => c.kind === 'horizon' && /^in\s/i.test(c.phrase)) && (PAST_TENSE.test(text) || /\b(?:now|currently|at present|so far)\b/i.test(text))) return { cues, rejected: 'a date in a clause about the past or the present' };
  // any horizon alone in a clause in the past ("there was a need for changes ahead of a vote next week", "had experienced gusts by mid-afternoon")
  if (strong.length && strong.every((c) => c.kind === 'horizon') && /\b(?:was|were|had)\b/i.test(text) && !/\b(?:will|would|going\s+to|expect|plan|due)\w*/i.test(text)) return { cues, rejected: 'a date in a clause about the past or the present' };
  // "probably closer to 17 mln bpd now": a hedged view of the present
  // "most of it likely is not in the hands of banks": the same, said of what is
  if (strong.length && strong.every((c) => c.kind === 'expectation' && /^(?:probably|likely)$/i.test(c.phrase)) && (/\b(?:is|are)\s+(?:\p{L}+\s+)?probably\b[^.;]*\b(?:now|currently|at present|already|today)\b/iu.test(text) || /\b(?:likely|probably)\s+(?:is|are|was|were|isn['’]t|aren['’]t|wasn['’]t|weren['’]t|has\s+been|had\s+been)\b/i.test(text))) return { cues, rejected: 'a view of the present' };
  if (!strong.length) return { cues, rejected: firstReason ?? 'no future, modal or expectation form' };
  return { cues, rejected: null };
}

/** A cue as a why line (src/extract/why.ts). */
export const describeCue = (c: Cue): string => why.cue(c.kind, c.phrase);
