/** The packs shipped with Hindsight (src/packs/*.json), read and checked once. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { invalid } from '../errors.js';
import { packSchema, type Pack } from './schema.js';

const PACKS_DIR = fileURLToPath(new URL('../../packs/', import.meta.url));

/** The packs shipped with Hindsight, read once. */
let bundled: Pack[] | null = null;
export function bundledPacks(): Pack[] {
  bundled ??= readdirSync(PACKS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => packSchema.parse(JSON.parse(readFileSync(PACKS_DIR + f, 'utf8'))));
  return bundled;
}

export function findPack(id: string): Pack {
  const pack = bundledPacks().find((p) => p.id === id);
  if (!pack) throw invalid('ledgerErrors.file.noPack', { id: id.slice(0, 60), packs: bundledPacks().map((p) => p.id).join(', ') });
  return pack;
}
