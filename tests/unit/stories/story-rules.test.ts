import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nameParts, privateDetailIn, type PrivateDetails } from "~/domain/stories/story-rules";

const details = (overrides: Partial<PrivateDetails> = {}): PrivateDetails => ({
  customerName: "Eleanor Whitfield",
  crmRef: "NTH-DEMO-01",
  deliveryAddress: "14 Larkspur Lane, Northvale NV 01234",
  sensitiveNotes: [],
  ...overrides,
});

const STORY = "We sent white lilies with a handwritten card. She came in the next week to say how much it meant to her family.";

/** A letter run for a name part: 3 to 10 letters, some with accents as CRM exports carry them. */
const namePart = fc
  .array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzéöñ"), { minLength: 3, maxLength: 10 })
  .map((letters) => letters.join(""))
  .map((part) => part[0]!.toUpperCase() + part.slice(1));

/** The same letters in any case, with any spacing (spaces, hyphens, dots, line breaks) between any of them. */
function disguise(name: string, cases: boolean[], gaps: string[]): string {
  return [...name]
    .map((c, i) => (cases[i % cases.length] ? c.toUpperCase() : c.toLowerCase()) + (gaps[i % gaps.length] ?? ""))
    .join("");
}
const gap = fc.constantFrom("", "", "", " ", "  ", "-", ".", "\n", "\u00a0", "_");

/** Story text around the name that has no letters next to it (any words, then punctuation or a space). */
const around = fc.constantFrom("", "Today ", "Our customer, ", "“", "(", "Thanks from ");
const after = fc.constantFrom("", " said thank you.", ", who", "’s card", ")", "!", " — lovely.");

describe("a story never names the customer", () => {
  it("a story containing the customer's full name, in any case or spacing, is refused", () => {
    fc.assert(
      fc.property(namePart, namePart, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.array(gap, { minLength: 1, maxLength: 8 }), fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (first, last, cases, gaps, before, rest) => {
        const name = `${first} ${last}`;
        const text = `${before}${disguise(name, cases, gaps)}${rest}`;
        expect(privateDetailIn(text, details({ customerName: name }))).toMatch(/customer's name/);
      }),
      { numRuns: 500 },
    );
  });

  it("a story containing any part of the name of three letters or more, standing as a word in any case or spacing, is refused", () => {
    fc.assert(
      fc.property(namePart, namePart, fc.boolean(), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.array(gap, { minLength: 1, maxLength: 8 }), around, after, (first, last, useFirst, cases, gaps, before, rest) => {
        const part = useFirst ? first : last;
        const text = `${STORY} ${before}${disguise(part, cases, gaps)}${rest}`;
        expect(privateDetailIn(text, details({ customerName: `${first} ${last}` }))).toMatch(/customer's name/);
      }),
      { numRuns: 500 },
    );
  });

  it("a story containing the customer's reference, in any case or spacing, is refused", () => {
    const ref = fc.tuple(fc.constantFrom("NTH", "STH", "CRM", "EST"), fc.integer({ min: 0, max: 999_999 })).map(([prefix, n]) => `${prefix}-${String(n).padStart(6, "0")}`);
    fc.assert(
      fc.property(ref, fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), fc.array(gap, { minLength: 1, maxLength: 6 }), fc.string({ maxLength: 40 }), (crmRef, cases, gaps, rest) => {
        const text = `${STORY} Reference ${disguise(crmRef, cases, gaps)} ${rest}`;
        expect(privateDetailIn(text, details({ crmRef }))).toMatch(/reference|name/);
      }),
      { numRuns: 300 },
    );
  });

  it("a story that tells what happened without naming anyone is accepted", () => {
    expect(privateDetailIn(STORY, details())).toBeNull();
    // Words that merely contain a short name part are not the name: "Rosa" is not in "prosaic".
    expect(privateDetailIn("A prosaic card, but she kept it on her mantelpiece.", details({ customerName: "Rosa Delgado" }))).toBeNull();
  });

  it("a name part of one or two letters is not checked alone, but the full name still is", () => {
    expect(nameParts("Li Bo Chen")).toEqual(["chen"]);
    expect(privateDetailIn("Li said thanks.", details({ customerName: "Li Chen" }))).toBeNull();
    expect(privateDetailIn("libo chen thanked us", details({ customerName: "Li Bo Chen" }))).toMatch(/name/);
  });

  it("the street of the customer's address and a sensitive signal's note are refused", () => {
    expect(privateDetailIn(`${STORY} Delivered to 14 Larkspur lane.`, details())).toMatch(/address/);
    const note = "Husband passed away after a long illness in March";
    expect(privateDetailIn(`${STORY} Her husband passed away after a long illness in march.`, details({ sensitiveNotes: [note] }))).toMatch(/circumstances/);
    expect(privateDetailIn(STORY, details({ sensitiveNotes: [note] }))).toBeNull();
  });
});
