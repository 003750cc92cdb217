// Concurrency over HTTP: CONCURRENCY_PROCESSES client processes (OS processes, not promises in
// this one) each send CONCURRENCY_OPERATIONS writes — allocations, adjustments, proposals at and
// over the discretion limit, double-clicked approvals and fulfilments, withdrawals and cancellations (tests/support/http-workload.ts;
// a new kind of operation is one entry there and one name in MIX) — at one production server, all
// drawing on the same two small pools, so approvals run out of money while others allocate.
// Afterwards: the ledger's invariants and the audit chain hold, no pool went below zero, no
// proposal holds money twice, every acknowledged write is on disk, and no request met a 5xx.
// Requests that met a busy database would answer 503 (app/utils/database.server.ts waits
// busy_timeout first); the figure counts them. The same workload runs again through a round-robin
// load balancer in front of two app servers on one database (issue 20 part 4): one client's
// consecutive requests, and the two halves of each double click, reach different processes.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkDatabase } from "~/domain/administration/integrity.server";
import { sql } from "drizzle-orm";
import { closeDatabase, openDatabase } from "~/utils/db.server";
import { queryRow } from "~/utils/query.server";
import { databaseLocation } from "../support/postgres-databases";
import type { OperationKind, WorkloadContext } from "../support/http-workload";
import { startRoundRobinProxy } from "../support/round-robin-proxy";
import { startServerProcess } from "../support/server-process";
import { createWorkloadDatabase, NO_PROBLEMS, workloadProblems } from "../support/workload-setup";

const PROCESSES = Number(process.env.CONCURRENCY_PROCESSES ?? 4);
const OPERATIONS_EACH = Number(process.env.CONCURRENCY_OPERATIONS ?? 40);
const MIX: OperationKind[] = ["propose", "allocate", "approve", "proposeAtDiscretion", "fulfil", "propose", "withdraw", "adjust", "approve", "cancel", "proposeAtDiscretion", "fulfil"];

type WorkerResult = { acknowledged: WorkloadContext["acknowledged"]; statuses: Record<string, number>; failures: number };

function runWorker(origin: string, databaseJson: string, label: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "tests/support/workload-worker.ts", origin, databaseJson, String(OPERATIONS_EACH), MIX.join(","), label], {
      env: { ...process.env, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += String(chunk)));
    child.stderr.on("data", (chunk) => (err += String(chunk)));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as WorkerResult) : reject(new Error(`worker ${label} exited ${code}: ${err.slice(0, 800)}`))));
  });
}

const TITLE = `${PROCESSES} processes × ${OPERATIONS_EACH} writes on shared pools: invariants hold, nothing overspent, nothing held twice`;

describe("several client processes against one server", () => {
  it(TITLE, { timeout: 600_000 }, async () => await runWorkload(1));
});

describe("several client processes through a load balancer in front of two app servers on one database", () => {
  it(TITLE, { timeout: 600_000 }, async () => await runWorkload(2));
});

/** Starts `servers` app servers on the file, behind a round-robin proxy when there are several. */
async function startServers(file: string, servers: number) {
  const started = await Promise.all(Array.from({ length: servers }, () => startServerProcess(file)));
  if (servers === 1) return { origin: started[0]!.origin, served: [] as number[], stop: () => started[0]!.kill() };
  const proxy = await startRoundRobinProxy(started.map((s) => s.origin));
  const stop = async () => {
    await proxy.close();
    await Promise.all(started.map((s) => s.kill()));
  };
  return { origin: proxy.origin, served: proxy.served, stop };
}

async function runWorkload(servers: number) {
  const dir = mkdtempSync(join(tmpdir(), "empathy-fund-http-concurrency-"));
  const location = databaseLocation(dir, "concurrency.sqlite");
  const file = location.location;
  // Small pools (300.00 each): approvals at 60.00 and discretionary 10.00 holds run them dry.
  const database = await createWorkloadDatabase(file, { now: new Date(), customers: PROCESSES * OPERATIONS_EACH + 10, poolAmount: 30_000, openOptions: location.openOptions });
  const front = await startServers(file, servers);
  let results: WorkerResult[];
  try {
    results = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runWorker(front.origin, JSON.stringify(database), `p${i}`)));
  } finally {
    await front.stop();
  }
  const statuses: Record<string, number> = {};
  const acknowledged: WorkloadContext["acknowledged"] = { ledger: [], gestures: [], decided: [], withdrawn: [], fulfilled: [], cancelled: [] };
  for (const result of results) {
    for (const [status, n] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    for (const key of Object.keys(acknowledged) as (keyof typeof acknowledged)[]) acknowledged[key].push(...(result.acknowledged[key] as never[]));
  }
  const db = openDatabase(file, { migrate: false });
  const problems = await workloadProblems(db, acknowledged);
  const report = await checkDatabase(db);
  const refusedForMoney = (await queryRow<{ n: number }>(db, sql`select count(*) as n from gestures where status = 'submitted'`))!.n;
  await closeDatabase(db);
  await location.drop();
  rmSync(dir, { recursive: true, force: true });

  expect(
    results.map((r) => r.failures),
    "requests that got no answer",
  ).toEqual(results.map(() => 0));
  expect(problems).toEqual(NO_PROBLEMS);
  expect(report).toMatchObject({ ok: true, integrity: "ok", foreignKeyViolations: 0, ledgerProblems: [], audit: { ok: true } });
  const serverErrors = Object.entries(statuses).filter(([status]) => Number(status) >= 500 && status !== "503");
  expect(serverErrors, "5xx answers other than busy").toEqual([]);
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const busy = statuses["503"] ?? 0;
  const refused = Object.entries(statuses)
    .filter(([s]) => Number(s) >= 400 && Number(s) < 500)
    .reduce((a, [, n]) => a + n, 0);
  expect(acknowledged.decided.length).toBeGreaterThan(0);
  expect(acknowledged.fulfilled.length).toBeGreaterThan(0);
  expect(acknowledged.cancelled.length).toBeGreaterThan(0);
  // Behind the load balancer both servers did real work (sign-ins, reads and writes alike).
  for (const n of front.served) expect(n).toBeGreaterThan(total / (2 * servers));
  console.log(
    `concurrency (${servers} server${servers > 1 ? `s, ${front.served.join(" + ")} requests` : ""}): ${PROCESSES} processes, ${total} requests (statuses ${JSON.stringify(statuses)}); ${
      acknowledged.ledger.length
    } ledger writes, ${acknowledged.gestures.length} proposals, ` +
      `${acknowledged.decided.length} approvals, ${acknowledged.withdrawn.length} withdrawals, ${acknowledged.fulfilled.length} fulfilments, ${acknowledged.cancelled.length} cancellations acknowledged and on disk; ${refused} refused with a 4xx (${refusedForMoney} proposals left waiting); ` +
      `${busy} met a busy database (503); no pool below zero, nothing held twice, invariants and audit chain ok`,
  );
}
