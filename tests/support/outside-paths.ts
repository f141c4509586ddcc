/**
 * Finds paths in a source file that lead out of the repository: a relative path literal that,
 * resolved against the file's folder, leaves the repository root, and any mention of the sibling
 * folder named `shared` that the project's data once came from.
 */
import path from 'node:path';

/** import/export specifiers are module ids, not file reads. */
const MODULE_SPECIFIER = /(?:\bfrom[ \t]*|\bimport[ \t]*\([ \t]*|^[ \t]*import[ \t]+)(['"])[^'"\n]*\1/gm;
const RELATIVE_LITERAL = /(['"`])(\.\.(?:\/[^'"`\n]*)?)\1/g;
const SHARED_SIBLING = /\.\.\/shared\b/;

export function outsidePaths(repoRoot: string, file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (SHARED_SIBLING.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  const code = text.replace(MODULE_SPECIFIER, '');
  const dir = path.dirname(path.join(repoRoot, file));
  for (const m of code.matchAll(RELATIVE_LITERAL)) {
    const target = path.resolve(dir, m[2]!.replace(/\$\{[^}]*\}.*$/, ''));
    const rel = path.relative(repoRoot, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      const line = code.slice(0, m.index).split('\n').length;
      found.push(`${file}:${line}: ${m[0]} leaves the repository`);
    }
  }
  return [...new Set(found)];
}
