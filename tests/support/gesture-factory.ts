// Gestures for tests, inserted as rows (not through the workflow), on the standard catalogue that
// migration 0007 puts in every database. Defaults: a submitted bouquet of flowers for a
// bereavement, $80.00, routed to the branch, submitted at `submittedAt` (default 2026-03-02 09:00 UTC).
import { eq } from "drizzle-orm";
import { gestureDecisions, gestures, gestureTypes, type ApprovalLevel, type ApprovalRoute, type Decision, type Gesture, type GestureStatus, type Occasion } from "../../db/schema";
import type { DbOrTx } from "~/utils/db.server";
import { returnedRow, firstRow } from "~/utils/query.server";

export type GestureOptions = {
  customerId: number;
  branchId: number;
  proposerId: number;
  status?: GestureStatus;
  /** Only for status "submitted" (the database insists); defaults to "branch" there. */
  approvalRoute?: ApprovalRoute | null;
  requestedAmount?: number;
  approvedAmount?: number | null;
  /** A catalogue code ("flowers", "voucher", …) or a type id. */
  type?: string | number;
  occasion?: Occasion;
  submittedAt?: Date | null;
  createdAt?: Date;
};

export async function gestureTypeId(db: DbOrTx, code: string): Promise<number> {
  const row = await firstRow(db.select({ id: gestureTypes.id }).from(gestureTypes).where(eq(gestureTypes.code, code)).limit(1));
  if (!row) throw new Error(`No gesture type ${code} in the catalogue`);
  return row.id;
}

export async function createGesture(db: DbOrTx, options: GestureOptions): Promise<Gesture> {
  const status = options.status ?? "submitted";
  const createdAt = options.createdAt ?? new Date("2026-03-02T09:00:00Z");
  const submittedAt = status === "draft" ? options.submittedAt ?? null : options.submittedAt ?? createdAt;
  const typeId = typeof options.type === "number" ? options.type : await gestureTypeId(db, options.type ?? "flowers");
  return await returnedRow(
    db
      .insert(gestures)
      .values({
        customerId: options.customerId,
        branchId: options.branchId,
        proposerId: options.proposerId,
        occasion: options.occasion ?? "bereavement",
        typeId,
        requestedAmount: options.requestedAmount ?? 8000,
        approvedAmount: options.approvedAmount ?? null,
        deliveryMethod: "in_branch",
        status,
        approvalRoute: status === "submitted" ? options.approvalRoute ?? "branch" : null,
        createdAt,
        updatedAt: createdAt,
        submittedAt,
      })
      .returning(),
  );
}

export async function createDecision(
  db: DbOrTx,
  input: { gestureId: number; approverId: number; level?: ApprovalLevel; decision?: Decision; amount?: number | null; comment?: string; onBehalfOfId?: number | null; at: Date },
) {
  const decision = input.decision ?? "approve";
  return await returnedRow(
    db
      .insert(gestureDecisions)
      .values({
        gestureId: input.gestureId,
        approverId: input.approverId,
        onBehalfOfId: input.onBehalfOfId ?? null,
        level: input.level ?? "manager",
        decision,
        amount: decision === "approve" ? input.amount ?? null : null,
        comment: input.comment ?? (decision === "approve" ? "" : "Needs changes"),
        at: input.at,
      })
      .returning(),
  );
}
