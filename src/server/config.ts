import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type ServerConfig = {
  port: number;
  host: string;
  dataDir: string;
  /** where the data lives: the embedded SQLite file, or a Postgres database that several server processes share */
  database: { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string; poolSize: number };
  distDir: string;
  demoSeed: number;
  demoProducts: number;
  maxBodyBytes: number;
};

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** A database URL fit to print: its user and password left out. */
export const withoutCredentials = (url: string): string => url.replace(/\/\/[^@/]*@/, '//');

function readDatabase(env: NodeJS.ProcessEnv, dataDir: string): ServerConfig['database'] {
  const url = env.DATABASE_URL;
  if (url === undefined || url === '') return { engine: 'sqlite', file: join(dataDir, 'storeside.db') };
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`DATABASE_URL must be a postgres:// URL, got "${withoutCredentials(url)}"`);
  return { engine: 'postgres', url, poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000) };
}

/** The server's settings, from the environment (README "Configuration"). */
export function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const distDir = resolve(env.DIST_DIR ?? './dist');
  if (!existsSync(join(distDir, 'index.html'))) {
    console.warn(`No built app in ${distDir}: serving the API only. Run \`npm run build\` (npm start does it for you).`);
  }
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    database: readDatabase(env, dataDir),
    distDir,
    demoSeed: integer(env, 'DEMO_SEED', 20261121, 0, 2 ** 31 - 1),
    demoProducts: integer(env, 'DEMO_PRODUCTS', 5000, 1, 1_000_000),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1_048_576, 1024, 64 * 1_048_576),
  };
}
