/**
 * What /predict import answers about another server's export (issue 24, defect 7): an export with
 * an unknown key is refused by name, as a pack is; an import that added nothing does not claim
 * that "votes and forecasts in it are kept as imported" (none were), and says nothing was new.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';

let h: BotHarness;
const MOD = { id: 'mod', manager: true } as const;

beforeAll(async () => {
  h = await startBotHarness();
});
afterEach(() => {
  h.fake.assertNoViolations();
});
afterAll(async () => {
  await h?.stop();
});

const cmd = (user: string | typeof MOD, name: string, options: Record<string, string | number | boolean> = {}, subcommand?: string) =>
  h.fake.sendCommand(h.guild.id, user, { name, options, ...(subcommand ? { subcommand } : {}) }).reply();
const upload = (data: unknown) => h.fake.attachment({ filename: 'ledger.json', content: JSON.stringify(data) }) as never;

describe('importing another server’s export', () => {
  it('refuses an unknown key by name, and words an import that added nothing without the imported-votes sentence', async () => {
    await cmd('alice', 'predict', { claim: 'Talks resume', 'check-by': 'in 2 months', speaker: 'Anna' }, 'add');
    // A member's export: no signature, so to this server it is another's file.
    const exported = await cmd('alice', 'predict', { format: 'json' }, 'export');
    const data = JSON.parse(exported.files[0]!.data.toString('utf8')) as { claims: Record<string, unknown>[] };
    expect(data.claims.length).toBeGreaterThan(0);

    const typo = structuredClone(data);
    typo.claims[0]!.checkbyNote = 'a misspelt checkByNote';
    const refused = await cmd(MOD, 'predict', { file: upload(typo) }, 'import');
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/not a valid Hindsight export: claims\.0: .*"checkbyNote"/);

    const again = await cmd(MOD, 'predict', { file: upload(data) }, 'import');
    expect(again.content).toMatch(/\*\*0\*\* added, \*\*\d+\*\* skipped/);
    expect(again.content).not.toContain('kept as imported');
    expect(again.content).toContain('Nothing new: every claim in it is already in this server.');

    // A claim that is new here: then the sentence about imported votes and forecasts is said.
    const fresh = structuredClone(data);
    fresh.claims = [{ ...fresh.claims[0]!, key: 'elsewhere#1' }];
    const added = await cmd(MOD, 'predict', { file: upload(fresh) }, 'import');
    expect(added.content).toMatch(/\*\*1\*\* added/);
    expect(added.content).toContain('kept as imported');
    expect(added.content).not.toContain('Nothing new');
  });
});
