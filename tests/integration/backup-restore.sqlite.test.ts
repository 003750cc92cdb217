// The backup and restore drill: `npm run db:backup` copies a database while another process keeps
// writing to it, `npm run db:restore` restores the copy into a new file, and both copies pass every
// check (integrity, foreign keys, ledger invariants, audit chain) with every write acknowledged
// before the backup began.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, writeSync, closeSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { holds } from "../../db/schema";
import { checkDatabase } from "~/domain/administration/integrity.server";
import { openDatabase, sqliteOf } from "~/utils/db.server";
import { setupBudget } from "../support/budget";
import { returnedRow } from "~/utils/query.server";

const TSX = "node_modules/.bin/tsx";
const NOV = new Date("2026-11-10T15:00:00Z");

function runScript(script: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(TSX, [script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

function keysIn(file: string): Set<string> {
  const db = openDatabase(file);
  const rows = sqliteOf(db).prepare("select idempotency_key as k from ledger_entries where idempotency_key is not null").all() as { k: string }[];
  sqliteOf(db).close();
  return new Set(rows.map((row) => row.k));
}

describe("backup and restore drill", () => {
  it("backs up a database under writes and restores it into a new file, both verified", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "empathy-fund-backup-"));
    const live = join(dir, "live.sqlite");
    const setupDb = openDatabase(live);
    const { pools, financeUser } = await setupBudget(setupDb, { branches: 1, amounts: [1_000], now: NOV });
    sqliteOf(setupDb).close();

    const writer = spawn(process.execPath, ["--import", "tsx", "tests/support/ledger-writer.ts", String(pools[0]!.id), String(financeUser.id), "drill"], {
      env: { ...process.env, DATABASE_URL: live },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const acknowledged: string[] = [];
    const writerDone = (async () => {
      for await (const line of createInterface({ input: writer.stdout })) if (line.startsWith("ok ")) acknowledged.push(line.slice(3));
    })();
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 20));

    const backupFile = join(dir, "backups", "copy.sqlite");
    const beforeBackup = acknowledged.slice();
    const backup = await runScript("db/backup.ts", ["--to", backupFile], { DATABASE_URL: live });
    const afterBackup = acknowledged.length;
    writer.kill("SIGKILL");
    await writerDone;

    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toContain("ledger: ok");
    expect(backup.stdout).toContain("audit chain: ok");
    // The writer really was writing while the backup ran.
    expect(afterBackup).toBeGreaterThan(beforeBackup.length);
    const backedUp = keysIn(backupFile);
    expect(beforeBackup.filter((k) => !backedUp.has(k))).toEqual([]);

    const restored = join(dir, "restored.sqlite");
    const restore = await runScript("db/restore.ts", [backupFile, "--to", restored]);
    expect(restore.status, restore.stderr).toBe(0);
    expect(keysIn(restored)).toEqual(backedUp);
    const restoredDb = openDatabase(restored);
    const report = await checkDatabase(restoredDb);
    expect(report).toMatchObject({ ok: true, integrity: "ok", foreignKeyViolations: 0, ledgerProblems: [] });
    expect(report.counts.ledgerEntries).toBeGreaterThanOrEqual(300);
    sqliteOf(restoredDb).close();
    console.log(
      `backup drill: ${beforeBackup.length} writes acknowledged before the backup, ${afterBackup - beforeBackup.length} during it; ${backedUp.size} keyed entries in the copy; restore verified`,
    );

    // Nothing is ever overwritten.
    const again = await runScript("db/restore.ts", [backupFile, "--to", restored]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already exists");
  });

  it("refuses to restore a damaged backup and leaves no file behind", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "empathy-fund-restore-"));
    const good = join(dir, "good.sqlite");
    const db = openDatabase(good);
    await setupBudget(db, { branches: 2, now: NOV });
    sqliteOf(db).pragma("journal_mode = DELETE");
    sqliteOf(db).close();
    const damaged = join(dir, "damaged.sqlite");
    copyFileSync(good, damaged);
    // Overwrite pages in the middle of the file, as a failing disk would.
    const fd = openSync(damaged, "r+");
    writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, 4096 * 3);
    closeSync(fd);

    const target = join(dir, "restored.sqlite");
    const result = await runScript("db/restore.ts", [damaged, "--to", target]);
    expect(result.status).toBe(1);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.partial`)).toBe(false);
  });
});

describe("the integrity checks", () => {
  it("name a hold that has no hold entry in the ledger", async () => {
    const dir = mkdtempSync(join(tmpdir(), "empathy-fund-integrity-"));
    const db = openDatabase(join(dir, "db.sqlite"));
    const { pools } = await setupBudget(db, { branches: 1, now: NOV });
    expect((await checkDatabase(db)).ok).toBe(true);
    const orphan = await returnedRow(db.insert(holds).values({ poolId: pools[0]!.id, amount: 500, createdAt: NOV }).returning());
    const report = await checkDatabase(db);
    expect(report.ok).toBe(false);
    expect(report.ledgerProblems).toEqual([{ rule: "every hold has exactly one hold entry for its amount", examples: [orphan.id] }]);
    sqliteOf(db).close();
  });
});
