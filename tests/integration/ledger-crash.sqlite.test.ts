// A writer process is killed with SIGKILL in the middle of a stream of ledger writes. Afterwards
// the database file is intact, every operation that had returned success is there, and the pool's
// entries still add up.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "~/domain/core/audit.server";
import { getPoolBalance } from "~/domain/budget/ledger.server";
import { openDatabase, sqliteOf } from "~/utils/db.server";
import { setupBudget } from "../support/budget";

const NOV = new Date("2026-11-10T15:00:00Z");
const KILL_AFTER = [37, 151, 302]; // acknowledged operations before the kill, one per repetition

describe("a writer killed mid-stream", () => {
  for (const [index, killAfter] of KILL_AFTER.entries()) {
    it(`SIGKILL after ${killAfter} acknowledged writes: integrity_check is ok and every acknowledged write is present (repetition ${index + 1})`, { timeout: 120_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), "empathy-fund-crash-"));
      const file = join(dir, "ledger.sqlite");
      const setupDb = openDatabase(file);
      const { pools, financeUser } = await setupBudget(setupDb, { branches: 1, amounts: [1_000], now: NOV });
      sqliteOf(setupDb).close();

      const child = spawn(process.execPath, ["--import", "tsx", "tests/support/ledger-writer.ts", String(pools[0]!.id), String(financeUser.id), `run${index}`], {
        env: { ...process.env, DATABASE_URL: file },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const acknowledged: string[] = [];
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
      for await (const line of createInterface({ input: child.stdout })) {
        if (!line.startsWith("ok ")) continue;
        acknowledged.push(line.slice(3));
        if (acknowledged.length === killAfter) child.kill("SIGKILL");
      }
      expect(await exited, stderr).toBe("SIGKILL");
      expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);

      const db = openDatabase(file);
      const sqlite = sqliteOf(db);
      expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(sqlite.pragma("foreign_key_check")).toEqual([]);
      const keys = new Set((sqlite.prepare("select idempotency_key as k from ledger_entries where idempotency_key is not null").all() as { k: string }[]).map((r) => r.k));
      expect(acknowledged.filter((k) => !keys.has(k))).toEqual([]);
      // Nothing half-written: the entries add up, each capture has its release, and the audit chain is whole.
      const balance = await getPoolBalance(db, pools[0]!.id);
      const last = sqlite.prepare("select balance_after as b from ledger_entries where pool_id = ? order by id desc limit 1").get(pools[0]!.id) as { b: number };
      expect(last.b).toBe(balance.available);
      expect(
        sqlite.prepare("select count(*) as n from holds h where h.status = 'captured' and not exists (select 1 from ledger_entries e where e.hold_id = h.id and e.kind = 'release')").get(),
      ).toEqual({ n: 0 });
      expect((await verifyAuditChain(db)).ok).toBe(true);
      console.log(`crash repetition ${index + 1}: killed after ${acknowledged.length} acknowledged writes; ${keys.size} keyed entries on disk; integrity ok`);
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    });
  }
});
