import { describe, expect, it } from "vitest";
import { isCrossSite } from "../../../app/server/http";

const req = (headers: Record<string, string>) => ({ headers: { host: "fund.example.bank", ...headers } }) as never;

describe("cross-site check", () => {
  it("refuses a foreign Origin, a null Origin and Sec-Fetch-Site: cross-site", () => {
    expect(isCrossSite(req({ origin: "https://evil.example" }))).toBe(true);
    expect(isCrossSite(req({ origin: "null" }))).toBe(true);
    expect(isCrossSite(req({ "sec-fetch-site": "cross-site" }))).toBe(true);
    expect(isCrossSite(req({ origin: "https://fund.example.bank.evil.example" }))).toBe(true);
  });

  it("accepts the site's own origin and clients that send neither header", () => {
    expect(isCrossSite(req({ origin: "https://fund.example.bank" }))).toBe(false);
    expect(isCrossSite(req({ "sec-fetch-site": "same-origin" }))).toBe(false);
    expect(isCrossSite(req({}))).toBe(false);
  });

  it("behind a proxy, compares against the configured public origin exactly", () => {
    expect(isCrossSite(req({ origin: "https://fund.example.bank" }), "https://fund.example.bank")).toBe(false);
    expect(isCrossSite(req({ origin: "http://fund.example.bank" }), "https://fund.example.bank")).toBe(true);
  });
});
