// The declared access of every route: for each role (and the signed-out visitor) and method, the
// status the server must answer. tests/integration/access-table.test.ts checks every entry over
// real HTTP and fails when the build has a route that is missing here (or here one it lacks).
// Paths of routes with an id use a placeholder (`:userId`, `:branchId`, `:typeId`) that the test
// replaces with a sample: the staff user it signs in as, that user's branch, a catalogue type.
import type { Role } from "~/domain/core/permissions";

export type Visitor = Role | "anonymous";
export type Expectation = Record<Visitor, number>;
export type RouteAccess =
  | { kind: "layout"; why: string }
  | { kind: "page"; path: string; GET: Expectation; POST: Expectation; postForm?: Record<string, string> };

/**
 * Pages with ids use a placeholder in `path`; the access-table test creates the sample object
 * (for example a customer of the staff user's branch) and substitutes its id.
 */
export const SAMPLE_IDS = [":customerId", ":importId", ":typeId", ":gestureId", ":storyId"] as const;

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
  // The code step of a password sign-in: without a pending sign-in (the password a moment ago)
  // there is nothing to verify, so everyone is sent back to sign-in (a post too, once its empty
  // code is refused: the page's loader then redirects).
  "routes/login_.verify": { kind: "page", path: "/login/verify", GET: all(302), POST: all(302), postForm: {} },
  // Enrolment during sign-in: the page says the step has expired when there is no pending sign-in.
  "routes/login_.enrol": { kind: "page", path: "/login/enrol", GET: all(200), POST: all(400), postForm: {} },
  // Single sign-on: 404 while it is not configured (as here); tests/integration/sso-http.test.ts
  // covers it configured against a real provider. The provider-logout link goes back to sign-in.
  "routes/auth.oidc.start": { kind: "page", path: "/auth/oidc/start", GET: all(404), POST: all(405) },
  "routes/auth.oidc.callback": { kind: "page", path: "/auth/oidc/callback", GET: all(404), POST: all(405) },
  "routes/auth.oidc.logout": { kind: "page", path: "/auth/oidc/logout", GET: all(302), POST: all(405) },
  "routes/healthz": { kind: "page", path: "/healthz", GET: all(200), POST: all(405) },
  "routes/$": { kind: "page", path: "/no-such-page", GET: all(404), POST: all(404) },
  "routes/_app.branch": { kind: "page", path: "/branch", GET: only(["staff", "manager"]), POST: noAction },
  "routes/_app.finance": { kind: "page", path: "/finance", GET: only(["finance"]), POST: noAction },
  // Spend and reports: staff and managers see their own branch's spend; reports are finance's for
  // any branch and a manager's for their own (another branch is 403: reports-http.test.ts).
  "routes/_app.spend": { kind: "page", path: "/spend", GET: only(["staff", "manager"]), POST: noAction },
  "routes/_app.reports._index": { kind: "page", path: "/reports", GET: only(["manager", "finance"]), POST: noAction },
  "routes/_app.reports.outcomes": { kind: "page", path: "/reports/outcomes", GET: only(["manager", "finance"]), POST: noAction },
  "routes/_app.admin": { kind: "page", path: "/admin", GET: only(["admin"]), POST: noAction },
  "routes/_app.audit": { kind: "page", path: "/audit", GET: only(["finance", "admin"]), POST: noAction },
  // A resource route: without an action Remix answers 405 before any sign-in check.
  "routes/_app.audit_.export": { kind: "page", path: "/audit/export", GET: only(["finance", "admin"]), POST: all(405) },
  // Finance's reports and exports (issue 7): finance sees every branch, a manager their own branch.
  "routes/_app.finance_.fairness": { kind: "page", path: "/finance/fairness", GET: only(["manager", "finance"]), POST: signedIn({ staff: 405, manager: 405, finance: 405, admin: 405 }) },
  "routes/_app.finance_.exports": { kind: "page", path: "/finance/exports", GET: only(["manager", "finance"]), POST: noAction },
  "routes/_app.finance_.export.gestures": { kind: "page", path: "/finance/export/gestures", GET: only(["manager", "finance"]), POST: all(405) },
  "routes/_app.finance_.export.ledger": { kind: "page", path: "/finance/export/ledger", GET: only(["manager", "finance"]), POST: all(405) },
  // Flags are finance's; an empty review form is refused (400).
  "routes/_app.finance_.flags": { kind: "page", path: "/finance/flags", GET: only(["finance"]), POST: only(["finance"], 400), postForm: {} },
  // Administration: admins only. An empty form fails validation (400) once the role is checked.
  "routes/_app.admin_.users.new": { kind: "page", path: "/admin/users/new", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
  "routes/_app.admin_.users.$userId": { kind: "page", path: "/admin/users/:userId", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
  "routes/_app.admin_.branches._index": { kind: "page", path: "/admin/branches", GET: only(["admin"]), POST: noAction },
  "routes/_app.admin_.branches.new": { kind: "page", path: "/admin/branches/new", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
  "routes/_app.admin_.branches.$branchId": {
    kind: "page",
    path: "/admin/branches/:branchId",
    GET: only(["admin"]),
    POST: only(["admin"], 400),
    postForm: {},
  },
  "routes/_app.admin_.settings": { kind: "page", path: "/admin/settings", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
  // The gesture catalogue and the policy: admins only; :typeId is a type of the standard catalogue.
  "routes/_app.admin_.catalogue._index": { kind: "page", path: "/admin/catalogue", GET: only(["admin"]), POST: noAction },
  "routes/_app.admin_.catalogue.new": { kind: "page", path: "/admin/catalogue/new", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
  "routes/_app.admin_.catalogue.$typeId": { kind: "page", path: "/admin/catalogue/:typeId", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
  "routes/_app.admin_.policy._index": { kind: "page", path: "/admin/policy", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
  "routes/_app.admin_.policy.$branchId": { kind: "page", path: "/admin/policy/:branchId", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
  // Every signed-in user changes their own password.
  "routes/_app.account.password": {
    kind: "page",
    path: "/account/password",
    GET: signedIn({ staff: 200, manager: 200, finance: 200, admin: 200 }),
    POST: signedIn({ staff: 400, manager: 400, finance: 400, admin: 400 }),
    postForm: {},
  },
  // Every signed-in user manages their own second factor; an empty form is refused.
  "routes/_app.account.security": {
    kind: "page",
    path: "/account/security",
    GET: signedIn({ staff: 200, manager: 200, finance: 200, admin: 200 }),
    POST: signedIn({ staff: 400, manager: 400, finance: 400, admin: 400 }),
    postForm: {},
  },
  "routes/_app.customers._index": { kind: "page", path: "/customers?q=a", GET: only(["staff", "manager"]), POST: noAction },
  // The sample customer belongs to the staff user's branch; the manager works at another branch.
  "routes/_app.customers.$customerId": {
    kind: "page",
    path: "/customers/:customerId",
    GET: signedIn({ staff: 200, manager: 404, finance: 403, admin: 403 }),
    POST: signedIn({ staff: 400, manager: 400, finance: 403, admin: 403 }),
    postForm: { intent: "add-signal" },
  },
  // Gestures (issue 5). The sample proposal is a draft of the staff user, for a customer of their
  // branch; the manager works at another branch (404), finance sees every proposal, admins none.
  "routes/_app.gestures._index": { kind: "page", path: "/gestures", GET: only(["staff", "manager"]), POST: noAction },
  "routes/_app.gestures.new": { kind: "page", path: "/gestures/new", GET: only(["staff", "manager"]), POST: only(["staff", "manager"], 400), postForm: {} },
  "routes/_app.gestures.$gestureId": {
    kind: "page",
    path: "/gestures/:gestureId",
    GET: signedIn({ staff: 200, manager: 404, finance: 200, admin: 403 }),
    POST: signedIn({ staff: 400, manager: 404, finance: 400, admin: 403 }),
    postForm: {},
  },
  // A gesture's receipt: the sample draft has none (404 to those who may see it, 404 to the other
  // branch's manager, 403 to admin); tests/integration/receipts-http.test.ts serves a real one.
  "routes/_app.gestures_.$gestureId_.receipt": {
    kind: "page",
    path: "/gestures/:gestureId/receipt",
    GET: signedIn({ staff: 404, manager: 404, finance: 404, admin: 403 }),
    // A resource route without an action: 405 for everyone, before any sign-in check.
    POST: all(405),
  },
  "routes/_app.approvals": { kind: "page", path: "/approvals", GET: only(["manager", "finance"]), POST: only(["manager", "finance"], 400), postForm: {} },
  // The decision page an approval e-mail links to. Without a token (as here) the link is not
  // valid: 404 to approvers, 403 to roles that never approve. tests/integration/decision-links-http.test.ts
  // covers real links (used, expired, another approver's, stale, signed out then in).
  "routes/_app.approvals_.$gestureId.decide": {
    kind: "page",
    path: "/approvals/:gestureId/decide",
    GET: only(["manager", "finance"], 404),
    POST: only(["manager", "finance"], 404),
    postForm: { intent: "approve", comment: "" },
  },
  "routes/_app.suggestions": { kind: "page", path: "/suggestions", GET: only(["staff", "manager"]), POST: only(["staff", "manager"], 400), postForm: {} },
  // A multipart upload is required: an empty form is refused with 400 for the roles that may import.
  "routes/_app.imports._index": { kind: "page", path: "/imports", GET: only(["manager", "admin"]), POST: only(["manager", "admin"], 400), postForm: {} },
  // The sample import was uploaded by the admin (all branches): the manager of another branch does not see it.
  "routes/_app.imports.$importId": {
    kind: "page",
    path: "/imports/:importId",
    GET: signedIn({ staff: 403, manager: 404, finance: 403, admin: 200 }),
    POST: signedIn({ staff: 403, manager: 404, finance: 403, admin: 400 }),
    postForm: {},
  },
  // A resource route: without an action Remix answers 405 before any sign-in check.
  "routes/_app.imports.template.$kind": { kind: "page", path: "/imports/template/customers", GET: only(["manager", "admin"]), POST: all(405) },
  "routes/_app.api-keys": { kind: "page", path: "/api-keys", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
  // Machine clients: no session, an API key instead. Without one: 401 (JSON), whoever is signed in.
  "routes/api.signals": { kind: "page", path: "/api/signals", GET: all(405), POST: all(401) },
  "routes/_app.erasure": { kind: "page", path: "/erasure", GET: only(["admin"]), POST: only(["admin"], 400), postForm: {} },
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
  // Every signed-in user reads their own notifications; an empty form fails validation (400).
  "routes/_app.notifications": {
    kind: "page",
    path: "/notifications",
    GET: signedIn({ staff: 200, manager: 200, finance: 200, admin: 200 }),
    POST: signedIn({ staff: 400, manager: 400, finance: 400, admin: 400 }),
    postForm: {},
  },
  // Only managers delegate their approvals.
  "routes/_app.delegation": { kind: "page", path: "/delegation", GET: only(["manager"]), POST: only(["manager"], 400), postForm: {} },
  "routes/_app.pools.close.$periodId": {
    kind: "page",
    path: "/pools/close/999999",
    GET: only(["finance"], 404),
    POST: only(["finance"], 404),
    postForm: {},
  },
  // Stories (issue 21): every signed-in person reads the published ones.
  "routes/_app.stories._index": { kind: "page", path: "/stories", GET: signedIn({ staff: 200, manager: 200, finance: 200, admin: 200 }), POST: noAction },
  // The review queue is a manager's, of their own branch.
  "routes/_app.stories.review": { kind: "page", path: "/stories/review", GET: only(["manager"]), POST: noAction },
  // Writing is the proposer's, after a positive response: the sample proposal is the staff user's
  // draft (409, not yet), the manager works at another branch (404), finance and admins write none.
  "routes/_app.stories.new": {
    kind: "page",
    path: "/stories/new?gesture=:gestureId",
    GET: signedIn({ staff: 409, manager: 404, finance: 403, admin: 403 }),
    POST: signedIn({ staff: 409, manager: 404, finance: 403, admin: 403 }),
    postForm: {},
  },
  // The sample story is the staff user's, published: everyone reads it; an empty form is refused (400).
  "routes/_app.stories.$storyId": {
    kind: "page",
    path: "/stories/:storyId",
    GET: signedIn({ staff: 200, manager: 200, finance: 200, admin: 200 }),
    POST: signedIn({ staff: 400, manager: 400, finance: 400, admin: 400 }),
    postForm: {},
  },
};

/**
 * Object-level access: every route whose path takes an id (a `$param` in its route id) is listed
 * here, and tests/integration/object-access.test.ts asks for *another branch's* object by id as
 * every visitor, by GET and POST, as a page and as a data request (`?_data=`). Everyone outside
 * `orgWide` must be refused (403 or 404; a signed-out visitor is sent to sign-in) with none of the
 * object's data in the body. `orgWide` roles see every branch's objects by design (finance sees
 * every proposal and pool; admins every import, user, branch and type), so they are not refused.
 * `postForm` is a form that would be valid for an object the visitor could see, so a POST is
 * refused for the object's sake, not for an empty form. A route with a parameter that is not an
 * object id says why in `notAnObject`.
 */
export type ObjectAccess =
  | { path: string; orgWide: Role[]; postForm?: Record<string, string> }
  | { notAnObject: string };

export const OBJECT_ROUTES: Record<string, ObjectAccess> = {
  "routes/$": { notAnObject: "the not-found splat" },
  "routes/_app.imports.template.$kind": { notAnObject: "a template kind (customers or signals), the same file for everyone" },
  "routes/_app.customers.$customerId": {
    path: "/customers/:customerId",
    orgWide: [],
    postForm: { intent: "add-signal", kind: "complaint", occurredOn: "2026-11-01", severity: "2", note: "" },
  },
  "routes/_app.gestures.$gestureId": { path: "/gestures/:gestureId", orgWide: ["finance"], postForm: { intent: "withdraw", version: "1" } },
  // Without the link's token nobody, finance included, reaches another branch's proposal here.
  "routes/_app.approvals_.$gestureId.decide": { path: "/approvals/:gestureId/decide", orgWide: [], postForm: { intent: "approve", comment: "" } },
  // The foreign draft has no receipt; tests/integration/receipts-http.test.ts asks for a real one from the other branch.
  "routes/_app.gestures_.$gestureId_.receipt": { path: "/gestures/:gestureId/receipt", orgWide: ["finance"] },
  "routes/_app.imports.$importId": { path: "/imports/:importId", orgWide: ["admin"], postForm: { intent: "discard" } },
  "routes/_app.pools.$poolId": {
    path: "/pools/:poolId",
    orgWide: ["finance"],
    postForm: { intent: "allocate", step: "confirm", amount: "1.00", memo: "Object check", idempotencyKey: "object-check-0001" },
  },
  "routes/_app.pools.close.$periodId": { path: "/pools/close/:periodId", orgWide: ["finance"] },
  "routes/_app.admin_.users.$userId": { path: "/admin/users/:userId", orgWide: ["admin"] },
  "routes/_app.admin_.branches.$branchId": { path: "/admin/branches/:branchId", orgWide: ["admin"] },
  "routes/_app.admin_.policy.$branchId": { path: "/admin/policy/:branchId", orgWide: ["admin"] },
  "routes/_app.admin_.catalogue.$typeId": { path: "/admin/catalogue/:typeId", orgWide: ["admin"] },
  // Another branch's story waiting for review: only its author and its branch's managers see it
  // before it is published (a published story is everyone's by design).
  "routes/_app.stories.$storyId": { path: "/stories/:storyId", orgWide: [], postForm: { intent: "publish", version: "1", comment: "" } },
};
