import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/utils/safe-redirect";

const BASE = "https://fund.example.bank";

describe("safeRedirect", () => {
  it("keeps a relative path with its query and fragment", () => {
    expect(safeRedirect("/audit?page=2#top")).toBe("/audit?page=2#top");
  });

  it.each(["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example", "", null, undefined, "audit"])(
    "refuses %j and falls back",
    (input) => {
      expect(safeRedirect(input as string, "/home")).toBe("/home");
    },
  );

  it("whatever it is given, the result stays on this site", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.string().map((s) => "/" + s), fc.string().map((s) => "//" + s)), (input) => {
        const result = safeRedirect(input, "/");
        expect(result.startsWith("/")).toBe(true);
        expect(result.startsWith("//")).toBe(false);
        expect(new URL(result, BASE).origin).toBe(BASE);
      }),
      { numRuns: 2000 },
    );
  });
});
