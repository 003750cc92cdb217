// Who may read a signal's note, as one pure rule shared by every loader that returns notes.
// Sensitive notes: only staff and managers of the customer's branch, only within the retention
// period (counted from the signal's date), even before `npm run jobs` has redacted them.
import type { Role } from "../../../db/schema";
import { isSensitiveKind, type SignalKind } from "./customer-rules";
import { addDays } from "../core/dates";

export type NoteReader = { role: Role; branchId: number | null };
export type NoteHolder = { kind: SignalKind; occurredOn: string; note: string | null; noteRedactedAt: Date | null };

/** The last date (YYYY-MM-DD) whose sensitive notes are past retention on `today`. */
export function retentionCutoff(today: string, retentionDays: number): string {
  return addDays(today, -retentionDays);
}

export function isNoteExpired(signal: Pick<NoteHolder, "kind" | "occurredOn">, today: string, retentionDays: number): boolean {
  return isSensitiveKind(signal.kind) && signal.occurredOn <= retentionCutoff(today, retentionDays);
}

/** The note this reader may see, or null. Finance and admins never see one. */
export function visibleNote(
  reader: NoteReader,
  customer: { branchId: number; erasedAt: Date | null },
  signal: NoteHolder,
  today: string,
  retentionDays: number,
): string | null {
  if (signal.note === null || signal.noteRedactedAt !== null || customer.erasedAt !== null) return null;
  if (reader.role !== "staff" && reader.role !== "manager") return null;
  if (reader.branchId !== customer.branchId) return null;
  if (isNoteExpired(signal, today, retentionDays)) return null;
  return signal.note;
}

/** Why a note is not shown, in words for the timeline. */
export function hiddenNoteReason(signal: NoteHolder, today: string, retentionDays: number): string | null {
  if (signal.noteRedactedAt !== null || isNoteExpired(signal, today, retentionDays)) {
    return isSensitiveKind(signal.kind) ? `Note removed after ${retentionDays} days (sensitive context).` : "Note removed.";
  }
  return null;
}
