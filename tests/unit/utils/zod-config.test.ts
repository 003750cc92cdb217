import { describe, expect, it } from "vitest";
import { z } from "zod";
import "~/utils/zod-config";

describe("form parsing defaults", () => {
  it("a field sent twice gets a plain message instead of zod's type jargon", () => {
    const result = z.strictObject({ note: z.string().max(500) }).safeParse({ note: ["first", "second"] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("This field was sent more than once.");
  });

  it("other messages are unchanged", () => {
    const result = z.strictObject({ note: z.string().max(3, "At most 3 characters.") }).safeParse({ note: "long" });
    expect(result.error?.issues[0]?.message).toBe("At most 3 characters.");
  });
});
