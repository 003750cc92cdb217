// Hostile input over real HTTP, table-driven (tests/support/hostile-forms.ts, one line per action
// form). For each form: its base is accepted (the control), then one thing is spoiled at a time —
// bad amounts, impossible dates, a field sent twice, extra fields (mass assignment), `__proto__`
// keys, an oversized body — and each must be refused with a 4xx and a message, write nothing, and
// never answer 5xx. Hostile text (markup, `javascript:`, CR/LF, NUL, RTL override, lone surrogate)
// may be stored, but then the page showing it carries it escaped, never as markup; the request log
// stays one JSON line per request. Redirect parameters never lead off the site.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crmImports, policyDefaults, type User } from "../../db/schema";
import { createBranch, createCustomer, createUser, TEST_PASSWORD } from "../support/factories";
import { createGesture } from "../support/gesture-factory";
import { actorOf, propose, setupGestures, typeId } from "../support/gesture-setup";
import { HOSTILE_AMOUNTS, HOSTILE_FORMS, HOSTILE_TEXTS, IMPOSSIBLE_DATES, MASS_ASSIGNMENT, OPEN_REDIRECTS, type HostileForm, type Samples, type StoryNeed } from "../support/hostile-forms";
import { positiveGesture } from "../support/story-setup";
import { reviewStory, writeStory } from "~/domain/stories/stories.server";
import { startTestServer, type TestServer } from "../support/http";
import { rowCounts } from "../support/row-counts";
import { sessionCookieFor } from "../support/sessions";
import { db } from "~/utils/db.server";
import type { Role } from "~/domain/core/permissions";
import { decideGesture } from "~/domain/gestures/decisions.server";
import { fulfilGesture } from "~/domain/gestures/fulfilment.server";
import { localDate } from "~/domain/core/dates";
import { getOrganisation } from "~/domain/core/organisation.server";
import { quarterOf } from "~/domain/reporting/report-filter.server";
import { createGestureType } from "~/domain/policy/catalogue-admin.server";
import { addSignal } from "~/domain/customers/customers.server";
import { issueDecisionLink } from "~/domain/gestures/decision-links.server";
import { env } from "~/utils/env.server";
import { returnedRow, firstRow } from "~/utils/query.server";
import { mapInSeries } from "~/utils/in-series";

let server: TestServer;
const users = new Map<Role, User>();
const samples: Samples = {} as Samples;
let northBranchId = 0;
let sequence = 0;
const figure = { requests: 0, refused: 0, acceptedEscaped: 0, protoDropped: 0, serverErrors: 0 };

beforeAll(async () => {
  server = await startTestServer();
  // A deep pool: every fulfilment, cancellation and outcome request gets a freshly approved gesture.
  const setup = await setupGestures(db, { now: new Date(), amounts: [100_000_000, 100_000] });
  // Generous caps: a proposal is refused for the field the suite spoils, not for a cap it met.
  await db.update(policyDefaults).set({ customerCapCount: 1_000, customerCapAmount: 100_000_000, staffMonthlyCap: 1_000_000_000, receiptRequiredAbove: 100_000_000 });
  users.set("staff", setup.staff);
  users.set("manager", setup.manager);
  users.set("finance", setup.financeUser);
  users.set("admin", await createUser(db, { role: "admin" }));
  northBranchId = setup.north.id;
  samples[":poolId"] = setup.pools[0]!.id;
  samples[":typeId"] = await typeId(db, "flowers");
  // What the admin forms edit: the other branch, a user of their own, a type no proposal uses, a branch without a pool.
  samples[":branchId"] = setup.south.id;
  samples[":northBranchId"] = northBranchId;
  samples[":userId"] = (await createUser(db, { role: "staff", branchId: northBranchId, name: "Edith Editable" })).id;
  samples[":spareTypeId"] = (await createGestureType(db, users.get("admin")!, { name: "Spare type", defaultAmount: 1_000, maxAmount: 2_000, occasions: ["bereavement"] }, new Date())).id;
  samples.delegateId = setup.manager2!.id;
  samples[":spareBranchId"] = (await createBranch(db, { name: "Spare branch" })).id;
  samples.signInEmail = (await createUser(db, { role: "staff", branchId: northBranchId, name: "Lena Login" })).email;
  samples[":spareUserId"] = (await createUser(db, { role: "staff", branchId: northBranchId, name: "Leon Leaving" })).id;
  samples[":retiredTypeId"] = (await createGestureType(db, users.get("admin")!, { name: "Retired type", defaultAmount: 1_000, maxAmount: 2_000, occasions: ["bereavement"] }, new Date())).id;
});
afterAll(async () => {
  await server.close();
  console.log(
    `hostile input: ${figure.requests} hostile requests over ${HOSTILE_FORMS.length} forms and the redirect parameters; ${figure.refused} refused with a 4xx and no write, ` +
      `${figure.acceptedEscaped} accepted text shown back escaped, ${figure.protoDropped} with __proto__/constructor keys taken without them; ${figure.serverErrors} server errors, 0 scripts in pages`,
  );
});

function pathOf(path: string): string {
  return path.replace(/:[A-Za-z]+Id\b/g, (placeholder) => String(samples[placeholder])).replace(":linkToken", samples.linkToken ?? "");
}

/** A fresh customer per request, so no proposal meets the duplicate rule of another; a fresh gesture or flag when the form acts on one. */
async function freshBase(form: HostileForm): Promise<Record<string, string>> {
  const customer = await createCustomer(db, { branchId: northBranchId });
  samples[":customerId"] = customer.id;
  samples.crmRef = customer.crmRef;
  samples.today = localDate(new Date(), (await getOrganisation(db)).timeZone);
  samples.sequence = ++sequence;
  if (form.needs === "open flag") await freshFlag();
  else if (form.needs === "signal") await freshSignal();
  else if (form.needs === "staged import") await freshImport();
  else if (form.needs === "positive gesture" || form.needs?.endsWith(" story")) await freshStory(form.needs as StoryNeed);
  else if (form.needs) await freshGesture(form.needs as Parameters<typeof freshGesture>[0]);
  return form.base(samples, `${Date.now()}${++sequence}`);
}

/**
 * A split-requests flag of the fresh customer: three gestures submitted in the last seconds, each
 * a third of the second-approval threshold (under half of it, so no proposer is flagged too).
 */
async function freshFlag() {
  const now = Date.now();
  const { secondApprovalThreshold } = (await firstRow(db.select().from(policyDefaults).limit(1)))!;
  const made = await mapInSeries(
    [3, 2, 1],
    async (secondsAgo) =>
      await createGesture(db, {
        customerId: samples[":customerId"]!,
        branchId: northBranchId,
        proposerId: users.get("staff")!.id,
        requestedAmount: Math.ceil(secondApprovalThreshold / 3),
        createdAt: new Date(now - secondsAgo * 1000),
      }),
  );
  samples.quarter = quarterOf(localDate(new Date(now), (await getOrganisation(db)).timeZone), (await getOrganisation(db)).timeZone).name;
  samples.flagKey = `split_customer:customer:${samples[":customerId"]}:${made[0]!.id}`;
}

/** A gesture of the fresh customer that the staff user proposed and the customer thanked for, and its story in the state asked for. */
async function freshStory(needs: StoryNeed) {
  const now = new Date();
  const staff = users.get("staff")!;
  const gesture = await positiveGesture(db, staff, samples[":customerId"]!, now);
  samples[":gestureId"] = gesture.gestureId;
  if (needs === "positive gesture") return;
  let story = await writeStory(db, actorOf(staff), { gestureId: gesture.gestureId, body: "We sent flowers; she came in to thank the whole branch.", submit: true }, now);
  if (needs !== "submitted story") {
    story = await reviewStory(
      db,
      actorOf(users.get("manager")!),
      { storyId: story.storyId, version: story.version, decision: needs === "returned story" ? "return" : "publish", comment: "Say what the card said" },
      now,
    );
  }
  samples[":storyId"] = story.storyId;
  samples.version = story.version;
}

/** A customer file the administrator uploaded and previewed (no rows: committing it changes no customer). */
async function freshImport() {
  const staged = await returnedRow(
    db
      .insert(crmImports)
      .values({
        kind: "customers",
        fileName: "customers.csv",
        fileSha256: "0".repeat(64),
        uploadedById: users.get("admin")!.id,
        status: "previewed",
        totalRows: 0,
        validRows: 0,
        errorRows: 0,
        createdAt: new Date(),
      })
      .returning(),
  );
  samples[":importId"] = staged.id;
}

/** A complaint the staff member noted about the fresh customer just now (they may still correct it). */
async function freshSignal() {
  const signal = await addSignal(db, users.get("staff")!, { customerId: samples[":customerId"]!, kind: "complaint", occurredOn: samples.today!, severity: 2, note: "Waited an hour" }, new Date());
  samples.signalId = signal.id;
}

/**
 * A gesture of the north branch, made through the domain: submitted (60.00, over the discretion
 * limit, waiting for the branch manager), returned by the manager for changes, or an approved
 * (and, when asked, fulfilled) 10.00 one; fulfilled at 15.00, over the tolerance, it waits for
 * approval again.
 */
async function freshGesture(needs: "submitted gesture with an e-mailed link" | "submitted gesture" | "returned gesture" | "approved gesture" | "fulfilled gesture" | "gesture to approve again") {
  const now = new Date();
  if (needs === "submitted gesture with an e-mailed link") {
    const state = await propose(db, users.get("staff")!, { customerId: samples[":customerId"]!, amount: 6_000, justification: "Forty years a customer" }, now);
    expect(state.status).toBe("submitted");
    samples[":gestureId"] = state.gestureId;
    samples.version = state.version;
    samples.linkToken = (await issueDecisionLink(db, { gestureId: state.gestureId, approverId: users.get("manager")!.id, version: state.version, secret: env.SESSION_SECRET, now })).token;
    return;
  }
  if (needs === "submitted gesture" || needs === "returned gesture") {
    let state = await propose(db, users.get("staff")!, { customerId: samples[":customerId"]!, amount: 6_000, justification: "Forty years a customer" }, now);
    expect(state.status).toBe("submitted");
    if (needs === "returned gesture") {
      state = await decideGesture(db, actorOf(users.get("manager")!), { gestureId: state.gestureId, version: state.version, decision: "return", comment: "A card would do" }, now);
      expect(state.status).toBe("returned");
    }
    samples[":gestureId"] = state.gestureId;
    samples.version = state.version;
    return;
  }
  let state = await propose(db, users.get("staff")!, { customerId: samples[":customerId"]!, amount: 1_000 }, now);
  if (state.status !== "approved") state = await decideGesture(db, actorOf(users.get("manager")!), { gestureId: state.gestureId, version: state.version, decision: "approve", comment: "" }, now);
  if (needs === "fulfilled gesture" || needs === "gesture to approve again") {
    const actualAmount = needs === "fulfilled gesture" ? 1_000 : 1_500;
    state = await fulfilGesture(
      db,
      actorOf(users.get("staff")!),
      { gestureId: state.gestureId, version: state.version, actualAmount, vendor: "Florist", fulfilledOn: samples.today!, note: "", receipt: null },
      now,
    );
    expect(state.status).toBe(needs === "fulfilled gesture" ? "fulfilled" : "needs_reapproval");
  }
  samples[":gestureId"] = state.gestureId;
  samples.version = state.version;
}

async function send(form: HostileForm, body: string, options: { data?: boolean } = {}) {
  const cookie = (await sessionCookieFor(db, users.get(form.as)!)).cookie;
  const path = pathOf(form.path) + (options.data ? `${form.path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(form.routeId)}` : "");
  figure.requests++;
  const response = await server.fetch(path, { method: "POST", cookie, headers: { Origin: server.origin, "Content-Type": "application/x-www-form-urlencoded" }, body });
  if (response.status >= 500) figure.serverErrors++;
  return { response, cookie, text: await response.text() };
}

/** Sends a body that must be refused: a 4xx with a message, and no row written anywhere. */
async function expectRefused(form: HostileForm, body: string) {
  const before = await rowCounts(db);
  const { response, text } = await send(form, body, { data: true });
  expect(response.status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(response.status, text.slice(0, 300)).toBeLessThan(500);
  // The data request's answer carries the message shown beside the field (or the page's message).
  expect(text, "a refusal says why").toMatch(/[A-Za-z]{4,}.*[A-Za-z]{4,}/s);
  expect(await rowCounts(db), "a refused request writes nothing").toEqual(before);
  figure.refused++;
}

const encode = (form: Record<string, string>) => new URLSearchParams(form).toString();

describe.each(HOSTILE_FORMS.map((form) => [form.name, form] as const))("hostile input: %s", (_name, form) => {
  it("control: the untouched form is accepted", async () => {
    const { response, text } = await send(form, encode(await freshBase(form)));
    figure.requests--;
    expect(response.status, text.slice(0, 300)).toBe(form.accepted ?? 302);
  });

  for (const { field, negative, zero } of form.amounts ?? []) {
    for (const amount of HOSTILE_AMOUNTS) {
      if ((amount.kind === "negative" && negative) || (amount.kind === "zero" && zero)) continue;
      it(`${field} = ${amount.label} (${amount.value}) is refused`, async () => {
        await expectRefused(form, encode({ ...(await freshBase(form)), [field]: amount.value }));
      });
    }
    it(`${field} sent twice with different values is refused`, async () => {
      const base = await freshBase(form);
      await expectRefused(form, `${encode(base)}&${field}=9999.00`);
    });
  }

  for (const field of form.dates ?? []) {
    for (const date of IMPOSSIBLE_DATES) {
      it(`${field} = ${date} is refused`, async () => {
        await expectRefused(form, encode({ ...(await freshBase(form)), [field]: date }));
      });
    }
  }

  // A field the form itself carries (a user's role, a branch) is no extra: its spoiling is the form's own.
  const ownFields = new Set(Object.keys(form.base({ today: "2026-01-01", sequence: 0, version: 1 } as unknown as Samples, "0")));
  for (const [extra, value] of Object.entries(MASS_ASSIGNMENT).filter(([extra]) => !ownFields.has(extra))) {
    it(`an extra field ${extra}=${value} is refused (mass assignment)`, async () => {
      await expectRefused(form, encode({ ...(await freshBase(form)), [extra]: value }));
    });
  }

  // The form parser (conform) drops these keys before validation, so the form is taken as if they
  // were not there: either refused with no write, or the same single write as the untouched form.
  it.each(["__proto__[role]=admin", "__proto__=x", "constructor[prototype][polluted]=yes", "__proto__.polluted=yes"])("a %s key is dropped or refused and pollutes nothing", async (pair) => {
    const base = await freshBase(form);
    const before = await rowCounts(db);
    const { response, text } = await send(form, `${encode(base)}&${pair}`, { data: true });
    expect(response.status, text.slice(0, 300)).toBeLessThan(500);
    if (response.status >= 400) {
      expect(await rowCounts(db)).toEqual(before);
      figure.refused++;
    } else {
      figure.protoDropped++;
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it("a body over the size limit is refused before it is read", async () => {
    const field = form.texts?.[0] ?? Object.keys(form.base(samples, "x"))[0]!;
    const { response } = await send(form, encode({ ...(await freshBase(form)), [field]: "x".repeat(1024 * 1024 + 10) }));
    expect(response.status).toBe(413);
    figure.refused++;
  });

  for (const field of form.texts ?? []) {
    it(`${field} of a megabyte is refused`, async () => {
      // Just under the body ceiling: the field's own length rule refuses it.
      await expectRefused(form, encode({ ...(await freshBase(form)), [field]: "y".repeat(1000 * 1000) }));
    });
    for (const text of HOSTILE_TEXTS) {
      it(`${field} with ${text.label}: refused, or stored and shown escaped`, async () => {
        const base = await freshBase(form);
        const before = await rowCounts(db);
        const { response, cookie, text: body } = await send(form, encode({ ...base, [field]: text.value }));
        expect(response.status, body.slice(0, 300)).toBeLessThan(500);
        if (response.status >= 400) {
          expect(await rowCounts(db)).toEqual(before);
          figure.refused++;
          return;
        }
        expect(response.status, body.slice(0, 300)).toBe(form.accepted ?? 302);
        let html = body;
        if (response.status === 302) {
          const shown = await server.fetch(form.shownAt ? pathOf(form.shownAt) : response.headers.get("Location")!, { cookie });
          expect(shown.status).toBe(200);
          html = await shown.text();
        }
        // The text is on the page (escaped), so that the checks below look where it is.
        if (text.label === "script tag") expect(html).toContain("&lt;script&gt;alert(");
        expect(html).not.toContain("<script>alert(");
        expect(html).not.toMatch(/<img[^>]+onerror/i);
        expect(html).not.toMatch(/href="\s*javascript:/i);
        figure.acceptedEscaped++;
      });
    }
  }
});

describe("hostile input: logs and redirects", () => {
  it("CR/LF in a path and a form never splits a log line", async () => {
    const cookie = (await sessionCookieFor(db, users.get("staff")!)).cookie;
    await server.fetch("/gestures/1%0d%0aINJECTED-LOG-LINE", { cookie });
    await server.fetch("/customers?q=a%0d%0aINJECTED-LOG-LINE", { cookie });
    figure.requests += 2;
    // logLines parses every line as JSON: a split line would throw here.
    const lines = server.logLines();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => typeof line.requestId !== "string")).toEqual([]);
  });

  it("a NUL in the address (a search, a path) is refused with 400 and says why, on either engine", async () => {
    const cookie = (await sessionCookieFor(db, users.get("staff")!)).cookie;
    for (const path of ["/customers?q=Ada%00", "/gestures/1%00", "/gestures?status=%00approved"]) {
      const response = await server.fetch(path, { cookie });
      figure.requests++;
      expect(response.status, path).toBe(400);
      expect(await response.text()).toContain("NUL character");
    }
    // The same search without the NUL is answered (the refusal is about the character, not the page).
    expect((await server.fetch("/customers?q=Ada", { cookie })).status).toBe(200);
  });

  for (const target of OPEN_REDIRECTS) {
    it(`redirectTo=${JSON.stringify(target)} at sign-in stays on this site`, async () => {
      const staff = users.get("staff")!;
      const cookie = (await sessionCookieFor(db, staff)).cookie;
      const signedIn = await server.fetch(`/login?redirectTo=${encodeURIComponent(target)}`, { cookie });
      const posted = await server.fetch(`/login?redirectTo=${encodeURIComponent(target)}`, {
        method: "POST",
        headers: { Origin: server.origin },
        form: { email: staff.email, password: TEST_PASSWORD, redirectTo: target },
      });
      const dismissed = await server.fetch("/suggestions", { method: "POST", cookie, headers: { Origin: server.origin }, form: { redirectTo: target } });
      figure.requests += 3;
      for (const response of [signedIn, posted, dismissed]) {
        expect(response.status).toBeLessThan(500);
        const location = response.headers.get("Location");
        if (location === null) continue;
        expect(location, `Location for ${target}`).toMatch(/^\/(?![/\\])/);
        expect(new URL(location, server.origin).origin).toBe(server.origin);
      }
    });
  }
});
