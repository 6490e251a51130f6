/** Lengths and ranges the ledger accepts. Checked before anything is written. */
export const LIMITS = {
  claimText: 500,
  quote: 1500,
  criteria: 1000,
  speaker: 120,
  family: 40,
  url: 500,
  outlet: 120,
  title: 300,
  evidence: 500,
  note: 500,
  /** How far ahead a check date may be. */
  maxYearsAhead: 50,
  /** Earliest date a claim may have been made on. */
  earliestDate: '1900-01-01',
  pageSize: 10,
  maxImportClaims: 1000,
  maxImportBytes: 8_000_000,
  quorum: { min: 1, max: 1000 },
  majorityPct: { min: 50, max: 100 },
  votingWindowDays: { min: 1, max: 365 },
  tooEarlyStepDays: { min: 1, max: 3650 },
  minRanked: { min: 1, max: 1000 },
} as const;
