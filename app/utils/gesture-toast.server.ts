import type { TransitionResult } from "~/domain/gestures/gesture-record.server";
import type { Toast } from "./toast.server";

/** What a person is told after proposing, editing or submitting. */
export function transitionToast(result: TransitionResult): Toast {
  if (result.alreadyDone) return { kind: "info", message: "That was already done; nothing happened twice." };
  const base =
    result.status === "approved"
      ? "Approved at your discretion; the money is set aside. Arrange the gesture now."
      : result.status === "submitted"
        ? "Submitted. It waits for approval; you will be told of the decision."
        : "Saved as a draft. Submit it when it is ready.";
  const message = result.warning ? `${base} ${result.warning}` : base;
  return { kind: result.warning ? "info" : "success", message: message.slice(0, 300) };
}
