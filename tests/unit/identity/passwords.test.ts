import { describe, expect, it } from "vitest";
import { hashPassword, OWASP_SCRYPT_PARAMS, verifyPassword } from "~/domain/identity/passwords.server";

describe("password hashing", () => {
  it("uses scrypt at OWASP's parameters (N=2^17, r=8, p=1) with a random salt", async () => {
    expect(OWASP_SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a.startsWith("scrypt$131072$8$1$")).toBe(true);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same passwore", a)).toBe(false);
  });

  it("a 64-character password with non-ASCII characters is accepted and checked in full", async () => {
    const password = "Grüße aus Zürich — 東京タワー 🌸 ".repeat(3).slice(0, 64);
    const hash = await hashPassword(password, { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword(password.slice(0, 63), hash)).toBe(false);
  });

  it("two passwords that share their first 72 bytes are not treated as equal (no truncation)", async () => {
    const prefix = "x".repeat(72);
    const hash = await hashPassword(prefix + "first", { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword(prefix + "second", hash)).toBe(false);
  });

  it("a malformed stored hash never verifies", async () => {
    expect(await verifyPassword("anything", "")).toBe(false);
    expect(await verifyPassword("anything", "bcrypt$whatever")).toBe(false);
  });
});
