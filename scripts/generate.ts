// Writes every generated file of the repository from its inputs (spec/schema and the code itself).
//
//   npm run generate          write all generated files
//   npm run generate:check    write nothing; fail naming each file that differs from a fresh
//                             generation (scripts/test.sh runs it before the tests)
//
// Each generator module exports outputs(): repository-relative path -> full file text, reading its
// inputs from inside the repository only, so the check needs no network and no sibling checkout.

import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as entegraSchema from './generate-entegra-schema.js';
import * as envExample from './generate-env-example.js';
import * as mikroColumns from './generate-mikro-columns.js';
import * as schemaDdl from './generate-schema-ddl.js';

export interface Generator {
  /** The generator script, repository-relative. */
  script: string;
  outputs: () => Record<string, string>;
}

export const GENERATORS: readonly Generator[] = [
  { script: 'scripts/generate-schema-ddl.ts', outputs: schemaDdl.outputs },
  { script: 'scripts/generate-mikro-columns.ts', outputs: mikroColumns.outputs },
  { script: 'scripts/generate-entegra-schema.ts', outputs: entegraSchema.outputs },
  { script: 'scripts/generate-env-example.ts', outputs: envExample.outputs },
];

export const REGENERATE_COMMAND = 'npm run generate';

const repoFile = (rel: string): URL => new URL(`../${rel}`, import.meta.url);

/** Repository-relative path -> text over all generators; two generators may not own one file. */
export function allOutputs(generators: readonly Generator[] = GENERATORS): Map<string, string> {
  const files = new Map<string, string>();
  for (const g of generators) {
    for (const [path, text] of Object.entries(g.outputs())) {
      if (files.has(path)) throw new Error(`${path} is generated twice (second time by ${g.script})`);
      files.set(path, text);
    }
  }
  return files;
}

function committedText(path: string): string | undefined {
  try {
    return readFileSync(repoFile(path), 'utf8');
  } catch {
    return undefined;
  }
}

/** Paths of the generated files that are missing or differ from a fresh generation. */
export function staleFiles(generators: readonly Generator[] = GENERATORS): string[] {
  return [...allOutputs(generators)].filter(([path, text]) => committedText(path) !== text).map(([path]) => path);
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  if (!check) {
    for (const [path, text] of allOutputs()) {
      const file = repoFile(path);
      mkdirSync(dirname(fileURLToPath(file)), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${path} (${text.length} bytes)`);
    }
    return 0;
  }
  const stale = staleFiles();
  for (const path of stale) console.error(`${path} is stale: run ${REGENERATE_COMMAND}`);
  if (stale.length > 0) return 1;
  console.log(`${allOutputs().size} generated files are up to date`);
  return 0;
}

// Only run when invoked as a script, not when a test imports GENERATORS.
const invokedPath = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invokedPath === realpathSync(fileURLToPath(import.meta.url))) process.exitCode = main(process.argv.slice(2));
