import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the maintenance database of the run's throwaway Postgres cluster (postgres-cluster.ts) */
    postgresAdminUrl: string;
  }
}

/**
 * One Postgres cluster for the whole run, shared by the test files that need
 * it; each makes its own database in it (createDatabase). A machine without
 * Postgres fails here, naming the package to install.
 */
export default async function setup(project: TestProject) {
  const cluster = await startPostgresCluster();
  project.provide('postgresAdminUrl', cluster.adminUrl);
  return () => cluster.stop();
}
