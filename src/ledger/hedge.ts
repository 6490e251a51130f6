/**
 * Hedge bands: how sure a speaker sounded, as a probability range. The scale is the one US
 * intelligence analysts are held to, ICD-203 ("Analytic Standards", Office of the Director of
 * National Intelligence, 2015, section D.6.e.(2)(a)): seven bands from "almost no chance" to
 * "almost certain". A claim's band gives it an implied probability (the band's midpoint), so a
 * speaker's wording can be scored like a member's forecast. Plain data and functions: no Discord,
 * no database.
 */
export const HEDGE_BANDS = [
  'almost-no-chance',
  'very-unlikely',
  'unlikely',
  'even-chance',
  'likely',
  'very-likely',
  'almost-certain',
] as const;
export type HedgeBand = (typeof HEDGE_BANDS)[number];

export interface HedgeBandInfo {
  label: string;
  /** ICD-203's range, in percent. */
  range: readonly [number, number];
  /** The implied probability (0–1): the middle of the range. */
  probability: number;
}

const band = (label: string, low: number, high: number): HedgeBandInfo => ({ label, range: [low, high], probability: (low + high) / 200 });

export const HEDGE_BAND_INFO: Readonly<Record<HedgeBand, HedgeBandInfo>> = {
  'almost-no-chance': band('almost no chance', 1, 5),
  'very-unlikely': band('very unlikely', 5, 20),
  unlikely: band('unlikely', 20, 45),
  'even-chance': band('roughly even chance', 45, 55),
  likely: band('likely', 55, 80),
  'very-likely': band('very likely', 80, 95),
  'almost-certain': band('almost certain', 95, 99),
};

export const isHedgeBand = (value: unknown): value is HedgeBand => typeof value === 'string' && (HEDGE_BANDS as readonly string[]).includes(value);

/** The probability a claim's wording implies, or null when no band was set. */
export const impliedProbability = (hedge: HedgeBand | null | undefined): number | null => (hedge ? HEDGE_BAND_INFO[hedge].probability : null);

/** The band of the opposite statement: "very unlikely that X" is "very likely that not X". */
export const mirrorBand = (hedge: HedgeBand): HedgeBand => HEDGE_BANDS[HEDGE_BANDS.length - 1 - HEDGE_BANDS.indexOf(hedge)]!;
