/**
 * Dependencies earn their place: every runtime dependency a package declares is imported by its
 * shipped code, and every package it imports is declared.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const PACKAGES = readdirSync(join(REPO, 'packages'));

function listShippedSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listShippedSources(path);
    return /\.(ts|js|mjs)$/.test(name) && !/\.test(-d)?\.ts$/.test(name) ? [path] : [];
  });
}

/** The bare package names a source file imports (static and dynamic), comments (TSDoc examples) aside. */
function listImportedPackages(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"./][^'"]*)['"]/g)].map((m) => m[1]!);
  return specifiers
    .filter((s) => !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

describe.each(PACKAGES)('@multinet/%s', (name) => {
  const root = join(REPO, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  const sources = [join(root, 'src'), join(root, 'bin')].flatMap((dir) => {
    try {
      return listShippedSources(dir);
    } catch {
      return [];
    }
  });
  // bin/multinet.js loads tsx only in a checkout (src/ present), never from an installed package.
  // A file that imports vitest is a test helper (e.g. the executor contract suite): not shipped.
  const imported = new Set(
    sources
      .map((file) => listImportedPackages(readFileSync(file, 'utf8')))
      .filter((packages) => !packages.includes('vitest'))
      .flat()
      .filter((p) => p !== 'tsx' && p !== `@multinet/${name}`),
  );
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);

  it('imports every runtime dependency it declares', () => {
    expect([...declared].filter((dep) => !imported.has(dep))).toEqual([]);
  });

  it('declares every package its shipped code imports', () => {
    expect([...imported].filter((dep) => !declared.has(dep))).toEqual([]);
  });
});
