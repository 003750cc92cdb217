// What a story may not say, and the words for its states. Pure, so the rules can be tested over many
// inputs. A story is read by everyone in the organisation (finance and admins included), so it must
// not identify the customer: their name, CRM reference or address, nor the note of a sensitive
// signal (a bereavement's or an illness's own words).
import type { StoryStatus } from "../../../db/schema";

export const STORY_STATUS_LABELS: Record<StoryStatus, string> = {
  draft: "Draft",
  submitted: "Waiting for review",
  returned: "Returned for changes",
  published: "Published",
  declined: "Declined",
  withdrawn: "Withdrawn",
};

/** A name part shorter than this is not checked alone ("Li", "Bo"): too many ordinary words contain it. */
export const NAME_PART_MIN = 3;
/** A note shorter than this (once letters and digits only) is not checked: "Ill" would refuse too much. */
export const NOTE_MIN = 12;
/** The address line checked (the street, before the first comma or line break) when it has at least this many letters and digits. */
export const ADDRESS_MIN = 6;

export type PrivateDetails = {
  customerName: string;
  crmRef: string;
  deliveryAddress: string | null;
  /** The notes of the customer's sensitive signals (not yet redacted). */
  sensitiveNotes: readonly string[];
};

/** Lower case without accents, so "ÉLÉANOR" and "eleanor" compare equal. */
function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
}

/** Letters and digits only: "W h i t-f i e l d" becomes "whitfield". */
function compact(text: string): string {
  return fold(text).replace(/[^\p{L}\p{N}]+/gu, "");
}

/** The characters of `word` in order, with anything but letters and digits allowed between them, standing alone as a word. */
function spacedWord(word: string): RegExp {
  const chars = [...word].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`(?<![\\p{L}\\p{N}])${chars.join("[^\\p{L}\\p{N}]*")}(?![\\p{L}\\p{N}])`, "u");
}

/** The parts of a name long enough to check alone. */
export function nameParts(name: string): string[] {
  return [...new Set(fold(name).split(/[^\p{L}\p{N}]+/u).filter((part) => [...part].length >= NAME_PART_MIN))];
}

/**
 * Why the text may not be published as it is, or null when it says nothing that identifies the
 * customer. The message names what was found in general words (it is shown beside the field).
 */
export function privateDetailIn(text: string, details: PrivateDetails): string | null {
  const folded = fold(text);
  const squeezed = compact(text);
  const name = compact(details.customerName);
  if ((name.length > 0 && squeezed.includes(name)) || nameParts(details.customerName).some((part) => spacedWord(part).test(folded))) {
    return "Leave out the customer's name (or any part of it): stories are read across the whole organisation.";
  }
  const ref = compact(details.crmRef);
  // A long reference is refused even run into other text; a short one only standing alone.
  if (ref.length > 0 && (spacedWord(ref).test(folded) || (ref.length >= 6 && squeezed.includes(ref)))) {
    return "Leave out the customer's reference: stories are read across the whole organisation.";
  }
  if (details.deliveryAddress) {
    const street = compact(details.deliveryAddress.split(/[,\n]/)[0] ?? "");
    const whole = compact(details.deliveryAddress);
    if ((street.length >= ADDRESS_MIN && squeezed.includes(street)) || (whole.length >= ADDRESS_MIN && squeezed.includes(whole))) {
      return "Leave out the customer's address: stories are read across the whole organisation.";
    }
  }
  for (const note of details.sensitiveNotes) {
    const squeezedNote = compact(note);
    if (squeezedNote.length >= NOTE_MIN && squeezed.includes(squeezedNote)) {
      return "Leave out what was noted about the customer's circumstances: tell what the gesture was and how they responded, in your own words.";
    }
  }
  return null;
}
