/**
 * Nothing one server sends can stall the others (section `stall` of bench/run.ts; issue 20):
 * the scenario of test/process/stall.test.ts (test/support/stall-scenario.ts) with its figures
 * printed: the event loop's delay (p99, max) while the review's worst inputs run from their own
 * servers at once (4,000-deep nested HTML, 200,000 characters of quotation marks, a 2 MB flat
 * page of links, an 8 MB import on PGlite, 60 stalled 1 MiB bodies at the interactions endpoint),
 * how long a vote click from another server took to be
 * acknowledged, and how long each attack took to be answered. The real bot, in this process, on
 * the fake Discord and PGlite.
 *
 *   npx tsx bench/stall.ts      this section alone
 */
import { pathToFileURL } from 'node:url';
import { articleTools } from '../src/kit/articles.js';
import { startBotHarness } from '../test/support/bot-harness.js';
import { runStallScenario, worstInputs, type StallReport } from '../test/support/stall-scenario.js';
import { figure, round, say, type Figure } from './lib.js';

export async function runStallBench(log: (line: string) => void = say): Promise<StallReport> {
  const h = await startBotHarness({ articles: articleTools({ allowPrivateAddresses: true }), endpoint: true });
  try {
    return await runStallScenario(h, worstInputs(), { log });
  } finally {
    await h.stop();
  }
}

export function stallFigures(report: StallReport): Figure[] {
  const idle = { kind: 'baseline' as const, value: report.idle.p99, label: 'idle loop p99' };
  const figures: Figure[] = [
    figure({ id: 'stall.loop.p99', name: 'event-loop delay p99 under the worst inputs', value: round(report.loop.p99), unit: 'ms', reference: idle, target: '< 100 ms', pass: report.loop.p99 < 100 }),
    figure({ id: 'stall.loop.max', name: 'event-loop delay max under the worst inputs', value: round(report.loop.max), unit: 'ms', reference: { kind: 'baseline', value: report.idle.max, label: 'idle loop max' }, target: 'info (< 1000 ms in the test)', pass: null }),
    figure({
      id: 'stall.click.ack',
      name: 'another server’s vote click acknowledged (slowest)',
      value: Math.max(...report.clicks.map((c) => c.ackMs)),
      unit: 'ms',
      reference: { kind: 'limit', value: 3000, label: 'Discord deadline' },
      target: '< 3000 ms',
      pass: report.clicks.every((c) => c.ackMs < 3000 && c.beforeAttackEnded),
    }),
  ];
  for (const [i, a] of report.attacks.entries()) {
    figures.push(figure({ id: `stall.attack.${i + 1}`, name: `answered: ${a.name}`, value: a.ms, unit: 'ms', reference: { kind: 'limit', value: 15_000, label: 'job deadline' }, target: 'finished or refused as designed', pass: a.ok, notes: a.answer.split('\n')[0]!.slice(0, 80) }));
  }
  return figures;
}

/** The section for bench/run.ts. */
export async function benchStall(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const report = await runStallBench();
  return { figures: stallFigures(report), details: { ...report } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runStallBench().then(
    (report) => {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`stall bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
