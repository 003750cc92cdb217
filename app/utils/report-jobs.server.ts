// Finance's whole-bank analytics as plain data (a "report job") and how each is computed: the same
// code runs in the request's process (tests, development) and in a report worker thread (production,
// see report-worker.server.ts), which is why a job holds only cloneable values (dates included) and
// this module opens no database itself.
import { fairnessReport } from "~/domain/reporting/fairness.server";
import { computeFlags, type Flag, type FlagRule } from "~/domain/reporting/patterns.server";
import type { Quarter, ReportRange, ReportScope } from "~/domain/reporting/report-filter.server";
import type { DbOrTx } from "./database.server";

export type ReportJob = { kind: "fairness"; scope: ReportScope; range: ReportRange } | { kind: "flags"; quarter: Quarter; currency: string; rules: readonly FlagRule[] };

export type ReportResult<Job extends ReportJob> = Job extends { kind: "fairness" } ? Awaited<ReturnType<typeof fairnessReport>> : Flag[];

export async function computeReport<Job extends ReportJob>(db: DbOrTx, job: Job): Promise<ReportResult<Job>> {
  if (job.kind === "fairness") return (await fairnessReport(db, { scope: job.scope, range: job.range })) as ReportResult<Job>;
  return (await computeFlags(db, job.quarter, job.currency, job.rules)) as ReportResult<Job>;
}
