/** Process I/O for the commands: streams, colour, reading files and stdin. */
import { readFileSync } from 'node:fs';
import { InputError } from './args.js';
import { colorEnabled, makeStyle, type Style } from './output.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  style: Style;
  errStyle: Style;
  env: NodeJS.ProcessEnv;
}

export function processIo(noColor: boolean): Io {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    style: makeStyle(colorEnabled(process.stdout, process.env, noColor)),
    errStyle: makeStyle(colorEnabled(process.stderr, process.env, noColor)),
    env: process.env,
  };
}

/** A file's text, or stdin's for `-`. */
export function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path === '-' ? 'stdin' : `"${path}"`}: ${(e as Error).message}`);
  }
}

export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path === '-' ? 'stdin' : `"${path}"`} is not JSON: ${(e as Error).message}`);
  }
}
