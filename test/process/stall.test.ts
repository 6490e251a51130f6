/**
 * Nothing one server sends can stall the others (issue 20): the review's worst inputs (4,000-deep
 * nested HTML, 200,000 characters of quotation marks, a 2 MB flat page of links, an 8 MB import
 * on PGlite, 60 stalled 1 MiB bodies at the interactions endpoint), each from its own server at once, against the real bot on our fake Discord, while a
 * member of another server votes. The scenario is test/support/stall-scenario.ts (the benchmark,
 * bench/stall.ts, prints the same figures); new attacks are added to its list.
 *
 * In the `process` project: it runs alone (no other test file beside it), so the loop it measures
 * is not shared with other test files' work.
 *
 * Asserted: every attack finished or was refused as designed (so the heavy work really ran),
 * the victim's clicks were acknowledged within Discord's 3 s and answered while the import was
 * still being written and while the endpoint held the stalled bodies, and the event loop's delay stayed low: p99 under 100 ms (the issue's
 * bound; beyond what the machine's load costs the idle loop, measured just before) and no
 * single stall of a second. Before, each input held the loop for seconds to
 * minutes (the import 4.5 s, the links page 17 s, the nested page 141 s), so both loop bounds
 * and the clicks failed; the bounds are far above what the loop shows now (a few ms), so a
 * slow or busy machine does not fail them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { runStallScenario, worstInputs, type StallReport } from '../support/stall-scenario.js';
import { articleTools } from '../../src/kit/articles.js';

let h: BotHarness & { dataDir: string };
let report: StallReport;

beforeAll(async () => {
  h = await startBotHarness({ articles: articleTools({ allowPrivateAddresses: true }), endpoint: true });
});
afterAll(async () => {
  await h?.stop();
});

it('serves another server’s vote while the worst inputs run, with the event loop free', async () => {
  report = await runStallScenario(h, worstInputs(), { log: (line) => console.info(line) });
  // Printed for whoever reads the run (the README's figures come from `npm run bench`).
  console.info(JSON.stringify(report, null, 2));
  for (const attack of report.attacks) expect(attack, attack.name).toMatchObject({ ok: true });
  expect(report.clicks.length).toBeGreaterThanOrEqual(2);
  for (const click of report.clicks) {
    expect(click.answer, `click during ${click.during}`).toBe('You voted **Came true** on claim #1.');
    expect(click.ackMs, `click during ${click.during}`).toBeLessThan(3000);
    expect(click.beforeAttackEnded, `click during ${click.during} was answered while it still ran`).toBe(true);
  }
  // The bound, over what this machine's load alone costs an idle loop: measured just before
  // (idle) and meanwhile on a thread of its own (control). A busy machine delays every timer,
  // whatever the bot does (two busy loops and other test files took an idle p99 from 10 to 30 ms
  // and this loop's to 182 ms); what the bot itself blocks shows over the control.
  const machine = Math.max(report.idle.p99, report.control.p99);
  expect(report.loop.p99).toBeLessThan(100 + machine);
  expect(report.loop.max).toBeLessThan(1000 + Math.max(report.idle.max, report.control.max));
}, 600_000);
