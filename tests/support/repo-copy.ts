/**
 * A copy of the repository as a clone has it (the files git tracks, nothing beside it), in a fresh
 * temporary directory, for tests that prove the project needs nothing outside itself. node_modules
 * is a folder of links to this checkout's installed packages (an install would take minutes); the
 * workspace packages link to the copy's own folders, so the copy runs its own code.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Workspace package name -> its folder in the repository. */
function workspaces(): Map<string, string> {
  const root = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  return new Map(
    root.workspaces.map((dir) => [(JSON.parse(readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as { name: string }).name, dir]),
  );
}

/** Top-level packages a production install (`npm ci --omit=dev`) has, from the lockfile. */
function productionPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
  const names = new Set<string>();
  for (const [key, info] of Object.entries(lock.packages)) {
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key);
    if (m && !info.dev) names.add(m[1]!);
  }
  return names;
}

export interface RepoCopy {
  /** The copy's root; its parent holds nothing else. */
  root: string;
  remove(): void;
}

export function copyRepository(opts: { production?: boolean; withBuild?: boolean } = {}): RepoCopy {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'mikrosync-clone-'));
  const root = path.join(parent, 'mikrosync');
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const rel of files) {
    const from = path.join(REPO_ROOT, rel);
    if (!existsSync(from)) continue; // deleted in the work tree, not yet committed
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    copyFileSync(from, path.join(root, rel));
  }
  const ws = workspaces();
  if (opts.withBuild) for (const dir of ws.values()) cpSync(path.join(REPO_ROOT, dir, 'dist'), path.join(root, dir, 'dist'), { recursive: true });

  const modules = path.join(root, 'node_modules');
  mkdirSync(modules);
  const keep = opts.production ? productionPackages() : undefined;
  const link = (name: string) => {
    if (ws.has(name)) {
      mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
      symlinkSync(path.join(root, ws.get(name)!), path.join(modules, name));
    } else if (!keep || keep.has(name)) {
      mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
      symlinkSync(path.join(REPO_ROOT, 'node_modules', name), path.join(modules, name));
    }
  };
  for (const entry of readdirSync(path.join(REPO_ROOT, 'node_modules'))) {
    if (entry === '.bin' || entry === '.package-lock.json') continue;
    if (entry.startsWith('@')) for (const sub of readdirSync(path.join(REPO_ROOT, 'node_modules', entry))) link(`${entry}/${sub}`);
    else link(entry);
  }
  if (!keep) symlinkSync(path.join(REPO_ROOT, 'node_modules', '.bin'), path.join(modules, '.bin'));
  return { root, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

