// `npm run pg:up` / `npm run pg:down` (issue 20): a throwaway PostgreSQL cluster that outlives the
// command, for CI and for running the PostgreSQL tests by hand. `up` starts it, creates and migrates
// the database `empathy_fund`, records the cluster in PG_CLUSTER_STATE (default
// data/postgres-cluster.json) and prints `DATABASE_URL=…`; `down` stops it and removes its folder.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { migratePostgres } from "../../db/postgres/migrate";
import { startPostgresCluster, stopPostgresCluster } from "./postgres-cluster";

const STATE = process.env.PG_CLUSTER_STATE ?? "data/postgres-cluster.json";

async function up() {
  if (existsSync(STATE)) {
    const state = JSON.parse(readFileSync(STATE, "utf8")) as { url: string };
    console.log(`DATABASE_URL=${state.url}`);
    console.error(`A cluster is already up (${STATE}); \`npm run pg:down\` stops it.`);
    return;
  }
  const port = process.env.PG_PORT ? Number(process.env.PG_PORT) : undefined;
  const cluster = await startPostgresCluster({ port, keepAfterExit: true });
  try {
    const url = await cluster.createDatabase("empathy_fund");
    await migratePostgres(url);
    mkdirSync(dirname(STATE), { recursive: true });
    writeFileSync(STATE, JSON.stringify({ dir: cluster.dir, port: cluster.port, url, admin: cluster.url() }, null, 2));
    console.log(`DATABASE_URL=${url}`);
  } catch (error) {
    cluster.stop();
    throw error;
  }
}

function down() {
  if (!existsSync(STATE)) {
    console.error(`No cluster recorded in ${STATE}.`);
    return;
  }
  const state = JSON.parse(readFileSync(STATE, "utf8")) as { dir: string };
  stopPostgresCluster(state.dir);
  rmSync(STATE);
  console.error("PostgreSQL cluster stopped and removed.");
}

const command = process.argv[2];
if (command === "up") await up();
else if (command === "down") down();
else {
  console.error("usage: tsx tests/support/postgres-cli.ts up|down");
  process.exit(2);
}
