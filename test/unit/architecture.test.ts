/**
 * The shape of the code, checked: every import of every .ts file under src/ and commands/ is read
 * (typescript's own `preProcessFile`, so static, type-only, re-exports and dynamic `import()` all
 * count), the module graph is built, and
 *
 *   (a) it has no cycle;
 *   (b) imports only go downward through the layers below (or stay inside one folder);
 *   (c) only src/discord/** and the composition root import discord.js (the kit and the commands
 *       take Discord's types, builders and formatters from discord-api-types, @discordjs/builders
 *       and @discordjs/formatters, which import nothing of the client).
 *
 * The layers, top to bottom (a module may import its own folder, or any layer below its own):
 *
 *   main         src/main.ts, src/rest-proxy.ts the only start-up side effects (config, signals; Discord or the console; the REST exit)
 *   composition  src/app.ts                     Discord mode: client, router, sync on the core (main and the e2e tests)
 *   adapters     src/discord/, src/console/,    the three transports: the gateway (discord.js), the local console and the HTTP
 *                src/http/                      interactions endpoint (raw API JSON, no discord.js); never each other
 *   pipeline     src/pipeline/                  one interaction, whatever its transport: the builder (raw interaction → call),
 *                                               the routing and error boundary, the Responder and Discord's implementation of it
 *   core         src/core.ts                    what both modes share: database, migrations, scheduler, closer, AppCtx
 *   commands     commands/                      one file per slash or message command, and their list
 *   components   src/components/                the buttons and forms (modals): each handler bound to its custom id
 *   jobs         src/jobs/                      scheduled rounds, schedules, the voting-window closer
 *   kit          src/kit/                       what a handler sees (calls, replies, AppCtx, UserError),
 *                                               rendering within Discord's limits, custom ids, the poster port
 *   work         src/work/                      the worker pool and its jobs (CPU-heavy work off the event loop)
 *   charts       src/charts/                    the PNG charts (drawn by the pool's jobs)
 *   extract      src/extract/                   article intake's contract
 *   ledger       src/ledger/                    the rules and their database functions, no Discord
 *   db           src/db/                        schema and client
 *   i18n         src/i18n/                      message catalogs, locales, number/date formats, command localizations
 *   base         src/log.ts, src/config.ts      logging and configuration
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Units (a file, or a folder ending in /) and their layer; a lower number is a higher layer. */
const LAYERS: readonly (readonly [layer: string, units: readonly string[]])[] = [
  ['main', ['src/main.ts', 'src/rest-proxy.ts']],
  ['composition', ['src/app.ts']],
  ['adapters', ['src/discord/', 'src/console/', 'src/http/']],
  ['pipeline', ['src/pipeline/']],
  ['core', ['src/core.ts']],
  ['commands', ['commands/']],
  ['components', ['src/components/']],
  ['jobs', ['src/jobs/']],
  ['kit', ['src/kit/']],
  ['work', ['src/work/']],
  ['charts', ['src/charts/']],
  ['extract', ['src/extract/']],
  ['ledger', ['src/ledger/']],
  ['db', ['src/db/']],
  ['i18n', ['src/i18n/']],
  ['base', ['src/log.ts', 'src/config.ts']],
];

/** The packages that carry the discord.js client; only these units may import them. */
const CLIENT_PACKAGES = ['discord.js'];
const CLIENT_UNITS = ['src/discord/', 'src/app.ts', 'src/main.ts'];

const posix = (p: string) => p.split(sep).join('/');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function unitOf(file: string): { unit: string; rank: number; layer: string } {
  for (const [rank, [layer, units]] of LAYERS.entries()) {
    for (const unit of units) if (unit.endsWith('/') ? file.startsWith(unit) : file === unit) return { unit, rank, layer };
  }
  throw new Error(`${file} is in no layer: add it to LAYERS in test/unit/architecture.test.ts`);
}

interface Graph {
  /** file → the project files it imports */
  edges: Map<string, string[]>;
  /** file → the packages it imports (bare specifiers, by package name) */
  packages: Map<string, string[]>;
}

const packageName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

function buildGraph(files: readonly string[]): Graph {
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const local: string[] = [];
    const pkgs: string[] = [];
    for (const { fileName: spec } of info.importedFiles) {
      if (!spec.startsWith('.')) {
        if (!spec.startsWith('node:')) pkgs.push(packageName(spec));
        continue;
      }
      const target = posix(relative(ROOT, resolve(ROOT, dirname(file), spec.replace(/\.js$/, '.ts'))));
      if (target.endsWith('.ts')) {
        if (!existsSync(join(ROOT, target))) throw new Error(`${file} imports ${spec}, which does not exist`);
        local.push(target);
      }
      // .json (the bundled pack) and other assets are leaves: nothing to follow.
    }
    edges.set(file, local);
    packages.set(file, pkgs);
  }
  return { edges, packages };
}

/** Every cycle's path (a → … → a), found by depth-first search; empty when the graph is acyclic. */
function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** The imports that go up a layer, or sideways into another unit of the same layer. */
function layerViolations(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of edges) {
    const a = unitOf(from);
    for (const to of targets) {
      const b = unitOf(to);
      if (a.unit === b.unit || b.rank > a.rank) continue;
      out.push(`${from} (${a.layer}) → ${to} (${b.layer})`);
    }
  }
  return out.sort();
}

const files = [...tsFiles('src'), ...tsFiles('commands')].sort();
const graph = buildGraph(files);

describe('architecture: the module graph of src/ and commands/', () => {
  it('reads every file and every kind of import', () => {
    expect(files.length).toBeGreaterThan(50);
    // A dynamic import() counts (src/main.ts loads the console only without a token).
    expect(graph.edges.get('src/main.ts')).toContain('src/console/index.ts');
    // A type-only import counts.
    expect(graph.edges.get('src/charts/calibration.ts')).toContain('src/ledger/scoring.ts');
    // Packages are seen by name.
    expect(graph.packages.get('src/discord/client.ts')).toContain('discord.js');
  });

  it('the cycle finder finds a cycle when there is one', () => {
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c', 'a']]);
    expect(findCycles(new Map([['a', ['a']]]))).toEqual([['a', 'a']]);
    expect(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
    // The project's graph with one import added upward, from the ledger back to the kit, has a cycle.
    const withBackEdge = new Map(graph.edges);
    withBackEdge.set('src/ledger/claims.ts', [...(graph.edges.get('src/ledger/claims.ts') ?? []), 'src/kit/render.ts']);
    expect(findCycles(withBackEdge).length).toBeGreaterThan(0);
    expect(layerViolations(withBackEdge)).toContain('src/ledger/claims.ts (ledger) → src/kit/render.ts (kit)');
  });

  it('(a) has no import cycle', () => {
    expect(findCycles(graph.edges).map((c) => c.join(' → '))).toEqual([]);
  });

  it('(b) imports go only downward through the layers (or inside one folder)', () => {
    for (const file of files) unitOf(file); // every file is in a layer
    expect(layerViolations(graph.edges)).toEqual([]);
  });

  it('(c) only src/discord/** and the composition root import discord.js', () => {
    const offenders = files.filter(
      (f) => !CLIENT_UNITS.some((u) => (u.endsWith('/') ? f.startsWith(u) : f === u)) && graph.packages.get(f)!.some((p) => CLIENT_PACKAGES.includes(p)),
    );
    expect(offenders).toEqual([]);
    // …and the adapter does use it (the check would be empty otherwise).
    expect(files.filter((f) => graph.packages.get(f)!.includes('discord.js')).some((f) => f.startsWith('src/discord/'))).toBe(true);
  });

  it('(d) the event loop\'s own modules load no parser: HTML, dates in prose and charts on the worker pool; language detection and PGlite on first use', () => {
    // Static value imports only: `import type` is erased, and an `await import()` loads on first use.
    const staticImports = (file: string) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(file)) {
        if (!spec.startsWith('.')) {
          if (!spec.startsWith('node:')) packages.add(packageName(spec));
          continue;
        }
        const target = posix(relative(ROOT, resolve(ROOT, dirname(file), spec.replace(/\.js$/, '.ts'))));
        if (target.endsWith('.ts')) visit(target);
      }
    };
    visit('src/main.ts');
    // The walk reaches the bot (it would pass vacuously otherwise).
    expect(seen).toContain('src/app.ts');
    expect(seen).toContain('src/kit/articles.ts');
    expect(packages).toContain('discord.js');
    const parsers = ['linkedom', '@mozilla/readability', 'chrono-node', '@napi-rs/canvas', 'franc-min', '@electric-sql/pglite'];
    expect(parsers.filter((p) => packages.has(p))).toEqual([]);
    expect([...seen].filter((f) => f === 'src/extract/html.ts' || f === 'src/extract/index.ts' || f.startsWith('src/charts/'))).toEqual([]);
  });

  it('(e) one ledger signature: every database function takes its scope first, as ctx (GuildScope or LedgerCtx)', () => {
    // ctx: GuildScope is the server a call is confined to and its handle (the database or an open transaction);
    // LedgerCtx extends it with the acting member and the clock (commands call these). A row handed in beside it
    // must be of ctx's server (the function asserts it). A function that took a handle and ids without the server
    // could read or write another server's rows: only the cross-server jobs named here take a bare handle (they
    // work on every server by design). Outside the ledger, the guild-scoped database functions of the jobs, the
    // kit and the components are held to the same signature, and no exported function there may go back to
    // (db | tx: Db, guildId, …).
    const CROSS_SERVER = ['closeExpiredWindows', 'pruneExpiredDrafts', 'activeSchedules'];
    const GUILD_SCOPED = ['schedulesOnChannel', 'listSchedules', 'getSchedule', 'threadOf', 'composeRound', 'renderRound', 'roundScoreNotes', 'serverTranslator', 'evidencePageReply'];
    const SCOPES = ['GuildScope', 'LedgerCtx'];
    const offenders: string[] = [];
    const seen = new Set<string>();
    let checked = 0;
    for (const file of files.filter((f) => /^src\/(ledger|jobs|kit|components)\//.test(f))) {
      const inLedger = file.startsWith('src/ledger/');
      const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
      const exported = (node: ts.Node) => ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      const isAsync = (node: ts.Node) => ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
      // Exported async functions: declarations, and `export const f = async (…) => …`.
      const functions: { name: string; fn: ts.SignatureDeclarationBase }[] = [];
      for (const node of source.statements) {
        if (ts.isFunctionDeclaration(node) && node.name && exported(node) && isAsync(node)) functions.push({ name: node.name.text, fn: node });
        if (ts.isVariableStatement(node) && exported(node)) {
          for (const d of node.declarationList.declarations) {
            const init = d.initializer;
            if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && isAsync(init)) functions.push({ name: d.name.text, fn: init });
          }
        }
      }
      for (const { name, fn } of functions) {
        const [first, second] = fn.parameters.map((p) => ({ name: p.name.getText(source), type: p.type?.getText(source) ?? '' }));
        const oldShape = (first?.name === 'db' || first?.name === 'tx') && first.type === 'Db' && second?.name === 'guildId';
        if (!inLedger && !GUILD_SCOPED.includes(name) && !oldShape) continue; // not a database function of one server
        checked++;
        seen.add(name);
        const ok = CROSS_SERVER.includes(name) ? first?.type === 'Db' : first?.name === 'ctx' && SCOPES.includes(first.type);
        if (!ok) offenders.push(`${file}: ${name}(${fn.parameters.map((p) => p.getText(source).split('=')[0]!.trim()).slice(0, 2).join(', ')}, …)`);
      }
    }
    expect(GUILD_SCOPED.filter((name) => !seen.has(name))).toEqual([]); // the list names functions that exist
    expect(checked).toBeGreaterThan(50);
    expect(offenders).toEqual([]);
  });
});
