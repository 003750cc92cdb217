// The declared access of every route: for each role (and the signed-out visitor) and method, the
// status the server must answer. tests/integration/access-table.test.ts checks every entry over
// real HTTP and fails when the build has a route that is missing here (or here one it lacks).
import type { Role } from "~/domain/permissions";

export type Visitor = Role | "anonymous";
export type Expectation = Record<Visitor, number>;
export type RouteAccess =
  | { kind: "layout"; why: string }
  | { kind: "page"; path: string; GET: Expectation; POST: Expectation; postForm?: Record<string, string> };

const all = (status: number): Expectation => ({ anonymous: status, staff: status, manager: status, finance: status, admin: status });
const signedIn = (statuses: Omit<Expectation, "anonymous">, anonymous = 302): Expectation => ({ anonymous, ...statuses });
/** Signed-in only, for the given roles; everyone else signed in gets 403. */
const only = (roles: Role[], allowed = 200, anonymous = 302): Expectation => ({
  anonymous,
  staff: roles.includes("staff") ? allowed : 403,
  manager: roles.includes("manager") ? allowed : 403,
  finance: roles.includes("finance") ? allowed : 403,
  admin: roles.includes("admin") ? allowed : 403,
});
// A POST to a page without an action: Remix answers 405, after the layout's sign-in check.
const noAction = signedIn({ staff: 405, manager: 405, finance: 405, admin: 405 });

export const ACCESS_TABLE: Record<string, RouteAccess> = {
  root: { kind: "layout", why: "the document shell; its loader only reports who is signed in" },
  "routes/_app": { kind: "layout", why: "pathless signed-in layout; checked through its children" },
  "routes/_index": { kind: "page", path: "/", GET: all(302), POST: all(405) },
  "routes/login": {
    kind: "page",
    path: "/login",
    GET: signedIn({ staff: 302, manager: 302, finance: 302, admin: 302 }, 200),
    // An empty form fails validation (400); a signed-in visitor is then sent on to their home.
    POST: signedIn({ staff: 302, manager: 302, finance: 302, admin: 302 }, 400),
    postForm: {},
  },
  "routes/logout": { kind: "page", path: "/logout", GET: all(302), POST: all(302) },
  "routes/healthz": { kind: "page", path: "/healthz", GET: all(200), POST: all(405) },
  "routes/$": { kind: "page", path: "/no-such-page", GET: all(404), POST: all(404) },
  "routes/_app.branch": { kind: "page", path: "/branch", GET: only(["staff", "manager"]), POST: noAction },
  "routes/_app.finance": { kind: "page", path: "/finance", GET: only(["finance"]), POST: noAction },
  "routes/_app.admin": { kind: "page", path: "/admin", GET: only(["admin"]), POST: noAction },
  "routes/_app.audit": { kind: "page", path: "/audit", GET: only(["finance", "admin"]), POST: noAction },
  "routes/_app.pools._index": { kind: "page", path: "/pools", GET: only(["finance"]), POST: noAction },
  // An empty form fails validation (400) for finance; no one else may open a period.
  "routes/_app.pools.open": { kind: "page", path: "/pools/open", GET: only(["finance"]), POST: only(["finance"], 400), postForm: {} },
  // A pool that does not exist: 404 for those who may see pools (finance; managers, their own
  // branch's), 403 for everyone else. tests/integration/pools-http.test.ts covers real pools.
  "routes/_app.pools.$poolId": {
    kind: "page",
    path: "/pools/999999",
    GET: signedIn({ staff: 403, manager: 404, finance: 404, admin: 403 }),
    POST: signedIn({ staff: 403, manager: 403, finance: 404, admin: 403 }),
    postForm: {},
  },
  "routes/_app.pools.close.$periodId": {
    kind: "page",
    path: "/pools/close/999999",
    GET: only(["finance"], 404),
    POST: only(["finance"], 404),
    postForm: {},
  },
};
