// The action forms tests/integration/hostile-input.test.ts attacks: one line per form. `base`
// returns a form that the server accepts (fresh request keys each call); the suite then spoils one
// field at a time. A new action form joins the suite by adding a line here.
import type { Role } from "~/domain/permissions";

export type Samples = Record<string, number> & { version?: number; today?: string };

export type HostileForm = {
  name: string;
  /** Path with placeholders filled from the samples (`:customerId`, `:poolId`). */
  path: string;
  routeId: string;
  as: Role;
  base: (samples: Samples, unique: string) => Record<string, string>;
  /** Money fields; `negative`/`zero` say whether such an amount is a legitimate input there. */
  amounts?: { field: string; negative?: boolean; zero?: boolean }[];
  /** Fields holding dates. */
  dates?: string[];
  /** Free text that is stored and shown back. */
  texts?: string[];
  /** A gesture each request needs, made fresh by the suite (`:gestureId`, `version`, `today`). */
  needs?: "approved gesture" | "fulfilled gesture";
};

export const HOSTILE_FORMS: HostileForm[] = [
  {
    name: "propose a gesture",
    path: "/gestures/new",
    routeId: "routes/_app.gestures.new",
    as: "staff",
    base: (s, unique) => ({
      intent: "submit",
      createKey: `hostile-${unique}`,
      customerId: String(s[":customerId"]),
      occasion: "bereavement",
      typeId: String(s[":typeId"]),
      amount: "40.00",
      cardMessage: "With our sympathy",
      justification: "A long-standing customer",
      deliveryMethod: "in_branch",
    }),
    // A zero amount is a handwritten note: legitimate.
    amounts: [{ field: "amount", zero: true }],
    texts: ["cardMessage", "justification"],
  },
  {
    name: "allocate to a pool",
    path: "/pools/:poolId",
    routeId: "routes/_app.pools.$poolId",
    as: "finance",
    base: (_s, unique) => ({ intent: "allocate", step: "confirm", amount: "5.00", memo: "Top-up", idempotencyKey: `hostile-${unique}` }),
    amounts: [{ field: "amount" }],
    texts: ["memo"],
  },
  {
    name: "adjust a pool",
    path: "/pools/:poolId",
    routeId: "routes/_app.pools.$poolId",
    as: "finance",
    base: (_s, unique) => ({ intent: "adjust", step: "confirm", amount: "-1.00", reason: "Correction", idempotencyKey: `hostile-${unique}` }),
    amounts: [{ field: "amount", negative: true }],
    texts: ["reason"],
  },
  {
    name: "add a signal to a customer",
    path: "/customers/:customerId",
    routeId: "routes/_app.customers.$customerId",
    as: "staff",
    base: () => ({ intent: "add-signal", kind: "complaint", occurredOn: "2026-11-01", severity: "2", note: "Waited an hour" }),
    dates: ["occurredOn"],
    texts: ["note"],
  },
  {
    name: "record a fulfilment",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "staff",
    needs: "approved gesture",
    base: (s) => ({ intent: "fulfil", version: String(s.version), actualAmount: "9.50", vendor: "Rosemary Florists", fulfilledOn: s.today!, note: "Left with the neighbour" }),
    // Zero is what a handwritten note (approved at 0.00) costs: legitimate.
    amounts: [{ field: "actualAmount", zero: true }],
    dates: ["fulfilledOn"],
    texts: ["vendor", "note"],
  },
  {
    name: "cancel an approved gesture",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "manager",
    needs: "approved gesture",
    base: (s) => ({ intent: "cancel", version: String(s.version), reason: "The customer moved away" }),
    texts: ["reason"],
  },
  {
    name: "record the customer's response",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "staff",
    needs: "fulfilled gesture",
    base: (s) => ({ intent: "outcome", version: String(s.version), outcome: "thanked", note: "She called to say thank you" }),
    texts: ["note"],
  },
  {
    name: "create a branch",
    path: "/admin/branches/new",
    routeId: "routes/_app.admin_.branches.new",
    as: "admin",
    base: (_s, unique) => ({ code: `H${unique.replace(/\D/g, "").slice(-6)}`, name: `Hostile ${unique}`, region: "Test Region" }),
    texts: ["name", "region"],
  },
];

/** Amounts no money field accepts (unless the form says negative or zero is legitimate there). */
export const HOSTILE_AMOUNTS: { label: string; value: string; kind?: "negative" | "zero" }[] = [
  { label: "negative", value: "-5.00", kind: "negative" },
  { label: "zero", value: "0", kind: "zero" },
  { label: "huge", value: "99999999999999999999" },
  { label: "fractional cent", value: "1.005" },
  { label: "exponent", value: "1e3" },
  { label: "Arabic-Indic digits", value: "١٠" },
  { label: "full-width digits", value: "１０" },
  { label: "hexadecimal", value: "0x10" },
  { label: "NaN", value: "NaN" },
  { label: "Infinity", value: "Infinity" },
  { label: "two numbers", value: "5 5" },
];

export const IMPOSSIBLE_DATES = ["2026-02-30", "2026-13-01", "2026-11-31", "0000-00-00", "2026-1-1", "99999-01-01", "yesterday"];

/** Extra fields that must never be taken from a form (mass assignment). */
export const MASS_ASSIGNMENT: Record<string, string> = {
  status: "approved",
  branchId: "1",
  role: "admin",
  approverId: "1",
  proposerId: "1",
  userId: "1",
  poolId: "1",
  id: "1",
};

/** Text stored and shown back: must come back escaped, never run. */
export const HOSTILE_TEXTS: { label: string; value: string }[] = [
  { label: "script tag", value: `<script>alert("xss-script")</script>` },
  { label: "attribute break-out", value: `"><img src=x onerror=alert("xss-img")>` },
  { label: "javascript: link", value: `javascript:alert("xss-link")` },
  { label: "CR/LF", value: "line one\r\nINJECTED-LOG-LINE level=error" },
  { label: "NUL", value: "before\u0000after" },
  { label: "right-to-left override", value: "invoice \u202Efdp.exe" },
  { label: "lone surrogate", value: "half \uD800 pair" },
];

/** Every redirect target a request may name: only paths of this site may come out. */
export const OPEN_REDIRECTS = [
  "//evil.example",
  "https://evil.example/",
  "/\\evil.example",
  "\\\\evil.example",
  "/%2F%2Fevil.example",
  "javascript:alert(1)",
  " //evil.example",
  "http:evil.example",
  "/\t/evil.example",
];
