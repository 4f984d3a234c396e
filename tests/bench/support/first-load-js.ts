import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

/**
 * The JavaScript a first visit to the app route must fetch: the entry module
 * and modulepreloads named in index.html, everything they import statically
 * (transitively), and the pricing worker, which the page starts at load.
 * Dynamic `import()` is not followed: it loads on demand.
 */
export type FirstLoadJs = { totalGzipBytes: number; files: { file: string; bytes: number; gzipBytes: number }[] };

const SCRIPT_SRC = /<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/g;
const MODULEPRELOAD = /<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/g;
/** `import … from "x"`, `export … from "x"`, `import "x"` — not `import("x")`. */
const STATIC_IMPORT = /\b(?:from|import)\s*["']([^"']+\.js)["']/g;

export function firstLoadJs(distDir: string): FirstLoadJs {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const roots = [...html.matchAll(SCRIPT_SRC), ...html.matchAll(MODULEPRELOAD)].map((m) => toDistPath(m[1]!, '/'));
  const worker = readdirSync(join(distDir, 'assets')).find((name) => /^pricing\.worker-.*\.js$/.test(name));
  if (!worker) throw new Error(`no pricing worker chunk (pricing.worker-*.js) in ${distDir}/assets`);
  roots.push(`/assets/${worker}`);

  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(join(distDir, file), 'utf8');
    for (const m of source.matchAll(STATIC_IMPORT)) queue.push(toDistPath(m[1]!, posix.dirname(file)));
  }

  const files = [...seen].map((file) => {
    const bytes = readFileSync(join(distDir, file));
    return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length };
  });
  return { totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0), files };
}

/** "/assets/x.js", "./x.js" or "x.js" relative to `fromDir`, as a path from the dist root. */
function toDistPath(specifier: string, fromDir: string): string {
  if (/^[a-z]+:\/\//i.test(specifier)) throw new Error(`index.html loads ${specifier} from another origin`);
  return specifier.startsWith('/') ? posix.normalize(specifier) : posix.join(fromDir, specifier);
}
