/**
 * The gateway's log: one JSON object per line, stdout for requests and events, stderr for
 * warnings and errors. JSON.stringify escapes control characters; U+2028/2029 are escaped too
 * (JavaScript line terminators), and every string from a request is cut, so one request is one
 * short line and a line stays under the pipe's atomic write size when workers share stdout.
 */

/** Longest string a log field keeps from a request. */
export const LOG_STRING_MAX = 256;

/** A string cut to `max` UTF-16 units, with the count of what was dropped. */
export function cut(s: string, max = LOG_STRING_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max)}...(+${s.length - max} chars)`;
}

const LINE_SEP = /[\u2028\u2029]/;
const LINE_SEP_G = /[\u2028\u2029]/g;

/** One JSON line: U+2028/2029 escaped (JSON.stringify leaves them raw). */
export function jsonLine(o: object): string {
  const s = JSON.stringify(o);
  // Most lines have neither: a test is cheaper than a replace that finds nothing.
  return `${LINE_SEP.test(s) ? s.replace(LINE_SEP_G, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029')) : s}\n`;
}

export interface Logger {
  /** A request or an event, on stdout. */
  info(o: object): void;
  /** A warning or an error, on stderr. */
  warn(o: object): void;
}

/** Largest write that holds several lines: POSIX keeps a pipe write of up to PIPE_BUF (4096 on Linux) whole. */
export const LOG_BATCH_MAX = 4096;

/** A batching line writer: {@link LineWriter.line} queues, {@link LineWriter.flush} writes what is queued. */
export interface LineWriter {
  /** Queues one line (ending in `\n`); written by the next flush, at the latest once this tick is over. */
  line(s: string): void;
  /** Writes every queued line now (also what the process calls on exit). */
  flush(): void;
}

/**
 * Lines queued and written once per event-loop turn instead of one write (a syscall) per
 * request. A write holds only whole lines and at most {@link LOG_BATCH_MAX} bytes (a longer line
 * goes alone), so lines from workers sharing one pipe never interleave.
 * @example
 * ```ts
 * const writes: string[] = [];
 * const w = lineWriter((s) => writes.push(s));
 * w.line('{"a":1}\n');
 * w.line('{"a":2}\n');
 * writes.length // => 0
 * w.flush();
 * writes // => ['{"a":1}\n{"a":2}\n']
 * ```
 */
export function lineWriter(write: (s: string) => void): LineWriter {
  let queued = '';
  let bytes = 0;
  let scheduled = false;
  const out = (s: string) => {
    try {
      write(s);
    } catch {
      /* the log is best-effort; the answer is not */
    }
  };
  const flush = () => {
    if (queued === '') return;
    const s = queued;
    queued = '';
    bytes = 0;
    out(s);
  };
  const onTick = () => {
    scheduled = false;
    flush();
  };
  return {
    line(s) {
      const n = Buffer.byteLength(s);
      if (bytes + n > LOG_BATCH_MAX) flush();
      if (n > LOG_BATCH_MAX) return out(s);
      queued += s;
      bytes += n;
      if (!scheduled) {
        scheduled = true;
        setImmediate(onTick);
      }
    },
    flush,
  };
}

/**
 * A logger over the process's stdout/stderr; a failing write never throws into a request.
 * Requests (stdout) are batched per event-loop turn ({@link lineWriter}) and flushed on exit;
 * warnings (stderr) are written at once.
 */
export function processLogger(): Logger {
  const stdout = lineWriter((s) => process.stdout.write(s));
  process.on('exit', () => stdout.flush());
  const warn = (o: object) => {
    stdout.flush(); // what happened before the warning comes out before it
    try {
      process.stderr.write(jsonLine({ time: new Date().toISOString(), level: 'warn', ...o }));
    } catch {
      /* as above */
    }
  };
  return {
    info: (o) => stdout.line(jsonLine(o)),
    warn,
  };
}
