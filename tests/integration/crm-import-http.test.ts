import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { branches, customers, type User } from "../../db/schema";
import { createBranch, createOrganisation, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { db } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

let server: TestServer;
let admin: User;
let manager: User;

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  for (const code of ["NTH", "STH", "LKS", "CTY"]) {
    if (!(await firstRow(db.select().from(branches).where(eq(branches.code, code)).limit(1)))) await createBranch(db, { code, name: code });
  }
  admin = await createUser(db, { role: "admin" });
  manager = await createUser(db, { role: "manager", branchId: (await firstRow(db.select().from(branches).where(eq(branches.code, "NTH")).limit(1)))!.id });
});
afterAll(() => server.close());

async function upload(user: User, kind: string, body: Blob | null, fileName = "customers.csv") {
  const form = new FormData();
  form.set("kind", kind);
  if (body) form.set("file", body, fileName);
  return server.fetch("/imports", { method: "POST", body: form, cookie: (await sessionCookieFor(db, user)).cookie, headers: { Origin: server.origin } });
}

describe("CRM import over HTTP", () => {
  it("an upload shows a preview with counts and row errors; confirming imports the valid rows", async () => {
    const response = await upload(manager, "customers", new Blob([readFileSync("db/samples/customers.csv")]));
    expect(response.status).toBe(302);
    const previewPath = response.headers.get("Location")!;
    expect(previewPath).toMatch(/^\/imports\/\d+$/);
    const cookie = (await sessionCookieFor(db, manager)).cookie;
    const preview = await (await server.fetch(previewPath, { cookie })).text();
    expect(preview).toContain("Rows with errors");
    expect(preview).toContain("You import customers of your own branch only.");
    expect(preview).toContain("Import 2 rows");
    expect(await firstRow(db.select().from(customers).where(eq(customers.crmRef, "SMP-000001")).limit(1))).toBeUndefined();
    const commit = await server.fetch(previewPath, { method: "POST", cookie, form: { intent: "commit" }, headers: { Origin: server.origin } });
    expect(commit.status).toBe(302);
    expect((await firstRow(db.select().from(customers).where(eq(customers.crmRef, "SMP-000001")).limit(1)))!.name).toBe("Margaret Ellison");
    const history = await (await server.fetch("/imports", { cookie })).text();
    expect(history).toContain("customers.csv");
  });

  it("an upload without a kind or a file is refused beside the fields", async () => {
    const response = await upload(admin, "", null);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Choose what the file holds");
    expect(html).toContain("Choose a CSV file to upload.");
  });

  it("a file with the wrong columns is refused in words", async () => {
    const response = await upload(admin, "signals", new Blob([readFileSync("db/samples/customers.csv")]));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("This file has no kind, date columns");
  });

  it("a body declared larger than 20 MB is refused before it is read; other pages keep the 1 MB limit", async () => {
    const cookie = (await sessionCookieFor(db, admin)).cookie;
    const big = await server
      .fetch("/imports", { method: "POST", cookie, headers: { Origin: server.origin, "Content-Length": String(21 * 1024 * 1024), "Content-Type": "multipart/form-data; boundary=x" }, body: "x" })
      .catch(() => null);
    if (big) expect(big.status).toBe(413);
    const streamed = await upload(admin, "customers", new Blob(["crm_ref,name,branch_code,customer_since\n", "A".repeat(21 * 1024 * 1024)]));
    expect([400, 413]).toContain(streamed.status);
    if (streamed.status === 400) expect(await streamed.text()).toContain("larger than 20 MB");
  });
});
