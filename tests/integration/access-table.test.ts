import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "../../db/schema";
import { ACCESS_TABLE, type Visitor } from "../support/access-table";
import { createCustomer, createImport, createOrganisation, createUser } from "../support/factories";
import { proposal } from "../support/gesture-setup";
import { proposeGesture } from "~/domain/gestures/proposals.server";
import { startTestServer, type TestServer } from "../support/http";
import { createStory } from "../support/story-setup";
import { sessionCookieFor } from "../support/sessions";
import { securityHeaderProblems } from "../support/security-headers";
import { listGestureTypes } from "~/domain/policy/catalogue.server";
import { db } from "~/utils/db.server";
import type { User } from "../../db/schema";

let server: TestServer;
const usersByRole = new Map<Visitor, User>();
const sampleIds = new Map<string, number>();
// The figures printed at the end of the run.
let cells = 0;
let asDeclared = 0;
let unexpectedAllows = 0;
const headerChecks = { responses: 0, clean: 0, statuses: new Set<number>(), cookies: 0 };

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  for (const role of ROLES) usersByRole.set(role, await createUser(db, { role }));
  const staff = usersByRole.get("staff")!;
  sampleIds.set(":userId", staff.id);
  sampleIds.set(":branchId", staff.branchId!);
  const customer = await createCustomer(db, { branchId: staff.branchId! });
  sampleIds.set(":customerId", customer.id);
  const draft = await proposeGesture(db, staff, { ...(await proposal(db, { customerId: customer.id })), submit: false }, new Date());
  sampleIds.set(":gestureId", draft.gestureId);
  sampleIds.set(":storyId", (await createStory(db, { customerId: customer.id, branchId: staff.branchId!, authorId: staff.id, status: "published" })).id);
  sampleIds.set(":importId", (await createImport(db, usersByRole.get("admin")!)).id);
  sampleIds.set(":typeId", (await listGestureTypes(db))[0]!.id);
});
afterAll(async () => {
  await server.close();
  console.log(`authorization: ${asDeclared} of ${cells} cells as declared, ${unexpectedAllows} unexpected allows`);
  console.log(
    `headers: ${headerChecks.clean} of ${headerChecks.responses} responses (statuses ${[...headerChecks.statuses].sort().join(", ")}; ${
      headerChecks.cookies
    } cookies set) carry CSP, nosniff, Referrer-Policy, X-Frame-Options, no-store, and cookies HttpOnly, SameSite, Path=/`,
  );
});

/** A route's path with its sample ids filled in (see tests/support/access-table.ts). */
function samplePath(path: string): string {
  return path.replace(/:(userId|branchId|customerId|importId|typeId|gestureId|storyId)\b/g, (placeholder) => String(sampleIds.get(placeholder)));
}

async function cookieFor(visitor: Visitor): Promise<string | undefined> {
  if (visitor === "anonymous") return undefined;
  // A fresh session per request: some requests (sign-out) end the session they use.
  return (await sessionCookieFor(db, usersByRole.get(visitor)!)).cookie;
}

describe("access table", () => {
  it("declares every route of the build, and no route the build lacks", () => {
    const built = Object.keys(server.build.routes).sort();
    const declared = Object.keys(ACCESS_TABLE).sort();
    expect(
      built.filter((id) => !declared.includes(id)),
      "routes missing from tests/support/access-table.ts",
    ).toEqual([]);
    expect(
      declared.filter((id) => !built.includes(id)),
      "declared routes that no longer exist",
    ).toEqual([]);
  });

  const visitors: Visitor[] = ["anonymous", ...ROLES];
  for (const [routeId, access] of Object.entries(ACCESS_TABLE)) {
    if (access.kind !== "page") continue;
    for (const method of ["GET", "POST"] as const) {
      for (const visitor of visitors) {
        const expected = access[method][visitor];
        it(`${method} ${access.path} as ${visitor} answers ${expected} (${routeId})`, async () => {
          const response = await server.fetch(samplePath(access.path), {
            method,
            cookie: await cookieFor(visitor),
            form: method === "POST" ? access.postForm ?? {} : undefined,
          });
          cells++;
          if (response.status === expected) asDeclared++;
          // An allow the table does not declare: a success where a refusal was expected.
          else if (response.status < 400 && expected >= 400) unexpectedAllows++;
          const problems = securityHeaderProblems(response);
          headerChecks.responses++;
          headerChecks.statuses.add(response.status);
          headerChecks.cookies += response.headers.getSetCookie().length;
          if (problems.length === 0) headerChecks.clean++;
          expect(response.status).toBe(expected);
          expect(problems, "security headers and cookies").toEqual([]);
          if (expected === 302 && visitor === "anonymous" && !["/", "/logout"].includes(access.path) && method === "GET") {
            expect(response.headers.get("Location")).toMatch(/^\/login/);
          }
        });
      }
    }
  }
});

describe("denials", () => {
  it("a staff member asking for an admin page gets a 403 page in plain words", async () => {
    const response = await server.fetch("/admin", { cookie: await cookieFor("staff") });
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain("You don&#x27;t have access to this page");
    expect(html).toContain("does not give access to this page");
  });

  it("a signed-out visitor is sent to sign-in with the page they asked for", async () => {
    const response = await server.fetch("/audit?page=2");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Faudit%3Fpage%3D2");
  });

  it("a data request for a forbidden page is refused as well", async () => {
    const response = await server.fetch("/admin?_data=routes%2F_app.admin", { cookie: await cookieFor("manager") });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("@example");
  });
});
