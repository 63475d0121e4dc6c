/**
 * The one `--json` shape of sign, verify, explain and diagnose, for every scheme (documented in
 * docs/cli.md, schema in vectors/schema/cli-output.schema.json):
 *
 *   { command, scheme, result: "signed"|"valid"|"invalid", error?, message?,
 *     stages: { name: text }, output?: {...}, diagnosis?: [{ id, title, fix, detail?, signed? }] }
 *
 * `stages` are the intermediate strings the text view prints, in its order; `output` is what the
 * command produced or learned (the request or header to send; who signed a verified request);
 * `diagnosis` lists the findings whenever a diagnosis ran (empty when nothing reproduces it).
 */
import type { DiagnoseReport, Finding } from '../diagnose/index.js';

export type CliCommand = 'sign' | 'verify' | 'explain' | 'diagnose';

export interface JsonFinding extends Finding {
  /** The string the mistaken client signed (HostDime, 6connect), when the finding re-derives it. */
  signed?: string;
}

export interface CliJson {
  command: CliCommand;
  scheme: string;
  result: 'signed' | 'valid' | 'invalid';
  /** The error code (a HostsigErrorCode) when invalid. */
  error?: string;
  message?: string;
  stages: Record<string, string>;
  output?: Record<string, unknown>;
  diagnosis?: JsonFinding[];
}

/** HostDime / 6connect findings (they carry the re-derived string) in the shared finding shape. */
export function reportFindings(rep: DiagnoseReport): JsonFinding[] {
  return rep.matches.map(({ id, title, fix, label, signed }) => ({ id, title, fix, detail: label, signed }));
}

/** Builds the document, leaving out absent fields (so `--json` never prints `"error": undefined` gaps). */
export function cliJson(doc: CliJson): CliJson {
  return {
    command: doc.command,
    scheme: doc.scheme,
    result: doc.result,
    ...(doc.error !== undefined ? { error: doc.error } : {}),
    ...(doc.message !== undefined ? { message: doc.message } : {}),
    stages: doc.stages,
    ...(doc.output !== undefined && Object.keys(doc.output).length ? { output: doc.output } : {}),
    ...(doc.diagnosis !== undefined ? { diagnosis: doc.diagnosis.map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as JsonFinding) } : {}),
  };
}

/** `[name, text]` stages as the `stages` object (a later duplicate name keeps the first). */
export function stagesObject(stages: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of stages) if (!Object.hasOwn(out, k)) out[k] = v;
  return { ...out };
}
