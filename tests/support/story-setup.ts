// A gesture whose customer thanked us, made through the workflow (proposed at staff discretion,
// fulfilled, response recorded), so that its proposer may write its story.
import { eq } from "drizzle-orm";
import { gestures, stories, type StoryStatus, type User } from "../../db/schema";
import { fulfilGesture, recordOutcome } from "~/domain/gestures/fulfilment.server";
import { localDate } from "~/domain/core/dates";
import { getOrganisation } from "~/domain/core/organisation.server";
import type { Outcome } from "../../db/schema";
import type { Db } from "~/utils/db.server";
import { actorOf, propose } from "./gesture-setup";
import { createGesture } from "./gesture-factory";
import { returnedRow } from "~/utils/query.server";

export async function positiveGesture(db: Db, proposer: User, customerId: number, now: Date, outcome: Outcome = "thanked", note = "") {
  let state = await propose(db, proposer, { customerId, amount: 1_000 }, now);
  if (state.status !== "approved") throw new Error(`expected an approval at discretion, got ${state.status}`);
  const today = localDate(now, (await getOrganisation(db)).timeZone);
  state = await fulfilGesture(
    db,
    actorOf(proposer),
    { gestureId: state.gestureId, version: state.version, actualAmount: 1_000, vendor: "Bloom & Co", fulfilledOn: today, note: "", receipt: null },
    now,
  );
  state = await recordOutcome(db, actorOf(proposer), { gestureId: state.gestureId, version: state.version, outcome, note }, now);
  return state;
}

/** A story row of a gesture closed with thanks, both inserted as rows (for access tables that need one in a given state). */
export async function createStory(db: Db, input: { customerId: number; branchId: number; authorId: number; status: StoryStatus; body?: string; now?: Date }) {
  const now = input.now ?? new Date();
  const gesture = await createGesture(db, { customerId: input.customerId, branchId: input.branchId, proposerId: input.authorId, status: "closed", submittedAt: now, createdAt: now });
  await db.update(gestures).set({ outcome: "thanked", outcomeRecordedAt: now, outcomeRecordedById: input.authorId }).where(eq(gestures.id, gesture.id));
  return await returnedRow(
    db
      .insert(stories)
      .values({
        gestureId: gesture.id,
        branchId: input.branchId,
        authorId: input.authorId,
        occasion: gesture.occasion,
        status: input.status,
        body: input.body ?? "We sent flowers after the funeral; she wrote to thank the whole branch.",
        createdAt: now,
        updatedAt: now,
        submittedAt: input.status === "draft" ? null : now,
        publishedAt: input.status === "published" ? now : null,
      })
      .returning(),
  );
}
