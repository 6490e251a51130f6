/**
 * An uploaded export is read as strictly as a pack (issue 24, defect 7): a misspelt or unknown key
 * at any level is refused with its name, never dropped silently (before, `claims.0.checkbyNote`
 * imported as "0 added, 24 skipped" while the same key in a pack was refused).
 */
import { describe, expect, it } from 'vitest';
import { parseImportFile } from '../../src/ledger/transfer/schema.js';

const claim = { key: 'k1', number: 1, text: 'Talks resume', madeOn: '2026-01-01', checkBy: '2026-02-01', status: 'open' };
const file = (over: Record<string, unknown> = {}, claimOver: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'hindsight-ledger', version: 1, guildId: '123', claims: [{ ...claim, ...claimOver }], ...over });

const refusal = (raw: string) => {
  try {
    parseImportFile(raw);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
};

describe('an uploaded export', () => {
  it('is read when every key is known', () => {
    expect(parseImportFile(file()).kind).toBe('export');
  });

  it('is refused with the name of an unknown key in a claim', () => {
    expect(refusal(file({}, { checkbyNote: 'a typo of checkByNote' }))).toMatch(/not a valid Hindsight export: claims\.0: .*"checkbyNote"/);
  });

  it('is refused with the name of an unknown key at the top, in an article, a vote or a forecast', () => {
    expect(refusal(file({ exportedBy: 'someone' }))).toMatch(/"exportedBy"/);
    expect(refusal(file({}, { article: { key: 'a', titel: 'x' } }))).toMatch(/claims\.0\.article: .*"titel"/);
    expect(refusal(file({}, { votes: [{ userId: '1', round: 1, verdict: 'came_true', castAt: '2026-02-02T00:00:00Z', weight: 2 }] }))).toMatch(/claims\.0\.votes\.0: .*"weight"/);
    expect(refusal(file({}, { forecasts: [{ userId: '1', probability: 50, createdAt: '2026-01-02T00:00:00Z', note: 'x' }] }))).toMatch(/claims\.0\.forecasts\.0: .*"note"/);
  });
});
