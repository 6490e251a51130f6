/**
 * Why a candidate was picked: the lines of `Candidate.why`. They are written (and kept in review
 * drafts, and read by the quality benchmark) in English, as built here; a reviewer reads them in
 * their language through `readWhy`, which gives each line back as its catalog key (`extractWhy.…`)
 * and values, so drafts saved before (or by another version) are told in any language too. A line
 * `readWhy` does not know is shown as it is. The same for the two check-by phrases the extractor
 * writes itself (`checkByPhrase`; the others are the article's words): `readCheckByPhrase`.
 */
import { HEDGE_BAND_INFO, type HedgeBand } from '../ledger/hedge.js';

export type WhyForm = 'quote' | 'paraphrase' | 'interview';
export type CueKind = 'future' | 'modal' | 'conditional' | 'expectation' | 'horizon' | 'date';

/** A cue's name in a why line, by kind. */
export const CUE_LABELS: Readonly<Record<CueKind, string>> = {
  future: 'future tense',
  modal: 'modal',
  conditional: 'condition',
  expectation: 'expectation',
  horizon: 'time horizon',
  date: 'date',
};

/** The English why lines (what is stored). */
export const why = {
  attributed: (form: WhyForm, verb: string) => `attributed (${form}): ${verb}`,
  unattributed: (form: WhyForm) => `unattributed ${form}`,
  expectation: (verb: string) => `${CUE_LABELS.expectation}: ${verb}`,
  cue: (kind: CueKind, phrase: string) => `${CUE_LABELS[kind]}: ${phrase}`,
  hedge: (phrase: string, negatedBand?: HedgeBand) => `hedge: ${phrase}${negatedBand ? ` (negated: ${HEDGE_BAND_INFO[negatedBand].label} that the claim as stated comes true)` : ''}`,
  anchored: (anchor: string) => `anchored on ${anchor}`,
  repeated: (times: number) => `repeated in the article (${times} times): kept once`,
};

/** A why line as its catalog key and values (the values still to be told: a form, a band). */
export type WhyLine =
  | { key: 'attributed'; form: WhyForm; verb: string }
  | { key: 'attributedInterview' }
  | { key: 'unattributed'; form: WhyForm }
  | { key: 'expectation'; phrase: string }
  | { key: 'cue'; kind: Exclude<CueKind, 'expectation'>; phrase: string }
  | { key: 'hedge'; phrase: string }
  | { key: 'hedgeNegated'; phrase: string; band: HedgeBand }
  | { key: 'anchored'; anchor: string }
  | { key: 'repeated'; count: number };

const FORM = '(quote|paraphrase|interview)';
const BAND_BY_LABEL = new Map(Object.entries(HEDGE_BAND_INFO).map(([band, info]) => [info.label, band as HedgeBand]));
const KIND_BY_LABEL = new Map(Object.entries(CUE_LABELS).map(([kind, label]) => [label, kind as CueKind]));

/** A stored why line read back; null for a line this version did not write. */
export function readWhy(line: string): WhyLine | null {
  let m = new RegExp(`^attributed \\(${FORM}\\): ([^]*)$`).exec(line);
  if (m) return m[1] === 'interview' && m[2] === 'interview answer' ? { key: 'attributedInterview' } : { key: 'attributed', form: m[1] as WhyForm, verb: m[2]! };
  if ((m = new RegExp(`^unattributed ${FORM}$`).exec(line))) return { key: 'unattributed', form: m[1] as WhyForm };
  if ((m = /^hedge: ([^]*) \(negated: ([a-z ]+) that the claim as stated comes true\)$/.exec(line)) && BAND_BY_LABEL.has(m[2]!)) return { key: 'hedgeNegated', phrase: m[1]!, band: BAND_BY_LABEL.get(m[2]!)! };
  if ((m = /^hedge: ([^]*)$/.exec(line))) return { key: 'hedge', phrase: m[1]! };
  if ((m = /^anchored on ([^]*)$/.exec(line))) return { key: 'anchored', anchor: m[1]! };
  if ((m = /^repeated in the article \((\d+) times\): kept once$/.exec(line))) return { key: 'repeated', count: Number(m[1]) };
  if ((m = /^([a-z ]+): ([^]*)$/.exec(line)) && KIND_BY_LABEL.has(m[1]!)) {
    const kind = KIND_BY_LABEL.get(m[1]!)!;
    return kind === 'expectation' ? { key: 'expectation', phrase: m[2]! } : { key: 'cue', kind, phrase: m[2]! };
  }
  return null;
}

/** The check-by phrases the extractor writes itself (English, stored). */
export const checkByPhrase = {
  noHorizon: (months: number) => `no horizon in the text: the default of ${months} months`,
  asBefore: (previous: string | null) => `as the forecast before it (${previous})`,
};

export type CheckByPhrase = { key: 'noHorizon'; count: number } | { key: 'asBefore'; phrase: string };

/** A stored check-by phrase read back; null for the article's own words. */
export function readCheckByPhrase(phrase: string): CheckByPhrase | null {
  let m = /^no horizon in the text: the default of (\d+) months?$/.exec(phrase);
  if (m) return { key: 'noHorizon', count: Number(m[1]) };
  if ((m = /^as the forecast before it \(([^]*)\)$/.exec(phrase))) return { key: 'asBefore', phrase: m[1]! };
  return null;
}

/** The event anchors the extractor names itself (English, stored); others are the article's words ("the summit"). */
export const anchorOf = {
  inauguration: (day?: string) => (day ? `the inauguration (${day})` : 'the inauguration'),
  takingOffice: (day?: string) => (day ? `taking office (inauguration ${day}; its first 100 days)` : 'taking office'),
  newAdministration: (day: string) => `the new administration (inauguration ${day})`,
  election: (day?: string) => (day ? `the election (${day})` : 'the election'),
};

export type AnchorKey = 'inauguration' | 'inaugurationOn' | 'takingOffice' | 'takingOfficeOn' | 'newAdministration' | 'election' | 'electionOn';

/** A stored anchor read back as its catalog key and day; null for the article's own words. */
export function readAnchor(anchor: string): { key: AnchorKey; day?: string } | null {
  const DAY = '(\\d{4}-\\d{2}-\\d{2})';
  const forms: [RegExp, AnchorKey][] = [
    [/^the inauguration$/, 'inauguration'],
    [new RegExp(`^the inauguration \\(${DAY}\\)$`), 'inaugurationOn'],
    [/^taking office$/, 'takingOffice'],
    [new RegExp(`^taking office \\(inauguration ${DAY}; its first 100 days\\)$`), 'takingOfficeOn'],
    [new RegExp(`^the new administration \\(inauguration ${DAY}\\)$`), 'newAdministration'],
    [/^the election$/, 'election'],
    [new RegExp(`^the election \\(${DAY}\\)$`), 'electionOn'],
  ];
  for (const [re, key] of forms) {
    const m = re.exec(anchor);
    if (m) return m[1] ? { key, day: m[1] } : { key };
  }
  return null;
}
