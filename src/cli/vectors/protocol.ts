/**
 * The JSON-lines protocol to another implementation (docs/vector-protocol.md): hostsig spawns
 * the command, writes one request per line on its stdin, reads one response per line from its
 * stdout, matched by `id`.
 *
 * An adapter that breaks the protocol (does not start, exits or stops reading before answering
 * every request, writes a line that is not a response, goes silent past the timeout) is one
 * failure of the run, not of every case: `run` rejects with an {@link AdapterError} that says
 * what was run and what happened (exit code or signal, the first lines of its stderr). Its
 * stderr is held back meanwhile, and handed to `onStderr` once every request is answered.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { InputError } from '../args.js';
import { logSafe } from '../output.js';
import type { CaseAnswer, Subject, VectorRequest } from './types.js';

export const PROTOCOL_VERSION = 1;

/** The adapter could not be run over the protocol: reported once, exit code 3. */
export class AdapterError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterError';
  }
}

/** Parses one response line into [id, answer]; throws on a malformed line. */
export function parseResponseLine(line: string): [number, CaseAnswer] {
  const v = JSON.parse(line) as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof v.id !== 'number') throw new Error('not an object with a numeric "id"');
  if (v.unsupported === true) return [v.id, { unsupported: true }];
  if (v.result !== 'valid' && v.result !== 'invalid') throw new Error(`response ${v.id}: "result" must be "valid" or "invalid"`);
  const a: CaseAnswer = { result: v.result };
  if (typeof v.error === 'string') a.error = v.error;
  if (v.stages !== undefined) {
    if (typeof v.stages !== 'object' || v.stages === null) throw new Error(`response ${v.id}: "stages" must be an object`);
    a.stages = v.stages as Record<string, unknown>;
  }
  if (v.output !== undefined) {
    if (typeof v.output !== 'object' || v.output === null || Array.isArray(v.output)) throw new Error(`response ${v.id}: "output" must be an object`);
    a.output = v.output as Record<string, unknown>;
  }
  return [v.id, a];
}

/** Bytes of the adapter's stderr kept (the rest is counted, not stored). */
const STDERR_KEEP = 64 * 1024;
/** Lines of stderr quoted in an AdapterError. */
const STDERR_LINES = 8;
/** How long an adapter that stopped reading, or answered everything, gets to exit by itself. */
const EXIT_GRACE_MS = 1000;
/** The stop reason when hostsig ends an adapter that answered everything and lingers. */
const ALL_ANSWERED = 'every request answered';

/** The adapter's stderr: the first STDERR_KEEP bytes, and how many more there were. */
class StderrCapture {
  private chunks: Buffer[] = [];
  private kept = 0;
  dropped = 0;

  add(chunk: Buffer): void {
    const room = STDERR_KEEP - this.kept;
    if (room > 0) this.chunks.push(chunk.subarray(0, room));
    this.kept += Math.min(room, chunk.length);
    this.dropped += Math.max(0, chunk.length - Math.max(room, 0));
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** The first lines, escaped for a terminal and cut, for the failure report. */
  firstLines(): string[] {
    const lines = this.text().split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
    const shown = lines.slice(0, STDERR_LINES).map((l) => logSafe(l));
    if (lines.length > STDERR_LINES || this.dropped > 0) shown.push(`... (${lines.length > STDERR_LINES ? `${lines.length - STDERR_LINES} more lines` : 'more'})`);
    return shown;
  }
}

export interface ExecOptions {
  /** Give up when not every request is answered after this long (default 60 s). */
  timeoutMs?: number;
  cwd?: string;
  /** The adapter's environment (default: hostsig's own). */
  env?: NodeJS.ProcessEnv;
  /** Receives the adapter's stderr after a run in which it answered every request. */
  onStderr?: (text: string) => void;
  /** Extra lines for the failure report (where the reference adapters are). */
  hints?: string[];
}

/** What the exit status or the adapter's words (stderr, a stray stdout line) point at. */
function exitHint(code: number | null, said: string): string | undefined {
  if (code === 127) return 'the shell could not find the program: check its name and PATH';
  if (code === 126) return 'the shell found the program but could not run it: check that it is executable';
  if (/could not open input file|can't open file|no such file/i.test(said)) return 'the adapter file was not found: a relative path is taken from the directory hostsig runs in';
  return undefined;
}

// Over 80 lines: one child process and its streams, answers and timers, shared by the handlers
// inside; each failure path (dead adapter, garbage, timeout) ends the same run exactly once.
/** A subject that speaks the JSON-lines protocol with `command`, run through the shell. */
export function execSubject(command: string, options: ExecOptions = {}): Subject {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    name: command,
    run(requests) {
      if (requests.length === 0) return Promise.resolve([]);
      return new Promise((resolve, reject) => {
        const sent = new Map<number, VectorRequest>(requests.map((r) => [r.id, r]));
        const answers = new Map<number, CaseAnswer>();
        const stderr = new StderrCapture();
        // Its own process group, so a stop reaches the program the shell started, not only the shell.
        const child = spawn(command, { shell: true, stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd, env: options.env, detached: process.platform !== 'win32' });
        const kill = (signal: NodeJS.Signals) => {
          try {
            if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, signal);
            else child.kill(signal);
          } catch {
            // already gone
          }
        };
        /** Why hostsig stopped the adapter (set before it kills it). */
        let stopReason: string | undefined;
        let stdinClosed = false;
        let settled = false;
        let lineNo = 0;
        let badLine: string | undefined;
        let killTimer: NodeJS.Timeout | undefined;

        /** Ends the run for `reason`: SIGTERM after `graceMs` (time to exit by itself), SIGKILL if that is not enough. */
        const stop = (reason: string, graceMs = 0) => {
          if (stopReason !== undefined || settled) return;
          stopReason = reason;
          clearTimeout(timer);
          clearTimeout(killTimer);
          killTimer = setTimeout(() => {
            kill('SIGTERM');
            killTimer = setTimeout(() => kill('SIGKILL'), 2000);
          }, graceMs);
        };

        const report = (what: string, status: string): AdapterError => {
          const lines = [`the adapter failed: ${what}`, `  command:  ${command}   (run by the shell in ${options.cwd ?? process.cwd()})`, `  answered: ${answers.size} of ${requests.length} requests`];
          const next = requests.find((r) => !answers.has(r.id));
          if (answers.size > 0 && next) lines.push(`  first request without an answer: id ${next.id} (${next.scheme} ${next.type})`);
          lines.push(`  exit:     ${status}`);
          if (stdinClosed) lines.push('  stdin:    it stopped reading before hostsig had written every request');
          const err = stderr.firstLines();
          lines.push(err.length ? `  stderr:   ${err[0]}` : '  stderr:   (nothing)', ...err.slice(1).map((l) => `            ${l}`));
          const code = /^code (\d+)/.exec(status);
          const hint = exitHint(code ? Number(code[1]) : null, `${stderr.text()}\n${badLine ?? ''}`);
          if (hint) lines.push(`  hint:     ${hint}`);
          for (const h of options.hints ?? []) lines.push(`  ${h}`);
          return new AdapterError(lines.join('\n'));
        };

        const timer = setTimeout(() => stop(`no answer to every request within ${timeoutMs / 1000} s`), timeoutMs);

        child.on('error', (e) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearTimeout(killTimer);
          reject(report(`could not start it: ${e.message}`, 'not started'));
        });

        child.on('close', (code, signal) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearTimeout(killTimer);
          if (answers.size === requests.length && (stopReason === undefined || stopReason === ALL_ANSWERED)) {
            const text = stderr.text();
            if (text !== '' && options.onStderr) options.onStderr(stderr.dropped ? `${text}\n... (${stderr.dropped} more bytes of the adapter's stderr)\n` : text);
            resolve(requests.map((r) => answers.get(r.id)!));
            return;
          }
          const status = signal !== null ? `signal ${signal}${stopReason !== undefined ? ' (stopped by hostsig)' : ''}` : `code ${code}`;
          reject(report(stopReason ?? `it exited before answering ${answers.size ? 'every' : 'any'} request`, status));
        });

        child.stderr!.on('data', (c: Buffer) => stderr.add(c));

        const rl = createInterface({ input: child.stdout! });
        rl.on('line', (line) => {
          lineNo++;
          if (stopReason !== undefined || line.trim() === '') return;
          let id: number;
          let a: CaseAnswer;
          try {
            [id, a] = parseResponseLine(line);
          } catch (e) {
            const why = e instanceof SyntaxError ? 'not JSON' : (e as Error).message;
            badLine ??= line;
            return stop(`line ${lineNo} of its stdout is not a protocol response (${why}): ${logSafe(line, 120)}`, EXIT_GRACE_MS);
          }
          if (!sent.has(id)) return stop(`line ${lineNo} of its stdout answers id ${id}, which hostsig did not send`);
          if (answers.has(id)) return stop(`line ${lineNo} of its stdout answers id ${id} a second time`);
          answers.set(id, a);
          // Every request answered: let it exit by itself (its stderr is complete then), or stop it.
          if (answers.size === requests.length) {
            clearTimeout(timer);
            killTimer = setTimeout(() => {
              stopReason = ALL_ANSWERED;
              kill('SIGTERM');
              killTimer = setTimeout(() => kill('SIGKILL'), 2000);
            }, EXIT_GRACE_MS);
          }
        });

        child.stdin!.on('error', () => {
          // EPIPE: it stopped reading. Give it a moment to exit by itself, so its status and stderr are in the report.
          if (stdinClosed) return;
          stdinClosed = true;
          clearTimeout(timer);
          killTimer = setTimeout(() => stop('it stopped reading its stdin before every request was written'), EXIT_GRACE_MS);
        });
        for (const r of requests) child.stdin!.write(`${JSON.stringify(r)}\n`);
        child.stdin!.end();
      });
    },
  };
}
