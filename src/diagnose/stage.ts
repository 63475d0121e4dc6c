/**
 * The staged view: what each step of a scheme produced, in order (request -> canonical ->
 * hash -> signed request, or expected beside received). The CLI prints it as name/value rows,
 * the web page as cards.
 */

/** One step of the staged view. */
export type Stage =
  | { kind: 'text'; title: string; text: string; note?: string }
  | { kind: 'table'; title: string; head: [string, string]; rows: [string, string][]; note?: string }
  | {
      kind: 'compare';
      title: string;
      expectedLabel: string;
      expected: string;
      receivedLabel: string;
      received: string;
      note?: string;
      wide?: boolean;
      /** The side is a placeholder such as "(no hash)", not a value: it is shown, never diffed. */
      expectedMissing?: boolean;
      /** As `expectedMissing`, for the received side. */
      receivedMissing?: boolean;
    };

/** A scheme's steps, in order. */
export interface Staged<S extends string = string> {
  scheme: S;
  stages: Stage[];
}

/** A text stage: a name and its value. */
export function textStage(title: string, text: string): Stage {
  return { kind: 'text', title, text };
}

/** The value of the first text stage with this title, or '' when there is none. */
export function stageText(stages: readonly Stage[], title: string): string {
  for (const s of stages) if (s.kind === 'text' && s.title === title) return s.text;
  return '';
}

/** Stages as name/value rows (a table as one row per line, a comparison as its two sides). */
export function stageRows(stages: readonly Stage[]): [string, string][] {
  return stages.flatMap((s): [string, string][] => {
    if (s.kind === 'text') return [[s.title, s.text]];
    if (s.kind === 'table') return [[s.title, s.rows.map(([k, v]) => `${k}: ${v}`).join('\n')]];
    return [
      [`${s.title}: ${s.expectedLabel}`, s.expected],
      [`${s.title}: ${s.receivedLabel}`, s.received],
    ];
  });
}
