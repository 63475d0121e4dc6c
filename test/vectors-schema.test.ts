// Every vector file validates against the one JSON Schema other languages read.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/wycheproof.js';

const dir = join(REPO_ROOT, 'vectors');
const schema = JSON.parse(readFileSync(join(dir, 'schema', 'vectors.schema.json'), 'utf8'));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('vector files', () => {
  // ajv ships CommonJS: its default export sits one level down under NodeNext.
  const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module }).default ?? Ajv2020Module;
  const ajv = new (Ajv2020 as unknown as new (o: object) => import('ajv').default)({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);

  it('there are vector files', () => {
    expect(files).toEqual(expect.arrayContaining(['hostdime.json', 'sixconnect.json']));
  });

  it.each(files)('%s matches vectors/schema/vectors.schema.json, with unique tcIds', (f) => {
    const data = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const ok = validate(data);
    expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const ids = data.testGroups.flatMap((g: { tests: { tcId: number }[] }) => g.tests.map((t) => t.tcId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(data.numberOfTests);
  });

  it('the schema rejects a case without a result, an invalid case without an error, and a valid one with an error', () => {
    const data = JSON.parse(readFileSync(join(dir, 'hostdime.json'), 'utf8'));
    const broken = structuredClone(data);
    delete broken.testGroups[0].tests[0].result;
    expect(validate(broken)).toBe(false);
    const noError = structuredClone(data);
    const inv = noError.testGroups.flatMap((g: { tests: { result: string; error?: string }[] }) => g.tests).find((t: { result: string }) => t.result === 'invalid');
    delete inv.error;
    expect(validate(noError)).toBe(false);
    const validWithError = structuredClone(data);
    validWithError.testGroups[0].tests[0].error = 'SIGNATURE_INVALID';
    expect(validate(validWithError)).toBe(false);
  });
});
