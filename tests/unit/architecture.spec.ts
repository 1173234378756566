/**
 * The rules of the house that a reviewer would otherwise have to remember: pages read read
 * models only, and the domain stays pure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../src/http/packageRoot.ts';

const root = findPackageRoot();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const files = [...sources(join(root, 'src')), ...sources(join(root, 'projections'))].map((path) => ({
  path: relative(root, path),
  text: readFileSync(path, 'utf8'),
}));

/** Reading an event stream, or the whole log, through the store port. */
const storeReads = /\b(readStream|streamRevision|readAll|subscribeToAll)\s*[<(]/;

describe('the architecture', () => {
  it('no module that serves pages reads an event stream: pages read read models', () => {
    const pageModules = files.filter((f) => /\bapp\.get\s*[<(]/.test(f.text));
    expect(pageModules.length).toBeGreaterThan(5);
    const offenders = pageModules.filter((f) => storeReads.test(f.text)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('deciders, describers and vocabularies import neither infra nor the web, nor call the clock', () => {
    const domain = files.filter((f) => /^src\/[a-z]+\/(decider|events|commands|describe|vocabulary|model|next)\.ts$/.test(f.path));
    expect(domain.length).toBeGreaterThan(10);
    const offenders = domain
      .filter((f) =>
        /^import (?!type ).*from '[./]*(infra|projections)\/|from '[./]*\/http\/|from 'fastify|new Date\(\)|Date\.now\(\)|Math\.random\(\)/m.test(
          f.text,
        ),
      )
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });
});
