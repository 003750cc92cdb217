// The gesture page's form posts, one function per intent: parse with the form's schema, call one
// domain function, answer with a redirect and a toast, or with the form's errors (status 400 or
// the domain error's status). The multipart receipt stream is read here too.
import { parseWithZod } from "@conform-to/zod/v4";
import { json, unstable_composeUploadHandlers, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { isDomainError, domainErrorOf } from "~/domain/core/errors";
import { DecisionSchema, EditProposalSchema, WithdrawSchema } from "~/domain/gestures/gesture-schemas";
import { decideGesture } from "~/domain/gestures/decisions.server";
import { editProposal, withdrawGesture } from "~/domain/gestures/proposals.server";
import { viewGesture } from "~/domain/gestures/gesture-queries.server";
import { CancelSchema, FulfilSchema, OutcomeSchema, ReapprovalSchema } from "~/domain/gestures/fulfilment-schemas";
import { cancelGesture, decideReapproval, fulfilGesture, recordOutcome, type ReceiptUpload } from "~/domain/gestures/fulfilment.server";
import { formatMoney } from "~/domain/core/money";
import { getOrganisation } from "~/domain/core/organisation.server";
import { readReceiptUpload } from "~/domain/gestures/receipts.server";
import type { SessionUser } from "~/domain/identity/sessions.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply } from "~/utils/errors.server";
import { transitionToast } from "~/utils/gesture-toast.server";
import { submitForm } from "~/utils/form-action.server";
import { redirectWithToast } from "~/utils/toast.server";

export type IntentArgs = { user: SessionUser; gestureId: number; formData: FormData };

/** The proposal id from the URL; anything else is the same 404 as a proposal one may not see. */
export function gestureIdFrom(params: { gestureId?: string }) {
  const id = Number(params.gestureId);
  if (!Number.isSafeInteger(id) || id < 1) throw json({ message: "This proposal does not exist, or it is not yours to see." }, { status: 404 });
  return id;
}

/** A receipt sent with the fulfilment form: the stored file, or why it was refused. */
export type ReceiptPart = { upload: ReceiptUpload | null; error: string | null };

/**
 * The posted form. The fulfilment form is multipart: its receipt is read into memory (checked by
 * content, at most 10 MB) for the fulfilment's transaction to write; a refused file is remembered, the rest of the body drained,
 * and the refusal shown beside the field with everything else the person typed.
 */
export async function readForm(request: Request): Promise<{ formData: FormData; receipt: ReceiptPart }> {
  const receipt: ReceiptPart = { upload: null, error: null };
  if (!request.headers.get("Content-Type")?.startsWith("multipart/form-data")) {
    const formData = await request.formData();
    formData.delete("receipt");
    return { formData, receipt };
  }
  const receiptHandler: UploadHandler = async ({ name, filename, data }) => {
    if (name !== "receipt" || filename === undefined) return undefined;
    if (!filename || receipt.upload || receipt.error) {
      for await (const _chunk of data); // an empty file input, or a second file: drain it
      return "";
    }
    try {
      receipt.upload = { ...(await readReceiptUpload(data)), originalName: filename };
    } catch (caught) {
      const error = domainErrorOf(caught) ?? caught;
      if (!isDomainError(error)) throw error;
      receipt.error = error.message;
      for await (const _chunk of data);
    }
    return "";
  };
  const formData = await unstable_parseMultipartFormData(request, unstable_composeUploadHandlers(receiptHandler, unstable_createMemoryUploadHandler({ maxPartSize: 10_000 })));
  formData.delete("receipt");
  return { formData, receipt };
}

export async function fulfil({ user, gestureId, formData }: IntentArgs, receipt: ReceiptPart) {
  const stored = receipt.upload;
  const submission = parseWithZod(formData, { schema: FulfilSchema });
  if (submission.status !== "success" || receipt.error) {
    const errors = submission.status === "success" ? {} : submission.error ?? {};
    return json(submission.reply({ fieldErrors: { ...errors, ...(receipt.error ? { receipt: [receipt.error] } : {}) } as Record<string, string[]> }), { status: 400 });
  }
  try {
    const result = await fulfilGesture(db, user, { gestureId, ...submission.value, receipt: stored }, now());
    const currency = (await getOrganisation(db)).currency;
    const message = result.alreadyDone
      ? "This fulfilment was already recorded; nothing happened twice."
      : result.status === "needs_reapproval"
      ? `It cost ${formatMoney(result.difference, currency)} more than approved, beyond what the policy allows: it went back to the approver. Nothing was spent yet.`
      : result.released > 0
      ? `Fulfilment recorded: ${formatMoney(result.captured, currency)} spent, ${formatMoney(result.released, currency)} back in the pool.`
      : `Fulfilment recorded: ${formatMoney(result.captured, currency)} spent.`;
    return await redirectWithToast(`/gestures/${gestureId}`, { kind: result.alreadyDone ? "info" : result.status === "needs_reapproval" ? "info" : "success", message });
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    return domainErrorReply(submission, error);
  }
}

export async function cancel({ user, gestureId, formData }: IntentArgs) {
  return await submitForm(formData, CancelSchema, async (value) => {
    const result = await cancelGesture(db, user, { gestureId, ...value }, now());
    return await redirectWithToast(`/gestures/${gestureId}`, {
      kind: result.alreadyDone ? "info" : "success",
      message: result.alreadyDone ? "It was already cancelled." : "Cancelled. The money set aside went back to the pool.",
    });
  });
}

export async function outcome({ user, gestureId, formData }: IntentArgs) {
  return await submitForm(formData, OutcomeSchema, async (value) => {
    const result = await recordOutcome(db, user, { gestureId, ...value }, now());
    return await redirectWithToast(`/gestures/${gestureId}`, {
      kind: result.alreadyDone ? "info" : "success",
      message: result.alreadyDone ? "The response was already recorded." : "The customer's response is recorded; the gesture is closed.",
    });
  });
}

/** "reapprove" and "refuse-reapproval": the approver's answer to a fulfilment that cost too much. */
export async function reapproval({ user, gestureId, formData }: IntentArgs) {
  return await submitForm(formData, ReapprovalSchema, async ({ version, intent, comment }) => {
    const result = await decideReapproval(db, user, { gestureId, version, decision: intent === "reapprove" ? "approve" : "refuse", comment }, now());
    return await redirectWithToast(`/gestures/${gestureId}`, {
      kind: result.alreadyDone ? "info" : "success",
      message: result.alreadyDone
        ? "You had already decided this; nothing happened twice."
        : result.status === "fulfilled"
        ? "Approved the actual amount; the gesture is fulfilled."
        : "Refused. It stays approved at the earlier amount.",
    });
  });
}

/** "approve", "reject" and "return": the approver's decision; back to the queue afterwards. */
export async function decide({ user, gestureId, formData }: IntentArgs) {
  return await submitForm(formData, DecisionSchema, async ({ version, intent, comment }) => {
    const result = await decideGesture(db, user, { gestureId, version, decision: intent, comment }, now());
    const currency = (await getOrganisation(db)).currency;
    const view = await viewGesture(db, user, gestureId, now());
    const what = `proposal #${gestureId} (${formatMoney(view.gesture.requestedAmount, currency)}) for ${view.customer.name}`;
    const message = result.alreadyDone
      ? "You had already decided this; nothing happened twice."
      : result.status === "awaiting_finance"
      ? `Approved ${what}. It now waits for finance's second approval.`
      : result.status === "approved"
      ? `Approved ${what}; the money is set aside.`
      : result.status === "rejected"
      ? `Rejected ${what}. The proposer is told why.`
      : `Returned ${what} for changes. The proposer is told what to change.`;
    return await redirectWithToast("/approvals", { kind: result.alreadyDone ? "info" : "success", message: message.slice(0, 300) });
  });
}

export async function withdraw({ user, gestureId, formData }: IntentArgs) {
  return await submitForm(formData, WithdrawSchema, async ({ version }) => {
    const result = await withdrawGesture(db, user, { gestureId, version }, now());
    return await redirectWithToast(`/gestures/${gestureId}`, {
      kind: result.alreadyDone ? "info" : "success",
      message: result.alreadyDone ? "It was already withdrawn." : "Proposal withdrawn. Nothing was spent.",
    });
  });
}

/** "save-draft" and "submit" (and anything else): the proposer's edit; the schema refuses the unknown. */
export async function edit({ user, gestureId, formData }: IntentArgs) {
  return await submitForm(formData, EditProposalSchema, async ({ intent, signalId, ...input }) => {
    const result = await editProposal(db, user, { ...input, signalId: signalId ?? null, gestureId, submit: intent === "submit" }, now());
    return await redirectWithToast(`/gestures/${gestureId}`, transitionToast(result));
  });
}
