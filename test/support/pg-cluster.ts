/**
 * A throwaway PostgreSQL cluster for the test suite.
 *
 * `startPgCluster()` runs `initdb` into a fresh temporary directory and starts the
 * server with `pg_ctl -w` on a free TCP port of 127.0.0.1 (plus a unix socket inside
 * the temporary directory). It never touches a system cluster: no fixed port, no
 * /var/lib/postgresql, no systemd/pg_ctlcluster.
 *
 * Binaries: `initdb` and `pg_ctl` from PATH, else the highest version under
 * /usr/lib/postgresql/<v>/bin (Debian/Ubuntu) or /usr/pgsql-<v>/bin (RHEL).
 *
 * initdb refuses to run as root, so when this process runs as uid 0 every server
 * command runs as the `postgres` user (via `runuser`, falling back to `su`), and the
 * temporary directory is chowned to that user.
 *
 * Authentication is `trust` for the superuser `postgres`: the server only listens on
 * 127.0.0.1 and lives as long as the test run.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  accessSync,
  chownSync,
  constants as fsConstants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import postgres from 'postgres';

export interface PgCluster {
  /** Superuser URL of the `postgres` database, e.g. postgres://postgres@127.0.0.1:54321/postgres */
  url: string;
  port: number;
  /** Temporary directory holding data/, sock/ and postgres.log; removed by stop(). */
  dir: string;
  /** `pg_ctl stop -m fast`, then removes `dir`. Safe to call more than once. */
  stop(): Promise<void>;
  /** Fault tests: `pg_ctl stop -m fast`, keeping the data directory and port (clients see the server go away). */
  pause(): Promise<void>;
  /** Fault tests: starts a paused server again on the same data directory and port; resolves once it accepts connections. */
  resume(): Promise<void>;
}

export interface StartPgClusterOptions {
  log?: (s: string) => void;
}

const INSTALL_HINT =
  "PostgreSQL server binaries (initdb, pg_ctl) are needed to run the tests against PostgreSQL. " +
  'On Debian/Ubuntu install them with: apt-get install -y postgresql ' +
  '(or set TEST_DATABASE_URL to an existing server, or HINDSIGHT_TEST_PG=off to not start one).';

const SERVER_USER = 'postgres';

/** Extra settings appended to postgresql.conf: isolated, fast, enough connections. */
function serverSettings(port: number, socketDir: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return [
    '',
    '# --- hindsight test cluster ---',
    `listen_addresses = '127.0.0.1'`,
    `port = ${port}`,
    `unix_socket_directories = ${quote(socketDir)}`,
    // Tests run 100 concurrent voters, possibly in several test files at once.
    'max_connections = 500',
    // Durability is pointless for a throwaway cluster.
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'wal_level = minimal',
    'max_wal_senders = 0',
    'max_wal_size = 1GB',
    'checkpoint_timeout = 30min',
    // Avoid parallel workers: they need dynamic shared memory (small /dev/shm in containers).
    'max_parallel_workers_per_gather = 0',
    // Same as PGlite's default, so both backends format timestamps alike.
    "timezone = 'UTC'",
    "log_timezone = 'UTC'",
    'logging_collector = off',
    // Diagnostics only (e.g. `shared_preload_libraries = 'pg_stat_statements'` for BENCH_PG_STATEMENTS): lines added as given.
    ...(process.env.HINDSIGHT_PG_EXTRA_CONF ? process.env.HINDSIGHT_PG_EXTRA_CONF.split(';') : []),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Binary discovery

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Compare version strings like "15", "9.6", "16.2" numerically, descending. */
function compareVersionsDesc(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `/usr/lib/postgresql/<version>/bin`-style directories, highest version first. */
function versionedBinDirs(): string[] {
  const found: { version: string; bin: string }[] = [];
  try {
    for (const v of readdirSync('/usr/lib/postgresql')) {
      if (/^\d+(\.\d+)*$/.test(v)) found.push({ version: v, bin: join('/usr/lib/postgresql', v, 'bin') });
    }
  } catch {
    // not Debian-style, or not installed
  }
  try {
    for (const entry of readdirSync('/usr')) {
      const m = /^pgsql-(\d+(?:\.\d+)*)$/.exec(entry);
      if (m?.[1]) found.push({ version: m[1], bin: join('/usr', entry, 'bin') });
    }
  } catch {
    // ignore
  }
  found.sort((x, y) => compareVersionsDesc(x.version, y.version));
  return found.map((f) => f.bin);
}

export interface PgBinaries {
  initdb: string;
  pgCtl: string;
}

/**
 * Finds `initdb` and `pg_ctl`: first a PATH directory containing both, else the
 * highest-versioned /usr/lib/postgresql/<v>/bin (or /usr/pgsql-<v>/bin) containing both.
 * Returns null if none is found.
 */
export function findPgBinaries(env: NodeJS.ProcessEnv = process.env): PgBinaries | null {
  const pathDirs = (env.PATH ?? '').split(delimiter).filter((d) => d.length > 0);
  for (const dir of [...pathDirs, ...versionedBinDirs()]) {
    const initdb = join(dir, 'initdb');
    const pgCtl = join(dir, 'pg_ctl');
    if (isExecutable(initdb) && isExecutable(pgCtl)) return { initdb, pgCtl };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Running commands (as the postgres user when we are root)

interface RunAs {
  /** Turns [cmd, ...args] into the argv to execute. */
  wrap(argv: string[]): [string, string[]];
  uid?: number;
  gid?: number;
  description: string;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function resolveRunAs(): RunAs {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return { wrap: ([cmd, ...args]) => [cmd!, args], description: 'the current user' };

  let uid: number;
  let gid: number;
  try {
    uid = Number.parseInt(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }).trim(), 10);
    gid = Number.parseInt(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }).trim(), 10);
  } catch {
    throw new Error(
      `Running as root, and PostgreSQL's initdb refuses to run as root; but there is no '${SERVER_USER}' user to run it as. ` +
        INSTALL_HINT,
    );
  }
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error(`Could not determine uid/gid of user '${SERVER_USER}'.`);
  }
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser', '/bin/runuser'].find(isExecutable);
  if (runuser) {
    return {
      wrap: (argv) => [runuser, ['-u', SERVER_USER, '--', ...argv]],
      uid,
      gid,
      description: `user '${SERVER_USER}' (runuser)`,
    };
  }
  return {
    wrap: (argv) => ['su', [SERVER_USER, '-s', '/bin/sh', '-c', argv.map(shellQuote).join(' ')]],
    uid,
    gid,
    description: `user '${SERVER_USER}' (su)`,
  };
}

interface CmdResult {
  code: number | null;
  output: string;
}

function run(runAs: RunAs, argv: string[], cwd: string, timeoutMs: number): Promise<CmdResult> {
  const [cmd, args] = runAs.wrap(argv);
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } },
      (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (!err) return resolve({ code: 0, output });
        const code = typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
        resolve({ code, output: output || err.message });
      },
    );
  });
}

function runSync(runAs: RunAs, argv: string[], cwd: string, timeoutMs: number): void {
  const [cmd, args] = runAs.wrap(argv);
  execFileSync(cmd, args, { cwd, timeout: timeoutMs, stdio: 'ignore' });
}

// ---------------------------------------------------------------------------

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('could not obtain a free port'))));
    });
  });
}

function tail(path: string, lines = 40): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** Starts a throwaway cluster. Throws (with initdb/pg_ctl output and an install hint) if it cannot. */
export async function startPgCluster(opts: StartPgClusterOptions = {}): Promise<PgCluster> {
  const log = opts.log ?? (() => {});
  const bins = findPgBinaries();
  if (!bins) {
    throw new Error(
      'Could not find PostgreSQL server binaries initdb and pg_ctl (looked in PATH and /usr/lib/postgresql/*/bin). ' +
        INSTALL_HINT,
    );
  }
  const runAs = resolveRunAs();
  log(`using ${bins.initdb} and ${bins.pgCtl} as ${runAs.description}`);

  const dir = mkdtempSync(join(tmpdir(), 'hindsight-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  const logFile = join(dir, 'postgres.log');
  const removeDir = () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 });

  try {
    if (runAs.uid !== undefined && runAs.gid !== undefined) chownSync(dir, runAs.uid, runAs.gid);
    // Created by the server user so that it owns them.
    const mk = await run(runAs, ['mkdir', '-m', '0700', socketDir], dir, 10_000);
    if (mk.code !== 0) throw new Error(`could not create ${socketDir} as ${runAs.description}:\n${indent(mk.output)}`);

    const init = await run(
      runAs,
      [bins.initdb, '-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
      dir,
      120_000,
    );
    if (init.code !== 0) {
      throw new Error(`initdb failed (exit ${init.code}) as ${runAs.description}:\n${indent(init.output)}\n${INSTALL_HINT}`);
    }
  } catch (err) {
    removeDir();
    throw err;
  }

  const confFile = join(dataDir, 'postgresql.conf');
  const baseConf = readFileSync(confFile, 'utf8');

  // The port is free when probed but could be taken before the server binds it: retry.
  let port = 0;
  let lastFailure = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    port = await freePort();
    // Rewrite (rather than append) so the settings stay unique across attempts. Writing to
    // the existing file truncates it in place, so it keeps its owner (the server user).
    writeFileSync(confFile, baseConf + serverSettings(port, socketDir), 'utf8');
    const start = await run(runAs, [bins.pgCtl, '-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start'], dir, 90_000);
    if (start.code === 0) {
      lastFailure = '';
      break;
    }
    lastFailure =
      `pg_ctl start failed (exit ${start.code}, port ${port}, attempt ${attempt}/3):\n${indent(start.output)}\n` +
      `  server log (${logFile}):\n${indent(tail(logFile))}`;
    log(lastFailure);
    // Make sure a half-started server is gone before retrying.
    await run(runAs, [bins.pgCtl, '-D', dataDir, '-m', 'immediate', '-w', 'stop'], dir, 30_000);
    if (!/could not bind|address already in use|could not create any TCP\/IP sockets/i.test(lastFailure)) break;
  }
  if (lastFailure) {
    removeDir();
    throw new Error(`${lastFailure}\n${INSTALL_HINT}`);
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  log(`PostgreSQL test cluster listening on 127.0.0.1:${port} (data in ${dataDir})`);

  // If the node process exits without calling stop() (crash, process.exit, signal),
  // stop the server synchronously so it does not outlive the test run.
  let stopped = false;
  const stopNowSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      runSync(runAs, [bins.pgCtl, '-D', dataDir, '-m', 'immediate', '-w', '-t', '20', 'stop'], dir, 30_000);
    } catch {
      // best effort
    }
    try {
      removeDir();
    } catch {
      // best effort
    }
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals) => {
    stopNowSync();
    detach();
    // If nobody else handles the signal, restore the default behaviour (terminate).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const onExit = () => stopNowSync();
  const detach = () => {
    process.off('exit', onExit);
    for (const s of signals) process.off(s, onSignal);
  };
  process.on('exit', onExit);
  for (const s of signals) process.on(s, onSignal);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      detach();
      if (stopped) return;
      stopped = true;
      const res = await run(runAs, [bins.pgCtl, '-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop'], dir, 60_000);
      if (res.code !== 0) {
        log(`pg_ctl stop -m fast failed (exit ${res.code}):\n${indent(res.output)}\n  trying -m immediate`);
        await run(runAs, [bins.pgCtl, '-D', dataDir, '-m', 'immediate', '-w', '-t', '20', 'stop'], dir, 30_000);
      }
      removeDir();
    })();
    return stopping;
  };

  const pgCtl = async (what: string, argv: string[], timeoutMs: number) => {
    if (stopped) throw new Error(`cannot ${what}: the cluster was stopped`);
    const res = await run(runAs, [bins.pgCtl, '-D', dataDir, ...argv], dir, timeoutMs);
    if (res.code !== 0) throw new Error(`pg_ctl ${what} failed (exit ${res.code}):\n${indent(res.output)}\n  server log (${logFile}):\n${indent(tail(logFile))}`);
  };
  const pause = () => pgCtl('stop', ['-m', 'fast', '-w', '-t', '30', 'stop'], 60_000);
  const resume = () => pgCtl('start', ['-l', logFile, '-w', '-t', '60', 'start'], 90_000);

  return { url, port, dir, stop, pause, resume };
}

// ---------------------------------------------------------------------------

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates database `name` (optionally `TEMPLATE template`; the template must have no
 * other open connections) on the server of `adminUrl` and returns the new database's URL.
 * Copies of one template made at the same moment can collide ("source database is being
 * accessed by other users", 55006): those are retried.
 */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  if (!name) throw new Error('createDatabase: empty database name');
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const tpl = template ? ` TEMPLATE ${quoteIdent(template)}` : '';
    for (let attempt = 1; ; attempt++) {
      try {
        await sql.unsafe(`CREATE DATABASE ${quoteIdent(name)}${tpl}`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * Math.min(attempt, 10)));
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** Drops database `name` on the server of `adminUrl` (if it exists), closing its connections. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
