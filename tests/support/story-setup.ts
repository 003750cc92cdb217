// A gesture whose customer thanked us, made through the workflow (proposed at staff discretion,
// fulfilled, response recorded), so that its proposer may write its story.
import type { User } from "../../db/schema";
import { fulfilGesture, recordOutcome } from "~/domain/gestures/fulfilment.server";
import { localDate } from "~/domain/core/dates";
import { getOrganisation } from "~/domain/core/organisation.server";
import type { Outcome } from "../../db/schema";
import type { Db } from "~/utils/db.server";
import { actorOf, propose } from "./gesture-setup";

export function positiveGesture(db: Db, proposer: User, customerId: number, now: Date, outcome: Outcome = "thanked") {
  let state = propose(db, proposer, { customerId, amount: 1_000 }, now);
  if (state.status !== "approved") throw new Error(`expected an approval at discretion, got ${state.status}`);
  const today = localDate(now, getOrganisation(db).timeZone);
  state = fulfilGesture(db, actorOf(proposer), { gestureId: state.gestureId, version: state.version, actualAmount: 1_000, vendor: "Bloom & Co", fulfilledOn: today, note: "", receipt: null }, now);
  state = recordOutcome(db, actorOf(proposer), { gestureId: state.gestureId, version: state.version, outcome, note: "" }, now);
  return state;
}
