// Cross-site protection, security headers and request logs, over real HTTP.
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation, createUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { securityHeaderProblems } from "../support/security-headers";
import { db } from "~/utils/db.server";
import type { User } from "../../db/schema";

let server: TestServer;
let admin: User;
let staff: User;

beforeAll(async () => {
  server = await startTestServer({ production: true });
  await createOrganisation(db);
  admin = await createUser(db, { role: "admin" });
  staff = await createUser(db, { role: "staff" });
});
afterAll(() => server.close());

describe("cross-site requests", () => {
  it("a POST whose Origin is another site is refused with 403 before any action runs", async () => {
    const response = await server.fetch("/login", {
      method: "POST",
      headers: { Origin: "https://evil.example" },
      form: { email: staff.email, password: TEST_PASSWORD },
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("a POST that the browser marks Sec-Fetch-Site: cross-site is refused, whatever the Origin", async () => {
    const response = await server.fetch("/logout", {
      method: "POST",
      cookie: (await sessionCookieFor(db, staff)).cookie,
      headers: { "Sec-Fetch-Site": "cross-site", Origin: server.origin },
    });
    expect(response.status).toBe(403);
  });

  it("a cross-site data request (?_data) and a resource-route POST are refused too", async () => {
    const cookie = (await sessionCookieFor(db, staff)).cookie;
    const data = await server.fetch("/logout?_data=routes%2Flogout", { method: "POST", cookie, headers: { Origin: "https://evil.example" } });
    expect(data.status).toBe(403);
    // The session is still alive: the forged sign-out did nothing.
    expect((await server.fetch("/branch", { cookie })).status).toBe(200);
    const resource = await server.fetch("/healthz", { method: "POST", headers: { Origin: "null" } });
    expect(resource.status).toBe(403);
  });

  it.each(["PUT", "PATCH", "DELETE"])("a cross-site %s is refused", async (method) => {
    const response = await server.fetch("/login", { method, headers: { Origin: "https://evil.example" } });
    expect(response.status).toBe(403);
  });

  it("a same-origin POST and a same-site one pass", async () => {
    const same = await server.fetch("/login", {
      method: "POST",
      headers: { Origin: server.origin, "Sec-Fetch-Site": "same-origin" },
      form: { email: staff.email, password: TEST_PASSWORD },
    });
    expect(same.status).toBe(302);
  });

  it("a chunked body without a length is refused, so the size limit cannot be dodged", async () => {
    const big = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("email=a%40b.example&password=" + "x".repeat(1000)));
        controller.close();
      },
    });
    const response = await server.fetch("/login", {
      method: "POST",
      headers: { Origin: server.origin, "Content-Type": "application/x-www-form-urlencoded" },
      body: big,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(411);
  });

  it("an oversized body is refused before it is read", async () => {
    const response = await server.fetch("/login", {
      method: "POST",
      headers: { Origin: server.origin },
      form: { email: "a@b.example", password: "x".repeat(2 * 1024 * 1024) },
    });
    expect(response.status).toBe(413);
  });
});

describe("security headers", () => {
  const cases: { name: string; path: string; method?: string; as?: "admin" | "staff"; status: number }[] = [
    { name: "sign-in page", path: "/login", status: 200 },
    { name: "redirect", path: "/", status: 302 },
    { name: "signed-in page", path: "/admin", as: "admin", status: 200 },
    { name: "forbidden page", path: "/admin", as: "staff", status: 403 },
    { name: "not found", path: "/nope", status: 404 },
    { name: "method not allowed", path: "/healthz", method: "POST", status: 405 },
    { name: "health check", path: "/healthz", status: 200 },
    { name: "data request", path: "/branch?_data=routes%2F_app.branch", as: "staff", status: 200 },
    { name: "static file", path: "/favicon.ico", status: 200 },
  ];

  for (const c of cases) {
    it(`every response carries them: ${c.name} (${c.status})`, async () => {
      const cookie = c.as ? (await sessionCookieFor(db, c.as === "admin" ? admin : staff)).cookie : undefined;
      const response = await server.fetch(c.path, { method: c.method ?? "GET", cookie, headers: { Origin: server.origin } });
      expect(response.status).toBe(c.status);
      const csp = response.headers.get("Content-Security-Policy") ?? "";
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Referrer-Policy")).toBe("same-origin");
      expect(response.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d{7,}/);
      expect(response.headers.get("X-Powered-By")).toBeNull();
      if (c.path !== "/favicon.ico") expect(response.headers.get("Cache-Control")).toBe("no-store");
    });
  }

  it("built assets are cached for a year (their names carry a content hash)", async () => {
    const file = readdirSync("public/build").find((name) => name.startsWith("entry.client"))!;
    const response = await server.fetch(`/build/${file}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toMatch(/max-age=31536000/);
  });

  it("the nonce differs on every response and every inline script carries it", async () => {
    const [a, b] = [await server.fetch("/login"), await server.fetch("/login")];
    const nonceOf = (r: Response) => /'nonce-([^']+)'/.exec(r.headers.get("Content-Security-Policy")!)![1]!;
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    const html = await a.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonceOf(a)}"`);
  });
});

describe("security headers on refusals of the HTTP layer", () => {
  // The access table (tests/integration/access-table.test.ts) checks every route's 200, 302, 400,
  // 401, 403, 404 and 405; these are the answers given before Remix runs.
  it.each([
    ["cross-site 403", { method: "POST", headers: { Origin: "https://evil.example" } }, 403],
    ["oversized 413", { method: "POST", headers: {}, form: { password: "x".repeat(2 * 1024 * 1024) } }, 413],
  ] as const)("%s carries them too", async (_name, init, status) => {
    const response = await server.fetch("/login", { ...init, headers: { ...init.headers } } as RequestInit & { form?: Record<string, string> });
    expect(response.status).toBe(status);
    expect(securityHeaderProblems(response)).toEqual([]);
  });

  it("the session cookie set at sign-in is HttpOnly, SameSite and Path=/", async () => {
    const response = await server.fetch("/login", { method: "POST", headers: { Origin: server.origin }, form: { email: staff.email, password: TEST_PASSWORD } });
    expect(response.status).toBe(302);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("ef_session="))).toBe(true);
    expect(securityHeaderProblems(response)).toEqual([]);
  });
});

describe("request logs", () => {
  it("each request is logged as JSON with request id, route, status and duration, and no secret", async () => {
    const secret = "log-canary-password-9731";
    await server.fetch("/login", { method: "POST", headers: { Origin: server.origin }, form: { email: staff.email, password: secret } });
    const cookie = (await sessionCookieFor(db, staff)).cookie;
    await server.fetch("/branch?q=private-search", { cookie });
    const lines = server.logLines();
    const branchLine = lines.find((line) => line.path === "/branch");
    expect(branchLine).toMatchObject({ method: "GET", status: 200, route: "routes/_app.branch" });
    expect(typeof branchLine!.requestId).toBe("string");
    expect(typeof branchLine!.durationMs).toBe("number");
    const all = JSON.stringify(lines);
    expect(all).not.toContain(secret);
    expect(all).not.toContain(cookie.split("=")[1]);
    expect(all).not.toContain("private-search");
  });

  it("GET /healthz answers 200 when the database answers", async () => {
    const response = await server.fetch("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
