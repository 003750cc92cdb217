// Production entry: loads the Remix build and serves it. `npm start` builds, seeds an empty
// database, then runs this. The database is migrated when the build first opens it.
import cluster from "node:cluster";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { pino } from "pino";
import { createHttpApp } from "./http";

const production = process.env.NODE_ENV === "production";
const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: undefined,
});
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "localhost";

// WEB_CONCURRENCY (decision 50): how many server processes (node:cluster workers) share the port, each
// with its own SQLite connection (WAL: readers in parallel, writers wait on busy_timeout). Default 1:
// every piece of shared state (sessions, the signal API's rate limit) is in the database, but the
// measurement on the shared 2-core machine did not show a gain worth a second copy of the app's memory.
const workers = Math.max(
  1,
  Math.floor(Number(process.env.WEB_CONCURRENCY ?? 1)) || 1
);
if (cluster.isPrimary && workers > 1) {
  // Migrate once, here, before any worker opens the file (two workers migrating at once would race).
  const { closeDatabase, databaseReady, openDatabase } = await import("../utils/database.server");
  const db = openDatabase(process.env.DATABASE_URL ?? "data/empathy-fund.sqlite");
  await databaseReady(db);
  await closeDatabase(db);
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error({
      msg: "A server worker died; starting another",
      pid: worker.process.pid,
      code,
      signal,
    });
    cluster.fork();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {}))
        worker?.process.kill(signal);
      setTimeout(() => process.exit(0), 4000).unref();
    });
  }
  logger.info({ msg: `Empathy Fund: ${workers} server processes`, production });
} else {
  await serve();
}

async function serve() {
  if (/^postgres(ql)?:/i.test(process.env.DATABASE_URL ?? "")) {
    // Migrate (or find the database unreachable) before listening, not on the first request.
    const { closeDatabase, databaseReady, openDatabase } = await import("../utils/database.server");
    const db = openDatabase(process.env.DATABASE_URL!);
    await databaseReady(db);
    await closeDatabase(db);
  }
  const buildPath = resolve(process.env.REMIX_BUILD ?? "build/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;

  // The build checked APP_ORIGIN as it loaded (app/utils/env.server.ts); compare Origin with its normal form.
  const app = createHttpApp({
    build,
    logger,
    production,
    appOrigin: process.env.APP_ORIGIN
      ? new URL(process.env.APP_ORIGIN).origin
      : undefined,
    trustProxy: process.env.TRUST_PROXY,
  });
  const server = app.listen(port, host, () => {
    const address = server.address();
    const shown =
      typeof address === "object" && address
        ? `${host}:${address.port}`
        : String(address);
    logger.info({
      msg: `Empathy Fund listening on http://${shown}`,
      production,
    });
  });
  // Node closes an idle kept-alive socket after 5 s; a client (a proxy, a browser, a test's
  // request context) that reuses it at that moment gets "socket hang up". Keep idle sockets
  // longer than the usual proxy's 60 s, so the client is the one that closes them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 3000).unref();
    });
  }
}
