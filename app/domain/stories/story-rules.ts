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
  return text.toLowerCase().normalize("NFKD").replace(/\p{M}+/gu, "");
}

/** Letters and digits only: "W h i t-f i e l d" becomes "whitfield". */
function compact(text: string): string {
  return fold(text).replace(/[^\p{L}\p{N}]+/gu, "");
}

const ALNUM = /[\p{L}\p{N}]/u;

/**
 * The text's letters and digits (folded), and for each whether a word starts there (it follows a
 * space, punctuation or the beginning). A word "stands alone" in any spacing when it starts at a
 * word start and the next letter (or the end) is one too: "W h i t-field" holds "whitfield", and
 * "prosaic" does not hold "rosa". (A regular expression per name was far slower: V8 compiles each
 * new pattern with Unicode classes anew.)
 */
function wordsOf(text: string): { letters: string; starts: boolean[] } {
  let letters = "";
  const starts: boolean[] = [];
  let afterGap = true;
  for (const c of fold(text)) {
    if (!ALNUM.test(c)) {
      afterGap = true;
      continue;
    }
    letters += c;
    for (let k = 0; k < c.length; k++) starts.push(k === 0 && afterGap);
    afterGap = false;
  }
  starts.push(true);
  return { letters, starts };
}

function standsAlone(words: { letters: string; starts: boolean[] }, word: string): boolean {
  for (let at = words.letters.indexOf(word); at >= 0; at = words.letters.indexOf(word, at + 1)) {
    if (words.starts[at] && words.starts[at + word.length]) return true;
  }
  return false;
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
  const words = wordsOf(text);
  const squeezed = words.letters;
  const name = compact(details.customerName);
  if ((name.length > 0 && squeezed.includes(name)) || nameParts(details.customerName).some((part) => standsAlone(words, part))) {
    return "Leave out the customer's name (or any part of it): stories are read across the whole organisation.";
  }
  const ref = compact(details.crmRef);
  // A long reference is refused even run into other text; a short one only standing alone.
  if (ref.length > 0 && (standsAlone(words, ref) || (ref.length >= 6 && squeezed.includes(ref)))) {
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
