// Opening a budget period: the CSV upload that fills the amounts, then "review" (nothing is
// written), "open" (once per idempotency key) or "edit" (back to the amounts).
import type { Submission, SubmissionResult } from "@conform-to/react";
import { json, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import type { z } from "zod";
import { parseAllocationCsv } from "~/domain/budget/allocation-csv.server";
import { branchesWithAllocations, nextPeriod, openPeriod } from "~/domain/budget/budget-periods.server";
import { CSV_MAX_BYTES, type OpenPeriodSchema } from "~/domain/budget/budget-schemas";
import { formatMoney, moneyInputText } from "~/domain/core/money";
import { getOrganisation } from "~/domain/core/organisation.server";
import type { SessionUser } from "~/domain/identity/sessions.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorResult } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export type Review = { total: number; withoutAllocation: number; amounts: { branchId: number; name: string; text: string; amount: number }[] };
export type ActionData = { kind: "upload"; prefill: Record<string, string>; csvErrors: string[]; message: string } | { kind: "form"; result: SubmissionResult<string[]>; review: Review | null };
type Branches = Awaited<ReturnType<typeof branchesWithAllocations>>;
type StepArgs = { formData: FormData; submission: Submission<unknown>; input: z.output<typeof OpenPeriodSchema>; branches: Branches };

export async function loadNext() {
  const next = await nextPeriod(db, now());
  const branches = await branchesWithAllocations(db, next.previous?.id ?? null);
  return { next, branches };
}

/** The amounts as they will be allocated, with each as typed; nothing is written. */
export function review({ formData, submission, input: { amounts }, branches }: StepArgs) {
  const names = new Map(branches.map((b) => [b.id, b.name]));
  const review: Review = {
    total: amounts.reduce((sum, row) => sum + row.amount, 0),
    withoutAllocation: branches.length - amounts.filter((row) => row.amount > 0).length,
    amounts: amounts.map((row, index) => ({
      branchId: row.branchId,
      name: names.get(row.branchId) ?? `Branch ${row.branchId}`,
      text: String(formData.get(`amounts[${index}].amount`) ?? ""),
      amount: row.amount,
    })),
  };
  return json<ActionData>({ kind: "form", result: submission.reply(), review });
}

export async function open(user: SessionUser, { submission, input: { amounts, idempotencyKey } }: StepArgs) {
  try {
    const result = await openPeriod(db, user, { amounts, idempotencyKey, now: now() });
    const currency = (await getOrganisation(db)).currency;
    return await redirectWithToast(`/pools?period=${result.periodId}`, {
      kind: result.replayed ? "info" : "success",
      message: result.replayed
        ? `${result.label} was already opened; nothing was added twice.`
        : `${result.label} is open: ${result.pools} branch pools, ${formatMoney(result.total, currency)} allocated.`,
    });
  } catch (error) {
    const { result, status } = domainErrorResult(submission, error);
    return json<ActionData>({ kind: "form", result, review: null }, { status });
  }
}

/** A CSV of branch codes and amounts fills the form; its errors are listed, nothing is written. */
export async function readUpload(request: Request, branches: { id: number; code: string }[]): Promise<ActionData> {
  const fail = (message: string): ActionData => ({ kind: "upload", prefill: {}, csvErrors: [message], message: "" });
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: CSV_MAX_BYTES }));
  } catch {
    return fail(`The file is too large. A CSV of branch codes and amounts is at most ${CSV_MAX_BYTES / 1024} KB.`);
  }
  const file = formData.get("file");
  if (!(file instanceof Blob) || file.size === 0) return fail("Choose a CSV file with a branch code and an amount on each line.");
  const csv = parseAllocationCsv(await file.text(), branches);
  if (csv.errors.length > 0) return { kind: "upload", prefill: {}, csvErrors: csv.errors, message: "" };
  const prefill = Object.fromEntries([...csv.amounts].map(([branchId, amount]) => [String(branchId), moneyInputText(amount)]));
  const missing = branches.length - csv.amounts.size;
  return {
    kind: "upload",
    prefill,
    csvErrors: [],
    message: `Read ${csv.rows} ${csv.rows === 1 ? "row" : "rows"}.${
      missing > 0 ? ` ${missing} ${missing === 1 ? "branch was" : "branches were"} not in the file and ${missing === 1 ? "is" : "are"} left blank.` : ""
    } Check the amounts below, then review.`,
  };
}
