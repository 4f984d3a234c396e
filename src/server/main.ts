import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createStoresideServer } from './app.ts';
import { readConfig, withoutCredentials } from './config.ts';
import { buildDemoSeed } from './demo/seed-demo.ts';
import { newUuid } from './ids.ts';
import { openPostgres } from './storage/postgres-driver.ts';
import { openSqlite } from './storage/sqlite-driver.ts';
import { createSqlStore } from './storage/sql-store.ts';

const config = readConfig(process.env);
mkdirSync(config.dataDir, { recursive: true });
const { database } = config;
const store = createSqlStore(database.engine === 'postgres' ? openPostgres(database.url, { poolSize: database.poolSize }) : openSqlite(database.file));
await store.open().catch((error: Error) => {
  console.error(`Cannot start: ${error.message}`);
  process.exit(1);
});
const databaseName = database.engine === 'postgres' ? withoutCredentials(database.url) : resolve(database.file);

const credentialsFile = join(config.dataDir, 'demo-credentials.json');
const seeded = !(await store.isSeeded()) && (await seedDemo());
if (!seeded && existsSync(credentialsFile)) {
  console.log(`Demo enrollment codes and staff PINs: ${resolve(credentialsFile)} (each code enrolls one device)`);
}

/** Generates the demo retailer; false when another server on the database generated it first. */
async function seedDemo(): Promise<boolean> {
  const started = Date.now();
  const { seed, credentials } = buildDemoSeed({ seed: config.demoSeed, productCount: config.demoProducts });
  if (!(await store.seed(seed))) return false;
  writeFileSync(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  console.log(`Generated the demo retailer (${config.demoProducts} products, seed ${config.demoSeed}) in ${Date.now() - started} ms.`);
  for (const s of credentials.stores) {
    console.log(`\n  ${s.name} (${s.id})`);
    console.log(`    tablet enrollment codes: ${s.enrollmentCodes.tablet.join('  ')}`);
    console.log(`    kiosk enrollment codes:  ${s.enrollmentCodes.kiosk.join('  ')}`);
    for (const member of s.staff) console.log(`    ${member.role.padEnd(9)} ${member.name.padEnd(22)} PIN ${member.pin}`);
  }
  console.log(`\n  HQ token (promotions, variances): ${credentials.hqToken}`);
  console.log(`\nThese codes, PINs and the HQ token are also in ${resolve(credentialsFile)}`);
  return true;
}

const server = createStoresideServer({
  store,
  distDir: config.distDir,
  now: Date.now,
  newId: newUuid,
  maxBodyBytes: config.maxBodyBytes,
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Tests start the server on port 0 and read the real port from this line.
  console.log(`\nStoreside is serving on http://localhost:${port} (database ${databaseName})`);
});

const shutDown = () => {
  server.close(() => void store.close().then(() => process.exit(0)));
  server.closeIdleConnections();
  // Change streams stay open for as long as a device listens, so close() would wait for ever:
  // requests in flight get a second to finish, then every connection is ended.
  setTimeout(() => server.closeAllConnections(), 1_000).unref();
};
process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);
