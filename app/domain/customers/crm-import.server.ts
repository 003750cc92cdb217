// CRM imports: validate every row of an uploaded file, keep the valid rows for a preview with
// counts and row-level errors, then commit them all in one transaction. Re-importing the same
// file changes nothing: customers are upserted by CRM reference, and signals carry an identity
// (the CRM's signal_ref, or a fingerprint of the row) so that they are never duplicated.
import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { branches, crmImportRows, crmImports, customers, signals, users, type Customer, type ImportKind } from "../../../db/schema";
import type { Db, Tx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { nameKeys } from "./customer-rules";
import { localDate } from "../core/dates";
import { CustomerRowSchema, SignalRowSchema, type CustomerRow, type SignalRow } from "./customer-schemas";
import type { Actor } from "./customers.server";
import type { CsvFile } from "./csv-read.server";
import { DomainError } from "../core/errors";
import { CUSTOMER_COLUMNS, CUSTOMER_REQUIRED_COLUMNS, IMPORT_FILE_NAME_MAX, IMPORT_MAX_REPORTED_ERRORS, SIGNAL_COLUMNS, SIGNAL_REQUIRED_COLUMNS } from "./import-limits";
import { getPrivacySettings } from "../core/organisation.server";
import { isNoteExpired } from "./privacy";
import { firstRow, returnedRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

export type RowError = { row: number; line: number; field: string | null; message: string };
type ValidRow = { row: number; payload: CustomerPayload | SignalPayload };
type CustomerPayload = { type: "customer" } & CustomerRow & { branch_id: number; connected_branch_id?: number | null };
export type SignalPayload = { type: "signal" } & SignalRow & { external_ref: string };

function canImport(actor: Actor): { scope: number | null } {
  if (actor.role === "admin") return { scope: null };
  if (actor.role === "manager" && actor.branchId !== null) return { scope: actor.branchId };
  throw new DomainError("FORBIDDEN", "Only managers (for their branch) and administrators import CRM files.");
}

const COLUMNS: Record<ImportKind, { all: readonly string[]; required: readonly string[] }> = {
  customers: { all: CUSTOMER_COLUMNS, required: CUSTOMER_REQUIRED_COLUMNS },
  signals: { all: SIGNAL_COLUMNS, required: SIGNAL_REQUIRED_COLUMNS },
};

/** The whole-file problems with the header line, in words. */
function checkHeader(kind: ImportKind, header: string[]): string | null {
  const { all, required } = COLUMNS[kind];
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) {
    return `The first line must name the columns. This file has no ${missing.join(", ")} column${missing.length > 1 ? "s" : ""}. Is it a ${kind} file? Download the ${kind} template to compare.`;
  }
  const unknown = header.filter((c) => !all.includes(c));
  if (unknown.length) return `The file has columns this import does not know: ${unknown.slice(0, 5).join(", ")}. The ${kind} columns are: ${all.join(", ")}.`;
  const duplicated = header.filter((c, i) => header.indexOf(c) !== i);
  if (duplicated.length) return `The column ${duplicated[0]} appears twice.`;
  return null;
}

function zodErrors(error: z.ZodError, row: number, line: number): RowError[] {
  return error.issues.map((issue) => ({ row, line, field: issue.path[0] === undefined ? null : String(issue.path[0]), message: issue.message }));
}

export function signalFingerprint(row: SignalRow): string {
  if (row.signal_ref) return `crm:${row.signal_ref}`;
  const key = JSON.stringify([row.crm_ref, row.kind, row.date, row.source, row.severity, row.note]);
  return `row:${createHash("sha256").update(key).digest("hex").slice(0, 40)}`;
}

/** Validates every row of a parsed file against the database. Reads only. */
export async function validateImport(db: Db, actor: Actor, input: { kind: ImportKind; file: CsvFile }) {
  const { scope } = canImport(actor);
  const headerProblem = checkHeader(input.kind, input.file.header);
  if (headerProblem) throw new DomainError("VALIDATION", headerProblem, { field: "file" });
  if (input.file.records.length === 0) throw new DomainError("VALIDATION", "The file has a header line but no rows.", { field: "file" });

  const branchByCode = new Map((await db.select({ id: branches.id, code: branches.code }).from(branches)).map((b) => [b.code, b.id]));
  const errors: RowError[] = [];
  const valid: ValidRow[] = [];
  const seenRefs = new Map<string, number>();
  for (const record of input.file.records) {
    const { row, line } = { row: record.row, line: record.line };
    if (record.values.__extra) {
      errors.push({ row, line, field: null, message: `The row has ${record.values.__extra} more cell(s) than the header. Is a comma missing its quotes?` });
      continue;
    }
    const { __extra: _x, ...values } = record.values;
    if (input.kind === "customers") {
      const parsed = CustomerRowSchema.safeParse(values);
      if (!parsed.success) {
        errors.push(...zodErrors(parsed.error, row, line));
        continue;
      }
      const ref = parsed.data.crm_ref;
      if (seenRefs.has(ref)) {
        errors.push({ row, line, field: "crm_ref", message: `The CRM reference ${ref} already appears on row ${seenRefs.get(ref)}.` });
        continue;
      }
      seenRefs.set(ref, row);
      const branchId = branchByCode.get(parsed.data.branch_code);
      if (branchId === undefined) {
        errors.push({ row, line, field: "branch_code", message: `No branch has the code ${parsed.data.branch_code}.` });
        continue;
      }
      if (scope !== null && branchId !== scope) {
        errors.push({ row, line, field: "branch_code", message: "You import customers of your own branch only." });
        continue;
      }
      const connectedCode = parsed.data.connected_staff_branch;
      const connectedBranchId = connectedCode === null ? null : branchByCode.get(connectedCode);
      if (connectedBranchId === undefined) {
        errors.push({
          row,
          line,
          field: "connected_staff_branch",
          message: `No branch has the code ${connectedCode}. Leave connected_staff_branch blank unless the customer works for the bank or is connected to someone who does.`,
        });
        continue;
      }
      valid.push({ row, payload: { type: "customer", ...parsed.data, branch_id: branchId, connected_branch_id: connectedBranchId } });
    } else {
      const parsed = SignalRowSchema.safeParse(values);
      if (!parsed.success) {
        errors.push(...zodErrors(parsed.error, row, line));
        continue;
      }
      const externalRef = signalFingerprint(parsed.data);
      const seenKey = `signal:${externalRef}`;
      if (seenRefs.has(seenKey)) {
        errors.push({
          row,
          line,
          field: parsed.data.signal_ref ? "signal_ref" : null,
          message: parsed.data.signal_ref ? `The signal reference ${parsed.data.signal_ref} already appears on row ${seenRefs.get(seenKey)}.` : `This row repeats row ${seenRefs.get(seenKey)}.`,
        });
        continue;
      }
      seenRefs.set(seenKey, row);
      valid.push({ row, payload: { type: "signal", ...parsed.data, external_ref: externalRef } });
    }
  }

  // Customers the rows point at (signals) or upsert (customers), read in batches.
  const refs = [...new Set(valid.map((v) => v.payload.crm_ref))];
  const existing = new Map<string, Pick<Customer, "id" | "branchId" | "erasedAt">>();
  for (let i = 0; i < refs.length; i += 500) {
    for (const c of await db
      .select({ crmRef: customers.crmRef, id: customers.id, branchId: customers.branchId, erasedAt: customers.erasedAt })
      .from(customers)
      .where(inArray(customers.crmRef, refs.slice(i, i + 500)))) {
      existing.set(c.crmRef, c);
    }
  }
  const kept = valid.filter((v) => {
    const found = existing.get(v.payload.crm_ref);
    const fail = (field: string, message: string) => {
      errors.push({ row: v.row, line: input.file.records[v.row - 1]!.line, field, message });
      return false;
    };
    if (found?.erasedAt) return fail("crm_ref", `The customer ${v.payload.crm_ref} was erased at their request; nothing about them is imported again.`);
    if (v.payload.type === "signal") {
      if (!found) return fail("crm_ref", `No customer has the CRM reference ${v.payload.crm_ref}. Import the customers first.`);
      if (scope !== null && found.branchId !== scope) return fail("crm_ref", `The customer ${v.payload.crm_ref} belongs to another branch.`);
    } else if (found && scope !== null && found.branchId !== scope) {
      return fail("crm_ref", `The customer ${v.payload.crm_ref} belongs to another branch; an administrator can move them.`);
    }
    return true;
  });
  errors.sort((a, b) => a.row - b.row);
  const errorRows = new Set(errors.map((e) => e.row)).size;
  return { scope, valid: kept, errors, errorRows };
}

/** Validates a parsed file and keeps its valid rows for the preview. Returns the import's id. */
export async function stageImport(db: Db, actor: Actor, input: { kind: ImportKind; fileName: string; file: CsvFile }, now: Date): Promise<number> {
  const result = await validateImport(db, actor, input);
  return await writeTransaction(db, async (tx) => {
    const created = await returnedRow(
      tx
        .insert(crmImports)
        .values({
          kind: input.kind,
          fileName: input.fileName.slice(0, IMPORT_FILE_NAME_MAX) || "upload.csv",
          fileSha256: input.file.sha256,
          uploadedById: actor.id,
          branchScopeId: result.scope,
          status: "previewed",
          totalRows: input.file.records.length,
          validRows: result.valid.length,
          errorRows: result.errorRows,
          errors: JSON.stringify(result.errors.slice(0, IMPORT_MAX_REPORTED_ERRORS)),
          encoding: input.file.encoding,
          createdAt: now,
        })
        .returning({ id: crmImports.id }),
    );
    const insert = tx.insert(crmImportRows);
    for (let i = 0; i < result.valid.length; i += 200) {
      const batch = result.valid.slice(i, i + 200).map((v) => ({ importId: created.id, rowNumber: v.row, payload: JSON.stringify(v.payload) }));
      await insert.values(batch);
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "import.previewed",
      entity: "crm_import",
      entityId: created.id,
      detail: { kind: input.kind, rows: input.file.records.length, valid: result.valid.length, errors: result.errorRows },
      at: now,
    });
    return created.id;
  });
}

async function loadImport(db: Db | Tx, actor: Actor, importId: number) {
  const { scope } = canImport(actor);
  const row = await firstRow(db.select().from(crmImports).where(eq(crmImports.id, importId)).limit(1));
  if (!row || (scope !== null && row.branchScopeId !== scope)) throw new DomainError("NOT_FOUND", "There is no such import.");
  return row;
}

/** Refuses (404) an import the actor may not see: another branch's, or none. */
export async function assertImportAccess(db: Db, actor: Actor, importId: number): Promise<void> {
  await loadImport(db, actor, importId);
}

/** The preview or result of one import, with what each valid row would do. */
export async function getImport(db: Db, actor: Actor, importId: number) {
  const row = await loadImport(db, actor, importId);
  const uploader = await firstRow(db.select({ name: users.name }).from(users).where(eq(users.id, row.uploadedById)).limit(1));
  let projected: { create: number; update: number; unchanged: number } | null = null;
  if (row.status === "previewed") {
    projected = { create: 0, update: 0, unchanged: 0 };
    let lastRow = 0;
    for (;;) {
      const batch = await db
        .select()
        .from(crmImportRows)
        .where(and(eq(crmImportRows.importId, row.id), sql`${crmImportRows.rowNumber} > ${lastRow}`))
        .orderBy(asc(crmImportRows.rowNumber))
        .limit(1000);
      if (!batch.length) break;
      lastRow = batch[batch.length - 1]!.rowNumber;
      for (const r of batch) projected[await planRow(db, JSON.parse(r.payload) as CustomerPayload | SignalPayload)]++;
    }
  }
  const { errors, ...rest } = row;
  return { ...rest, uploaderName: uploader?.name ?? "", errors: JSON.parse(errors) as RowError[], projected };
}

function customerValues(p: CustomerPayload) {
  return {
    name: p.name,
    ...nameKeys(p.name),
    branchId: p.branch_id,
    customerSince: p.customer_since,
    segment: p.segment,
    birthday: p.birthday,
    deliveryAddress: p.delivery_address,
    doNotContact: p.do_not_contact,
    doNotContactReason: p.do_not_contact ? p.do_not_contact_reason : null,
    connectedBranchId: p.connected_branch_id ?? null,
  };
}

/**
 * A customer who told staff they want no gestures stays do-not-contact whatever the CRM file says
 * (issue 21): the file may predate it, and the bank's own record of the request wins.
 */
function keepDeclined(values: ReturnType<typeof customerValues>, current: { gesturesDeclinedAt: Date | null; doNotContactReason: string | null }) {
  return current.gesturesDeclinedAt ? { ...values, doNotContact: true, doNotContactReason: current.doNotContactReason } : values;
}

/** What committing a row would do now: create, update or leave unchanged. */
async function planRow(db: Db | Tx, payload: CustomerPayload | SignalPayload): Promise<"create" | "update" | "unchanged"> {
  if (payload.type === "signal") {
    return (await firstRow(db.select({ id: signals.id }).from(signals).where(eq(signals.externalRef, payload.external_ref)).limit(1))) ? "unchanged" : "create";
  }
  const current = await firstRow(db.select().from(customers).where(eq(customers.crmRef, payload.crm_ref)).limit(1));
  if (!current) return "create";
  const next = keepDeclined(customerValues(payload), current);
  const same = (Object.keys(next) as (keyof typeof next)[]).every((k) => current[k] === next[k]);
  return same ? "unchanged" : "update";
}

/** Commits every valid row of a previewed import in one transaction. */
export async function commitImport(db: Db, actor: Actor, input: { importId: number }, now: Date) {
  const { retentionDays, timeZone } = await getPrivacySettings(db);
  const today = localDate(now, timeZone);
  return await writeTransaction(db, async (tx) => {
    const row = await loadImport(tx, actor, input.importId);
    if (row.status !== "previewed") throw new DomainError("INVALID_STATE", row.status === "committed" ? "This import was already committed." : "This import was discarded. Upload the file again.");
    const counts = { create: 0, update: 0, unchanged: 0 };
    const payloads = await tx.select().from(crmImportRows).where(eq(crmImportRows.importId, row.id)).orderBy(asc(crmImportRows.rowNumber));
    for (const staged of payloads) {
      const payload = JSON.parse(staged.payload) as CustomerPayload | SignalPayload;
      const plan = await planRow(tx, payload);
      counts[plan]++;
      if (plan === "unchanged") continue;
      if (payload.type === "customer") {
        const values = customerValues(payload);
        if (plan === "create") {
          await tx.insert(customers).values({ crmRef: payload.crm_ref, ...values, createdAt: now, updatedAt: now });
        } else {
          const current = (await firstRow(
            tx
              .select({
                id: customers.id,
                branchId: customers.branchId,
                erasedAt: customers.erasedAt,
                gesturesDeclinedAt: customers.gesturesDeclinedAt,
                doNotContactReason: customers.doNotContactReason,
              })
              .from(customers)
              .where(eq(customers.crmRef, payload.crm_ref))
              .limit(1),
          ))!;
          if (current.erasedAt) {
            counts.update--;
            counts.unchanged++;
            continue;
          }
          await tx
            .update(customers)
            .set({ ...keepDeclined(values, current), updatedAt: now })
            .where(eq(customers.id, current.id));
          if (current.branchId !== values.branchId) await tx.update(signals).set({ branchId: values.branchId }).where(eq(signals.customerId, current.id));
        }
      } else {
        if (!(await writeSignal(tx, payload, { today, retentionDays, now }))) {
          counts.create--;
          counts.unchanged++;
        }
      }
    }
    await tx.delete(crmImportRows).where(eq(crmImportRows.importId, row.id));
    await tx
      .update(crmImports)
      .set({ status: "committed", committedAt: now, createdCount: counts.create, updatedCount: counts.update, unchangedCount: counts.unchanged })
      .where(eq(crmImports.id, row.id));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "import.committed",
      entity: "crm_import",
      entityId: row.id,
      detail: { kind: row.kind, created: counts.create, updated: counts.update, unchanged: counts.unchanged },
      at: now,
    });
    return counts;
  });
}

export async function discardImport(db: Db, actor: Actor, input: { importId: number }, now: Date) {
  return await writeTransaction(db, async (tx) => {
    const row = await loadImport(tx, actor, input.importId);
    if (row.status !== "previewed") throw new DomainError("INVALID_STATE", "Only an import waiting for confirmation can be discarded.");
    await tx.delete(crmImportRows).where(eq(crmImportRows.importId, row.id));
    await tx.update(crmImports).set({ status: "discarded" }).where(eq(crmImports.id, row.id));
    await recordAudit(tx, { actorId: actor.id, action: "import.discarded", entity: "crm_import", entityId: row.id, at: now });
  });
}

/** The import history: who, when, which file, counts. Managers see their branch's. */
export async function listImports(db: Db, actor: Actor, input: { page: number; pageSize: number }) {
  const { scope } = canImport(actor);
  const rows = await db
    .select({
      id: crmImports.id,
      kind: crmImports.kind,
      fileName: crmImports.fileName,
      status: crmImports.status,
      totalRows: crmImports.totalRows,
      validRows: crmImports.validRows,
      errorRows: crmImports.errorRows,
      createdCount: crmImports.createdCount,
      updatedCount: crmImports.updatedCount,
      unchangedCount: crmImports.unchangedCount,
      createdAt: crmImports.createdAt,
      committedAt: crmImports.committedAt,
      uploaderName: users.name,
      branchName: branches.name,
    })
    .from(crmImports)
    .innerJoin(users, eq(users.id, crmImports.uploadedById))
    .leftJoin(branches, eq(branches.id, crmImports.branchScopeId))
    .where(scope === null ? undefined : eq(crmImports.branchScopeId, scope))
    .orderBy(desc(crmImports.id))
    .limit(input.pageSize + 1)
    .offset((input.page - 1) * input.pageSize);
  return { rows: rows.slice(0, input.pageSize), hasNext: rows.length > input.pageSize };
}

/**
 * Writes one imported or pushed signal unless its identity is already stored. A sensitive note
 * already past retention is not stored at all. Returns false when nothing was written.
 */
export async function writeSignal(tx: Tx, payload: SignalRow & { external_ref: string }, context: { today: string; retentionDays: number; now: Date }): Promise<boolean> {
  const customer = await firstRow(
    tx
      .select({ id: customers.id, branchId: customers.branchId })
      .from(customers)
      .where(and(eq(customers.crmRef, payload.crm_ref), isNull(customers.erasedAt)))
      .limit(1),
  );
  if (!customer) return false;
  const expired = payload.note !== null && isNoteExpired({ kind: payload.kind, occurredOn: payload.date }, context.today, context.retentionDays);
  const result = await tx
    .insert(signals)
    .values({
      customerId: customer.id,
      branchId: customer.branchId,
      kind: payload.kind,
      occurredOn: payload.date,
      source: payload.source,
      severity: payload.severity,
      note: expired ? null : payload.note,
      noteRedactedAt: expired ? context.now : null,
      externalRef: payload.external_ref,
      createdById: null,
      createdAt: context.now,
    })
    .onConflictDoNothing();
  return result.changes > 0;
}
