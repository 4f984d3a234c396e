import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type ServerConfig = {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
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

/** The server's settings, from the environment (README "Configuration"). */
export function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  if (env.DATABASE_URL) {
    throw new Error('DATABASE_URL (Postgres) is not supported yet; unset it to run on the embedded SQLite file');
  }
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const distDir = resolve(env.DIST_DIR ?? './dist');
  if (!existsSync(join(distDir, 'index.html'))) {
    console.warn(`No built app in ${distDir}: serving the API only. Run \`npm run build\` (npm start does it for you).`);
  }
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    databaseFile: join(dataDir, 'storeside.db'),
    distDir,
    demoSeed: integer(env, 'DEMO_SEED', 20261121, 0, 2 ** 31 - 1),
    demoProducts: integer(env, 'DEMO_PRODUCTS', 5000, 1, 1_000_000),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1_048_576, 1024, 64 * 1_048_576),
  };
}
