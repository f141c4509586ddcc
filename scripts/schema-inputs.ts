// The generators' inputs: the schema exports vendored in spec/schema. Read relative to this file,
// never the working directory, so `npm run generate` and the tests see the same inputs.
import { readFileSync } from 'node:fs';

/** Repository-relative path of a schema export, as named in generated headers. */
export const schemaInput = (name: string): string => `spec/schema/${name}`;

/** The parsed schema export spec/schema/<name>. */
export function readSchemaJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../${schemaInput(name)}`, import.meta.url), 'utf8')) as T;
}
