// The per-request memo behind "the session is looked up once per page view": loaders of one request
// share a value, two requests never do, and outside a request nothing is kept.
import { describe, expect, it } from "vitest";
import { memoForRequest, runWithRequestMemo } from "~/utils/request-memo.server";

describe("memoForRequest", () => {
  it("computes a value once for every loader of one request, across awaits", async () => {
    let lookups = 0;
    const lookup = () => memoForRequest("session:abc", () => ++lookups);
    const seen = await runWithRequestMemo(async () => {
      // The root, layout and page loaders run side by side.
      return Promise.all([1, 2, 3].map(async (i) => (await new Promise((r) => setTimeout(r, i)), lookup())));
    });
    expect(seen).toEqual([1, 1, 1]);
    expect(lookups).toBe(1);
  });

  it("never hands one request's value to another, even when they overlap", async () => {
    let n = 0;
    const request = () =>
      runWithRequestMemo(async () => {
        const first = memoForRequest("session:same-token", () => ++n);
        await new Promise((r) => setTimeout(r, 5));
        return [first, memoForRequest("session:same-token", () => ++n)];
      });
    const [a, b] = await Promise.all([request(), request()]);
    expect(a![0]).toBe(a![1]);
    expect(b![0]).toBe(b![1]);
    expect(a![0]).not.toBe(b![0]);
  });

  it("keeps nothing outside a request (a loader called directly in a test)", () => {
    let n = 0;
    expect(memoForRequest("k", () => ++n)).toBe(1);
    expect(memoForRequest("k", () => ++n)).toBe(2);
  });
});
