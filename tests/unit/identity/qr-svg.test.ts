// The QR code goes into the page as markup: whatever the e-mail or organisation name holds, it is
// only paths, and anything else is refused before it reaches the page.
import { describe, expect, it } from "vitest";
import { assertPathsOnlySvg, enrolmentDetails } from "~/domain/identity/second-factor.server";

describe("the enrolment QR code", () => {
  it("is a paths-only SVG even when the names hold markup", async () => {
    const { svg } = await enrolmentDetails({ totpSecret: "JBSWY3DPEHPK3PXP", email: "<script>alert(1)</script>@example.com", issuer: '"><img src=x onerror=alert(1)>' });
    expect(svg).not.toMatch(/script|img|onerror|<text/i);
    expect(assertPathsOnlySvg(svg)).toBe(svg);
  });

  it("refuses an SVG with anything but paths", () => {
    expect(() => assertPathsOnlySvg('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 37 37" shape-rendering="crispEdges"><script>alert(1)</script></svg>')).toThrow("paths-only");
  });
});
