/**
 * The JSON-lines protocol to another implementation (docs/vector-protocol.md): hostsig spawns
 * the command, writes one request per line on its stdin, reads one response per line from its
 * stdout, matched by `id`. stderr passes through.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { CaseAnswer, Subject } from './types.js';

export const PROTOCOL_VERSION = 1;

/** Parses one response line into [id, answer]; throws on a malformed line. */
export function parseResponseLine(line: string): [number, CaseAnswer] {
  const v = JSON.parse(line) as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || typeof v.id !== 'number') throw new Error('response without a numeric "id"');
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

export function execSubject(command: string, options: { timeoutMs?: number; cwd?: string } = {}): Subject {
  return {
    name: command,
    run(requests) {
      return new Promise((resolve) => {
        const answers = new Map<number, CaseAnswer>();
        const child = spawn(command, { shell: true, stdio: ['pipe', 'pipe', 'inherit'], cwd: options.cwd });
        let finished = false;
        let protocolError: string | undefined;
        const finish = (why?: string) => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          if (child.exitCode === null) child.kill();
          resolve(requests.map((r) => answers.get(r.id) ?? { problem: protocolError ?? why ?? 'no answer' }));
        };
        const timer = setTimeout(() => finish(`no answer within ${(options.timeoutMs ?? 60_000) / 1000}s`), options.timeoutMs ?? 60_000);
        child.on('error', (e) => finish(`could not start "${command}": ${e.message}`));
        child.on('exit', (code, signal) => {
          // Let stdout drain first.
          setTimeout(() => finish(`the implementation exited (${signal ?? `code ${code}`}) before answering`), 50);
        });
        const rl = createInterface({ input: child.stdout! });
        rl.on('line', (line) => {
          if (line.trim() === '') return;
          try {
            const [id, a] = parseResponseLine(line);
            answers.set(id, a);
          } catch (e) {
            protocolError = `bad response line: ${(e as Error).message}: ${line.slice(0, 120)}`;
          }
          if (answers.size >= requests.length) finish();
        });
        child.stdin!.on('error', () => {
          /* the child closed its stdin early; the exit handler reports it */
        });
        for (const r of requests) child.stdin!.write(`${JSON.stringify(r)}\n`);
        child.stdin!.end();
        if (requests.length === 0) finish();
      });
    },
  };
}
