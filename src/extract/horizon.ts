/**
 * When a forecast can be checked, read against the article's date. Our own rules come first, for
 * what a date parser misses or reads too literally:
 *
 * - "by January", "in November" → the end of that month (the next one after the article);
 *   "March 4" → that day;
 * - "by next year", "next year" → the end of that year; "this year", "the rest of the year" → the
 *   end of this one; "in 2025", "for 2024", "as early as 2025" → the end of that year; "before 2035"
 *   → the end of 2034; "by mid-2026" → 30 June;
 * - "in the third quarter" → the quarter's last day; "the second half" → 31 December;
 * - "next summer", "in the spring" → the end of that season (astronomical: 20 June, 22 September,
 *   21 December, 20 March);
 * - "within days" ≈ a week, "within weeks"/"in the coming weeks" ≈ 6 weeks, "within months" ≈ 6
 *   months, "within two years", "over the next decade" → that long; "next week"/"next month" → its
 *   end;
 * - "soon", "anytime soon", "before long" ≈ 3 months (as forecast-keys.md reads "sometime soon");
 * - events: "until/before the inauguration" → the day of it, "after/following the inauguration" → 6
 *   months after, "as soon as he takes office" → 100 days after; US holidays ("by Memorial Day next
 *   year") by their calendar rule. An event we can't date ("before the deadline", "after the
 *   summit") is named as the `anchor` for the reviewer, with the default date.
 *
 * Then chrono-node (forwardDate) for the rest; with no horizon at all, the default: 12 months.
 */
import * as chrono from 'chrono-node';
import { addDays, addMonths } from '../ledger/dates.js';
import { anchorOf, checkByPhrase } from './why.js';

export interface Horizon {
  checkBy: string;
  /** The words the date came from, or the rule used when there were none. */
  phrase: string;
  /** An event-anchored horizon the reviewer must confirm ("the inauguration"); null when none. */
  anchor: string | null;
}

export const DEFAULT_HORIZON_MONTHS = 12;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = '(January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\.)';
const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, 'a couple of': 2, 'couple of': 2, 'a few': 3, few: 3, several: 3 };
const NUM = '(\\d{1,3}|a couple of|couple of|a few|few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)';

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const endOfMonth = (y: number, m: number) => iso(y, m, lastDay(y, m));
const monthIndex = (name: string) => {
  const n = name.toLowerCase().replace('.', '');
  return MONTHS.findIndex((m) => m.startsWith(n.slice(0, 3))) + 1;
};
/** "early April" → the 10th, "mid-April" → the 20th, "late April" or "April" → its last day. */
const partOfMonth = (y: number, m: number, part?: string) => (!part ? endOfMonth(y, m) : /early/i.test(part) ? iso(y, m, 10) : /mid/i.test(part) ? iso(y, m, 20) : endOfMonth(y, m));
/** The last day of the quarter `on` falls in. */
const endOfQuarter = (on: string) => { const y = Number(on.slice(0, 4)); const q = Math.ceil(Number(on.slice(5, 7)) / 3); return endOfMonth(y, q * 3); };
const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : (NUMBER_WORDS[s.toLowerCase()] ?? 1));

/** The n-th given weekday (0 = Sunday) of a month; n = -1 for the last. */
function nthWeekday(y: number, m: number, weekday: number, n: number): string {
  if (n > 0) {
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    return iso(y, m, 1 + ((weekday - first + 7) % 7) + (n - 1) * 7);
  }
  const last = lastDay(y, m);
  const lastDow = new Date(Date.UTC(y, m - 1, last)).getUTCDay();
  return iso(y, m, last - ((lastDow - weekday + 7) % 7));
}

const HOLIDAYS: Record<string, (y: number) => string> = {
  'memorial day': (y) => nthWeekday(y, 5, 1, -1),
  'labor day': (y) => nthWeekday(y, 9, 1, 1),
  thanksgiving: (y) => nthWeekday(y, 11, 4, 4),
  christmas: (y) => iso(y, 12, 25),
  'new year': (y) => iso(y, 1, 1),
  "new year's": (y) => iso(y, 1, 1),
  'independence day': (y) => iso(y, 7, 4),
  'the fourth of july': (y) => iso(y, 7, 4),
  easter: (y) => easter(y),
  'black friday': (y) => addDays(nthWeekday(y, 11, 4, 4), 1),
  'cyber monday': (y) => addDays(nthWeekday(y, 11, 4, 4), 4),
  'christmas eve': (y) => iso(y, 12, 24),
  "new year's eve": (y) => iso(y, 12, 31),
};

function easter(y: number): string {
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return iso(y, month, ((h + l - 7 * m + 114) % 31) + 1);
}

/** The next US inauguration day (20 January of a year after a presidential election) after `on`. */
export function nextUsInauguration(on: string): string {
  let y = Number(on.slice(0, 4));
  for (;;) {
    if (y % 4 === 1 && iso(y, 1, 20) > on) return iso(y, 1, 20);
    y++;
  }
}

/** The next US general election (the Tuesday after the first Monday of November, even years) after `on`. */
export function nextUsElection(on: string): string {
  let y = Number(on.slice(0, 4));
  for (;;) {
    if (y % 2 === 0) {
      const day = addDays(nthWeekday(y, 11, 1, 1), 1);
      if (day > on) return day;
    }
    y++;
  }
}

/** The season's end after `on`: spring 20 June, summer 22 September, autumn 21 December, winter 20 March. */
function seasonEnd(season: string, on: string, next: boolean, thisOne = false): string {
  const s = season.toLowerCase();
  const y = Number(on.slice(0, 4));
  const [startMd, endMd, wraps] = s === 'spring' ? ['03-20', '06-20', false] : s === 'summer' ? ['06-21', '09-22', false] : s === 'winter' ? ['12-21', '03-20', true] : ['09-23', '12-21', false];
  for (let year = y - 1; year < y + 3; year++) {
    const start = `${year}-${startMd}`;
    const end = `${wraps ? year + 1 : year}-${endMd}`;
    if (end <= on) continue;
    // "in the spring" said in its last weeks means the next one
    if (!next && start <= on && end < addDays(on, 45) && !thisOne) continue;
    // "next summer" said in June means the one after; "in the spring"/"this summer" the coming or current one
    if (next && start < addDays(on, 90)) continue;
    return end;
  }
  return addMonths(on, 12);
}

interface Rule {
  re: RegExp;
  date: (m: RegExpExecArray, on: string, ctx: RuleContext) => { checkBy: string; anchor?: string | null; note?: string } | null;
}
interface RuleContext {
  usContext: boolean;
  /** The month a split year ("1987/88") ends in, when the article names it ("(October/September)"). */
  splitYearEndMonth?: number;
  /** The month a company's fiscal year ends in, when the article dates one of its quarters. */
  fiscalYearEndMonth?: number;
  /** A company's quarter the article dates ("its first quarter, ending February 28"). */
  fiscalQuarter?: { ordinal: string; month: number; day: number };
}

const year = (on: string) => Number(on.slice(0, 4));
const month = (on: string) => Number(on.slice(5, 7));

const RULES: Rule[] = [
  // Events
  {
    re: /\b(until|till|by|before|ahead of|after|following|once|as soon as|when|upon|from)\s+(?:\p{Lu}[\p{L}]+['’]s\s+|the\s+|his\s+|her\s+)?(inauguration|swearing-in)\b/iu,
    date: (m, on, ctx) => {
      if (!ctx.usContext) return { checkBy: addMonths(on, DEFAULT_HORIZON_MONTHS), anchor: anchorOf.inauguration() };
      const day = nextUsInauguration(on);
      const after = /after|following|once|as soon as|when|upon|from/i.test(m[1]!);
      return { checkBy: after ? addMonths(day, 6) : day, anchor: anchorOf.inauguration(day) };
    },
  },
  {
    re: /\b(as soon as|once|after|when)\s+(?:\p{Lu}[\p{L}]+|he|she)\s+(?:takes|took|assumes|enters)\s+office\b/iu,
    date: (m, on, ctx) => {
      if (!ctx.usContext) return { checkBy: addMonths(on, DEFAULT_HORIZON_MONTHS), anchor: anchorOf.takingOffice() };
      const day = nextUsInauguration(on);
      return { checkBy: /as soon as|once/i.test(m[1]!) ? addDays(day, 100) : addMonths(day, 6), anchor: anchorOf.takingOffice(day) };
    },
  },
  {
    re: /\bthe (?:new|incoming|next)\s+(?:U\.S\.\s+|US\s+|American\s+)?administration\b/iu,
    date: (_m, on, ctx) => {
      if (!ctx.usContext) return null;
      const day = nextUsInauguration(on);
      return day > addMonths(on, 4) ? null : { checkBy: addMonths(day, 6), anchor: anchorOf.newAdministration(day) };
    },
  },
  {
    // ("win November's presidential election", "in the election": the election's own day)
    re: /\b(until|by|before|ahead of|after|following|win|wins|winning|lose|loses|losing|carry|in)\s+(?:the\s+|this\s+|November['’]s\s+)?(?:(?:next|upcoming|coming)\s+)?(?:presidential\s+|general\s+|midterm\s+)?elections?\b/iu,
    date: (m, on, ctx) => {
      if (!ctx.usContext) return { checkBy: addMonths(on, DEFAULT_HORIZON_MONTHS), anchor: anchorOf.election() };
      const day = nextUsElection(on);
      return { checkBy: /after|following/i.test(m[1]!) ? addMonths(day, 6) : day, anchor: anchorOf.election(day) };
    },
  },
  {
    re: /\b(?:by|before|until|on|after|for|at|over|during)\s+(?:the\s+)?(Memorial Day|Labor Day|Thanksgiving|Black Friday|Cyber Monday|Christmas Eve|New Year['’]s Eve|Christmas|New Year['’]?s?|Independence Day|the Fourth of July|Easter)(\s+next year|\s+(?:19|20)\d{2})?\b/iu,
    date: (m, on) => {
      const key = m[1]!.toLowerCase().replace('’', "'").replace(/^new year'?s?$/, 'new year').replace(/^the fourth/, 'the fourth');
      const fn = HOLIDAYS[key] ?? HOLIDAYS['new year']!;
      if (m[2] && /next year/i.test(m[2])) return { checkBy: fn(year(on) + 1) };
      if (m[2]) return { checkBy: fn(Number(m[2].trim())) };
      const thisYear = fn(year(on));
      return { checkBy: thisYear > on ? thisYear : fn(year(on) + 1) };
    },
  },
  // Years
  // "in fiscal 1987": the end of that fiscal year when the article dates a quarter of it
  { re: /\bfiscal\s+(?:year\s+)?((?:19|20)\d{2})\b/i, date: (m, on, ctx) => (ctx.fiscalYearEndMonth && Number(m[1]) >= year(on) ? { checkBy: endOfMonth(Number(m[1]), ctx.fiscalYearEndMonth) } : null) },
  { re: /\b(?:until|till|before|not\s+until)\s+at\s+least\s+((?:19|20)\d{2})\b/i, date: (m) => ({ checkBy: iso(Number(m[1]) - 1, 12, 31) }) },
  { re: /\bbefore\s+((?:19|20)\d{2})\b/i, date: (m) => ({ checkBy: iso(Number(m[1]) - 1, 12, 31) }) },
  // "postponed until 2018", "until around 2035": the event is in that year, judged when it is over
  { re: /\b(?:(?:postponed|delayed|pushed\s+back|deferred|put\s+off|moved)\s+(?:\p{L}+\s+){0,2}(?:until|till|to)\s+|(?:until|till)\s+(?:around|about|roughly|circa)\s+)((?:19|20)\d{2})\b/iu, date: (m, on) => (Number(m[1]) >= year(on) ? { checkBy: iso(Number(m[1]), 12, 31) } : null) },
  // "until 2007" (through 2006): judged when 2006 is over, as "until at least" and "before" are
  { re: /\b(?:until|till|up\s+to)\s+((?:19|20)\d{2})\b(?!\/\d)/i, date: (m, on) => (Number(m[1]) > year(on) ? { checkBy: iso(Number(m[1]) - 1, 12, 31) } : null) },
  // "by the 2030s": by the decade's first year
  { re: /\bby\s+the\s+((?:19|20)\d)0s\b/i, date: (m, on) => (Number(m[1]) * 10 >= year(on) ? { checkBy: iso(Number(m[1]) * 10, 12, 31) } : null) },
  // decades: "the early 2030s" → 2033, "the mid-2030s" → 2036, "the late 2030s"/"the 2030s" → 2039
  {
    re: /\b(?:the\s+)?(early|mid|middle|late)?[- ]?((?:19|20)\d)0s\b/i,
    date: (m, on) => {
      const base = Number(m[2]) * 10;
      const end = !m[1] ? base + 9 : /early/i.test(m[1]) ? base + 3 : /late/i.test(m[1]) ? base + 9 : base + 6;
      return end >= year(on) ? { checkBy: iso(end, 12, 31) } : null;
    },
  },
  // split (crop, fiscal) years: "in 1987/88" → the later year, to the month a "(October/September)" names, else June
  {
    re: /\b((?:19|20)\d{2})\/(\d{2})\b(?:\s*\((?:January|February|March|April|May|June|July|August|September|October|November|December)\/(January|February|March|April|May|June|July|August|September|October|November|December)\))?/i,
    date: (m, on, ctx) => {
      const y = Number(m[1]!.slice(0, 2) + m[2]) + (Number(m[2]) < Number(m[1]!.slice(2)) ? 100 : 0);
      const mo = m[3] ? monthIndex(m[3]) : (ctx.splitYearEndMonth ?? 6);
      const end = endOfMonth(y, mo);
      return end > on ? { checkBy: end } : null;
    },
  },
  { re: /\b(?:by\s+|in\s+|until\s+)?(?:mid-|(?:the\s+)?middle\s+of\s+)((?:19|20)\d{2})\b/i, date: (m) => ({ checkBy: iso(Number(m[1]), 6, 30) }) },
  { re: /\b(?:by|in)\s+early\s+((?:19|20)\d{2})\b/i, date: (m) => ({ checkBy: iso(Number(m[1]), 3, 31) }) },
  { re: /\b(?:by|in|into|until|during|for|through|throughout|as early as|as late as|no later than|by the end of|the end of|late)\s+((?:19|20)\d{2})\b(?!\/\d)/i, date: (m, on) => (Number(m[1]) >= year(on) ? { checkBy: iso(Number(m[1]), 12, 31) } : null) },
  // "in the quarter to March", "the six months to June 2026", "the year to March": the end of that month
  {
    re: new RegExp(`\\b(?:quarter|half|year|six\\s+months|three\\s+months|nine\\s+months|period)\\s+(?:to|ending(?:\\s+in)?)\\s+${MONTH}(?:\\s+((?:19|20)\\d{2}))?`, 'i'),
    date: (m, on) => {
      const mo = monthIndex(m[1]!);
      if (m[2]) return { checkBy: endOfMonth(Number(m[2]), mo) };
      const thisOne = endOfMonth(year(on), mo);
      return { checkBy: thisOne >= on ? thisOne : endOfMonth(year(on) + 1, mo) };
    },
  },
  // "just weeks away": days ≈ a week, weeks ≈ six weeks, months ≈ six months, years ≈ three years
  { re: /\b(days|weeks|months|years)\s+away\b/i, date: (m, on) => ({ checkBy: /days/i.test(m[1]!) ? addDays(on, 7) : /weeks/i.test(m[1]!) ? addDays(on, 42) : /months/i.test(m[1]!) ? addMonths(on, 6) : addMonths(on, 36) }) },
  // "before the end of the first half of 2015"
  { re: /\b(?:before|by)\s+the\s+end\s+of\s+(?:the\s+)?(first|second)\s+half\s+of\s+((?:19|20)\d{2})\b/i, date: (m) => ({ checkBy: /first/i.test(m[1]!) ? iso(Number(m[2]), 6, 30) : iso(Number(m[2]), 12, 31) }) },
  // "in a couple of hours", "within hours": the same day
  { re: /\b(?:in|within)\s+(?:a\s+couple\s+of\s+|a\s+few\s+|two\s+|three\s+|(\d+)\s+)?hours?(?:['’]?\s+time)?\b|\blater\s+(?:today|tonight|in\s+the\s+day)\b/i, date: (m, on) => ({ checkBy: addDays(on, Math.ceil(Number(m[1] ?? 0) / 24)) }) },
  // "by Q3 2026", "in 4Q25": the end of that calendar quarter
  {
    re: /\b(?:Q([1-4])|([1-4])Q)\s*[-']?\s*((?:19|20)?\d{2})\b/i,
    date: (m, on) => {
      const q = Number(m[1] ?? m[2]);
      const y = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
      const end = endOfMonth(y, q * 3);
      return end >= on ? { checkBy: end } : null;
    },
  },
  // "calendar Q1" (CQ1) without a year: this year's quarter, or next year's once it is over
  {
    re: /\bC?Q([1-4])\b(?!\s*[-']?\s*(?:19|20)?\d{2}\b)/,
    date: (m, on) => {
      const q = Number(m[1]);
      const thisOne = endOfMonth(year(on), q * 3);
      return { checkBy: thisOne >= on ? thisOne : endOfMonth(year(on) + 1, q * 3) };
    },
  },
  // Halves: "the second half of 2026", "the first half of next year"
  {
    re: /\b(?:the\s+)?(first|second|back)\s+half\s+of\s+(next year|this year|the year|(?:19|20)\d{2})\b/i,
    date: (m, on) => {
      const y = /next/i.test(m[2]!) ? year(on) + 1 : /\d/.test(m[2]!) ? Number(m[2]) : year(on);
      return { checkBy: /first/i.test(m[1]!) ? iso(y, 6, 30) : iso(y, 12, 31) };
    },
  },
  // This / next year, month, week, quarter
  { re: /\b(?:within\s+|over\s+|in\s+)?(?:the\s+)?next\s+year\s+or\s+(two|so)\b/i, date: (m, on) => ({ checkBy: addMonths(on, /two/i.test(m[1]!) ? 24 : 12) }) },
  { re: /\b(?:by|in|during|for|until|over|by the end of|the end of|before the end of)?\s*next year\b/i, date: (_m, on) => ({ checkBy: iso(year(on) + 1, 12, 31) }) },
  // "in early April this year": the month, not the year
  { re: new RegExp(`\\b(?:(early|mid-?|late)\\s*)?${MONTH}\\s+(?:of\\s+)?this\\s+year\\b`, 'i'), date: (m, on) => ({ checkBy: partOfMonth(year(on), monthIndex(m[2]!), m[1]) }) },
  // "full-year revenue": the company's year, when the article says where it ends ("the year to March 2005"), else this one
  {
    re: /\b(?:full[- ]year|for the full year)\b/i,
    date: (_m, on, ctx) => {
      if (!ctx.fiscalYearEndMonth) return { checkBy: iso(year(on), 12, 31) };
      const thisOne = endOfMonth(year(on), ctx.fiscalYearEndMonth);
      return { checkBy: thisOne >= on ? thisOne : endOfMonth(year(on) + 1, ctx.fiscalYearEndMonth) };
    },
  },
  { re: /\b(?:this (?:calendar )?year|the year['’]s|the rest of the year|the end of the (?:calendar )?year|year-end|end of this (?:calendar )?year|the year['’]s end|later this year|later in the year|end the year|during the year|the coming year)\b/i, date: (_m, on) => ({ checkBy: iso(year(on), 12, 31) }) },
  { re: /\bnext month\b/i, date: (_m, on) => { const d = addMonths(on.slice(0, 8) + '01', 1); return { checkBy: endOfMonth(year(d), month(d)) }; } },
  { re: /\b(?:this month|the end of the month|later this month)\b/i, date: (_m, on) => ({ checkBy: endOfMonth(year(on), month(on)) }) },
  {
    re: /\bnext week\b/i,
    date: (_m, on) => {
      const dow = new Date(`${on}T00:00:00Z`).getUTCDay();
      return { checkBy: addDays(on, 7 + ((7 - dow) % 7)) };
    },
  },
  // "this week" → that Friday
  { re: /\b(?:this week|later this week|the end of the week)\b/i, date: (_m, on) => ({ checkBy: addDays(on, Math.max(0, 5 - new Date(`${on}T00:00:00Z`).getUTCDay())) }) },
  { re: /\b(?:later\s+today|today|tonight|this (?:morning|afternoon|evening)|by the end of the day)\b/i, date: (_m, on) => ({ checkBy: on }) },
  // "its first quarter, ending February 28": the date given
  {
    re: new RegExp(`\\b(?:quarter|year|half|period)s?\\s*,?\\s+(?:ending|ended|which ends|that ends)\\s+${MONTH}\\s+(\\d{1,2})\\b`, 'i'),
    date: (m, on) => {
      const mo = monthIndex(m[1]!);
      let y = year(on);
      if (iso(y, mo, Number(m[2])) < on) y++;
      return { checkBy: iso(y, mo, Math.min(Number(m[2]), lastDay(y, mo))) };
    },
  },
  {
    re: /\b(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th|final|last)\s+quarter(?:\s+of\s+((?:19|20)\d{2}))?|\bQ([1-4])(?:\s+((?:19|20)\d{2}))?\b/i,
    date: (m, on, ctx) => {
      if (ctx.fiscalQuarter && m[1] && m[1].toLowerCase() === ctx.fiscalQuarter.ordinal && !m[2]) {
        let y = year(on);
        if (iso(y, ctx.fiscalQuarter.month, ctx.fiscalQuarter.day) < on) y++;
        return { checkBy: iso(y, ctx.fiscalQuarter.month, Math.min(ctx.fiscalQuarter.day, lastDay(y, ctx.fiscalQuarter.month))) };
      }
      const words: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, final: 4, last: 4 };
      const q = m[1] ? words[m[1].toLowerCase()]! : Number(m[3]);
      const explicit = m[2] ?? m[4];
      let y = explicit ? Number(explicit) : year(on);
      if (!explicit && endOfMonth(y, q * 3) < on) y++;
      return { checkBy: endOfMonth(y, q * 3) };
    },
  },
  { re: /\b(?:this|the current)\s+quarter\b/i, date: (_m, on) => ({ checkBy: endOfQuarter(on) }) },
  { re: /\b(?:the\s+)?(second|back)\s+half(?:\s+of\s+(?:the\s+)?year)?\b/i, date: (_m, on) => ({ checkBy: iso(year(on), 12, 31) }) },
  { re: /\b(?:the\s+)?first\s+half(?:\s+of\s+(?:the\s+)?year)?\b/i, date: (_m, on) => (month(on) <= 6 ? { checkBy: iso(year(on), 6, 30) } : { checkBy: iso(year(on) + 1, 6, 30) }) },
  // Seasons
  {
    // "by spring 2005", "in the summer of 2026": that year's season
    re: /\b(next|this|in the|by the|by|in|over the|during the|until the)\s+(spring|summer|autumn|fall|winter)\b(?:\s+(?:of\s+)?((?:19|20)\d{2})\b)?/i,
    date: (m, on) => {
      if (m[3]) {
        const end = seasonEnd(m[2]!, `${Number(m[3]) - 1}-12-31`, false);
        return end >= on ? { checkBy: end } : null;
      }
      return { checkBy: seasonEnd(m[2]!, on, /next/i.test(m[1]!), /this/i.test(m[1]!)) };
    },
  },
  // Month and day, month
  {
    re: new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+((?:19|20)\\d{2}))?\\b`, 'i'),
    date: (m, on) => {
      const mo = monthIndex(m[1]!);
      const d = Number(m[2]);
      if (d < 1 || d > 31) return null;
      let y = m[3] ? Number(m[3]) : year(on);
      if (!m[3] && iso(y, mo, Math.min(d, lastDay(y, mo))) < on) y++;
      return { checkBy: iso(y, mo, Math.min(d, lastDay(y, mo))) };
    },
  },
  {
    re: new RegExp(`\\b(?:by|in|until|till|before|through|during|around|from|starting in|by the end of|the end of|(early|late|mid-?))\\s*${MONTH}(?:\\s+((?:19|20)\\d{2}))?`, 'i'),
    date: (m, on) => {
      const mo = monthIndex(m[2]!);
      let y = m[3] ? Number(m[3]) : year(on);
      if (!m[3] && mo < month(on)) y++;
      return { checkBy: partOfMonth(y, mo, m[1]) };
    },
  },
  // Durations
  { re: /\b(?:within|in)\s+(?:a\s+matter\s+of\s+)?days\b|\bin the coming days\b|\bany day now\b/i, date: (_m, on) => ({ checkBy: addDays(on, 7) }) },
  { re: /\bin the (?:coming|next few) weeks\b|\bcoming weeks\b/i, date: (_m, on) => ({ checkBy: addMonths(on, 1) }) },
  { re: /\b(?:within|in)\s+(?:a\s+matter\s+of\s+)?weeks\b/i, date: (_m, on) => ({ checkBy: addDays(on, 42) }) },
  { re: /\b(?:within|in)\s+(?:a\s+matter\s+of\s+)?months\b|\bin the (?:coming|next few) months\b|\bcoming months\b/i, date: (_m, on) => ({ checkBy: addMonths(on, 6) }) },
  { re: /\b(?:within|in)\s+years\b|\bin the (?:coming|next few) years\b|\bcoming years\b/i, date: (_m, on) => ({ checkBy: addMonths(on, 36) }) },
  {
    re: new RegExp(`\\b(?:within|in|over|during|for)\\s+(?:the\\s+)?(?:next\\s+|coming\\s+)?${NUM}\\s+(?:(?:or|to)\\s+${NUM}\\s+)?(day|week|month|quarter|year|decade)s?\\b`, 'i'),
    date: (m, on) => {
      const n = Math.max(num(m[1]!), m[2] ? num(m[2]) : 0);
      const unit = m[3]!.toLowerCase();
      const checkBy = unit === 'day' ? addDays(on, n) : unit === 'week' ? addDays(on, 7 * n) : unit === 'month' ? addMonths(on, n) : unit === 'quarter' ? endOfQuarter(addMonths(on, 3 * n)) : unit === 'year' ? addMonths(on, 12 * n) : addMonths(on, 120 * n);
      return { checkBy };
    },
  },
  {
    re: new RegExp(`\\b(?:the\\s+)?next\\s+(?:${NUM}\\s+)?(?:(?:or|to)\\s+${NUM}\\s+)?(day|week|month|quarter|year|decade)s?\\b`, 'i'),
    date: (m, on) => {
      const n = Math.max(m[1] ? num(m[1]) : 1, m[2] ? num(m[2]) : 0);
      const unit = m[3]!.toLowerCase();
      const checkBy = unit === 'day' ? addDays(on, n) : unit === 'week' ? addDays(on, 7 * n) : unit === 'month' ? addMonths(on, n) : unit === 'quarter' ? endOfQuarter(addMonths(on, 3 * n)) : unit === 'year' ? addMonths(on, 12 * n) : addMonths(on, 120 * n);
      return { checkBy };
    },
  },
  { re: /\bnear[- ]term\b|\bin the short term\b|\bsometime soon\b|\bshort[- ]term\b|\bin the (?:very\s+)?near future\b|\b(?:a|the)\s+not[- ]too[- ]distant\s+future\b/i, date: (_m, on) => ({ checkBy: addMonths(on, 3) }) },
  // "soon" denied ("doesn't see it coming back anytime soon", "won't happen soon"): not within the short window, so checked at the default
  {
    re: /\b(?:anytime|any time)\s+soon\b|(?<!\bas\s)\bsoon\b(?!\s+as\b)|\bbefore long\b|\bshortly\b|\bimminent(?:ly)?\b|\bin the near future\b/i,
    date: (m, on) => (/\b(?:not|no|never|nor|hardly)\b|n['’]t\b/i.test(m.input.slice(Math.max(0, m.index - 80), m.index).split(/[.;:!?]|,\s+(?:but|and|while)\b/).at(-1) ?? '')
      ? { checkBy: addMonths(on, DEFAULT_HORIZON_MONTHS), note: 'denied: not soon' }
      : { checkBy: addMonths(on, 3) }),
  },
  // Anchors we cannot date
  {
    re: /\b(?:until|before|by|after|following|ahead of)\s+(the\s+(?:deadline|summit|vote|referendum|hearing|trial|verdict|ruling|merger|talks|meeting|conference|launch|deal|ceasefire|strike|election|season|games|olympics|world cup|budget)|(?:the\s+)?(?:pool|plant|factory|bridge|line|station|stadium|school|hospital)\s+(?:opens|reopens|is finished|is built|is completed))\b/i,
    date: (m, on) => ({ checkBy: addMonths(on, DEFAULT_HORIZON_MONTHS), anchor: m[1]!, note: 'an event the article does not date' }),
  },
];

export interface HorizonOptions {
  /** The whole article, to tell whether "the inauguration" is the US one. */
  article?: string;
}

const WEEKDAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\\s+(?:night|morning|afternoon|evening))?';
const SAID_ON = new RegExp(`\\b(?:said|says|told(?:\\s+[\\p{L}’']+){0,3}|announced|added|wrote|stated|confirmed|reported|warned|predicted|forecast|estimated)\\s+(?:on\\s+|late\\s+|early\\s+)?${WEEKDAY}\\b|\\b(?:on\\s+)?${WEEKDAY},?\\s+(?:said|told|announced|added|confirmed|reported|warned)\\b`, 'giu');

const US_CONTEXT = /\b(?:U\.S\.|US|USA|United States|American|Americans|Washington|White House|president-elect|Trump|Biden|Harris|Obama|Congress|Republicans?|Democrats?)\b/;

const RETROSPECTIVE = /\b(?:\p{L}+est|best|worst|most|least|first|last|highest|lowest|biggest|since|ever|time)\s+(?:\p{L}+\s+){0,3}$/iu;

function fromRules(text: string, on: string, ctx: RuleContext): Horizon | null {
  let best: { at: number; h: Horizon; start: number; end: number } | null = null;
  for (const [order, rule] of RULES.entries()) {
    const m = rule.re.exec(text);
    if (!m) continue;
    // "the worst in a decade", "the first time in years": looking back, not ahead
    if (/^(?:in|over|for)\b/i.test(m[0].trim()) && RETROSPECTIVE.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    const r = rule.date(m, on, ctx);
    if (!r) continue;
    const h: Horizon = { checkBy: r.checkBy, phrase: m[0].trim(), anchor: r.anchor ?? null };
    if (r.note) h.phrase = `${h.phrase} (${r.note}; the default of ${DEFAULT_HORIZON_MONTHS} months proposed)`;
    // event rules (first five) win; otherwise the earliest-placed rule that matched
    if (order < 5) return h;
    if (!best) best = { at: order, h, start: m.index, end: m.index + m[0].length };
  }
  if (!best) return null;
  // a later year named elsewhere in the claim ("in 2026 and 2027", "first quarter levels but 1987
  // earnings"): the claim can be judged only when that year is over
  for (const y of text.matchAll(/\b((?:19|20)\d{2})\b(?!\/|\s*-\s*\d)/g)) {
    if (y.index >= best.start && y.index < best.end) continue;
    const end = iso(Number(y[1]), 12, 31);
    if (Number(y[1]) >= year(on) && end > best.h.checkBy && !/[-–]\s*$/.test(text.slice(0, y.index))) best.h = { checkBy: end, phrase: `${best.h.phrase} … ${y[1]}`, anchor: best.h.anchor };
  }
  // "in 2004, but fall to 3.3% next year": next year is the later one
  const next = /\bnext\s+year\b/i.exec(text);
  if (next && (next.index < best.start || next.index >= best.end)) {
    const end = iso(year(on) + 1, 12, 31);
    if (end > best.h.checkBy) best.h = { checkBy: end, phrase: `${best.h.phrase} … ${next[0]}`, anchor: best.h.anchor };
  }
  return best.h;
}

/** Words without which chrono-node finds nothing we'd keep (a cheap test before the parser). */
const CHRONO_HINT = /\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b|\b(?:mon|tues?|wed|thu|thurs|fri|sat|sun)(?:day)?\b|\b(?:tomorrow|tonight|weekend|noon|midnight|morning|evening|afternoon|next|coming|later|ides)\b/i;

function fromChrono(text: string, on: string): Horizon | null {
  if (!CHRONO_HINT.test(text)) return null;
  const ref = new Date(`${on}T12:00:00Z`);
  for (const r of chrono.parse(text, { instant: ref, timezone: 'UTC' }, { forwardDate: true })) {
    const c = r.start;
    const y = c.get('year')!;
    const mo = c.get('month')!;
    const d = c.get('day')!;
    let checkBy = iso(y, mo, d);
    if (!c.isCertain('day') && c.isCertain('month')) checkBy = endOfMonth(y, mo);
    else if (!c.isCertain('day') && !c.isCertain('month') && c.isCertain('year')) checkBy = iso(y, 12, 31);
    // the article's own date is when it was said ("Feb 26"), not a horizon ahead (a weekday or "today" may be)
    if (checkBy < on || (checkBy === on && !/\b(?:today|tonight|morning|afternoon|evening|noon|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b/i.test(r.text))) continue;
    // a number or a range alone ("000 to 250", "10-12") is no date
    if (!/\p{L}{3,}/u.test(r.text.replace(/\b(?:to|and|am|pm)\b/gi, ''))) continue;
    // "a day from 1.10" (a figure), "quarter to March" (a period): not dates
    if (/\d\.\d|\bquarter\s+to\b/i.test(r.text)) continue;
    // bare durations ("a week", "three weeks", "$96 a year") are not horizons; our rules read "within …"
    if (/^(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+|a few|several)\s+(?:day|week|month|year|hour|minute)s?$/i.test(r.text.trim())) continue;
    if (/^(?:now|today|tonight|this morning)$/i.test(r.text.trim())) continue;
    // "£59m", "160m", "$2bn": money, not a time of day
    if (/^\d+(?:[.,]\d+)?\s*(?:m|bn|k|mn|mln|b)$/i.test(r.text.trim()) || /[£$€¥]\s*$/.test(text.slice(Math.max(0, r.index - 2), r.index))) continue;
    // "the year's sales", "a month": a period named, not a date ahead
    if (/^(?:the|a|an|one|that)\s+(?:day|week|month|year)$/i.test(r.text.trim())) continue;
    return { checkBy, phrase: r.text, anchor: null };
  }
  return null;
}

/** A year named on its own ("a 2026 launch"), not before the article's: its end. */
function bareYear(text: string, on: string): Horizon | null {
  for (const m of text.matchAll(/\b((?:19|20)\d{2})\b/g)) {
    if (Number(m[1]) >= year(on)) return { checkBy: iso(Number(m[1]), 12, 31), phrase: m[1]!, anchor: null };
  }
  return null;
}

const FISCAL_QUARTER = new RegExp(`\\b(first|second|third|fourth)\\s+quarter\\s*,?\\s+(?:ending|ended|which ends|that ends)\\s+${MONTH}\\s+(\\d{1,2})\\b`, 'i');
const DATED_QUARTER = new RegExp(`\\b${MONTH}\\s+\\d{1,2}\\s+(first|second|third|fourth)\\s+quarter\\b|\\b(first|second|third|fourth)\\s+quarter\\s*,?\\s+(?:ending|ended)\\s+${MONTH}\\b`, 'i');
const YEAR_TO = new RegExp(`\\b(?:financial |fiscal )?year (?:to|ending(?: in)?|ended) ${MONTH}\\b`, 'i');
const SPLIT_YEAR = /\b(?:19|20)\d{2}\/\d{2}\s*\((?:January|February|March|April|May|June|July|August|September|October|November|December)\/(January|February|March|April|May|June|July|August|September|October|November|December)\)/i;

/** What the whole article says about dates (US context, a company's fiscal year, split years): read once per article, not per forecast. */
let lastArticle: { text: string; ctx: RuleContext } | null = null;
function articleContext(article: string): RuleContext {
  if (lastArticle?.text === article) return lastArticle.ctx;
  const ctx: RuleContext = { usContext: US_CONTEXT.test(article) };
  const fq = FISCAL_QUARTER.exec(article);
  if (fq) ctx.fiscalQuarter = { ordinal: fq[1]!.toLowerCase(), month: monthIndex(fq[2]!), day: Number(fq[3]) };
  // "the January 31 second quarter", "fourth quarter ending May 30": the fiscal year ends 3 months per quarter later
  const dated = DATED_QUARTER.exec(article);
  if (dated) {
    const q = ['first', 'second', 'third', 'fourth'].indexOf((dated[2] ?? dated[3])!.toLowerCase()) + 1;
    const mo = monthIndex((dated[1] ?? dated[4])!);
    ctx.fiscalYearEndMonth = ((mo - 1 + 3 * (4 - q)) % 12) + 1;
  }
  // "the year to March 2005", "its financial year ending in June": where the company's year ends
  const yearTo = YEAR_TO.exec(article);
  if (yearTo && !ctx.fiscalYearEndMonth) ctx.fiscalYearEndMonth = monthIndex(yearTo[1]!);
  const split = SPLIT_YEAR.exec(article);
  if (split) ctx.splitYearEndMonth = monthIndex(split[1]!);
  lastArticle = { text: article, ctx };
  return ctx;
}

/** The horizon of a forecast: from its own words, else from its sentence, else the default. */
export function readHorizon(text: string, publishedOn: string, context?: string, opts: HorizonOptions = {}): Horizon {
  const ctx: RuleContext = { ...articleContext(opts.article ?? `${context ?? ''} ${text}`) };
  // the day something was said ("said Monday", "told reporters on Tuesday") is no horizon of what was said
  const spoken = context && context !== text ? context.replace(SAID_ON, ' ') : null;
  for (const t of spoken ? [text, spoken] : [text]) {
    const h = fromRules(t, publishedOn, ctx) ?? fromChrono(t, publishedOn) ?? bareYear(t, publishedOn);
    if (h) return h;
  }
  return { checkBy: addMonths(publishedOn, DEFAULT_HORIZON_MONTHS), phrase: checkByPhrase.noHorizon(DEFAULT_HORIZON_MONTHS), anchor: null };
}
