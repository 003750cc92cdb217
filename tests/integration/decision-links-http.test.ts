// Deciding from the approval e-mail, over real HTTP against the production build: the e-mail sent
// through a real SMTP server carries the evidence and a link to the decision page; the link shows
// and never decides on GET; the decision is a form post, audited like any other, and spends the
// link in its transaction; a used, expired, foreign, mismatched or stale link says so and changes
// nothing; signed out, sign-in (with the second factor too) comes back to the page.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, decisionLinks, emailOutbox, gestures, organisation, policyDefaults, type User } from "../../db/schema";
import { approvalEmailComposer } from "~/domain/gestures/approval-email.server";
import { decideGesture } from "~/domain/gestures/decisions.server";
import { DECISION_LINK_DAYS, hashDecisionToken, issueDecisionLink } from "~/domain/gestures/decision-links.server";
import { editProposal, withdrawGesture } from "~/domain/gestures/proposals.server";
import { createEmailTransport, sendPendingEmails } from "~/domain/notifications/email.server";
import { addLocalDays } from "~/domain/core/dates";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { createCustomer, TEST_PASSWORD } from "../support/factories";
import { actorOf, propose, setupGestures, typeId } from "../support/gesture-setup";
import { startTestServer, type TestServer } from "../support/http";
import { rowCounts } from "../support/row-counts";
import { sessionCookieFor } from "../support/sessions";
import { readMail, startSmtpServer } from "../support/smtp";
import { totpCode } from "../support/totp";
import { firstRow } from "~/utils/query.server";

const silent = { info: () => {}, warn: () => {} };
let server: TestServer;
let setup: Awaited<ReturnType<typeof setupGestures>>;
let managerCookie: string;
let customers = 0;

beforeAll(async () => {
  server = await startTestServer();
  setup = await setupGestures(db, { now: new Date() });
  await db.update(policyDefaults).set({ discretionLimit: 5_000, secondApprovalThreshold: 50_000, customerCapCount: 1_000, customerCapAmount: 10_000_000 });
  managerCookie = (await sessionCookieFor(db, setup.manager)).cookie;
});
afterAll(() => server.close());

/** A proposal over the discretion limit, waiting for the north managers. */
async function waiting(amount = 8_500, extra: { cardMessage?: string; justification?: string } = {}) {
  const customer = await createCustomer(db, { branchId: setup.north.id, name: `Customer ${++customers}` });
  const result = await propose(
    db,
    setup.staff,
    { customerId: customer.id, amount, justification: extra.justification ?? "Forty years with us", cardMessage: extra.cardMessage ?? "With sympathy" },
    new Date(),
  );
  expect(result.status).toBe("submitted");
  return { ...result, customer };
}

async function linkFor(user: User, gesture: { gestureId: number; version: number }, now = new Date()) {
  return await issueDecisionLink(db, { gestureId: gesture.gestureId, approverId: user.id, version: gesture.version, secret: env.SESSION_SECRET, now });
}

const post = (path: string, form: Record<string, string>, cookie = managerCookie) => server.fetch(path, { method: "POST", cookie, headers: { Origin: server.origin }, form });
const statusOf = async (gestureId: number) => (await firstRow(db.select({ status: gestures.status, version: gestures.version }).from(gestures).where(eq(gestures.id, gestureId)).limit(1)))!;

/** A request that must change nothing: every table keeps its row count and the proposal its version. */
async function changesNothing(gestureId: number, request: () => Promise<Response>) {
  const before = { rows: await rowCounts(db), gesture: await statusOf(gestureId) };
  const response = await request();
  const body = await response.text();
  expect({ rows: await rowCounts(db), gesture: await statusOf(gestureId) }).toEqual(before);
  return { response, body };
}

describe("the approval e-mail", () => {
  it("goes out over SMTP in text and HTML with the evidence and an absolute link; no note, card message or justification; the link opens the page", async () => {
    const smtp = await startSmtpServer();
    try {
      // Earlier gestures of the same customer count against the caps.
      await db.update(emailOutbox).set({ status: "sent" }).where(eq(emailOutbox.status, "pending"));
      const g = await waiting(8_500, { cardMessage: "CARD-canary-71", justification: "JUSTIFY-canary-72" });
      const transport = createEmailTransport({ smtpUrl: smtp.url, logger: silent });
      const summary = await sendPendingEmails(db, transport, new Date(), { appOrigin: server.origin, compose: approvalEmailComposer(env.SESSION_SECRET) });
      transport.close();
      expect(summary, JSON.stringify((await db.select().from(emailOutbox)).slice(-3))).toMatchObject({ failed: 0, retrying: 0 });
      expect(summary.sent).toBeGreaterThanOrEqual(2);
      const toManager = smtp.received.find((m) => m.to.includes(setup.manager.email))!;
      const mail = readMail(toManager.raw);
      if (process.env.SHOW_MAIL) console.log(mail.text + "\n-----\n" + mail.html);
      expect(mail.contentType).toMatch(/^multipart\/alternative/);
      expect(mail.subject).toBe("A gesture is waiting for your approval");
      // The evidence, in words.
      expect(mail.text).toContain("Sam Staff proposed Flowers ($85.00)");
      expect(mail.text).toContain("Proposed by: Sam Staff");
      expect(mail.text).toContain("Occasion: Bereavement");
      expect(mail.text).toContain("Gesture: Flowers");
      expect(mail.text).toContain("Amount: $85.00, $35.00 over the discretion limit of $50.00");
      expect(mail.text).toMatch(new RegExp(`Pool: \\$[\\d,.]+ available in the ${setup.north.name} pool`));
      expect(mail.text).toMatch(/This customer: \d+ gestures? for \$[\d,.]+ in the last 12 months; with this one \d+ of at most 1000/);
      // Every link absolute, the decision link first among them.
      const links = [...mail.text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
      expect(links.length).toBeGreaterThanOrEqual(3);
      expect(links.every((l) => l.startsWith(server.origin))).toBe(true);
      expect(mail.text).not.toMatch(/(^|\s)\/(gestures|approvals)\//m);
      const decide = links.find((l) => l.includes("/decide?token="))!;
      expect(decide).toMatch(new RegExp(`^${server.origin}/approvals/${g.gestureId}/decide\\?token=[A-Za-z0-9_-]{43}$`));
      // The HTML part: the same link as a button, escaped, and nothing that runs.
      expect(mail.html).toContain(`href="${decide}"`);
      expect(mail.html).not.toMatch(/<script|javascript:/i);
      // Never the card message or the justification, nor the customer's name, in either part.
      for (const secret of ["CARD-canary-71", "JUSTIFY-canary-72", g.customer.name]) {
        expect(mail.text).not.toContain(secret);
        expect(mail.html).not.toContain(secret);
      }
      // The token itself is stored nowhere: only its HMAC.
      const token = new URL(decide).searchParams.get("token")!;
      const dump = JSON.stringify([await db.select().from(decisionLinks), await db.select().from(emailOutbox)]);
      expect(dump).not.toContain(token);
      expect(
        await firstRow(
          db
            .select()
            .from(decisionLinks)
            .where(eq(decisionLinks.tokenHash, hashDecisionToken(token, env.SESSION_SECRET)))
            .limit(1),
        ),
      ).toMatchObject({ approverId: setup.manager.id, gestureId: g.gestureId, gestureVersion: g.version, usedAt: null });
      // Opening it shows the proposal and decides nothing.
      const { response, body } = await changesNothing(g.gestureId, () => server.fetch(new URL(decide).pathname + new URL(decide).search, { cookie: managerCookie }));
      expect(response.status).toBe(200);
      expect(body).toContain(`Decide on proposal #${g.gestureId}`);
      expect(body).toContain("Approve $85.00");
      expect(body).not.toContain("JUSTIFY-canary-72");
      expect(body).not.toContain("CARD-canary-71");
    } finally {
      await smtp.close();
    }
  });

  it("a proposal that no longer waits for the recipient gets the stored message, without a link to decide", async () => {
    const g = await waiting();
    await withdrawGesture(db, actorOf(setup.staff), { gestureId: g.gestureId, version: g.version }, new Date());
    const sent: { to: string; text: string; html?: string }[] = [];
    const transport = { kind: "smtp" as const, send: async (email: { to: string; text: string; html?: string }) => void sent.push(email), close: () => {} };
    await sendPendingEmails(db, transport, new Date(), { appOrigin: server.origin, compose: approvalEmailComposer(env.SESSION_SECRET) });
    const mail = sent.find((m) => m.to === setup.manager.email)!;
    expect(mail.text).toBe(
      `Sam Staff proposed Flowers ($85.00) for a customer of ${setup.north.name}; it waits for your approval.\n\nOpen it in Empathy Fund: ${server.origin}/gestures/${g.gestureId}`,
    );
    expect(mail.html).toContain(`<a href="${server.origin}/gestures/${g.gestureId}">`);
    expect(await db.select().from(decisionLinks).where(eq(decisionLinks.gestureId, g.gestureId))).toEqual([]);
  });
});

describe("the decision link", () => {
  it("approves through the form once: the same audit as the proposal page (marked as from the e-mail), the link spent; used twice it says so and changes nothing", async () => {
    const g = await waiting();
    const link = await linkFor(setup.manager, g);
    const first = await post(link.path, { intent: "approve", comment: "Good call" });
    expect(first.status).toBe(302);
    expect(first.headers.get("Location")).toBe("/approvals");
    expect((await statusOf(g.gestureId)).status).toBe("approved");
    const audit = (await firstRow(
      db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.entity, "gesture"), eq(auditEvents.entityId, String(g.gestureId)), eq(auditEvents.action, "gesture.approved")))
        .limit(1),
    ))!;
    expect(audit.actorId).toBe(setup.manager.id);
    expect(JSON.parse(audit.detail!)).toMatchObject({ from: "submitted", to: "approved", amount: 8_500, level: "manager", via: "email_link" });
    expect(
      (await firstRow(
        db
          .select({ usedAt: decisionLinks.usedAt })
          .from(decisionLinks)
          .where(eq(decisionLinks.tokenHash, hashDecisionToken(link.token, env.SESSION_SECRET)))
          .limit(1),
      ))!.usedAt,
    ).not.toBeNull();

    const again = await changesNothing(g.gestureId, () => post(link.path, { intent: "reject", comment: "Changed my mind" }));
    expect(again.response.status).toBe(410);
    expect(again.body).toContain("already used");
    const page = await changesNothing(g.gestureId, () => server.fetch(link.path, { cookie: managerCookie }));
    expect(page.response.status).toBe(410);
    expect(page.body).toContain("This approval link was already used");
    expect(page.body).toContain('href="/approvals"');
  });

  it("GET never decides: opening the link twice changes nothing, and a reject without a reason is refused beside the field", async () => {
    const g = await waiting();
    const link = await linkFor(setup.manager, g);
    for (let i = 0; i < 2; i++) expect((await changesNothing(g.gestureId, () => server.fetch(link.path, { cookie: managerCookie }))).response.status).toBe(200);
    const refused = await changesNothing(g.gestureId, () => post(link.path, { intent: "reject", comment: "" }));
    expect(refused.response.status).toBe(400);
    expect(refused.body).toContain("Give the reason for the rejection");
    const rejected = await post(link.path, { intent: "reject", comment: "Not what the fund is for" });
    expect(rejected.status).toBe(302);
    expect((await statusOf(g.gestureId)).status).toBe("rejected");
  });

  it(`an expired link (${DECISION_LINK_DAYS} local days) says so and changes nothing`, async () => {
    const g = await waiting();
    const issuedAt = new Date(Date.now() - (DECISION_LINK_DAYS + 1) * 24 * 60 * 60 * 1000);
    const link = await linkFor(setup.manager, g, issuedAt);
    expect(link.expiresAt).toEqual(addLocalDays(issuedAt, DECISION_LINK_DAYS, "America/New_York"));
    const page = await changesNothing(g.gestureId, () => server.fetch(link.path, { cookie: managerCookie }));
    expect(page.response.status).toBe(410);
    expect(page.body).toContain("This approval link has expired");
    const posted = await changesNothing(g.gestureId, () => post(link.path, { intent: "approve", comment: "" }));
    expect(posted.response.status).toBe(410);
    expect((await statusOf(g.gestureId)).status).toBe("submitted");
  });

  it("another approver's link is refused to the manager signed in, without the proposal's details, and changes nothing", async () => {
    const g = await waiting(8_765);
    const link = await linkFor(setup.manager2!, g);
    const page = await changesNothing(g.gestureId, () => server.fetch(link.path, { cookie: managerCookie }));
    expect(page.response.status).toBe(403);
    expect(page.body).toContain("This approval link was sent to another approver");
    expect(page.body).not.toContain("87.65");
    expect(page.body).not.toContain(g.customer.name);
    const posted = await changesNothing(g.gestureId, () => post(link.path, { intent: "approve", comment: "" }));
    expect(posted.response.status).toBe(403);
    // Its own approver may still use it.
    const own = await post(link.path, { intent: "approve", comment: "" }, (await sessionCookieFor(db, setup.manager2!)).cookie);
    expect(own.status).toBe(302);
    expect((await statusOf(g.gestureId)).status).toBe("approved");
  });

  it("a link with another proposal's id in the address decides neither proposal", async () => {
    const a = await waiting();
    const b = await waiting(7_000);
    const link = await linkFor(setup.manager, a);
    const wrongPath = link.path.replace(`/approvals/${a.gestureId}/`, `/approvals/${b.gestureId}/`);
    const page = await changesNothing(b.gestureId, () => server.fetch(wrongPath, { cookie: managerCookie }));
    expect(page.response.status).toBe(404);
    expect(page.body).toContain("belongs to another proposal");
    const posted = await changesNothing(b.gestureId, () => post(wrongPath, { intent: "approve", comment: "" }));
    expect(posted.response.status).toBe(404);
    expect((await statusOf(a.gestureId)).status).toBe("submitted");
    // A made-up token, or none, is refused the same way.
    for (const path of [`/approvals/${a.gestureId}/decide`, `/approvals/${a.gestureId}/decide?token=${"A".repeat(43)}`, `/approvals/${a.gestureId}/decide?token=short`]) {
      expect((await changesNothing(a.gestureId, () => server.fetch(path, { cookie: managerCookie }))).response.status).toBe(404);
    }
  });

  it("a stale link (the proposal was returned and resubmitted, so its version moved on) says so and changes nothing; one decided by someone else too", async () => {
    const g = await waiting();
    const link = await linkFor(setup.manager, g);
    const returned = await decideGesture(db, actorOf(setup.manager2!), { gestureId: g.gestureId, version: g.version, decision: "return", comment: "A card would do" }, new Date());
    const resubmitted = await editProposal(
      db,
      actorOf(setup.staff),
      {
        gestureId: g.gestureId,
        version: returned.version,
        submit: true,
        occasion: "bereavement",
        signalId: null,
        typeId: await typeId(db, "flowers"),
        amount: 8_000,
        cardMessage: "",
        justification: "Forty years with us",
        deliveryMethod: "in_branch",
      },
      new Date(),
    );
    expect(resubmitted.status).toBe("submitted");
    const page = await changesNothing(g.gestureId, () => server.fetch(link.path, { cookie: managerCookie }));
    expect(page.response.status).toBe(409);
    expect(page.body).toContain("This proposal changed since the e-mail");
    expect((await changesNothing(g.gestureId, () => post(link.path, { intent: "approve", comment: "" }))).response.status).toBe(409);

    const other = await waiting();
    const otherLink = await linkFor(setup.manager, other);
    await decideGesture(db, actorOf(setup.manager2!), { gestureId: other.gestureId, version: other.version, decision: "approve", comment: "" }, new Date());
    const decided = await changesNothing(other.gestureId, () => server.fetch(otherLink.path, { cookie: managerCookie }));
    expect(decided.response.status).toBe(409);
    expect(decided.body).toContain("it is now approved");
  });

  it("signed out, the link leads to sign-in and back to the page; with the second factor on, through the code step", async () => {
    const g = await waiting();
    const link = await linkFor(setup.manager, g);
    const signedOut = await changesNothing(g.gestureId, () => server.fetch(link.path));
    expect(signedOut.response.status).toBe(302);
    const login = signedOut.response.headers.get("Location")!;
    expect(login).toBe(`/login?${new URLSearchParams({ redirectTo: link.path })}`);
    const redirectTo = new URL(login, server.origin).searchParams.get("redirectTo")!;
    // A password sign-in goes straight back.
    const signedIn = await server.fetch(login, { method: "POST", headers: { Origin: server.origin }, form: { email: setup.manager.email, password: TEST_PASSWORD, redirectTo } });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("Location")).toBe(link.path);
    const cookie = signedIn.headers
      .getSetCookie()
      .find((c) => c.includes("session="))!
      .split(";")[0]!;
    const page = await server.fetch(link.path, { cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Decide on proposal #${g.gestureId}`);

    // With the second factor required: password, then enrolment, then back to the same page.
    await db.update(organisation).set({ secondFactorRequired: true }).where(eq(organisation.id, 1));
    try {
      const password = await server.fetch(login, { method: "POST", headers: { Origin: server.origin }, form: { email: setup.manager.email, password: TEST_PASSWORD, redirectTo } });
      expect(password.headers.get("Location")).toBe("/login/enrol");
      const pending = password.headers.getSetCookie()[0]!.split(";")[0]!;
      const enrolPage = await (await server.fetch("/login/enrol", { cookie: pending })).text();
      const secret = /data-testid="factor-secret"[^>]*>([A-Z2-7 ]+)</.exec(enrolPage)![1]!.replaceAll(" ", "");
      const done = await server.fetch("/login/enrol", { method: "POST", cookie: pending, headers: { Origin: server.origin }, form: { code: totpCode(secret) } });
      expect(done.status).toBe(200);
      // The recovery codes page continues to the decision page, which the new session opens.
      expect(await done.text()).toContain(`href="${link.path}"`);
      const session = done.headers
        .getSetCookie()
        .find((c) => c.includes("session="))!
        .split(";")[0]!;
      const back = await server.fetch(link.path, { cookie: session });
      const backText = await back.clone().text();
      expect(back.status, backText.slice(backText.indexOf("<main"), backText.indexOf("<main") + 800)).toBe(200);
      expect(await back.text()).toContain(`Decide on proposal #${g.gestureId}`);
    } finally {
      await db.update(organisation).set({ secondFactorRequired: false }).where(eq(organisation.id, 1));
    }
    expect((await statusOf(g.gestureId)).status).toBe("submitted");
  });
});
