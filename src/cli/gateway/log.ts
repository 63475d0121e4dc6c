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

/** One JSON line: U+2028/2029 escaped (JSON.stringify leaves them raw). */
export function jsonLine(o: object): string {
  return `${JSON.stringify(o).replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'))}\n`;
}

export interface Logger {
  /** A request or an event, on stdout. */
  info(o: object): void;
  /** A warning or an error, on stderr. */
  warn(o: object): void;
}

/** A logger over the process's stdout/stderr; a failing write never throws into a request. */
export function processLogger(): Logger {
  const write = (stream: NodeJS.WriteStream, o: object) => {
    try {
      stream.write(jsonLine(o));
    } catch {
      /* the log is best-effort; the answer is not */
    }
  };
  return {
    info: (o) => write(process.stdout, o),
    warn: (o) => write(process.stderr, { time: new Date().toISOString(), level: 'warn', ...o }),
  };
}
