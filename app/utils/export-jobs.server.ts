// What a CSV export is, as plain data (an "export job"), and how its rows are read and written: the
// same code runs in the request's process (tests, development) and in an export worker thread
// (production, see export-worker.server.ts), which is why a job holds only cloneable values and this
// module opens no database itself.
import { listAuditEvents, type AuditExportRow, type AuditListFilter } from "~/domain/core/audit.server";
import type { CsvColumn } from "~/domain/core/csv-export.server";
import { gestureExportColumns, gestureExportReader, ledgerExportColumns, ledgerExportReader, type GestureExportRow, type LedgerExportRow } from "~/domain/reporting/finance-export.server";
import type { ReportRange, ReportScope } from "~/domain/reporting/report-filter.server";
import type { Db } from "./database.server";

export type ExportJob =
  | { kind: "gestures" | "ledger"; scope: ReportScope; range: ReportRange; currency: string; bom: boolean }
  | { kind: "audit"; filter: Omit<AuditListFilter, "pageSize" | "before">; bom: boolean };

/** Rows of an export read one keyset page at a time, and the columns they are written with. */
export type ExportSource<Row = unknown, Key = unknown> = {
  columns: CsvColumn<Row>[];
  fetchPage: (after: Key | null, limit: number) => Promise<Row[]>;
  keyOf: (row: Row) => Key;
  bom: boolean;
};

const AUDIT_COLUMNS: CsvColumn<AuditExportRow>[] = [
  { header: "id", value: (e) => e.id },
  { header: "at", value: (e) => e.at.toISOString() },
  { header: "actor_id", value: (e) => e.actorId },
  { header: "actor", value: (e) => e.actorName },
  { header: "action", value: (e) => e.action },
  { header: "entity", value: (e) => e.entity },
  { header: "entity_id", value: (e) => e.entityId },
  { header: "detail_json", value: (e) => e.detail },
  { header: "prev_hash", value: (e) => e.prevHash },
  { header: "hash", value: (e) => e.hash },
];

export async function exportSource(db: Db, job: ExportJob): Promise<ExportSource> {
  switch (job.kind) {
    case "gestures":
      return {
        columns: gestureExportColumns(job.currency),
        fetchPage: await gestureExportReader(db, { scope: job.scope, range: job.range }),
        keyOf: (row: GestureExportRow) => ({ at: row.submittedAt, id: row.id }),
        bom: job.bom,
      } as ExportSource;
    case "ledger":
      return {
        columns: ledgerExportColumns(job.currency),
        fetchPage: await ledgerExportReader(db, { scope: job.scope, range: job.range }),
        keyOf: (row: LedgerExportRow) => ({ at: row.at, id: row.id }),
        bom: job.bom,
      } as ExportSource;
    case "audit":
      // Newest first: the key is the id the next page must be older than.
      return {
        columns: AUDIT_COLUMNS,
        fetchPage: async (before: number | null, limit: number) => (await listAuditEvents(db, { ...job.filter, before: before ?? undefined, pageSize: limit })).rows,
        keyOf: (event: AuditExportRow) => event.id,
        bom: job.bom,
      } as ExportSource;
  }
}
