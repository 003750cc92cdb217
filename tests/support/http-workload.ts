// The kinds of write the crash and concurrency suites send to a running production server, each
// one function over HTTP. Adding a kind of operation (a fulfilment, a cancellation, a receipt) is
// adding one entry to OPERATIONS; the suites pick kinds by name (see `mix` in each suite).
// An operation is "acknowledged" when the server answered that it committed (the action's
// redirect); the suites then check that every acknowledged write is on disk.
import { randomUUID } from "node:crypto";
import { postForm } from "./server-process";
import { localDate } from "../../app/domain/core/dates";

export type WorkloadContext = {
  origin: string;
  cookies: { staff: string; manager: string; finance: string };
  pools: number[];
  /** Customers of the staff member's branch; each proposal takes the next one (no caps, no duplicates). */
  customers: number[];
  typeId: number;
  /** The organisation's time zone: a fulfilment date is a local date. */
  timeZone: string;
  /** Proposals that wait for approval, by id and the version the approver saw. */
  pending: { id: number; version: number }[];
  /** Approved proposals, ready to be fulfilled or cancelled. */
  approved: number[];
  counter: { next: number };
  /** Keys of acknowledged writes by table: what must be on disk. */
  acknowledged: { ledger: string[]; gestures: string[]; decided: number[]; withdrawn: number[]; fulfilled: number[]; cancelled: number[] };
  /** Statuses that are neither an acknowledgement nor an expected refusal, counted by status. */
  statuses: Record<number, number>;
};

export type Operation = (ctx: WorkloadContext, label: string) => Promise<void>;

function count(ctx: WorkloadContext, status: number) {
  ctx.statuses[status] = (ctx.statuses[status] ?? 0) + 1;
}

/**
 * A gesture's version, and the server's own clock from the answer's Date header. Under the clock
 * sweep a restarted server starts at the instant again, behind the test, so "today" for a form is
 * the server's today, as a date input the server filled in would be.
 */
export async function gestureAsServed(ctx: WorkloadContext, gestureId: number): Promise<{ version: number; serverNow: Date } | null> {
  const response = await fetch(`${ctx.origin}/gestures/${gestureId}?_data=${encodeURIComponent("routes/_app.gestures.$gestureId")}`, { headers: { Cookie: ctx.cookies.manager } });
  if (response.status !== 200) return null;
  const version = ((await response.json()) as { view: { gesture: { version: number } } }).view.gesture.version;
  const served = Date.parse(response.headers.get("Date") ?? "");
  return { version, serverNow: Number.isNaN(served) ? new Date() : new Date(served) };
}

async function propose(ctx: WorkloadContext, label: string, amount: string): Promise<number | null> {
  const customerId = ctx.customers[ctx.counter.next++ % ctx.customers.length]!;
  const createKey = `${label}-${randomUUID()}`;
  const response = await postForm(ctx.origin, "/gestures/new", ctx.cookies.staff, {
    intent: "submit",
    createKey,
    customerId: String(customerId),
    occasion: "bereavement",
    typeId: String(ctx.typeId),
    amount,
    cardMessage: "With our sympathy",
    justification: "Long-standing customer; workload test",
    deliveryMethod: "in_branch",
  });
  count(ctx, response.status);
  if (response.status !== 302) return null;
  ctx.acknowledged.gestures.push(createKey);
  const id = Number(/\/gestures\/(\d+)/.exec(response.headers.get("Location") ?? "")?.[1]);
  return Number.isSafeInteger(id) ? id : null;
}

export const OPERATIONS = {
  /** Finance allocates 5.00 to a pool. */
  allocate: async (ctx, label) => {
    const key = `${label}-${randomUUID()}`;
    const pool = ctx.pools[ctx.counter.next++ % ctx.pools.length]!;
    const response = await postForm(ctx.origin, `/pools/${pool}`, ctx.cookies.finance, { intent: "allocate", step: "confirm", amount: "5.00", memo: "Workload", idempotencyKey: key });
    count(ctx, response.status);
    if (response.status === 302) ctx.acknowledged.ledger.push(key);
  },
  /** Finance corrects a pool by -1.00 (refused when the pool cannot cover it). */
  adjust: async (ctx, label) => {
    const key = `${label}-${randomUUID()}`;
    const pool = ctx.pools[ctx.counter.next++ % ctx.pools.length]!;
    const response = await postForm(ctx.origin, `/pools/${pool}`, ctx.cookies.finance, { intent: "adjust", step: "confirm", amount: "-1.00", reason: "Workload correction", idempotencyKey: key });
    count(ctx, response.status);
    if (response.status === 302) ctx.acknowledged.ledger.push(key);
  },
  /** A small proposal, approved at once at staff discretion: its hold is placed. */
  proposeAtDiscretion: async (ctx, label) => {
    const id = await propose(ctx, label, "10.00");
    if (id !== null) ctx.approved.push(id);
  },
  /** A proposal over the discretion limit: it waits for the manager. */
  propose: async (ctx, label) => {
    const id = await propose(ctx, label, "60.00");
    if (id !== null) {
      const served = await gestureAsServed(ctx, id);
      if (served) ctx.pending.push({ id, version: served.version });
    }
  },
  /** The manager approves a waiting proposal, twice at once (a double click): one decision only. */
  approve: async (ctx, label) => {
    const gesture = ctx.pending.shift();
    // Nothing waiting yet: propose one instead, so a client never spins without a request.
    if (!gesture) return OPERATIONS.propose(ctx, label);
    const form = { intent: "approve", version: String(gesture.version), comment: "" };
    const answers = await Promise.all([postForm(ctx.origin, `/gestures/${gesture.id}`, ctx.cookies.manager, form), postForm(ctx.origin, `/gestures/${gesture.id}`, ctx.cookies.manager, form)]);
    for (const response of answers) count(ctx, response.status);
    if (answers.some((r) => r.status === 302)) {
      ctx.acknowledged.decided.push(gesture.id);
      ctx.approved.push(gesture.id);
    }
  },
  /** The proposer withdraws a waiting proposal (a cancellation before approval). */
  withdraw: async (ctx, label) => {
    const gesture = ctx.pending.shift();
    if (!gesture) return OPERATIONS.propose(ctx, label);
    const response = await postForm(ctx.origin, `/gestures/${gesture.id}`, ctx.cookies.staff, { intent: "withdraw", version: String(gesture.version) });
    count(ctx, response.status);
    if (response.status === 302) ctx.acknowledged.withdrawn.push(gesture.id);
  },
  /** Staff record the fulfilment of an approved gesture (8.00, under any approved amount), twice at once: one capture only. */
  fulfil: async (ctx, label) => {
    const id = ctx.approved.shift();
    if (id === undefined) return OPERATIONS.proposeAtDiscretion(ctx, label);
    const served = await gestureAsServed(ctx, id);
    if (served === null) return;
    const today = localDate(served.serverNow, ctx.timeZone);
    const form = { intent: "fulfil", version: String(served.version), actualAmount: "8.00", vendor: "Workload florist", fulfilledOn: today, note: "" };
    const answers = await Promise.all([postForm(ctx.origin, `/gestures/${id}`, ctx.cookies.staff, form), postForm(ctx.origin, `/gestures/${id}`, ctx.cookies.staff, form)]);
    for (const response of answers) count(ctx, response.status);
    if (answers.some((r) => r.status === 302)) ctx.acknowledged.fulfilled.push(id);
  },
  /** The manager cancels an approved gesture with a reason: its hold goes back to the pool. */
  cancel: async (ctx, label) => {
    const id = ctx.approved.shift();
    if (id === undefined) return OPERATIONS.proposeAtDiscretion(ctx, label);
    const served = await gestureAsServed(ctx, id);
    if (!served) return;
    const response = await postForm(ctx.origin, `/gestures/${id}`, ctx.cookies.manager, { intent: "cancel", version: String(served.version), reason: "Workload: the customer moved away" });
    count(ctx, response.status);
    if (response.status === 302) ctx.acknowledged.cancelled.push(id);
  },
} satisfies Record<string, Operation> as Record<"allocate" | "adjust" | "proposeAtDiscretion" | "propose" | "approve" | "withdraw" | "fulfil" | "cancel", Operation>;

export type OperationKind = keyof typeof OPERATIONS;

export function newContext(base: Pick<WorkloadContext, "origin" | "cookies" | "pools" | "customers" | "typeId" | "timeZone">): WorkloadContext {
  return { ...base, pending: [], approved: [], counter: { next: 0 }, acknowledged: { ledger: [], gestures: [], decided: [], withdrawn: [], fulfilled: [], cancelled: [] }, statuses: {} };
}
