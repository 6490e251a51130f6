/**
 * Helpers for the HTTP-interactions tests: a small round-robin forwarder in front of replicas
 * (what a load balancer does), free loopback ports, and a process running the REST exit.
 */
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RoundRobin {
  url: string;
  /** Requests sent to each target, by index. */
  counts: number[];
  close(): Promise<void>;
}

/** Forwards each request to the next target in turn; a target that refuses the connection answers 502 (the client sees a failure). */
export async function roundRobin(targets: () => string[]): Promise<RoundRobin> {
  let next = 0;
  const counts: number[] = [];
  const server: Server = createServer((req, res) => {
    const list = targets();
    const index = next++ % list.length;
    counts[index] = (counts[index] ?? 0) + 1;
    const target = new URL(req.url ?? '/', list[index]);
    const out = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `src/rest-proxy.ts` as its own process (what `npm run rest-proxy` runs, from the sources). */
export function spawnRestProxy(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; lines: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/rest-proxy.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      if (lines.some((l) => l.includes('rest proxy listening'))) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`rest proxy exited ${code}: ${lines.join('\n')}`)));
  });
  return { child, ready, lines };
}

export interface RawConnection {
  /** Everything the server has written back so far. */
  received(): string;
  /** Resolves with the ms from opening to the server closing (or resetting) the connection. */
  closed: Promise<number>;
  /** Writes more bytes (ignored once closed). */
  write(data: string | Buffer): void;
  /** Sends one byte every `everyMs` until the connection closes. */
  trickle(everyMs: number): void;
  destroy(): void;
}

/**
 * A raw TCP connection to an HTTP server that sends `head` (request line and headers, as given)
 * and then whatever the test writes: for requests a well-behaved client never makes (a body
 * that stalls or trickles, headers that never end).
 */
export function rawConnection(port: number, head: string, body: string | Buffer = ''): RawConnection {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let received = '';
  let trickler: NodeJS.Timeout | undefined;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) =>
    socket.on('close', () => {
      clearInterval(trickler);
      resolve(Date.now() - started);
    }),
  );
  socket.write(head);
  if (body.length) socket.write(body);
  return {
    received: () => received,
    closed,
    write: (data) => void (socket.destroyed || socket.write(data)),
    trickle(everyMs) {
      trickler = setInterval(() => void (socket.destroyed || socket.write('x')), everyMs);
    },
    destroy: () => socket.destroy(),
  };
}
