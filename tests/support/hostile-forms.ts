// The action forms tests/integration/hostile-input.test.ts attacks: one line per form. `base`
// returns a form that the server accepts (fresh request keys each call); the suite then spoils one
// field at a time. A new action form joins the suite by adding a line here.
import { TEST_PASSWORD } from "./factories";
import { addDays } from "~/domain/core/dates";
import type { Role } from "~/domain/core/permissions";
import { POLICY_KEYS } from "~/domain/policy/policy";

export type Samples = Record<string, number> & { linkToken?: string; version?: number; today?: string; crmRef?: string; quarter?: string; flagKey?: string; signInEmail?: string };

/** A gesture of the staff user closed with thanks (`:gestureId`), and its story in a state (`:storyId`, `version`). */
export type StoryNeed = "positive gesture" | "submitted story" | "returned story" | "published story";

export type HostileForm = {
  name: string;
  /** Path with placeholders filled from the samples (`:customerId`, `:poolId`). */
  path: string;
  routeId: string;
  as: Role;
  base: (samples: Samples, unique: string) => Record<string, string>;
  /** Money fields (and other numbers: days, counts, percentages); `negative`/`zero` say whether such a value is a legitimate input there. */
  amounts?: { field: string; negative?: boolean; zero?: boolean }[];
  /** Fields holding dates. */
  dates?: string[];
  /** Free text that is stored and shown back. */
  texts?: string[];
  /**
   * What each request needs, made fresh by the suite: a gesture (`:gestureId`, `version`; a
   * submitted one is over the discretion limit and waits for the branch manager, a returned one was
   * sent back by them, one fulfilled over the tolerance waits for approval again), a signal of the customer (`signalId`), or an open unusual-pattern flag
   * (`flagKey`, `quarter`), or a previewed CRM import of the admin (`:importId`). Every request
   * has a fresh customer (`:customerId`, `crmRef`), `today` and `sequence`.
   */
  needs?: "submitted gesture with an e-mailed link" | "submitted gesture" | "returned gesture" | "approved gesture" | "fulfilled gesture" | "gesture to approve again" | "signal" | "staged import" | "open flag" | StoryNeed;
  /** The status of an accepted request: a redirect (the default), or 200 where the answer is the page itself (a one-time secret, a review step). */
  accepted?: 200;
  /** Where stored text is shown, when not on the page the redirect leads to (placeholders as in `path`). */
  shownAt?: string;
};

export const HOSTILE_FORMS: HostileForm[] = [
  // Stories (issue 21)
  {
    name: "write a story",
    path: "/stories/new?gesture=:gestureId",
    routeId: "routes/_app.stories.new",
    as: "staff",
    needs: "positive gesture",
    base: (s) => ({ intent: "submit", gestureId: String(s[":gestureId"]), body: "We sent flowers; she came in to thank the whole branch." }),
    texts: ["body"],
  },
  {
    name: "change a returned story and send it again",
    path: "/stories/:storyId",
    routeId: "routes/_app.stories.$storyId",
    as: "staff",
    needs: "returned story",
    base: (s) => ({ intent: "submit", version: String(s.version), body: "We sent flowers and a card; she came in to thank the whole branch." }),
    texts: ["body"],
  },
  {
    name: "return a story for changes",
    path: "/stories/:storyId",
    routeId: "routes/_app.stories.$storyId",
    as: "manager",
    needs: "submitted story",
    base: (s) => ({ intent: "return", version: String(s.version), comment: "Say what the card said" }),
    texts: ["comment"],
    shownAt: "/stories/:storyId",
  },
  {
    name: "withdraw a story",
    path: "/stories/:storyId",
    routeId: "routes/_app.stories.$storyId",
    as: "staff",
    needs: "published story",
    base: (s) => ({ intent: "withdraw", version: String(s.version), confirm: "yes" }),
  },
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
    name: "approve a fulfilment over the tolerance again",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "manager",
    needs: "gesture to approve again",
    base: (s) => ({ intent: "reapprove", version: String(s.version), comment: "The florist raised prices" }),
    texts: ["comment"],
    shownAt: "/gestures/:gestureId",
  },
  {
    name: "refuse a fulfilment over the tolerance",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "manager",
    needs: "gesture to approve again",
    base: (s) => ({ intent: "refuse-reapproval", version: String(s.version), comment: "Keep to the approved amount" }),
    texts: ["comment"],
    shownAt: "/gestures/:gestureId",
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
    // Issue 21: the confirmed "asked not to receive gestures" (negative response + do-not-contact).
    name: "record that the customer asked not to receive gestures",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "staff",
    needs: "fulfilled gesture",
    base: (s) => ({ intent: "outcome", version: String(s.version), outcome: "asked_no_gestures", note: "Asked us on the phone", confirmNoGestures: "on" }),
    texts: ["note"],
  },
  {
    name: "resubmit a returned proposal",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "staff",
    needs: "returned gesture",
    base: (s) => ({
      intent: "submit",
      version: String(s.version),
      occasion: "bereavement",
      typeId: String(s[":typeId"]),
      amount: "45.00",
      cardMessage: "With our sympathy",
      justification: "A card alone felt too little",
      deliveryMethod: "in_branch",
    }),
    // A zero amount is a handwritten note: legitimate.
    amounts: [{ field: "amount", zero: true }],
    texts: ["cardMessage", "justification"],
  },
  {
    name: "correct a signal",
    path: "/customers/:customerId",
    routeId: "routes/_app.customers.$customerId",
    as: "staff",
    needs: "signal",
    base: (s) => ({ intent: "correct-signal", signalId: String(s.signalId), kind: "complaint", occurredOn: s.today!, severity: "3", note: "Waited two hours" }),
    dates: ["occurredOn"],
    texts: ["note"],
  },
  {
    name: "withdraw a proposal",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "staff",
    needs: "submitted gesture",
    base: (s) => ({ intent: "withdraw", version: String(s.version) }),
  },
  {
    // The reason is kept for the audit, not shown back: no text to check on a page.
    name: "dismiss a suggestion",
    path: "/suggestions",
    routeId: "routes/_app.suggestions",
    as: "staff",
    base: (s) => ({ intent: "dismiss-suggestion", customerId: String(s[":customerId"]), reason: "Already called her this week" }),
  },
  {
    name: "erase a customer",
    path: "/erasure",
    routeId: "routes/_app.erasure",
    as: "admin",
    base: (s) => ({ intent: "erase", crmRef: s.crmRef!, confirm: "ERASE" }),
  },
  {
    name: "commit a CRM import",
    path: "/imports/:importId",
    routeId: "routes/_app.imports.$importId",
    as: "admin",
    needs: "staged import",
    base: () => ({ intent: "commit" }),
  },
  {
    name: "mark an unusual-pattern flag reviewed",
    path: "/finance/flags",
    routeId: "routes/_app.finance_.flags",
    as: "finance",
    needs: "open flag",
    base: (s) => ({ flagKey: s.flagKey!, quarter: s.quarter!, note: "Three separate bereavements in one family" }),
    texts: ["note"],
    shownAt: "/finance/flags?status=reviewed&rule=split_customer",
  },
  {
    name: "approve a proposal with a comment",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "manager",
    needs: "submitted gesture",
    base: (s) => ({ intent: "approve", version: String(s.version), comment: "Well judged" }),
    texts: ["comment"],
    shownAt: "/gestures/:gestureId",
  },
  {
    // The decision page of an approval e-mail: the token rides in the address, the form is the decision alone.
    name: "approve from an approval e-mail's link",
    path: "/approvals/:gestureId/decide?token=:linkToken",
    routeId: "routes/_app.approvals_.$gestureId.decide",
    as: "manager",
    needs: "submitted gesture with an e-mailed link",
    base: () => ({ intent: "approve", comment: "Decided from my phone" }),
    texts: ["comment"],
    shownAt: "/gestures/:gestureId",
  },
  {
    name: "return from an approval e-mail's link",
    path: "/approvals/:gestureId/decide?token=:linkToken",
    routeId: "routes/_app.approvals_.$gestureId.decide",
    as: "manager",
    needs: "submitted gesture with an e-mailed link",
    base: () => ({ intent: "return", comment: "A card would do" }),
    texts: ["comment"],
    shownAt: "/gestures/:gestureId",
  },
  {
    name: "reject a proposal with a reason",
    path: "/gestures/:gestureId",
    routeId: "routes/_app.gestures.$gestureId",
    as: "manager",
    needs: "submitted gesture",
    base: (s) => ({ intent: "reject", version: String(s.version), comment: "Outside what the fund is for" }),
    texts: ["comment"],
    shownAt: "/gestures/:gestureId",
  },
  {
    name: "create a user",
    path: "/admin/users/new",
    routeId: "routes/_app.admin_.users.new",
    as: "admin",
    // The answer is the page with the one-time password, never a redirect.
    accepted: 200,
    base: (s, unique) => ({ name: `Hostile ${unique}`, email: `hostile-${unique}@example.com`, role: "staff", branchId: String(s[":northBranchId"]) }),
    texts: ["name"],
  },
  {
    name: "edit a user",
    path: "/admin/users/:userId",
    routeId: "routes/_app.admin_.users.$userId",
    as: "admin",
    base: (s, unique) => ({ intent: "update", name: `Edith ${unique}`, role: "staff", branchId: String(s[":northBranchId"]) }),
    texts: ["name"],
  },
  {
    name: "edit a gesture type",
    path: "/admin/catalogue/:spareTypeId",
    routeId: "routes/_app.admin_.catalogue.$typeId",
    as: "admin",
    base: (_s, unique) => ({ intent: "update", name: `Spare type ${unique}`, description: "Kept for the suite", defaultAmount: "10.00", maxAmount: "20.00", occasions: "bereavement" }),
    amounts: [{ field: "defaultAmount", zero: true }, { field: "maxAmount" }],
    texts: ["name", "description"],
  },
  {
    name: "add a gesture type",
    path: "/admin/catalogue/new",
    routeId: "routes/_app.admin_.catalogue.new",
    as: "admin",
    base: (_s, unique) => ({ name: `Hostile type ${unique}`, description: "Made by the suite", defaultAmount: "10.00", maxAmount: "20.00", occasions: "bereavement" }),
    // A default of zero is a type that costs nothing (a handwritten note): legitimate. A zero maximum is below the default.
    amounts: [{ field: "defaultAmount", zero: true }, { field: "maxAmount" }],
    texts: ["name"],
  },
  {
    name: "save the organisation's policy",
    path: "/admin/policy",
    routeId: "routes/_app.admin_.policy._index",
    as: "admin",
    // The policy the suite runs under (tests/integration/hostile-input.test.ts sets it): saving it changes nothing.
    base: () => ({
      discretionLimit: "50.00",
      secondApprovalThreshold: "150.00",
      perGestureMax: "250.00",
      customerCapAmount: "1000000.00",
      customerCapCount: "1000",
      staffMonthlyCap: "10000000.00",
      duplicateWindowDays: "30",
      approvalExpiryDays: "30",
      varianceTolerancePercent: "10",
      outcomeFollowUpDays: "14",
      receiptRequiredAbove: "1000000.00",
      connectedPersonCheck: "on",
      hardshipLookbackDays: "90",
      householdCap: "on",
      redressCheck: "on",
      budgetAlertFirstPercent: "50",
      budgetAlertSecondPercent: "75",
      budgetAlertFinancePercent: "90",
      leaveAloneMonths: "12",
    }),
    // Zero discretion (everything goes to a manager) and zero tolerance are legitimate; a zero
    // per-gesture maximum is below the threshold, a zero count cap forbids every gesture; a budget
    // alert at 0 is switched off.
    amounts: [
      { field: "discretionLimit", zero: true },
      { field: "perGestureMax" },
      { field: "customerCapCount" },
      { field: "varianceTolerancePercent", zero: true },
      { field: "hardshipLookbackDays", zero: true },
      { field: "budgetAlertSecondPercent", zero: true },
    ],
  },
  {
    name: "override a branch's policy",
    path: "/admin/policy/:branchId",
    routeId: "routes/_app.admin_.policy.$branchId",
    as: "admin",
    base: () => ({
      ...Object.fromEntries(POLICY_KEYS.map((key) => [`${key}.mode`, "default"])),
      "discretionLimit.mode": "override",
      "discretionLimit.value": "40.00",
      "approvalExpiryDays.mode": "override",
      "approvalExpiryDays.value": "20",
    }),
    // Zero discretion is legitimate; approvals must stay valid at least a day.
    amounts: [{ field: "discretionLimit.value", zero: true }, { field: "approvalExpiryDays.value" }],
  },
  {
    name: "edit a branch",
    path: "/admin/branches/:branchId",
    routeId: "routes/_app.admin_.branches.$branchId",
    as: "admin",
    base: (_s, unique) => ({ name: `South ${unique}`, region: "Test Region" }),
    texts: ["name", "region"],
  },
  {
    // Deactivating a deactivated branch changes nothing: after the first request the form is still checked, nothing is written twice.
    name: "deactivate a branch",
    path: "/admin/branches/:spareBranchId",
    routeId: "routes/_app.admin_.branches.$branchId",
    as: "admin",
    base: () => ({ intent: "deactivate" }),
  },
  {
    name: "deactivate a user",
    path: "/admin/users/:spareUserId",
    routeId: "routes/_app.admin_.users.$userId",
    as: "admin",
    base: () => ({ intent: "deactivate" }),
  },
  {
    name: "deactivate a gesture type",
    path: "/admin/catalogue/:retiredTypeId",
    routeId: "routes/_app.admin_.catalogue.$typeId",
    as: "admin",
    base: () => ({ intent: "deactivate" }),
  },
  {
    name: "mark every notification read",
    path: "/notifications",
    routeId: "routes/_app.notifications",
    as: "staff",
    base: () => ({ intent: "read-all", upToId: "1000000000" }),
  },
  {
    name: "create a branch",
    path: "/admin/branches/new",
    routeId: "routes/_app.admin_.branches.new",
    as: "admin",
    base: (_s, unique) => ({ code: `H${unique.replace(/\D/g, "").slice(-6)}`, name: `Hostile ${unique}`, region: "Test Region" }),
    texts: ["name", "region"],
  },
  {
    name: "save the organisation settings",
    path: "/admin/settings",
    routeId: "routes/_app.admin_.settings",
    as: "admin",
    // The organisation the suite runs in (tests/support/budget.ts): saving it changes nothing but the name.
    base: () => ({ name: "Test Bank", currency: "USD", timeZone: "America/New_York", periodLength: "quarter", unspentBalanceRule: "lapse", sensitiveRetentionDays: "90", complaintsProcessText: "Use the complaints procedure." }),
    amounts: [{ field: "sensitiveRetentionDays" }],
    texts: ["name", "complaintsProcessText"],
  },
  {
    name: "delegate approvals while away",
    path: "/delegation",
    routeId: "routes/_app.delegation",
    as: "manager",
    // One future day per request, so that no delegation overlaps another.
    base: (s) => {
      const day = addDays(s.today!, 30 + s.sequence!);
      return { intent: "create", delegateId: String(s.delegateId), startsOn: day, endsOn: day };
    },
    dates: ["startsOn", "endsOn"],
  },
  {
    name: "create an API key",
    path: "/api-keys",
    routeId: "routes/_app.api-keys",
    as: "admin",
    // The key is shown once, in the answer itself.
    accepted: 200,
    base: (_s, unique) => ({ intent: "create", name: `Hostile key ${unique}` }),
    texts: ["name"],
  },
  {
    name: "review the opening of a budget period",
    path: "/pools/open",
    routeId: "routes/_app.pools.open",
    as: "finance",
    // The review step answers with the confirmation page and moves no money.
    accepted: 200,
    base: (s, unique) => ({
      intent: "review",
      "amounts[0].branchId": String(s[":northBranchId"]),
      "amounts[0].amount": "100.00",
      "amounts[1].branchId": String(s[":branchId"]),
      "amounts[1].amount": "50.00",
      idempotencyKey: `hostile-${unique}`,
    }),
    // A blank or zero amount allocates nothing to that branch: legitimate.
    amounts: [{ field: "amounts[0].amount", zero: true }],
  },
  {
    // A user of its own signs in (the sender's session is replaced, as it would be).
    name: "sign in",
    path: "/login",
    routeId: "routes/login",
    as: "staff",
    base: (s) => ({ email: s.signInEmail!, password: TEST_PASSWORD }),
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
