// Deciding from the e-mail (issue 22). An approval e-mail carries a link to a decision page for
// one proposal: a random token whose HMAC alone is stored, bound to one approver and to the
// proposal's version when the e-mail was sent, good once and for DECISION_LINK_DAYS. The link
// never decides by itself: the page shows the proposal and posts the approver's decision, which
// goes through decideGesture (the same right, policy, hold and audit as the proposal's page) with
// the link spent in the same transaction. A used, expired, foreign or stale link is refused in
// plain words and changes nothing.
import { createHmac, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { branches, customers, decisionLinks, gestures, type Decision, type Gesture, type Role } from "../../../db/schema";
import { writeTransaction, type DbOrTx } from "~/utils/db.server";
import { addLocalDays } from "../core/dates";
import { DomainError, type DomainErrorCode } from "../core/errors";
import { formatMoney } from "../core/money";
import { SIGNAL_KIND_LABELS } from "../customers/customer-rules";
import { currentPoolFor, getPoolBalance } from "../budget/ledger.server";
import { getEffectivePolicy } from "../policy/policy.server";
import { decisionRight } from "../approvals/routing.server";
import { findGestureType } from "../policy/catalogue.server";
import { decideGesture } from "./decisions.server";
import { customerTwelveMonths, managerApproverOf, organisationFacts, userName, type GestureActor, type TransitionResult } from "./gesture-record.server";
import { GESTURE_STATUS_LABELS, needsSecondApproval } from "./gesture-rules";
import { firstRow } from "~/utils/query.server";

/** How long a decision link works: a week of local days, so a reminder's link outlives the next reminder. */
export const DECISION_LINK_DAYS = 7;
/** A token is 32 random bytes in base64url: 43 characters of [A-Za-z0-9_-]. */
export const DECISION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const WAITING: Gesture["status"][] = ["submitted", "awaiting_finance"];

export function hashDecisionToken(token: string, secret: string): string {
  return createHmac("sha256", secret).update(`decision-link:${token}`).digest("hex");
}

/** The path of a proposal's decision page with its token. */
export function decisionPath(gestureId: number, token: string): string {
  return `/approvals/${gestureId}/decide?${new URLSearchParams({ token })}`;
}

/** Creates a link for `approverId` to decide `gestureId` at `version`; the token is returned once and never stored. */
export async function issueDecisionLink(db: DbOrTx, input: { gestureId: number; approverId: number; version: number; secret: string; now: Date }) {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = addLocalDays(input.now, DECISION_LINK_DAYS, (await organisationFacts(db, input.now)).timeZone);
  await db
    .insert(decisionLinks)
    .values({ tokenHash: hashDecisionToken(token, input.secret), gestureId: input.gestureId, approverId: input.approverId, gestureVersion: input.version, createdAt: input.now, expiresAt });
  return { token, expiresAt, path: decisionPath(input.gestureId, token) };
}

export type LinkProblem = "invalid" | "other-proposal" | "foreign" | "used" | "expired" | "stale" | "no-right";

/** The HTTP status of each refusal: the link does not exist here, is someone else's, is spent, or is out of date. */
export const LINK_PROBLEM_STATUS: Record<LinkProblem, number> = { invalid: 404, "other-proposal": 404, foreign: 403, used: 410, expired: 410, stale: 409, "no-right": 403 };
const LINK_PROBLEM_CODE: Record<LinkProblem, DomainErrorCode> = {
  invalid: "NOT_FOUND",
  "other-proposal": "NOT_FOUND",
  foreign: "FORBIDDEN",
  used: "CONFLICT",
  expired: "CONFLICT",
  stale: "CONFLICT",
  "no-right": "FORBIDDEN",
};

export type LinkCheck = { ok: true; linkId: number; gesture: Gesture; level: "manager" | "finance"; goesToFinance: boolean } | { ok: false; problem: LinkProblem; message: string };

function timeWords(at: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(at);
}

/**
 * Whether `actor` may decide `gestureId` through `token` now. Checked in an order that tells a
 * stranger nothing: whether the link exists and is for this proposal, then whose it is, and only
 * to its approver whether it is spent, expired or out of date.
 */
export async function checkDecisionLink(db: DbOrTx, actor: GestureActor & { role: Role }, input: { gestureId: number; token: string | null; secret: string }, now: Date): Promise<LinkCheck> {
  const refuse = (problem: LinkProblem, message: string): LinkCheck => ({ ok: false, problem, message });
  if (!input.token || !DECISION_TOKEN_PATTERN.test(input.token)) {
    return refuse("invalid", "This approval link is not complete or not valid. Copy the whole link from the e-mail, or open the proposal from your approvals queue.");
  }
  const link = await firstRow(
    db
      .select()
      .from(decisionLinks)
      .where(eq(decisionLinks.tokenHash, hashDecisionToken(input.token, input.secret)))
      .limit(1),
  );
  if (!link) return refuse("invalid", "This approval link is not valid. Copy the whole link from the e-mail, or open the proposal from your approvals queue.");
  if (link.gestureId !== input.gestureId)
    return refuse("other-proposal", "This approval link belongs to another proposal than the one in the address. Open the link exactly as the e-mail gave it, or use your approvals queue.");
  if (link.approverId !== actor.id) {
    return refuse(
      "foreign",
      "This approval link was sent to another approver, so it cannot be used while you are signed in. Nothing was changed. If the proposal is yours to decide, it is in your approvals queue.",
    );
  }
  const { timeZone, today } = await organisationFacts(db, now);
  if (link.usedAt)
    return refuse("used", `This approval link was already used, on ${timeWords(link.usedAt, timeZone)}; a link works once. Nothing was changed. The proposal and its decision are in Empathy Fund.`);
  if (link.expiresAt.getTime() <= now.getTime()) {
    return refuse("expired", `This approval link expired on ${timeWords(link.expiresAt, timeZone)}. Nothing was changed. If the proposal still waits for you, it is in your approvals queue.`);
  }
  const gesture = await firstRow(db.select().from(gestures).where(eq(gestures.id, link.gestureId)).limit(1));
  if (!gesture) return refuse("invalid", "This proposal no longer exists.");
  if (gesture.version !== link.gestureVersion || !WAITING.includes(gesture.status)) {
    return refuse(
      "stale",
      `This proposal changed since the e-mail was sent; it is now ${GESTURE_STATUS_LABELS[
        gesture.status
      ].toLowerCase()}. The link no longer works and nothing was changed. Open it in Empathy Fund to see where it stands.`,
    );
  }
  const right = await rightToDecide(db, actor, gesture, today);
  if (!right.allowed) return refuse("no-right", `${right.reason} Nothing was changed.`);
  return { ok: true, linkId: link.id, gesture, level: right.level, goesToFinance: right.goesToFinance };
}

/** Whether `actor` may decide `gesture` now, at which level, and whether an approval sends it on to finance. */
export async function rightToDecide(db: DbOrTx, actor: GestureActor & { role: Role }, gesture: Gesture, today: string) {
  const right = await decisionRight(db, actor, gesture, today, gesture.status === "awaiting_finance" ? await managerApproverOf(db, gesture.id) : null);
  if (!right.allowed) return right;
  const { policy } = await getEffectivePolicy(db, gesture.branchId);
  return { ...right, goesToFinance: right.level === "manager" && needsSecondApproval(gesture.requestedAmount, policy) };
}

export type DecideWithLinkInput = { gestureId: number; token: string | null; secret: string; decision: Decision; comment: string };

/** Decides through a link: the link is checked again and spent in the decision's own transaction. */
export async function decideWithLink(db: DbOrTx, actor: GestureActor & { role: Role }, input: DecideWithLinkInput, now: Date): Promise<TransitionResult> {
  return await writeTransaction(db, async (tx) => {
    const check = await checkDecisionLink(tx, actor, input, now);
    if (!check.ok) throw new DomainError(LINK_PROBLEM_CODE[check.problem], check.message);
    const result = await decideGesture(tx, actor, { gestureId: check.gesture.id, version: check.gesture.version, decision: input.decision, comment: input.comment, via: "email_link" }, now);
    const spent = await tx
      .update(decisionLinks)
      .set({ usedAt: now })
      .where(and(eq(decisionLinks.id, check.linkId), isNull(decisionLinks.usedAt)));
    if (spent.changes !== 1) throw new DomainError("CONFLICT", "This approval link was used a moment ago; nothing was changed twice.");
    return result;
  });
}

/**
 * What an approver needs beside the decision, in the e-mail and on the decision page: who
 * proposed it, the occasion in words, the type, the amount against the discretion limit, the
 * pool's available balance and the customer's last 12 months against the caps. Never a note, a
 * card message or a justification, and not the customer's name (an e-mail leaves the bank).
 */
export async function approvalEvidence(db: DbOrTx, gesture: Gesture, now: Date) {
  const { currency, timeZone } = await organisationFacts(db, now);
  const { policy } = await getEffectivePolicy(db, gesture.branchId);
  const pool = await currentPoolFor(db, gesture.branchId, now);
  const available = pool && pool.periodStatus === "open" ? (await getPoolBalance(db, pool.id)).available : null;
  const before = await customerTwelveMonths(db, gesture.customerId, now, gesture.id);
  const branchName = (await firstRow(db.select({ name: branches.name }).from(branches).where(eq(branches.id, gesture.branchId)).limit(1)))?.name ?? "the branch";
  const amount = gesture.requestedAmount;
  const money = (minor: number) => formatMoney(minor, currency);
  const amountLine =
    amount > policy.discretionLimit
      ? `${money(amount)}, ${money(amount - policy.discretionLimit)} over the discretion limit of ${money(policy.discretionLimit)}`
      : `${money(amount)}, within the discretion limit of ${money(policy.discretionLimit)}`;
  const secondApproval = needsSecondApproval(amount, policy)
    ? `At or over the second-approval threshold of ${money(policy.secondApprovalThreshold)}: finance approves it too.`
    : `Under the second-approval threshold of ${money(policy.secondApprovalThreshold)}.`;
  const poolLine =
    available === null
      ? `No budget period is open for ${branchName}; approval is refused until finance opens one.`
      : available >= amount
      ? `${money(available)} available in the ${branchName} pool; ${money(available - amount)} after this gesture.`
      : `${money(available)} available in the ${branchName} pool: not enough for ${money(amount)}, so approval would be refused.`;
  const after = { count: before.count + 1, amount: before.amount + amount };
  const customerLine =
    `${before.count} gesture${before.count === 1 ? "" : "s"} for ${money(before.amount)} in the last 12 months; with this one ${after.count} of at most ${policy.customerCapCount}` +
    ` and ${money(after.amount)} of at most ${money(policy.customerCapAmount)}.`;
  return {
    gestureId: gesture.id,
    status: gesture.status,
    version: gesture.version,
    branchName,
    proposerName: await userName(db, gesture.proposerId),
    occasion: SIGNAL_KIND_LABELS[gesture.occasion],
    typeName: (await findGestureType(db, gesture.typeId))?.name ?? "Gesture",
    amount,
    submittedAt: gesture.submittedAt ? timeWords(gesture.submittedAt, timeZone) : null,
    lines: [
      { label: "Proposed by", value: await userName(db, gesture.proposerId) },
      { label: "Branch", value: branchName },
      { label: "Occasion", value: SIGNAL_KIND_LABELS[gesture.occasion] },
      { label: "Gesture", value: (await findGestureType(db, gesture.typeId))?.name ?? "Gesture" },
      { label: "Amount", value: `${amountLine}. ${secondApproval}` },
      { label: "Pool", value: poolLine },
      { label: "This customer", value: customerLine },
    ],
  };
}

export type ApprovalEvidence = Awaited<ReturnType<typeof approvalEvidence>>;

/** The decision page of a link that passed its check: the evidence, and the customer's name (inside the app only). */
export async function decisionPageView(db: DbOrTx, check: Extract<LinkCheck, { ok: true }>, now: Date) {
  const customerName = (await firstRow(db.select({ name: customers.name }).from(customers).where(eq(customers.id, check.gesture.customerId)).limit(1)))?.name ?? "";
  return { ...(await approvalEvidence(db, check.gesture, now)), customerName, level: check.level, goesToFinance: check.goesToFinance };
}
