/**
 * The families claims are filed under: what a member filters on (/predict list family:…) and what
 * track records group by. The ledger is built around the first three; the others are what the
 * seed article needs besides. A server may still use a family of its own (validate.ts).
 */
export const FAMILIES = {
  'front-line-goals': 'Front-line goals: territory, advances and military aims',
  negotiations: 'Negotiations: talks, ceasefire and peace terms',
  'ambassador-appointment': 'Ambassador appointment and diplomatic staffing',
  escalation: 'Escalation: new weapons, strikes and permissions',
  'us-russia-relations': 'US–Russia relations beyond talks and envoys',
  'us-politics': 'US domestic politics: Congress, the administration, its team',
  geopolitics: 'Other regions and alliances: Europe, the Middle East, Taiwan',
} as const satisfies Record<string, string>;

export type Family = keyof typeof FAMILIES;
export const FAMILY_NAMES = Object.keys(FAMILIES) as Family[];
export const isKnownFamily = (value: string): value is Family => Object.hasOwn(FAMILIES, value);
