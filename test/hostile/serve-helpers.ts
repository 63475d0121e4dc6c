// Shared by the test/hostile/serve-*.test.ts files: `hostsig serve` started in-process on a free
// loopback port (startServer, as `hostsig demo` does), and raw HTTP over a socket, so a test
// can send what fetch refuses to (un-normalized paths, duplicated headers, bad lengths).
import { connect } from 'node:net';
import { demoConfig, type ServeOptions, type ServeVerdict, startServer } from '../../src/cli/commands/serve.js';

export interface Serve {
  url: string;
  port: number;
  /** Every log line so far (what `hostsig serve` writes to stderr, one per request). */
  lines: string[];
  verdicts: ServeVerdict[];
  close(): Promise<void>;
}

export async function startServe(opts: Partial<ServeOptions> = {}): Promise<Serve> {
  const lines: string[] = [];
  const verdicts: ServeVerdict[] = [];
  const h = await startServer({ port: 0, config: demoConfig(), log: (l) => lines.push(l), onVerdict: (v) => verdicts.push(v), ...opts });
  return { url: h.url, port: Number(new URL(h.url).port), lines, verdicts, close: () => h.close() };
}

export interface RawResponse {
  /** 0 when the server closed without an answer. */
  status: number;
  head: string;
  headers: Record<string, string>;
  body: string;
  /** Bytes of the request actually written before the answer came (streamed sends). */
  sent: number;
}

function parse(raw: Buffer, sent: number): RawResponse {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const headers: Record<string, string> = {};
  for (const l of head.split('\r\n').slice(1)) {
    const c = l.indexOf(':');
    if (c > 0) headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
  }
  return { status: m ? Number(m[1]) : 0, head, headers, body: end === -1 ? '' : raw.subarray(end + 4).toString('utf8'), sent };
}

/**
 * Writes `request` (head and body, exactly as given) and reads until the server closes or the
 * response is complete; `more` keeps streaming chunks until the answer arrives (a client that
 * uploads past the cap).
 */
export function rawRequest(port: number, request: string | Buffer, more?: { chunk: Buffer; max: number }, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let sent = 0;
    let answered = false;
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(parse(Buffer.concat(got), sent));
    };
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no complete answer in ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(got).toString('latin1').slice(0, 200))}`));
    }, timeoutMs);
    const complete = () => {
      const all = Buffer.concat(got);
      const end = all.indexOf('\r\n\r\n');
      if (end === -1) return false;
      const len = /\r\ncontent-length: *(\d+)/i.exec(all.subarray(0, end).toString('latin1'));
      return len !== null && all.length >= end + 4 + Number(len[1]);
    };
    sock.on('data', (d) => {
      got.push(d);
      answered = true;
      if (complete()) done();
    });
    sock.on('error', () => {}); // EPIPE / ECONNRESET once the server closes mid-upload: the answer decides
    sock.on('close', done);
    const head = typeof request === 'string' ? Buffer.from(request, 'latin1') : request;
    sock.write(head);
    sent += head.length;
    if (more) {
      const pump = () => {
        while (!answered && !sock.destroyed && sent < more.max) {
          sent += more.chunk.length;
          if (!sock.write(more.chunk)) return void sock.once('drain', pump);
        }
      };
      sock.once('connect', pump);
    }
  });
}

/** A request head with `Connection: close` (so the answer ends with the socket). */
export function httpHead(method: string, target: string, headers: [string, string][] = []): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}
