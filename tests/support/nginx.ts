import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NGINX = '/usr/sbin/nginx';
/** The repository's nginx.conf, which the README tells operators to run. */
const CONFIG = fileURLToPath(new URL('../../nginx.conf', import.meta.url));

export type Balancer = { url: string; stop(): Promise<void> };

/**
 * Debian's nginx running the repository's nginx.conf, with its ports moved:
 * listening on `port`, in front of the servers on `upstreams`. Only the ports
 * change, so what is tested is what the README ships.
 */
export async function startBalancer(port: number, upstreams: readonly number[]): Promise<Balancer> {
  if (!existsSync(NGINX)) throw new Error("nginx is not installed: the replica tests put Debian's nginx in front of two servers. Install it with `apt-get install -y nginx` (as root).");
  const shipped = readFileSync(CONFIG, 'utf8');
  const servers = upstreams.map((upstream) => `    server 127.0.0.1:${upstream} max_fails=1 fail_timeout=5s;`).join('\n');
  const config = shipped
    .replace(/^ {4}server 127\.0\.0\.1:\d+ max_fails=1 fail_timeout=5s;\n(?: {4}server 127\.0\.0\.1:\d+ max_fails=1 fail_timeout=5s;\n)*/m, `${servers}\n`)
    .replace(/listen 127\.0\.0\.1:\d+;/, `listen 127.0.0.1:${port};`);
  if (!config.includes(`listen 127.0.0.1:${port};`) || !config.includes(servers)) throw new Error('nginx.conf no longer has the listen and upstream lines this test moves');

  // Workers run as nobody when nginx starts as root: they must reach the scratch directories.
  const prefix = mkdtempSync(join(tmpdir(), 'storeside-nginx-'));
  chmodSync(prefix, 0o755);
  const file = join(prefix, 'nginx.conf');
  writeFileSync(file, config);
  const child = spawn(NGINX, ['-p', prefix, '-c', file, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(`nginx did not start on port ${port}: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
