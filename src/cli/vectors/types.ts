/**
 * The shapes the vector runner, hostsig's own implementations and the JSON-lines protocol
 * share: a case, a file of them, a subject's answer. In a file of their own so the runner and
 * its implementations import them from here, not from each other.
 */

export interface VectorCase {
  tcId: number;
  comment: string;
  flags?: string[];
  input: Record<string, unknown>;
  stages?: Record<string, string>;
  /** A single result value (a token, a parsed header): compared field by field. */
  output?: Record<string, unknown>;
  result: 'valid' | 'invalid';
  error?: string;
}

export interface VectorFile {
  scheme: string;
  testGroups: { type: string; comment?: string; tests: VectorCase[] }[];
}

/** What a subject answers for one case. */
export interface CaseAnswer {
  stages?: Record<string, unknown>;
  output?: Record<string, unknown>;
  result?: 'valid' | 'invalid';
  error?: string;
  /** The subject does not implement this group type. */
  unsupported?: boolean;
  /** The subject failed to answer (crash, timeout, bad JSON). */
  problem?: string;
}

/** One request of the protocol: a case's input, plus the text of the files it names (`input.key`). */
export interface VectorRequest {
  id: number;
  scheme: string;
  type: string;
  input: unknown;
  /** Files the input names by path relative to the vectors folder (`keys/rsa2048.spki.pem`), with their UTF-8 text. */
  files?: Record<string, string>;
}

export interface Subject {
  name: string;
  /** Answers every request; the array is aligned with `requests`. */
  run(requests: VectorRequest[]): Promise<CaseAnswer[]>;
}

/** What an implementation of one group type is given besides the input. */
export interface ImplContext {
  files?: Record<string, string>;
}
