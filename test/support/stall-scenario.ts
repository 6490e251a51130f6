/**
 * "Nothing one server sends can stall the others" (issue 20), as a scenario the test
 * (test/process/stall.test.ts) asserts on and the benchmark (bench/stall.ts) prints: the real bot on
 * our fake Discord (PGlite), several servers sending the worst inputs of the security review at
 * once, while another server's member clicks a vote button. The event loop's delay is measured
 * the whole time (perf_hooks.monitorEventLoopDelay).
 *
 * Attacks are a list (`Attack`): a new one is a name, a `run` that sends it and returns what the
 * attacker was answered, and the answer expected (finished, or refused as designed). An attack
 * with a `busy` probe gets a victim click while the probe says it is in its heavy phase.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { eq } from 'drizzle-orm';
import { claims } from '../../src/db/schema.js';
import { bundledPacks } from '../../src/ledger/transfer.js';
import { LIMITS } from '../../src/ledger/limits.js';
import type { FakeGuildInfo, FakeReply } from '../fake-discord/index.js';
import type { BotHarness } from './bot-harness.js';
import { rawConnection } from './http-replicas.js';

export const MOD = { id: 'stall-mod', manager: true } as const;

// ── The worst inputs of the review ───────────────────────────────────────────────────────────

/** 4,000 nested <div> (20 KB): 141 s of Readability, then a RangeError, before. */
export const nestedHtml = (depth = 4000) => `<!doctype html><html><body>${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}</body></html>`;

/** 200,000 characters of `"a a a …` (the extractor's cap): 7.6 s of attribution before. */
export const quotationMarks = (chars = 200_000) => '"a a a a a a '.repeat(Math.ceil(chars / 12)).slice(0, chars);

/** A flat page of links near the fetcher's 2 MB cap: 17 s of Readability before. */
export const flatLinks = (bytes = 2 * 1024 * 1024 - 1024) => {
  const link = '<a href="https://example.com/page">a link to somewhere</a>\n';
  return `<!doctype html><html><body>${link.repeat(Math.floor((bytes - 64) / link.length))}</body></html>`;
};

/**
 * Another server's export just under the import's 8 MB cap: 1,000 claims (the most one file
 * holds) with as many votes each as fit. A 5.8 MB one held the loop 4.5 s on PGlite before.
 */
export function ledgerExport(bytes = LIMITS.maxImportBytes - 50_000): string {
  const claim = (i: number, votes: number) => ({
    key: `stall-source#${i + 1}`,
    number: i + 1,
    text: `Claim ${i + 1}: the council will approve the budget by March`,
    quote: null,
    speaker: null,
    article: null,
    family: null,
    madeOn: '2025-01-01',
    checkBy: '2025-06-01',
    status: 'open',
    round: 1,
    votes: Array.from({ length: votes }, (_, v) => ({ userId: `93${String(v).padStart(16, '0')}`, round: 1, verdict: 'came_true', evidence: null, castAt: '2025-06-02T00:00:00.000Z' })),
    forecasts: [],
  });
  const n = LIMITS.maxImportClaims;
  const perVote = JSON.stringify(claim(0, 1)).length - JSON.stringify(claim(0, 0)).length;
  const base = JSON.stringify(claim(n - 1, 0)).length + 1;
  const votes = Math.max(0, Math.floor((bytes / n - base) / perVote));
  const body = JSON.stringify({ format: 'hindsight-ledger', version: 1, guildId: '100000000000000777', claims: Array.from({ length: n }, (_, i) => claim(i, votes)) });
  if (body.length > LIMITS.maxImportBytes) throw new Error(`the export is ${body.length} bytes, over the import's cap`);
  return body;
}

// ── The scenario ─────────────────────────────────────────────────────────────────────────────

export interface ScenarioContext {
  h: BotHarness;
  /** A fresh server of the fake (one per attack: a server's own queue is bounded). */
  newGuild(name: string): FakeGuildInfo;
  /** Base URL of a page server on 127.0.0.1 (serves `pages`). */
  pagesUrl: string;
}

export interface Attack {
  name: string;
  /** Pages to serve on the scenario's page server, by path. */
  pages?: Record<string, string>;
  /** Sends the attack; resolves with the attacker's answer (its text). */
  run(s: ScenarioContext): Promise<string>;
  /** The answer that shows it finished, or was refused, as designed. */
  expected: RegExp;
  /** True while the attack is in its heavy phase (the victim clicks then). */
  busy?(s: ScenarioContext): Promise<boolean>;
}

/** What the victim's vote click got. */
export interface Click {
  /** When it was sent: at the start, or during an attack's heavy phase. */
  during: string;
  /** From the click to Discord's first callback (the acknowledgement), ms. */
  ackMs: number;
  answer: string;
  /** The attack it was sent during was still running when the click was answered. */
  beforeAttackEnded: boolean;
}

/** Event-loop delay, ms (monitorEventLoopDelay at a 10 ms resolution). */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  samples: number;
}

export interface StallReport {
  /** Over the whole scenario. */
  loop: LoopDelay;
  /** The same bot idle for a second just before: what this machine's load alone costs the loop. */
  idle: LoopDelay;
  /**
   * An idle event loop in a thread of its own over the same window: what the machine's load costs
   * any loop meanwhile (other processes, other test files), which the bot did not cause.
   */
  control: LoopDelay;
  /** Gaps over 60 ms between 10 ms ticks, by when they ended (ms from the start). */
  stalls: { at: number; ms: number }[];
  attacks: { name: string; ms: number; answer: string; ok: boolean }[];
  clicks: Click[];
  seconds: number;
}

const replyText = (r: FakeReply) => [r.content, ...r.embeds.flatMap((e) => [e.title, e.description])].filter(Boolean).join('\n');

/** The review's worst inputs, each from a server of its own. */
export function worstInputs(): Attack[] {
  let importGuild: FakeGuildInfo | null = null;
  let stalledOpen = 0;
  // Made here, before the scenario measures anything: building 8 MB of JSON is the test's work, not the bot's.
  const exported = ledgerExport();
  return [
    {
      name: '4,000-deep nested HTML (file)',
      expected: /That page is too complex to read: its HTML is nested more than 256 levels deep/,
      async run({ h, newGuild }) {
        const g = newGuild('nested');
        const file = h.fake.attachment({ filename: 'nested.html', content: nestedHtml(), contentType: 'text/html' });
        return replyText(await h.fake.sendCommand(g.id, MOD, { name: 'predict', subcommand: 'extract', options: { file: file as never } }).reply(120_000));
      },
    },
    {
      name: '200,000 characters of quotation marks (file)',
      expected: /I found no forecasts in/,
      async run({ h, newGuild }) {
        const g = newGuild('quotes');
        const file = h.fake.attachment({ filename: 'quotes.txt', content: quotationMarks(), contentType: 'text/plain' });
        return replyText(await h.fake.sendCommand(g.id, MOD, { name: 'predict', subcommand: 'extract', options: { file: file as never } }).reply(120_000));
      },
    },
    {
      name: '2 MB flat page of links (url)',
      pages: { '/links.html': flatLinks() },
      expected: /That page is too large to read: it has more than 30,000 HTML elements/,
      async run({ h, newGuild, pagesUrl }) {
        const g = newGuild('links');
        return replyText(await h.fake.sendCommand(g.id, MOD, { name: 'predict', subcommand: 'extract', options: { url: `${pagesUrl}/links.html` } }).reply(120_000));
      },
    },
    {
      // 60 connections that claim a 1 MiB body, send 64 KiB and stall, half unsigned and half with
      // well-formed forged signature headers (which pass the header check and wait for the body):
      // before, each was buffered up to 1 MiB and held for Node's 300 s request timeout.
      name: '60 stalled 1 MiB bodies at the interactions endpoint',
      expected: /^60 of 60 stalled connections closed by the bot within \d+ ms; first answer: HTTP\/1\.1 4\d\d/,
      async run({ h }) {
        const port = h.app.endpointPort;
        if (port === null) return 'the bot serves no interactions endpoint (start the harness with endpoint: true)';
        const head = (signed: boolean) =>
          [
            'POST /interactions HTTP/1.1',
            'Host: 127.0.0.1',
            'Content-Type: application/json',
            ...(signed ? [`X-Signature-Ed25519: ${'ab'.repeat(64)}`, `X-Signature-Timestamp: ${Math.floor(Date.now() / 1000)}`] : []),
            `Content-Length: ${1024 * 1024}`,
            '',
            '',
          ].join('\r\n');
        const stalled = Array.from({ length: 60 }, (_, i) => rawConnection(port, head(i % 2 === 1), Buffer.alloc(64 * 1024, 'x')));
        stalledOpen = stalled.length;
        for (const c of stalled) void c.closed.then(() => void stalledOpen--);
        // Whatever the bot does, the attacker gives up after 60 s (Node's default would keep them 300 s).
        const giveUp = setTimeout(() => stalled.forEach((c) => c.destroy()), 60_000);
        try {
          const closedIn = await Promise.all(stalled.map((c) => c.closed));
          const byBot = stalled.filter((c) => c.received().startsWith('HTTP/1.1 ')).length;
          const first = stalled.map((c) => c.received().split('\r\n')[0]).find(Boolean) ?? 'none';
          return `${byBot} of 60 stalled connections closed by the bot within ${Math.max(...closedIn)} ms; first answer: ${first}`;
        } finally {
          clearTimeout(giveUp);
        }
      },
      // All 60 are open (the victim clicks while the endpoint holds them).
      busy: async () => stalledOpen === 60,
    },
    {
      name: '8 MB export imported on PGlite',
      expected: new RegExp(`Imported export of ${LIMITS.maxImportClaims} claims: \\*\\*${LIMITS.maxImportClaims}\\*\\* added`),
      async run({ h, newGuild }) {
        importGuild = newGuild('import');
        const file = h.fake.attachment({ filename: 'ledger.json', content: exported, contentType: 'application/json' });
        return replyText(await h.fake.sendCommand(importGuild.id, MOD, { name: 'predict', subcommand: 'import', options: { file: file as never } }).reply(600_000));
      },
      // Writing has begun: some claims are in, not all.
      async busy({ h }) {
        if (!importGuild) return false;
        const n = await h.app.database.db.$count(claims, eq(claims.guildId, importGuild.id));
        return n > 0 && n < LIMITS.maxImportClaims;
      },
    },
  ];
}

const summary = (h: IntervalHistogram): LoopDelay => {
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean), samples: h.count };
};

/** An idle loop on a thread of its own, measured until `stop()`. */
function controlLoop(): { stop(): Promise<LoopDelay> } {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const { monitorEventLoopDelay } = require('node:perf_hooks');
     const h = monitorEventLoopDelay({ resolution: 10 });
     h.enable();
     parentPort.on('message', () => {
       h.disable();
       parentPort.postMessage({ p50: h.percentile(50), p99: h.percentile(99), max: h.max, mean: h.mean, count: h.count });
     });`,
    { eval: true },
  );
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    stop: () =>
      new Promise<LoopDelay>((resolve, reject) => {
        worker.once('error', reject);
        worker.once('message', (m: { p50: number; p99: number; max: number; mean: number; count: number }) => {
          void worker.terminate();
          resolve({ p50: ms(m.p50), p99: ms(m.p99), max: ms(m.max), mean: ms(m.mean), samples: m.count });
        });
        worker.postMessage('stop');
      }),
  };
}

/** The loop's delay over `ms` of whatever runs now. */
async function loopDelay(ms: number): Promise<LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  h.disable();
  return summary(h);
}

async function pageServer(pages: Record<string, string>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const page = pages[req.url ?? ''];
    if (page === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * Runs the attacks at once from their own servers while a member of another server votes: once
 * at the start, and once during each attack's heavy phase (if it has a `busy` probe). The bot
 * (`h`) must read articles from 127.0.0.1 (articleTools with allowPrivateAddresses).
 */
export async function runStallScenario(h: BotHarness, attacks: Attack[], opts: { log?: (line: string) => void } = {}): Promise<StallReport> {
  const log = opts.log ?? (() => {});
  const pages = Object.assign({}, ...attacks.map((a) => a.pages ?? {})) as Record<string, string>;
  const { url: pagesUrl, server } = await pageServer(pages);
  let guilds = 0;
  const ctx: ScenarioContext = { h, pagesUrl, newGuild: (name) => h.fake.addGuild({ name: `Stall ${name} ${++guilds}` }) };
  try {
    // The victim: a server with claims due, and a card with vote buttons.
    const victim = h.fake.addGuild({ name: 'Stall victim' });
    const pack = bundledPacks()[0]!;
    await h.fake.sendCommand(victim.id, MOD, { name: 'predict', subcommand: 'import', options: { pack: pack.id } }).reply(30_000);
    const card = await h.fake.sendCommand(victim.id, 'victim-reader', { name: 'predict', subcommand: 'show', options: { claim: '1' } }).reply(30_000);
    let voters = 0;
    const click = async (during: string, running: () => boolean): Promise<Click> => {
      const at = performance.now();
      const handle = h.fake.clickButton(victim.id, `victim-${++voters}`, { customId: 'vote:1:came_true', messageId: card.messageId });
      await handle.response(30_000);
      const ackMs = performance.now() - at;
      const answer = replyText(await handle.reply(30_000));
      const c = { during, ackMs: Math.round(ackMs), answer, beforeAttackEnded: running() };
      log(`click during ${during}: acknowledged in ${c.ackMs} ms: ${answer}`);
      return c;
    };

    const idle = await loopDelay(1000);
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    const control = controlLoop();
    const started = performance.now();
    histogram.enable();
    const stalls: { at: number; ms: number }[] = [];
    let last = performance.now();
    const watch = setInterval(() => {
      const now = performance.now();
      if (now - last > 60) stalls.push({ at: Math.round(now - started), ms: Math.round(now - last) });
      last = now;
    }, 10);
    const clicks: Promise<Click>[] = [];
    const results = attacks.map((attack) => {
      let running = true;
      const t0 = performance.now();
      const done = attack.run(ctx).then(
        (answer) => ({ name: attack.name, ms: Math.round(performance.now() - t0), answer, ok: attack.expected.test(answer) }),
        (error: unknown) => ({ name: attack.name, ms: Math.round(performance.now() - t0), answer: `failed: ${error instanceof Error ? error.message : String(error)}`, ok: false }),
      );
      void done.then((r) => {
        running = false;
        log(`${r.name}: ended at ${Math.round(performance.now() - started)} ms after ${r.ms} ms: ${r.answer.split('\n')[0]}`);
      });
      if (attack.busy) {
        clicks.push(
          (async () => {
            while (running && !(await attack.busy!(ctx))) await new Promise((resolve) => setTimeout(resolve, 20));
            return click(attack.name, () => running);
          })(),
        );
      }
      return done;
    });
    clicks.unshift(click('the start', () => true));
    const attacked = await Promise.all(results);
    const clicked = await Promise.all(clicks);
    histogram.disable();
    clearInterval(watch);
    return {
      loop: summary(histogram),
      idle,
      control: await control.stop(),
      stalls,
      attacks: attacked,
      clicks: clicked,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
