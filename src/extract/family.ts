/**
 * A family guess by keywords: the names of src/ledger/families.ts first, then a few general labels
 * for articles outside them (a server may use families of its own). The family with the most
 * keyword hits wins; none → null. Plain functions.
 */
import { FAMILY_NAMES, type Family } from '../ledger/families.js';

const KEYWORDS: Record<Family, RegExp> = {
  'front-line-goals': /\b(?:advanc\w*|front(?:-line| line)?|territor\w*|offensive|troops|forces|captur\w*|borders? of|occup\w*|Donetsk|Luhansk|Kherson|Zaporizhzhia|battlefield)\b/gi,
  negotiations: /\b(?:negotiat\w*|talks|ceasefire|cease-fire|peace|consultations|truce|deal|mediat\w*|dialogue)\b/gi,
  'ambassador-appointment': /\b(?:ambassadors?|envoys?|embass\w*|diplomatic staff)\b/gi,
  escalation: /\b(?:weapons?|missiles?|strikes? deep|long-range|escalat\w*|nuclear|sanctions?|bomb\w*)\b/gi,
  'us-russia-relations': /\b(?:Russia-U\.S\.|U\.S\.-Russia|bilateral|relations|contact will be restored|Moscow and Washington)\b/gi,
  'us-politics': /\b(?:Congress|Senate|House|Republicans?|Democrats?|administration|White House|cabinet|divided government|vice president|secretary of state)\b/gi,
  geopolitics: /\b(?:Europe\w*|Middle East|Taiwan|NATO|China|EU|Israel|Gaza|Iran|alliances?)\b/gi,
};

const GENERAL: Record<string, RegExp> = {
  markets: /\b(?:revenue|margins?|shares?|stocks?|guidance|earnings|profit\w*|investors?|prices?|sales|spending|growth|price target|orders|chips?)\b/gi,
  labour: /\b(?:strike|union|walk out|picket\w*|wages?|pay offer|workers|back-to-work)\b/gi,
  climate: /\b(?:ice|glacier\w*|sea level|melt\w*|warming|emissions?|climate|ocean|rift|shelf)\b/gi,
  'local-politics': /\b(?:council\w*|mayor|budget|city|bus routes?|paratransit|pool|tax|re-election|residents)\b/gi,
  economy: /\b(?:inflation|interest rates?|recession|GDP|unemployment|central bank|economy)\b/gi,
};

const hits = (re: RegExp, text: string) => (text.match(re) ?? []).length;

export function guessFamily(text: string): string | null {
  let best: string | null = null;
  let bestHits = 0;
  for (const name of FAMILY_NAMES) {
    const n = hits(KEYWORDS[name], text);
    if (n > bestHits) [best, bestHits] = [name, n];
  }
  if (best) return best;
  for (const [name, re] of Object.entries(GENERAL)) {
    const n = hits(re, text);
    if (n > bestHits) [best, bestHits] = [name, n];
  }
  return best;
}
