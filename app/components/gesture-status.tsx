import type { GestureStatus } from "../../db/schema";
import { GESTURE_STATUS_LABELS } from "~/domain/gestures/gesture-rules";
import { Badge, type BadgeTone } from "./badge";

const TONES: Record<GestureStatus, BadgeTone> = {
  draft: "neutral",
  submitted: "info",
  awaiting_finance: "info",
  approved: "success",
  returned: "warning",
  rejected: "danger",
  withdrawn: "neutral",
  cancelled: "neutral",
  expired: "neutral",
  needs_reapproval: "warning",
  fulfilled: "success",
  closed: "neutral",
};

/** A gesture's status in words, coloured by what it asks of people. */
export function GestureStatusBadge({ status }: { status: GestureStatus }) {
  return <Badge tone={TONES[status]}>{GESTURE_STATUS_LABELS[status]}</Badge>;
}
