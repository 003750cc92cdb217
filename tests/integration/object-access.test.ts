// Object-level authorization over real HTTP: for every route that takes an id (declared in
// OBJECT_ROUTES, tests/support/access-table.ts; a route with a `$param` missing there fails the
// suite), every visitor asks for *another branch's* object — customer, proposal, import, pool,
// period, user, branch, type — by GET and POST, as a page and as a data request. Everyone but the
// roles that see every branch by design must be refused (403 or 404, or sent to sign-in) and the
// body must carry none of the object's data (its name, card message, file name, amounts). Nothing
// may be written by a refused POST.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { branches, crmImports, ROLES, type User } from "../../db/schema";
import { ACCESS_TABLE, OBJECT_ROUTES, type Visitor } from "../support/access-table";
import { createImport, createUser } from "../support/factories";
import { propose, setupGestures, typeId } from "../support/gesture-setup";
import { startTestServer, type TestServer } from "../support/http";
import { createStory } from "../support/story-setup";
import { sessionCookieFor } from "../support/sessions";
import { rowCounts } from "../support/row-counts";
import { db } from "~/utils/db.server";

const NOW = new Date();
let server: TestServer;
const visitorUser = new Map<Visitor, User>();
/** The other branch's objects, by placeholder. */
const foreignIds = new Map<string, number>();
/** Strings that only the other branch's objects carry: none may appear in a refusal. */
const markers: string[] = [];
let unexpectedAllows = 0;
let cells = 0;

beforeAll(async () => {
  server = await startTestServer();
  // The visitors work at the "north" branch (staff, manager) or everywhere (finance, admin); the
  // objects asked for belong to the "south" branch.
  const setup = await setupGestures(db, { now: NOW, amounts: [100_000, 98_765] });
  visitorUser.set("staff", setup.staff);
  visitorUser.set("manager", setup.manager);
  visitorUser.set("finance", setup.financeUser);
  visitorUser.set("admin", await createUser(db, { role: "admin" }));
  await db.update(branches).set({ name: "Southernmost Foreign Branch" }).where(eq(branches.id, setup.south.id));
  const gesture = await propose(db, setup.southStaff, { customerId: setup.southCustomer.id, amount: 4_321, cardMessage: "Foreign card canary 7731", submit: false }, NOW);
  const imported = await createImport(db, setup.southManager);
  await db.update(crmImports).set({ fileName: "foreign-import-canary.csv" }).where(eq(crmImports.id, imported.id));
  foreignIds.set(":customerId", setup.southCustomer.id);
  foreignIds.set(":gestureId", gesture.gestureId);
  foreignIds.set(":importId", imported.id);
  foreignIds.set(":poolId", setup.pools[1]!.id);
  foreignIds.set(":periodId", setup.periodId);
  foreignIds.set(":userId", setup.southStaff.id);
  foreignIds.set(":branchId", setup.south.id);
  foreignIds.set(":typeId", await typeId(db, "flowers"));
  foreignIds.set(
    ":storyId",
    (
      await createStory(db, {
        customerId: setup.southCustomer.id,
        branchId: setup.south.id,
        authorId: setup.southStaff.id,
        status: "submitted",
        body: "Foreign story canary 5521: a card after a long wait.",
      })
    ).id,
  );
  markers.push(
    setup.southCustomer.name,
    "Foreign card canary 7731",
    "43.21",
    "foreign-import-canary.csv",
    "987.65",
    "Southernmost Foreign Branch",
    setup.southStaff.email,
    "Foreign story canary 5521",
  );
});
afterAll(async () => {
  await server.close();
  console.log(
    `object access: ${cells} cells over ${
      Object.values(OBJECT_ROUTES).filter((r) => "path" in r).length
    } routes with ids refused as declared, ${unexpectedAllows} unexpected allows, no foreign data in any refusal`,
  );
});

function foreignPath(path: string): string {
  return path.replace(/:[A-Za-z]+Id\b/g, (placeholder) => {
    const id = foreignIds.get(placeholder);
    if (id === undefined) throw new Error(`No foreign object for ${placeholder}: add one in object-access.test.ts`);
    return String(id);
  });
}

async function cookieFor(visitor: Visitor): Promise<string | undefined> {
  return visitor === "anonymous" ? undefined : (await sessionCookieFor(db, visitorUser.get(visitor)!)).cookie;
}

describe("object-level access", () => {
  it("every route with a parameter in its path is declared in OBJECT_ROUTES", () => {
    const withParams = Object.keys(server.build.routes).filter((id) => id.includes("$"));
    expect(
      withParams.filter((id) => !(id in OBJECT_ROUTES)),
      "routes with an id missing from OBJECT_ROUTES",
    ).toEqual([]);
    expect(
      Object.keys(OBJECT_ROUTES).filter((id) => !(id in ACCESS_TABLE)),
      "OBJECT_ROUTES names a route that does not exist",
    ).toEqual([]);
  });

  // Controls: the markers are real, so their absence above means something. The roles that see
  // every branch are shown the same objects, markers included.
  it.each([
    ["finance", "/gestures/:gestureId", "43.21"],
    ["admin", "/imports/:importId", "foreign-import-canary.csv"],
    ["admin", "/admin/branches/:branchId", "Southernmost Foreign Branch"],
    ["finance", "/pools/:poolId", "987.65"],
  ] as const)("control: %s is shown %s with its data", async (visitor, path, marker) => {
    const response = await server.fetch(foreignPath(path), { cookie: await cookieFor(visitor) });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(marker);
  });

  const visitors: Visitor[] = ["anonymous", ...ROLES];
  for (const [routeId, access] of Object.entries(OBJECT_ROUTES)) {
    if (!("path" in access)) continue;
    for (const method of ["GET", "POST"] as const) {
      for (const data of [false, true]) {
        for (const visitor of visitors) {
          if (visitor !== "anonymous" && access.orgWide.includes(visitor)) continue;
          const label = `${method}${data ? " ?_data" : ""} another branch's ${access.path} as ${visitor} is refused with no data`;
          it(label, async () => {
            cells++;
            const path = foreignPath(access.path) + (data ? `?_data=${encodeURIComponent(routeId)}` : "");
            const cookie = await cookieFor(visitor);
            const before = await rowCounts(db);
            const response = await server.fetch(path, {
              method,
              cookie,
              form: method === "POST" ? access.postForm ?? {} : undefined,
            });
            const body = await response.text();
            // A data request is sent to sign-in with 204 and X-Remix-Redirect instead of a 302.
            const allowed = visitor === "anonymous" ? [302, 204, 401, 403, 404, 405] : [403, 404, 405];
            const leaked = markers.filter((m) => body.includes(m));
            if (!allowed.includes(response.status) || leaked.length > 0) unexpectedAllows++;
            expect(response.status, body.slice(0, 300)).toSatisfy((s: number) => allowed.includes(s));
            if (response.status === 302) expect(response.headers.get("Location")).toMatch(/^\/login/);
            if (response.status === 204) expect(response.headers.get("X-Remix-Redirect")).toMatch(/^\/login/);
            expect(leaked).toEqual([]);
            expect(await rowCounts(db), "a refused request wrote nothing").toEqual(before);
          });
        }
      }
    }
  }
});
