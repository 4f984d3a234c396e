import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

/**
 * The JavaScript a visit to the app route fetches, followed through the built
 * chunks: a set of roots and everything they import statically (transitively).
 * Dynamic `import()` is not followed: it loads on demand.
 *
 *   firstScreen  the entry module and modulepreloads named in index.html: what
 *                the enrollment and PIN screens need before they show
 *   atTill       what signing in adds: the till area (till-area-*.js, which the
 *                shell fetches while the PIN is typed) and the pricing worker
 *                it starts
 */
export type FirstLoadJs = { totalGzipBytes: number; files: { file: string; bytes: number; gzipBytes: number }[] };

const SCRIPT_SRC = /<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/g;
const MODULEPRELOAD = /<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/g;
/** `import … from "x"`, `export … from "x"`, `import "x"` — not `import("x")`. */
const STATIC_IMPORT = /\b(?:from|import)\s*["']([^"']+\.js)["']/g;

/** The first screen's JavaScript (enrollment, or the PIN pad of an enrolled device). */
export function firstLoadJs(distDir: string): FirstLoadJs {
  return measure(distDir, entryRoots(distDir));
}

/** What a signed-in till has loaded: the first screen's JavaScript, the till area and the pricing worker. */
export function tillLoadJs(distDir: string): FirstLoadJs {
  const assets = readdirSync(join(distDir, 'assets'));
  const chunk = (pattern: RegExp, what: string) => {
    const name = assets.find((file) => pattern.test(file));
    if (!name) throw new Error(`no ${what} chunk (${pattern}) in ${distDir}/assets`);
    return `/assets/${name}`;
  };
  return measure(distDir, [...entryRoots(distDir), chunk(/^till-area-.*\.js$/, 'till area'), chunk(/^pricing\.worker-.*\.js$/, 'pricing worker')]);
}

function entryRoots(distDir: string): string[] {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  return [...html.matchAll(SCRIPT_SRC), ...html.matchAll(MODULEPRELOAD)].map((m) => toDistPath(m[1]!, '/'));
}

function measure(distDir: string, roots: readonly string[]): FirstLoadJs {
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
