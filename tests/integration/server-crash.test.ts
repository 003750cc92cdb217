// The crash harness: the production server is killed with SIGKILL at a random moment while several
// clients post money-moving forms to it, CRASH_KILLS times (50 by default). After each kill the
// database file is opened as the restarted server would open it: `integrity_check` is ok, every
// operation whose response had arrived is on disk, and the ledger's invariants and the audit
// chain hold. Then the server starts again on the same file and the next round begins.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkDatabase } from "~/domain/integrity.server";
import { openDatabase, sqliteOf } from "~/utils/db.server";
import { setupBudget } from "../support/budget";
import { createUser, TEST_PASSWORD } from "../support/factories";

const KILLS = Number(process.env.CRASH_KILLS ?? 50);
const CLIENTS = 4;
const NOV = new Date("2026-11-10T15:00:00Z");

// A fixed sequence, so a failing round can be replayed.
let seed = 20261123;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function startServer(file: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["build/server.js"], {
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: file, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "silent" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error("The server did not start.");
}

describe("the server killed under write load", () => {
  it(`SIGKILL ${KILLS} times at random moments: the database stays whole and every acknowledged write is kept`, { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "empathy-fund-server-crash-"));
    const file = join(dir, "crash.sqlite");
    const setup = openDatabase(file);
    const { pools } = await setupBudget(setup, { branches: 2, amounts: [100_000, 100_000], now: NOV });
    const finance = await createUser(setup, { role: "finance", email: "crash.finance@test.example", password: TEST_PASSWORD });
    sqliteOf(setup).close();

    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    let server = await startServer(file, port);
    const acknowledged: string[] = [];
    let sent = 0;
    let unanswered = 0;
    let counter = 0;
    try {
      const signIn = await fetch(`${origin}/login`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
        body: new URLSearchParams({ email: finance.email, password: TEST_PASSWORD }).toString(),
        redirect: "manual",
      });
      const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.includes("ef_session="));
      expect(cookie, `sign-in answered ${signIn.status}`).toBeTruthy();
      for (let round = 1; round <= KILLS; round++) {
        let stop = false;
        // Each client posts allocations and adjustments back to back until the server dies.
        const client = async (clientId: number) => {
          while (!stop) {
            const key = `crash-r${round}-c${clientId}-${counter++}`;
            const pool = pools[counter % pools.length]!;
            const form: Record<string, string> =
              counter % 3 === 0
                ? { intent: "adjust", step: "confirm", amount: "-1.00", reason: "Crash drill correction", idempotencyKey: key }
                : { intent: "allocate", step: "confirm", amount: "5.00", memo: "Crash drill", idempotencyKey: key };
            sent++;
            try {
              const response = await fetch(`${origin}/pools/${pool.id}`, {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin, Cookie: cookie! },
                body: new URLSearchParams(form).toString(),
                redirect: "manual",
              });
              // The action redirects after it has committed: only then is the write acknowledged.
              if (response.status === 302) acknowledged.push(key);
              else expect.fail(`unexpected status ${response.status} for ${key}`);
            } catch {
              unanswered++; // the server died with this request in flight: it may or may not be on disk
              return;
            }
          }
        };
        const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));
        await new Promise((r) => setTimeout(r, 100 + Math.floor(random() * 700)));
        const exited = new Promise((r) => server.once("exit", r));
        server.kill("SIGKILL");
        await exited;
        stop = true;
        await Promise.all(clients);

        const db = openDatabase(file);
        const sqlite = sqliteOf(db);
        const onDisk = new Set((sqlite.prepare("select idempotency_key as k from ledger_entries where idempotency_key like 'crash-%'").all() as { k: string }[]).map((r) => r.k));
        const missing = acknowledged.filter((k) => !onDisk.has(k));
        const report = checkDatabase(db);
        sqlite.close();
        expect(missing, `round ${round}: acknowledged writes missing after the kill`).toEqual([]);
        expect(report, `round ${round}`).toMatchObject({ ok: true, integrity: "ok", foreignKeyViolations: 0, ledgerProblems: [], audit: { ok: true } });
        if (round < KILLS) server = await startServer(file, port);
      }
    } finally {
      server.kill("SIGKILL");
    }
    expect(acknowledged.length).toBeGreaterThan(KILLS);
    console.log(`crash: ${KILLS} SIGKILLs under write load; ${acknowledged.length} of ${sent} writes acknowledged and all present, ${unanswered} in flight at a kill; integrity, ledger invariants and audit chain ok after every restart`);
    rmSync(dir, { recursive: true, force: true });
  });
});
