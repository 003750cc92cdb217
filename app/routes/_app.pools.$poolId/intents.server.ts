// The pool page's two-step money moves (allocate, adjust): "review" checks and shows what will
// happen, "confirm" moves the money once (the idempotency key), "edit" goes back to the form.
import type { Submission } from "@conform-to/react";
import { json } from "@remix-run/node";
import type { z } from "zod";
import type { PoolActionSchema } from "~/domain/budget/budget-schemas";
import { adjust, allocate, findPool, getPoolBalance } from "~/domain/budget/ledger.server";
import { formatMoney } from "~/domain/core/money";
import { getOrganisation } from "~/domain/core/organisation.server";
import { budgetAlertThresholds } from "~/domain/policy/policy";
import { getEffectivePolicy } from "~/domain/policy/policy.server";
import type { SessionUser } from "~/domain/identity/sessions.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorResult } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export type Review = { intent: "allocate" | "adjust"; amountText: string; amount: number; note: string; idempotencyKey: string; availableAfter: number };
type Pool = NonNullable<Awaited<ReturnType<typeof findPool>>>;
type PoolAction = z.output<typeof PoolActionSchema>;
type StepArgs = { user: SessionUser; pool: Pool; formData: FormData; submission: Submission<unknown>; input: PoolAction };

export async function loadPool(params: { poolId?: string }) {
  const id = Number(params.poolId);
  const pool = Number.isSafeInteger(id) && id > 0 ? await findPool(db, id) : null;
  if (!pool) throw json({ message: "This budget pool does not exist. Pick one from the budgets list." }, { status: 404 });
  return pool;
}

/** The pool's available balance after the move, or why it may not happen; nothing is written. */
export async function review({ pool, formData, submission, input }: StepArgs) {
  const currency = (await getOrganisation(db)).currency;
  const available = (await getPoolBalance(db, pool.id)).available;
  if (pool.periodStatus === "closed") {
    return json({ intent: input.intent, result: submission.reply({ formErrors: [`${pool.label} is closed: its budget cannot change.`] }), review: null }, { status: 409 });
  }
  if (available + input.amount < 0) {
    const message = `${pool.branchName} has ${formatMoney(available, currency)} available; ${formatMoney(input.amount, currency)} would take it below zero.`;
    return json({ intent: input.intent, result: submission.reply({ fieldErrors: { amount: [message] } }), review: null }, { status: 409 });
  }
  const review: Review = {
    intent: input.intent,
    amountText: String(formData.get("amount") ?? ""),
    amount: input.amount,
    note: input.intent === "adjust" ? input.reason : input.memo ?? "",
    idempotencyKey: input.idempotencyKey,
    availableAfter: available + input.amount,
  };
  return json({ intent: input.intent, result: submission.reply(), review });
}

/** Moves the money (once per idempotency key) and says where the pool stands now. */
export async function confirm({ user, pool, submission, input }: StepArgs) {
  const currency = (await getOrganisation(db)).currency;
  try {
    const at = now();
    const result =
      input.intent === "allocate"
        ? await allocate(db, user, { poolId: pool.id, amount: input.amount, memo: input.memo, idempotencyKey: input.idempotencyKey, now: at })
        : await adjust(db, user, {
            poolId: pool.id,
            amount: input.amount,
            reason: input.reason,
            idempotencyKey: input.idempotencyKey,
            now: at,
            alertThresholds: budgetAlertThresholds((await getEffectivePolicy(db, pool.branchId)).policy),
          });
    const what = input.intent === "allocate" ? `Allocated ${formatMoney(input.amount, currency)}` : `Adjusted by ${formatMoney(input.amount, currency, { signed: true })}`;
    return await redirectWithToast(`/pools/${pool.id}`, {
      kind: result.replayed ? "info" : "success",
      message: result.replayed ? "That was already recorded; nothing was added twice." : `${what} for ${pool.branchName}, ${pool.label}. Available now: ${formatMoney(result.available, currency)}.`,
    });
  } catch (error) {
    const { result, status } = domainErrorResult(submission, error);
    return json({ intent: input.intent, result, review: null }, { status });
  }
}
