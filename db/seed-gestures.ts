// Demo proposals for db/seed.ts, made through the workflow's own functions so that holds, decisions,
// audit events and notifications are all consistent: drafts, proposals waiting for a manager or
// for finance, approved ones (at staff discretion and by a manager), returned, rejected and
// withdrawn ones, across the demo branches. The named demo customers (NTH-DEMO-*) are left alone
// so that the browser journeys can propose for them. Dated in the hours before the seed runs.
import { and, asc, eq, isNull, like, sql } from "drizzle-orm";
import type { GestureActor } from "../app/domain/gestures/gesture-record.server";
import { decideGesture } from "../app/domain/gestures/decisions.server";
import { proposeGesture, withdrawGesture } from "../app/domain/gestures/proposals.server";
import type { Db } from "../app/utils/db.server";
import { cancelGesture, decideReapproval, fulfilGesture, recordOutcome, type ReceiptUpload } from "../app/domain/gestures/fulfilment.server";
import { localDate } from "../app/domain/core/dates";
import { getOrganisation } from "../app/domain/core/organisation.server";
import { readReceiptUpload } from "../app/domain/gestures/receipts.server";
import { branches, customers, gestureTypes, signals, users, type Occasion, type Outcome } from "./schema";
import { firstRow } from "~/utils/query.server";

type Step =
  | "draft"
  | "submit"
  | { approve: string }
  | { return: string; comment: string }
  | { reject: string; comment: string }
  | "withdraw"
  | { fulfil: string; actual: number; vendor: string; note?: string; receipt?: "png" | "pdf" }
  | { reapprove: string }
  | { outcome: string; result: Outcome; note?: string }
  | { cancel: string; reason: string };

type Plan = {
  branch: string;
  proposer: string;
  occasion: Occasion;
  type: string;
  amount: number;
  justification?: string;
  cardMessage?: string;
  steps: Step[];
};

const JUSTIFY = "Long-standing customer; the team knows the family well.";

const PLANS: Plan[] = [
  // North: Sam Carter and Priya Shah propose; Maria Lopez approves.
  { branch: "NTH", proposer: "staff.north@example.com", occasion: "long_wait", type: "voucher", amount: 2_500, steps: ["submit"] },
  {
    branch: "NTH",
    proposer: "priya.shah@example.com",
    occasion: "bereavement",
    type: "flowers",
    amount: 8_500,
    justification: JUSTIFY,
    cardMessage: "With our deepest sympathy.",
    steps: ["submit", { approve: "manager.north@example.com" }],
  },
  {
    branch: "NTH",
    proposer: "staff.north@example.com",
    occasion: "illness",
    type: "flowers",
    amount: 9_000,
    justification: "Hospital stay after surgery; a regular at the counter.",
    cardMessage: "Get well soon from all of us.",
    steps: ["submit"],
  },
  {
    branch: "NTH",
    proposer: "priya.shah@example.com",
    occasion: "new_baby",
    type: "gift_basket",
    amount: 8_000,
    justification: "First child; opened a junior savings account with us.",
    steps: ["submit"],
  },
  {
    branch: "NTH",
    proposer: "staff.north@example.com",
    occasion: "bereavement",
    type: "donation",
    amount: 18_000,
    justification: "The family asked for donations to the hospice instead of flowers.",
    steps: ["submit", { approve: "manager.north@example.com" }],
  },
  {
    branch: "NTH",
    proposer: "staff.north@example.com",
    occasion: "complaint",
    type: "flowers",
    amount: 7_000,
    justification: "Fee charged in error twice.",
    steps: ["submit", { return: "manager.north@example.com", comment: "A meal voucher suits a fee complaint better; please resubmit as a voucher." }],
  },
  {
    branch: "NTH",
    proposer: "priya.shah@example.com",
    occasion: "tenure_anniversary",
    type: "gift_basket",
    amount: 14_000,
    justification: "25 years a customer.",
    steps: ["submit", { reject: "manager.north@example.com", comment: "Too much for an anniversary; a handwritten note from the team is enough." }],
  },
  {
    branch: "NTH",
    proposer: "staff.north@example.com",
    occasion: "service_failure",
    type: "flowers",
    amount: 6_000,
    justification: "Salary transfer delayed by the outage.",
    steps: ["submit", "withdraw"],
  },
  { branch: "NTH", proposer: "staff.north@example.com", occasion: "survey_promoter", type: "handwritten_note", amount: 0, steps: ["draft"] },
  // The sole manager's own proposal goes to finance.
  {
    branch: "NTH",
    proposer: "manager.north@example.com",
    occasion: "illness",
    type: "flowers",
    amount: 6_500,
    justification: "Long hospital stay; a customer the whole branch knows.",
    steps: ["submit"],
  },
  // South: Jordan Lee and Tom Becker propose; Aisha Bello approves.
  { branch: "STH", proposer: "staff.south@example.com", occasion: "complaint", type: "voucher", amount: 2_000, steps: ["submit"] },
  { branch: "STH", proposer: "tom.becker@example.com", occasion: "bereavement", type: "flowers", amount: 7_500, justification: JUSTIFY, steps: ["submit"] },
  {
    branch: "STH",
    proposer: "staff.south@example.com",
    occasion: "illness",
    type: "donation",
    amount: 16_000,
    justification: "Long illness; the customer supports the cancer charity.",
    steps: ["submit", { approve: "manager.south@example.com" }, { approve: "finance@example.com" }],
  },
  {
    branch: "STH",
    proposer: "tom.becker@example.com",
    occasion: "marriage",
    type: "gift_basket",
    amount: 9_500,
    justification: "Married last month; customer since childhood.",
    steps: ["submit", { reject: "manager.south@example.com", comment: "A card from the branch is enough for a wedding." }],
  },
  // The other branches: some at staff discretion, some waiting for their manager, one approved.
  { branch: "LKS", proposer: "marcus.hale@example.com", occasion: "long_wait", type: "voucher", amount: 1_500, steps: ["submit"] },
  { branch: "LKS", proposer: "marcus.hale@example.com", occasion: "bereavement", type: "flowers", amount: 6_500, justification: JUSTIFY, steps: ["submit"] },
  { branch: "HBR", proposer: "owen.price@example.com", occasion: "service_failure", type: "flowers", amount: 6_000, justification: "Cheque deposit lost by the branch.", steps: ["submit"] },
  { branch: "HBR", proposer: "owen.price@example.com", occasion: "illness", type: "flowers", amount: 7_000, justification: JUSTIFY, steps: ["submit", { approve: "grace.kim@example.com" }] },
  { branch: "CTY", proposer: "ben.okafor@example.com", occasion: "hardship", type: "voucher", amount: 3_000, steps: ["submit"] },
  { branch: "CTY", proposer: "ben.okafor@example.com", occasion: "illness", type: "flowers", amount: 6_000, justification: JUSTIFY, steps: ["submit"] },
  // After approval (issue 6): fulfilled with a receipt, closed with the customer's response (one
  // recorded by a colleague, so the proposer was told), cancelled, and one that cost more than the
  // tolerance and waits for the manager's approval again; one re-approved.
  {
    branch: "NTH",
    proposer: "staff.north@example.com",
    occasion: "long_wait",
    type: "voucher",
    amount: 2_000,
    steps: ["submit", { fulfil: "staff.north@example.com", actual: 2_000, vendor: "Corner Café", note: "Handed over at the counter." }],
  },
  {
    branch: "NTH",
    proposer: "priya.shah@example.com",
    occasion: "bereavement",
    type: "flowers",
    amount: 4_500,
    cardMessage: "With sympathy from all of us.",
    steps: [
      "submit",
      { fulfil: "priya.shah@example.com", actual: 4_275, vendor: "Petals of Northgate", receipt: "png" },
      { outcome: "staff.north@example.com", result: "thanked", note: "Her daughter came in to thank the team." },
    ],
  },
  {
    branch: "NTH",
    proposer: "staff.north@example.com",
    occasion: "illness",
    type: "flowers",
    amount: 8_000,
    justification: "Hospital stay; a regular at the counter.",
    steps: [
      "submit",
      { approve: "manager.north@example.com" },
      { fulfil: "staff.north@example.com", actual: 8_400, vendor: "Petals of Northgate", receipt: "pdf", note: "Delivered to the ward." },
      { outcome: "staff.north@example.com", result: "positive_feedback" },
    ],
  },
  {
    branch: "NTH",
    proposer: "priya.shah@example.com",
    occasion: "service_failure",
    type: "flowers",
    amount: 4_000,
    steps: ["submit", { cancel: "priya.shah@example.com", reason: "The customer closed the account before we could arrange it." }],
  },
  {
    branch: "NTH",
    proposer: "staff.north@example.com",
    occasion: "new_baby",
    type: "gift_basket",
    amount: 7_000,
    justification: "First grandchild; customer for 30 years.",
    steps: [
      "submit",
      { approve: "manager.north@example.com" },
      { fulfil: "staff.north@example.com", actual: 9_200, vendor: "Harbour Hampers", receipt: "pdf", note: "Only the larger basket was in stock." },
    ],
  },
  {
    branch: "STH",
    proposer: "staff.south@example.com",
    occasion: "bereavement",
    type: "flowers",
    amount: 4_800,
    steps: [
      "submit",
      { fulfil: "staff.south@example.com", actual: 6_000, vendor: "South Street Florist", receipt: "png" },
      { reapprove: "manager.south@example.com" },
      { outcome: "tom.becker@example.com", result: "no_response" },
    ],
  },
  {
    branch: "STH",
    proposer: "tom.becker@example.com",
    occasion: "long_wait",
    type: "voucher",
    amount: 1_500,
    steps: ["submit", { fulfil: "tom.becker@example.com", actual: 1_500, vendor: "Station Coffee" }, { outcome: "tom.becker@example.com", result: "neutral" }],
  },
];

// Small but real receipt files: a 1×1 PNG and a one-page PDF.
const RECEIPT_FILES = {
  png: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"),
  pdf: Buffer.from(
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  ),
};

export async function receiptFile(kind: "png" | "pdf"): Promise<ReceiptUpload> {
  async function* chunks() {
    yield new Uint8Array(RECEIPT_FILES[kind]);
  }
  return { ...(await readReceiptUpload(chunks())), originalName: `receipt.${kind}` };
}

export async function seedGestures(db: Db, options: { now: Date }): Promise<{ gestures: number }> {
  const actor = async (email: string): Promise<GestureActor & { name: string }> => {
    const row = await firstRow(db.select({ id: users.id, role: users.role, branchId: users.branchId, name: users.name }).from(users).where(eq(users.email, email)).limit(1));
    if (!row) throw new Error(`The gesture seed needs the demo user ${email}.`);
    return row;
  };
  const typeIds = new Map((await db.select({ id: gestureTypes.id, code: gestureTypes.code }).from(gestureTypes)).map((t) => [t.code, t.id]));
  const used = new Set<number>();

  /** An unused, contactable customer of the branch: one with a signal of the occasion if there is one. */
  const customerFor = async (branchCode: string, occasion: Occasion) => {
    const branch = (await firstRow(db.select({ id: branches.id }).from(branches).where(eq(branches.code, branchCode)).limit(1)))!;
    const candidates = (
      await db
        .select({ id: customers.id, hasAddress: customers.deliveryAddress, signalId: signals.id, kind: signals.kind })
        .from(customers)
        .leftJoin(signals, and(eq(signals.customerId, customers.id), eq(signals.kind, occasion)))
        .where(
          and(
            eq(customers.branchId, branch.id),
            eq(customers.doNotContact, false),
            isNull(customers.erasedAt),
            like(customers.crmRef, `${branchCode}-0%`),
            // The planned steps assume no hardship, collections or dispute check applies (issue 22).
            sql`not exists (select 1 from signals h where h.customer_id = ${customers.id} and h.kind in ('hardship', 'collections', 'dispute'))`,
          ),
        )
        .orderBy(asc(customers.id))
    ).filter((c) => !used.has(c.id));
    const pick = candidates.find((c) => c.signalId !== null) ?? candidates[0];
    if (!pick) throw new Error(`No customer left at ${branchCode} for the gesture seed.`);
    used.add(pick.id);
    return pick;
  };

  let minutes = -72 * 60;
  const tick = () => new Date(options.now.getTime() + (minutes += 41) * 60_000);
  let count = 0;
  for (const [index, plan] of PLANS.entries()) {
    const proposer = await actor(plan.proposer);
    const customer = await customerFor(plan.branch, plan.occasion);
    const draftOnly = plan.steps[0] === "draft";
    let state = await proposeGesture(
      db,
      proposer,
      {
        createKey: `seed-gesture-${index + 1}`,
        customerId: customer.id,
        occasion: plan.occasion,
        signalId: customer.signalId,
        typeId: typeIds.get(plan.type)!,
        amount: plan.amount,
        cardMessage: plan.cardMessage ?? "",
        justification: plan.justification ?? "",
        deliveryMethod: "in_branch",
        compensationOwed: "no",
        submit: !draftOnly,
      },
      tick(),
    );
    count++;
    for (const step of plan.steps.slice(1)) {
      const at = tick();
      if (step === "withdraw") state = await withdrawGesture(db, proposer, { gestureId: state.gestureId, version: state.version }, at);
      else if (typeof step === "object" && "approve" in step)
        state = await decideGesture(db, await actor(step.approve), { gestureId: state.gestureId, version: state.version, decision: "approve", comment: "" }, at);
      else if (typeof step === "object" && "return" in step)
        state = await decideGesture(db, await actor(step.return), { gestureId: state.gestureId, version: state.version, decision: "return", comment: step.comment }, at);
      else if (typeof step === "object" && "reject" in step)
        state = await decideGesture(db, await actor(step.reject), { gestureId: state.gestureId, version: state.version, decision: "reject", comment: step.comment }, at);
      else if (typeof step === "object" && "fulfil" in step) {
        const receipt = step.receipt ? await receiptFile(step.receipt) : null;
        const fulfilledOn = localDate(at, (await getOrganisation(db)).timeZone);
        state = await fulfilGesture(
          db,
          await actor(step.fulfil),
          { gestureId: state.gestureId, version: state.version, actualAmount: step.actual, vendor: step.vendor, fulfilledOn, note: step.note ?? "", receipt },
          at,
        );
      } else if (typeof step === "object" && "reapprove" in step)
        state = await decideReapproval(db, await actor(step.reapprove), { gestureId: state.gestureId, version: state.version, decision: "approve", comment: "" }, at);
      else if (typeof step === "object" && "outcome" in step)
        state = await recordOutcome(db, await actor(step.outcome), { gestureId: state.gestureId, version: state.version, outcome: step.result, note: step.note ?? "" }, at);
      else if (typeof step === "object" && "cancel" in step) state = await cancelGesture(db, await actor(step.cancel), { gestureId: state.gestureId, version: state.version, reason: step.reason }, at);
    }
  }
  return { gestures: count };
}
