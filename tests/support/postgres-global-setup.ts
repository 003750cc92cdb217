// The PostgreSQL run of the vitest suite (issue 20, `npm run test:postgres`): one throwaway cluster
// for the whole run, and one migrated template database. Every test file's app database and every
// createTestDatabase() is a copy of it (CREATE DATABASE … TEMPLATE), made in a few milliseconds.
import type { TestProject } from "vitest/node";
import { migratePostgresPool } from "../../app/utils/database-postgres.server";
import { startPostgresCluster } from "./postgres-cluster";
import pg from "pg";

import { TEMPLATE_DATABASE } from "./postgres-databases";

export default async function setup(project: TestProject) {
  const cluster = await startPostgresCluster();
  await cluster.createDatabase(TEMPLATE_DATABASE);
  const pool = new pg.Pool({ connectionString: cluster.url(TEMPLATE_DATABASE), max: 1 });
  try {
    await migratePostgresPool(pool);
  } finally {
    await pool.end();
  }
  project.provide("postgresAdminUrl", cluster.url());
  return () => cluster.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}
