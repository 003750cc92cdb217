// Two app servers on one database, as behind a load balancer (issue 20 part 4): what one server
// wrote or started, the other serves. A session signed in on one is valid on the other and ends on
// both when it is signed out; a receipt uploaded through one downloads, byte for byte, from the
// other (receipts live in the database). The write workload through both is in
// http-concurrency.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDate } from "~/domain/core/dates";
import { gestureAsServed, OPERATIONS } from "../support/http-workload";
import { postForm, startServerProcess, type ServerProcess } from "../support/server-process";
import { databaseLocation } from "../support/postgres-databases";
import { createWorkloadDatabase, workloadContext, type WorkloadDatabase } from "../support/workload-setup";

let dir: string;
let a: ServerProcess;
let b: ServerProcess;
let database: WorkloadDatabase;
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "empathy-fund-two-servers-"));
  const location = databaseLocation(dir, "shared.sqlite");
  const file = location.location;
  database = await createWorkloadDatabase(file, { now: new Date(), customers: 10, poolAmount: 30_000, openOptions: location.openOptions });
  // Two machines: each server has its own local folder, as each had its own disk.
  const onItsOwnDisk = async (name: string) => await startServerProcess(file, { env: { RECEIPTS_DIR: join(dir, `receipts-${name}`) } });
  [a, b] = await Promise.all([onItsOwnDisk("a"), onItsOwnDisk("b")]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  rmSync(dir, { recursive: true, force: true });
});

const page = (server: ServerProcess, path: string, cookie: string) => fetch(server.origin + path, { headers: { Cookie: cookie }, redirect: "manual" });

describe("two app servers on one database", () => {
  it("a session signed in on one server works on the other, and signing out on the other ends it on both", { timeout: 60_000 }, async () => {
    const ctx = await workloadContext(a.origin, database);
    expect((await page(b, "/branch", ctx.cookies.staff)).status).toBe(200);
    const out = await postForm(b.origin, "/logout", ctx.cookies.staff, {});
    expect(out.status).toBe(302);
    for (const server of [a, b]) {
      const after = await page(server, "/branch", ctx.cookies.staff);
      expect(after.status).toBe(302);
      expect(after.headers.get("Location")).toContain("/login");
    }
  });

  it("a receipt uploaded with a fulfilment on one server downloads from the other, byte for byte", { timeout: 60_000 }, async () => {
    const ctx = await workloadContext(a.origin, database);
    await OPERATIONS.proposeAtDiscretion(ctx, "two-servers");
    const gestureId = ctx.approved.shift();
    expect(gestureId, "an approved proposal").toBeDefined();
    const { version } = (await gestureAsServed(ctx, gestureId!))!;
    const form = new FormData();
    const fields = { intent: "fulfil", version: String(version), actualAmount: "8.00", vendor: "Bloom & Co", fulfilledOn: localDate(new Date(), database.timeZone), note: "" };
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append("receipt", new Blob([PDF], { type: "application/pdf" }), "flowers.pdf");
    const fulfilled = await fetch(`${a.origin}/gestures/${gestureId}`, { method: "POST", body: form, headers: { Cookie: ctx.cookies.staff, Origin: a.origin }, redirect: "manual" });
    expect(fulfilled.status).toBe(302);

    const download = await page(b, `/gestures/${gestureId}/receipt`, ctx.cookies.manager);
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("application/pdf");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PDF);
  });
});
