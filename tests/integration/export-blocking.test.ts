// Nothing long on the request path (issue 19): while finance downloads two large CSV exports from
// the production build, a staff member's page still answers within 100 ms (of what it takes alone:
// these machines are shared, and a busy neighbour can slow the page itself). The exports are read
// and written in worker threads (build/export-worker.js); the server's own event loop only forwards
// their bytes. A behavioural test of blocking: the real built server on a database of its own,
// with enough audit events that each export takes well over a second.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "../../db/schema";
import { closeDatabase, openDatabase } from "~/utils/db.server";
import { startServerProcess, signInOver, type ServerProcess } from "../support/server-process";
import { createBranch, createOrganisation, createUser, TEST_PASSWORD } from "../support/factories";
import { databaseLocation } from "../support/postgres-databases";

const EVENTS = 200_000;
/** Rows per insert while the log is written (within SQLite's limit on bound values). */
const INSERT_ROWS = 2_000;
const STAFF_REQUESTS = 12;
const LIMIT_MS = 100;

let dir: string;
let drop: () => Promise<void> = async () => undefined;
let server: ServerProcess;
let staffCookie: string;
let financeCookie: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "empathy-fund-export-blocking-"));
  // An SQLite file, or under `npm run test:postgres` a PostgreSQL database of its own (the workers
  // then read through connections of their own).
  const database = databaseLocation(dir, "blocking.sqlite");
  drop = database.drop;
  const db = openDatabase(database.location, database.openOptions);
  await createOrganisation(db);
  const branch = await createBranch(db);
  const staff = await createUser(db, { role: "staff", branchId: branch.id, password: TEST_PASSWORD });
  const finance = await createUser(db, { role: "finance", password: TEST_PASSWORD });
  // A long audit log, written directly (the export reads it; nothing here checks the chain).
  const start = Date.now() - EVENTS * 1000;
  for (let from = 0; from < EVENTS; from += INSERT_ROWS) {
    const rows = Array.from({ length: Math.min(INSERT_ROWS, EVENTS - from) }, (_, k) => {
      const i = from + k;
      return {
        at: new Date(start + i * 1000),
        actorId: finance.id,
        action: "gesture.approve",
        entity: "gesture",
        entityId: String(i),
        detail: `{"amount":${i % 9000},"level":"manager"}`,
        prevHash: i === 0 ? "p".repeat(64) : (i - 1).toString(16).padStart(64, "0"),
        hash: i.toString(16).padStart(64, "0"),
      };
    });
    await db.insert(auditEvents).values(rows);
  }
  await closeDatabase(db);
  server = await startServerProcess(database.location);
  staffCookie = await signInOver(server.origin, staff.email, TEST_PASSWORD);
  financeCookie = await signInOver(server.origin, finance.email, TEST_PASSWORD);
}, 180_000);

afterAll(async () => {
  await server?.kill();
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Downloads a response body to the end, as fast as the client can, and says when it finished. */
async function download(response: Response): Promise<{ lines: number; finishedAt: number }> {
  const reader = response.body!.getReader();
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) lines++;
  }
  return { lines, finishedAt: performance.now() };
}

async function timedStaffPage(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${server.origin}/branch`, { headers: { Cookie: staffCookie } });
  await response.text();
  expect(response.status).toBe(200);
  return performance.now() - started;
}

describe("a long export does not hold up other people's pages", () => {
  it(`a staff page answers within ${LIMIT_MS} ms (over its time alone) while finance downloads two ${EVENTS.toLocaleString("en")}-row audit exports`, { timeout: 120_000 }, async () => {
    // Warm the page (first render compiles and caches), then measure it alone: on a shared, busy
    // machine the page itself may be slow, and that is not what this test is about.
    await timedStaffPage();
    const aloneRuns: number[] = [];
    for (let i = 0; i < 5; i++) aloneRuns.push(await timedStaffPage());
    const alone = aloneRuns.sort((a, b) => a - b)[2]!;

    const started = performance.now();
    const responses = await Promise.all([1, 2].map(() => fetch(`${server.origin}/audit/export`, { headers: { Cookie: financeCookie } })));
    for (const response of responses) expect(response.status).toBe(200);
    const downloads = responses.map(download);

    const latencies: number[] = [];
    for (let i = 0; i < STAFF_REQUESTS; i++) {
      latencies.push(await timedStaffPage());
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const measuredUntil = performance.now();
    const finished = await Promise.all(downloads);

    // The second slowest of twelve: one request may meet a neighbour's burst on a shared machine
    // (CI runs two test files at once on two cores); a blocked event loop delays every one of them.
    const slowest = [...latencies].sort((a, b) => b - a)[1]!;
    const exportMs = Math.max(...finished.map((f) => f.finishedAt)) - started;
    console.info(
      `staff /branch alone ${alone.toFixed(1)} ms; during the exports ${latencies.map((l) => l.toFixed(0)).join(", ")} ms (second slowest ${slowest.toFixed(1)}); exports took ${exportMs.toFixed(
        0,
      )} ms`,
    );
    // Every row of both exports arrived (the header and one line per event)...
    for (const f of finished) expect(f.lines).toBeGreaterThan(EVENTS);
    // ...and they were still running when the last staff page was measured, or the test proved nothing.
    expect(Math.min(...finished.map((f) => f.finishedAt)), "the exports ended before the staff pages were measured: make EVENTS larger").toBeGreaterThan(measuredUntil);
    // The exports may add at most LIMIT_MS to what the page takes alone (about 10 ms on a quiet machine).
    expect(
      slowest - alone,
      `two staff pages took ${slowest.toFixed(0)} ms or more while two exports ran (each: ${latencies.map((l) => l.toFixed(0)).join(", ")} ms; alone ${alone.toFixed(
        0,
      )} ms): the export work is holding up the server's event loop`,
    ).toBeLessThan(LIMIT_MS);
  });
});
