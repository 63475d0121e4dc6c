import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

let available: boolean | undefined;

/**
 * True when `redis-server` is on PATH. Missing under CI (`process.env.CI`) is an error, so the
 * Redis tests can never be skipped silently there; elsewhere they skip with a printed reason.
 */
export function redisAvailable(): boolean {
  if (available === undefined) {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'pipe' });
      available = true;
    } catch {
      available = false;
    }
    if (!available) {
      if (process.env.CI) throw new Error('redis-server not found, and CI is set: the Redis tests must run (.ci/run installs the redis-server Debian package)');
      console.warn('[skip] redis-server not found: the Redis tests need it (apt-get install redis-server; .ci/run installs it)');
    }
  }
  return available;
}

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a test). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Sends PING over a raw socket; true on `+PONG`. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let buf = '';
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

/** A throwaway redis-server on a loopback port: no persistence, killed by `stop()`. */
export class RedisServer {
  readonly port: number;
  #proc: ChildProcess | null = null;

  private constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const r = new RedisServer(await freePort());
    await r.restart();
    return r;
  }

  /** Starts (again) on the same port and waits for PING. */
  async restart(): Promise<void> {
    if (this.#proc) throw new Error('redis-server already running');
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.#proc = proc;
    let exited = false;
    proc.on('exit', () => {
      exited = true;
      if (this.#proc === proc) this.#proc = null;
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`redis-server exited at start-up (port ${this.port})`);
      if (await ping(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not answer PING on port ${this.port}`);
  }

  /** Kills the server (SIGKILL: as abrupt as a crash) and waits for it to exit. */
  async stop(): Promise<void> {
    const proc = this.#proc;
    if (!proc) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
    this.#proc = null;
  }
}
