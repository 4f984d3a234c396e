import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';

/**
 * A throwaway Postgres cluster on loopback, from Debian's `postgresql`
 * package: initdb in a temporary directory, started on a free port, removed on
 * stop. As root it runs as the package's `postgres` user, since Postgres
 * refuses to run as root.
 */
export type PostgresCluster = {
  /** a URL of the cluster's maintenance database, for creating others */
  adminUrl: string;
  stop(): void;
};

export const POSTGRES_MISSING =
  "Postgres is not installed: the tests start a throwaway cluster from Debian's package. Install it with `apt-get install -y postgresql` (as root).";

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((version) => existsSync(join(root, version, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(POSTGRES_MISSING);
  return join(root, newest, 'bin');
}

export type ClusterOptions = {
  /**
   * fsync and synchronous commit as a production server runs them: for
   * benchmarks beside SQLite with synchronous=FULL. Tests run without, which
   * loses nothing they look at (the cluster never outlives its process).
   */
  durable?: boolean;
};

export async function startPostgresCluster({ durable = false }: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'storeside-pg-'));
  const data = join(dir, 'data');
  const run = (program: string, args: string[]) => {
    const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args];
    const result = spawnSync(command, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${program} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()));
    chownSync(dir, uid!, gid!);
  }
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'storeside', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const settings = ['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  if (!durable) settings.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const log = join(dir, 'server.log');
  try {
    run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', settings.join(' '), 'start']);
  } catch (error) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${tail}`);
  }
  return {
    adminUrl: `postgres://storeside@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let databases = 0;

/** A new, empty database in the cluster, named for what uses it; its URL. */
export async function createDatabase(adminUrl: string, purpose: string): Promise<string> {
  const name = `${purpose.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
