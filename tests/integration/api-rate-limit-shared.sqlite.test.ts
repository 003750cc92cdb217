// Several server processes (node:cluster workers) must count the signal API's requests against one
// limit per key: the window lives in the database, not in a process's memory.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApiKey } from "~/domain/customers/api-keys.server";
import { API_RATE_LIMIT, takeRateLimit } from "~/domain/customers/signal-api.server";
import { sqliteOf } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../support/database";
import { createUser } from "../support/factories";

function otherProcess(file: string, keyId: number, times: number, at: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", join("tests", "support", "take-rate-limit.ts"), file, String(keyId), String(times), String(at)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve((JSON.parse(out) as { allowed: number }).allowed) : reject(new Error(`child failed (${code}): ${err}`))));
  });
}

describe("the signal API's rate limit across processes", () => {
  it("two processes sharing one database file allow the key's limit once between them, not once each", async () => {
    const db = createTestDatabase();
    const file = sqliteOf(db).name;
    const admin = await createUser(db, { role: "admin" });
    const key = await createApiKey(db, admin, { name: "Busy CRM" }, new Date());
    const at = Date.now();
    const each = API_RATE_LIMIT.requests; // either process alone would be allowed all of these
    const [first, second] = await Promise.all([otherProcess(file, key.id, each, at), otherProcess(file, key.id, each, at)]);
    expect(first + second).toBe(API_RATE_LIMIT.requests);
    // and this process (a third) is refused in the same window, then allowed in the next one
    expect((await takeRateLimit(db, key.id, new Date(at + 1_000))).allowed).toBe(false);
    expect((await takeRateLimit(db, key.id, new Date(at + API_RATE_LIMIT.windowMs))).allowed).toBe(true);
    await closeDatabase(db);
  }, 60_000);
});
