/**
 * Builds the packages (`tsc -b`) so a benchmark can measure compiled code, as production runs it.
 * Node built-ins only: a benchmark's child processes import this without loading anything else.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** True when the build succeeded and the CLI's compiled entry exists. */
export function buildPackages(): boolean {
  const build = spawnSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-b'], { cwd: REPO_ROOT, stdio: 'ignore' });
  return build.status === 0 && existsSync(new URL('../apps/producer/dist/cli.js', import.meta.url));
}
