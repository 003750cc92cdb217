import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { crmImports, customers, signals, type Branch, type User } from "../../../db/schema";
import { readCsv } from "~/domain/customers/csv-read.server";
import { commitImport, getImport, listImports, stageImport, validateImport } from "~/domain/customers/crm-import.server";
import { eraseCustomer } from "~/domain/customers/privacy.server";
import type { ImportKind } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { createClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createUser } from "../../support/factories";
import { firstRow } from "~/utils/query.server";

let db: Db;
let north: Branch;
let south: Branch;
let manager: User;
let admin: User;
const clock = createClock("2026-03-10T15:00:00Z");

async function* chunks(buffer: Buffer, size = 7) {
  // Small chunks: multi-byte characters and the byte-order mark straddle chunk boundaries.
  for (let i = 0; i < buffer.length; i += size) yield new Uint8Array(buffer.subarray(i, i + size));
}
const fixture = (name: string) => readFileSync(`tests/fixtures/crm/${name}`);
const sample = (name: string) => readFileSync(`db/samples/${name}`);
const read = async (buffer: Buffer, options?: { maxBytes?: number; maxRows?: number }) => await readCsv(chunks(buffer), options);

async function stage(actor: User, kind: ImportKind, buffer: Buffer, fileName = "file.csv") {
  return await stageImport(db, actor, { kind, fileName, file: await read(buffer) }, clock.now());
}
async function importAndCommit(actor: User, kind: ImportKind, buffer: Buffer) {
  const id = await stage(actor, kind, buffer);
  return { id, counts: await commitImport(db, actor, { importId: id }, clock.now()) };
}

beforeEach(async () => {
  db = createTestDatabase();
  await createOrganisation(db);
  north = await createBranch(db, { code: "NTH", name: "North" });
  south = await createBranch(db, { code: "STH", name: "South" });
  await createBranch(db, { code: "LKS", name: "Lakeside" });
  await createBranch(db, { code: "CTY", name: "City" });
  manager = await createUser(db, { role: "manager", branchId: north.id });
  admin = await createUser(db, { role: "admin" });
});
afterEach(() => closeDatabase(db));

describe("reading CSV files", () => {
  it("a byte-order mark, CRLF line ends and a quoted newline are read as the spreadsheet meant", async () => {
    const file = await read(fixture("bom-crlf.csv"));
    expect(file.header).toEqual(["crm_ref", "name", "branch_code", "customer_since", "delivery_address"]);
    expect(file.records[0]!.values).toMatchObject({ crm_ref: "BOM-1", name: "Zoë Ærø", delivery_address: "1 Main St\r\nTown" });
  });

  it("a Windows-1252 file is read as Windows-1252", async () => {
    const file = await read(fixture("windows-1252.csv"));
    expect(file.encoding).toBe("windows-1252");
    expect(file.records[0]!.values.name).toBe("José Müller");
  });

  it("a UTF-16 file with a byte-order mark is read", async () => {
    const file = await read(fixture("utf16.csv"));
    expect(file.encoding).toBe("utf-16le");
    expect(file.records[0]!.values.name).toBe("Łukasz Żak");
  });

  it("a file over the size limit is refused with a clear message", async () => {
    await expect(read(sample("customers.csv"), { maxBytes: 100 })).rejects.toThrow(/larger than 100 bytes/);
  });

  it("a file over the row limit is refused with a clear message", async () => {
    await expect(read(sample("customers.csv"), { maxRows: 2 })).rejects.toThrow(/more than 2 rows/);
  });

  it("an empty file and an unclosed quote are refused in words", async () => {
    await expect(read(fixture("empty.csv"))).rejects.toThrow(/empty/);
    await expect(read(fixture("unclosed-quote.csv"))).rejects.toThrow(/not a readable CSV/);
  });
});

describe("validating an import", () => {
  it("a missing required column, an unknown column and a header without rows are whole-file errors", async () => {
    await expect(stage(admin, "customers", fixture("missing-column.csv"))).rejects.toThrow(/no customer_since column/);
    await expect(stage(admin, "customers", fixture("unknown-column.csv"))).rejects.toThrow(/does not know: shoe_size/);
    await expect(stage(admin, "customers", fixture("header-only.csv"))).rejects.toThrow(/no rows/);
    await expect(stage(admin, "signals", sample("customers.csv"))).rejects.toThrow(/no kind, date columns/);
  });

  it("every bad customer row is reported with its row, field and a plain message; valid rows are kept", async () => {
    const id = await stage(admin, "customers", fixture("bad-rows.csv"));
    const preview = await getImport(db, admin, id);
    expect(preview).toMatchObject({ totalRows: 10, validRows: 1, errorRows: 9 });
    const byRow = new Map(preview.errors.map((e) => [e.row, e]));
    expect(byRow.get(2)).toMatchObject({ field: "customer_since", message: expect.stringMatching(/real date/) });
    expect(byRow.get(3)).toMatchObject({ field: "segment", message: expect.stringMatching(/retail, premier/) });
    expect(byRow.get(4)).toMatchObject({ field: "birthday", message: expect.stringMatching(/MM-DD/) });
    expect(byRow.get(5)).toMatchObject({ field: "crm_ref", message: "The CRM reference is missing." });
    expect(byRow.get(6)).toMatchObject({ field: "branch_code", message: "No branch has the code XXX." });
    expect(byRow.get(7)).toMatchObject({ field: "crm_ref", message: "The CRM reference OK-1 already appears on row 1." });
    expect(byRow.get(8)).toMatchObject({ field: "do_not_contact_reason" });
    expect(byRow.get(9)).toMatchObject({ field: "do_not_contact", message: "Write yes or no." });
    expect(byRow.get(10)!.message).toMatch(/more cell/);
    expect(preview.projected).toEqual({ create: 1, update: 0, unchanged: 0 });
  });

  it("names longer than the limit are refused, and text a spreadsheet would read as a formula is stored as text", async () => {
    const { id } = await importAndCommit(admin, "customers", fixture("long-and-formula.csv"));
    expect((await getImport(db, admin, id)).errors).toEqual([expect.objectContaining({ row: 1, field: "name", message: expect.stringMatching(/longer than 200/) })]);
    expect((await firstRow(db.select().from(customers).where(eq(customers.crmRef, "FORM-1")).limit(1)))!.name).toBe('=HYPERLINK("http://evil.example","click")');
  });

  it("every bad signal row is reported: unknown kind, source, severity, customer, repeated reference, date format, note length", async () => {
    await createCustomer(db, { branchId: north.id, crmRef: "SIG-1" });
    const id = await stage(admin, "signals", fixture("bad-signals.csv"));
    const preview = await getImport(db, admin, id);
    const fields = preview.errors.map((e) => [e.row, e.field]);
    expect(fields).toEqual([
      [2, "kind"],
      [3, "source"],
      [4, "severity"],
      [5, "crm_ref"],
      [6, "signal_ref"],
      [7, "date"],
      [8, "note"],
    ]);
    expect(preview.errors.find((e) => e.row === 5)!.message).toBe("No customer has the CRM reference NOBODY. Import the customers first.");
    expect(preview.validRows).toBe(1);
  });

  it("a manager imports only their own branch's customers; finance and staff cannot import", async () => {
    const id = await stage(manager, "customers", sample("customers.csv"));
    const preview = await getImport(db, manager, id);
    expect(preview.validRows).toBe(2);
    expect(preview.errors.every((e) => e.message === "You import customers of your own branch only.")).toBe(true);
    const finance = await createUser(db, { role: "finance" });
    const staff = await createUser(db, { role: "staff", branchId: north.id });
    await expect(stage(finance, "customers", sample("customers.csv"))).rejects.toThrow(/Only managers/);
    await expect(stage(staff, "customers", sample("customers.csv"))).rejects.toThrow(/Only managers/);
    const southManager = await createUser(db, { role: "manager", branchId: south.id });
    await expect(getImport(db, southManager, id)).rejects.toThrow(/no such import/);
  });

  it("rows about an erased customer are refused", async () => {
    await createCustomer(db, { branchId: north.id, crmRef: "SMP-000001" });
    await eraseCustomer(db, admin, { crmRef: "SMP-000001" }, clock.now());
    const id = await stage(admin, "customers", sample("customers.csv"));
    expect((await getImport(db, admin, id)).errors).toEqual([expect.objectContaining({ row: 1, message: expect.stringMatching(/erased/) })]);
  });
});

describe("committing an import", () => {
  it("commits all valid rows; re-importing the same files changes nothing", async () => {
    const first = await importAndCommit(admin, "customers", sample("customers.csv"));
    expect(first.counts).toEqual({ create: 5, update: 0, unchanged: 0 });
    const firstSignals = await importAndCommit(admin, "signals", sample("signals.csv"));
    expect(firstSignals.counts).toEqual({ create: 4, update: 0, unchanged: 0 });
    const snapshot = async () => JSON.stringify([await db.select().from(customers), await db.select().from(signals)]);
    const before = await snapshot();
    expect((await importAndCommit(admin, "customers", sample("customers.csv"))).counts).toEqual({ create: 0, update: 0, unchanged: 5 });
    expect((await importAndCommit(admin, "signals", sample("signals.csv"))).counts).toEqual({ create: 0, update: 0, unchanged: 4 });
    expect(await snapshot()).toBe(before);
  });

  it("signals without a reference are identified by their content, so a re-import does not duplicate them", async () => {
    await importAndCommit(admin, "customers", sample("customers.csv"));
    const file = Buffer.from("crm_ref,kind,date,note\nSMP-000002,complaint,2026-03-01,Lost card\nSMP-000002,complaint,2026-03-02,Lost card\n");
    expect((await importAndCommit(admin, "signals", file)).counts.create).toBe(2);
    expect((await importAndCommit(admin, "signals", file)).counts).toEqual({ create: 0, update: 0, unchanged: 2 });
  });

  it("a changed row updates the customer, keyed by CRM reference", async () => {
    await importAndCommit(admin, "customers", sample("customers.csv"));
    const changed = Buffer.from(sample("customers.csv").toString().replace("Daniel Okoro,NTH,2019-11-02,premier", "Daniel Okoro,NTH,2019-11-02,private"));
    expect((await importAndCommit(admin, "customers", changed)).counts).toEqual({ create: 0, update: 1, unchanged: 4 });
    expect((await firstRow(db.select().from(customers).where(eq(customers.crmRef, "SMP-000002")).limit(1)))!.segment).toBe("private");
  });

  it("an imported sensitive note already past retention is not stored", async () => {
    await createCustomer(db, { branchId: north.id, crmRef: "OLD-1" });
    await importAndCommit(admin, "signals", Buffer.from("crm_ref,kind,date,note\nOLD-1,illness,2025-01-01,Chemotherapy\n"));
    expect(await firstRow(db.select().from(signals).limit(1))).toMatchObject({ kind: "illness", note: null });
  });

  it("an import is committed once, and the history says who imported which file with which counts", async () => {
    const { id } = await importAndCommit(manager, "customers", sample("customers.csv"));
    await expect(commitImport(db, manager, { importId: id }, clock.now())).rejects.toThrow(/already committed/);
    const history = (await listImports(db, manager, { page: 1, pageSize: 25 })).rows;
    expect(history).toEqual([expect.objectContaining({ fileName: "file.csv", status: "committed", uploaderName: manager.name, createdCount: 2, errorRows: 3 })]);
    expect((await listImports(db, admin, { page: 1, pageSize: 25 })).rows).toHaveLength(1);
    expect((await firstRow(db.select().from(crmImports).limit(1)))!.errors).not.toContain("Ellison");
  });
});

describe("validation without the database", () => {
  it("validateImport reads only", async () => {
    const file = await read(sample("customers.csv"));
    await validateImport(db, admin, { kind: "customers", file });
    expect(await db.select().from(customers)).toHaveLength(0);
  });
});
