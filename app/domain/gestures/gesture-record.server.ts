// The gesture record that every step of the workflow shares: who acts, what a transition answers,
// loading a gesture and refusing a form made on an older version. Its own module so that the
// workflow (gestures.server.ts) and fulfilment (fulfilment.server.ts) both build on it and
// neither imports the other back.
import { eq } from "drizzle-orm";
import { gestures, type Gesture, type GestureStatus, type Role } from "../../../db/schema";
import type { DbOrTx } from "~/utils/db.server";
import { DomainError } from "../core/errors";
import { GESTURE_STATUS_LABELS } from "./gesture-rules";

export type GestureActor = { id: number; role: Role; branchId: number | null };

export type TransitionResult = {
  gestureId: number;
  status: GestureStatus;
  version: number;
  /** Nothing was written: the same request had already been carried out. */
  alreadyDone: boolean;
  /** A note for the person (not a refusal), e.g. pending proposals exceed the pool. */
  warning?: string;
};

export function loadGesture(db: DbOrTx, gestureId: number): Gesture {
  const gesture = db.select().from(gestures).where(eq(gestures.id, gestureId)).get();
  if (!gesture) throw new DomainError("NOT_FOUND", "This proposal does not exist.");
  return gesture;
}

/** The refusal of a form made on an older version; `noun` is what the person was looking at. */
export function staleVersion(gesture: Gesture, noun: "proposal" | "gesture" = "proposal") {
  return new DomainError(
    "CONFLICT",
    `This ${noun} changed since you opened it; it is now ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}. Reload the page to see it; nothing was changed.`,
  );
}
