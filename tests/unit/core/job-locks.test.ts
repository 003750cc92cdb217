// The periodic jobs' lock (issue 20 part 4): one holder at a time, a lease that lapses when its
// holder dies, and mutual exclusion between real OS processes on one database file.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobLocks } from "../../../db/schema";
import { acquireJobLock, JOB_LEASE_MS, releaseJobLock, renewJobLock } from "~/domain/core/job-locks.server";
import { openDatabase, type Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { copyOfTemplate, postgresAdminUrl } from "../../support/postgres-databases";
import { firstRow } from "~/utils/query.server";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

const T0 = new Date("2026-12-04T02:00:00Z").getTime();
const HOLDERS = ["server-a", "server-b", "server-c"] as const;

describe("the jobs' lock", () => {
  it("is refused to a second holder while the first one's lease runs, and taken over once it lapses", async () => {
    expect((await acquireJobLock(db, "periodic-jobs", "server-a", new Date(T0))).acquired).toBe(true);
    const refused = await acquireJobLock(db, "periodic-jobs", "server-b", new Date(T0 + JOB_LEASE_MS - 1));
    expect(refused).toMatchObject({ acquired: false, heldBy: { holder: "server-a", expiresAt: new Date(T0 + JOB_LEASE_MS) } });
    // server-a died without releasing: at the end of its lease server-b goes ahead, and server-a,
    // if it was only slow, learns at its next renewal that it must stop.
    expect((await acquireJobLock(db, "periodic-jobs", "server-b", new Date(T0 + JOB_LEASE_MS))).acquired).toBe(true);
    expect(await renewJobLock(db, "periodic-jobs", "server-a", new Date(T0 + JOB_LEASE_MS + 1))).toBe(false);
    // A release by a holder who lost the lease leaves the new holder's lease alone.
    await releaseJobLock(db, "periodic-jobs", "server-a");
    expect(await db.select().from(jobLocks)).toEqual([{ name: "periodic-jobs", holder: "server-b", acquiredAt: new Date(T0 + JOB_LEASE_MS), expiresAt: new Date(T0 + 2 * JOB_LEASE_MS) }]);
  });

  it("behaves like a single lease with an end, over any sequence of takes, renewals and releases by three servers", async () => {
    const step = fc.record({
      op: fc.constantFrom("acquire", "renew", "release"),
      holder: fc.constantFrom(...HOLDERS),
      // Up to 45 minutes between steps, so that leases (30 minutes) both run and lapse.
      advance: fc.integer({ min: 0, max: 45 * 60_000 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        await db.delete(jobLocks);
        let now = T0;
        let model = null as { holder: string; expiresAt: number } | null;
        for (const { op, holder, advance } of steps) {
          now += advance;
          const liveHolder: string | null = model && model.expiresAt > now ? model.holder : null;
          if (op === "acquire") {
            const result = await acquireJobLock(db, "periodic-jobs", holder, new Date(now));
            const expected = liveHolder === null || liveHolder === holder;
            expect(result.acquired).toBe(expected);
            if (expected) model = { holder, expiresAt: now + JOB_LEASE_MS };
          } else if (op === "renew") {
            // A holder whose lease lapsed but was not taken over may still renew: no one else ran.
            const expected = model?.holder === holder;
            expect(await renewJobLock(db, "periodic-jobs", holder, new Date(now))).toBe(expected);
            if (expected) model = { holder, expiresAt: now + JOB_LEASE_MS };
          } else {
            await releaseJobLock(db, "periodic-jobs", holder);
            if (model?.holder === holder) model = null;
          }
          const row = await firstRow(db.select().from(jobLocks).limit(1));
          expect(row ? { holder: row.holder, expiresAt: row.expiresAt.getTime() } : null).toEqual(model);
        }
      }),
      { numRuns: 200 },
    );
  });
});

type Held = { holder: string; held: number };

function startWorker(file: string, args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/job-lock-worker.ts", ...args], {
    env: { ...process.env, DATABASE_URL: file },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<void>((resolve) => lines.once("line", () => resolve()));
  const done = new Promise<Held>((resolve, reject) => {
    let last = "";
    lines.on("line", (line) => (last = line));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(last) as Held) : reject(new Error(`worker exited ${code}: ${stderr}`))));
  });
  return { ready, done };
}

describe("the jobs' lock between processes", () => {
  it("four processes competing for three seconds never hold it at the same time", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "empathy-fund-job-lock-"));
    // The database every worker opens: a migrated SQLite file, or on the PostgreSQL run a copy of the template.
    const adminUrl = postgresAdminUrl();
    const copy = adminUrl ? copyOfTemplate(adminUrl) : undefined;
    const file = copy ? copy.url : join(dir, "locks.sqlite");
    if (copy) await copy.created;
    else await closeDatabase(openDatabase(file));
    const startFile = join(dir, "go");
    const logFile = join(dir, "held.log");
    const workers = Array.from({ length: 4 }, () => startWorker(file, ["3", "40", startFile, logFile]));
    await Promise.all(workers.map((w) => w.ready));
    writeFileSync(startFile, "go");
    const results = await Promise.all(workers.map((w) => w.done));
    const log = readFileSync(logFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" ") as ["enter" | "exit", string]);
    // The lock changed hands many times, between more than one process …
    expect(results.reduce((n, r) => n + r.held, 0)).toBeGreaterThan(10);
    expect(results.filter((r) => r.held > 0).length).toBeGreaterThan(1);
    // … and in the order of the shared log, every holder left before the next one entered.
    expect(log.length).toBe(2 * results.reduce((n, r) => n + r.held, 0));
    for (let i = 0; i < log.length; i += 2) {
      expect(log[i]![0]).toBe("enter");
      expect(log[i + 1]).toEqual(["exit", log[i]![1]]);
    }
  });
});
