// A branch ready for the gesture workflow: an open period with a funded pool, a staff member, two
// managers, finance, and customers. Proposals are made through app/domain/gestures/proposals.server.ts.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { gestureTypes, type User } from "../../db/schema";
import type { GestureActor } from "~/domain/gestures/gesture-record.server";
import { proposeGesture, type ProposeInput } from "~/domain/gestures/proposals.server";
import type { Db } from "~/utils/db.server";
import { setupBudget } from "./budget";
import { createCustomer, createUser } from "./factories";
import { firstRow } from "~/utils/query.server";

export const actorOf = (user: User): GestureActor => ({ id: user.id, role: user.role, branchId: user.branchId });

export async function typeId(db: Db, code: string): Promise<number> {
  return (await firstRow(db.select({ id: gestureTypes.id }).from(gestureTypes).where(eq(gestureTypes.code, code)).limit(1)))!.id;
}

export async function setupGestures(db: Db, options: { now: Date; amounts?: number[]; secondManager?: boolean }) {
  const budget = await setupBudget(db, { branches: 2, amounts: options.amounts ?? [100_000, 100_000], now: options.now });
  const [north, south] = budget.branches as [(typeof budget.branches)[number], (typeof budget.branches)[number]];
  const staff = await createUser(db, { role: "staff", branchId: north.id, name: "Sam Staff" });
  const staff2 = await createUser(db, { role: "staff", branchId: north.id, name: "Tess Teller" });
  const manager = await createUser(db, { role: "manager", branchId: north.id, name: "Mona Manager" });
  const manager2 = options.secondManager === false ? null : await createUser(db, { role: "manager", branchId: north.id, name: "Nick Deputy" });
  const southManager = await createUser(db, { role: "manager", branchId: south.id, name: "Sid South" });
  const southStaff = await createUser(db, { role: "staff", branchId: south.id, name: "Sue South" });
  const finance2 = await createUser(db, { role: "finance", name: "Fay Finance" });
  const customer = await createCustomer(db, { branchId: north.id, name: "Eleanor Whitfield" });
  const southCustomer = await createCustomer(db, { branchId: south.id, name: "Oscar Southby" });
  return { ...budget, north, south, staff, staff2, manager, manager2, southManager, southStaff, finance2, customer, southCustomer };
}

export async function proposal(db: Db, overrides: Partial<ProposeInput> & { customerId: number }): Promise<ProposeInput> {
  return {
    createKey: `create-${randomUUID()}`,
    occasion: "bereavement",
    signalId: null,
    typeId: await typeId(db, "flowers"),
    amount: 4_000,
    cardMessage: "With our deepest sympathy",
    justification: "",
    deliveryMethod: "in_branch",
    // Asked on complaint, service-failure and dispute occasions (issue 22); ignored on others.
    compensationOwed: "no",
    submit: true,
    ...overrides,
  };
}

export async function propose(db: Db, user: User, overrides: Partial<ProposeInput> & { customerId: number }, now: Date) {
  return await proposeGesture(db, actorOf(user), await proposal(db, overrides), now);
}
