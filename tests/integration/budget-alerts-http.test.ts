// Budget alerts over real HTTP against the production build (issue 21): managers approving from
// the gesture page take the branch's pool past 50 %, 75 % and 90 %; each threshold tells the
// branch's managers once — in the app, with the pool's page as the link, and by e-mail over a real
// SMTP server — and finance at 90 %. Money going back and being spent again sends nothing twice.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetAlerts, emailOutbox, gestures, notifications, policyDefaults, type User } from "../../db/schema";
import { getPoolBalance } from "~/domain/budget/ledger.server";
import { cancelGesture } from "~/domain/gestures/fulfilment.server";
import { createEmailTransport, sendPendingEmails } from "~/domain/notifications/email.server";
import { db } from "~/utils/db.server";
import { createCustomer } from "../support/factories";
import { actorOf, propose, setupGestures } from "../support/gesture-setup";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { readMail, startSmtpServer } from "../support/smtp";
import { firstRow } from "~/utils/query.server";

let server: TestServer;
let s: Awaited<ReturnType<typeof setupGestures>>;
const silent = { info: () => {}, warn: () => {} };

beforeAll(async () => {
  server = await startTestServer();
  // North's pool: $200.00. Every proposal of $60.00 needs a manager (discretion $10.00).
  s = await setupGestures(db, { now: new Date(), amounts: [20_000, 100_000] });
  await db.update(policyDefaults).set({ discretionLimit: 1_000, secondApprovalThreshold: 50_000, customerCapCount: 1_000, customerCapAmount: 10_000_000 });
});
afterAll(() => server.close());

const cookie = async (user: User) => (await sessionCookieFor(db, user)).cookie;
const alertsOf = async (user: User) =>
  (
    await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, user.id), eq(notifications.kind, "budget_alert")))
  ).map((n) => Number(n.message.match(/past the (\d+)% alert/)![1]));

let customers = 0;
async function proposeAndApprove(amount = 6_000) {
  const customer = await createCustomer(db, { branchId: s.north.id, name: `Alert Customer ${++customers}` });
  const proposed = await propose(db, s.staff, { customerId: customer.id, amount, justification: "Long-standing customer" }, new Date());
  expect(proposed.status).toBe("submitted");
  const response = await server.fetch(`/gestures/${proposed.gestureId}`, {
    method: "POST",
    cookie: await cookie(s.manager),
    headers: { Origin: server.origin },
    form: { intent: "approve", version: String(proposed.version) },
  });
  expect(response.status).toBe(302);
  return proposed;
}

describe("budget alerts", () => {
  it("tell the branch's managers at 50 % and 75 %, and finance too at 90 %, once each; nobody else", async () => {
    const pool = s.pools[0]!;
    await proposeAndApprove(); // 30 %
    expect(await alertsOf(s.manager)).toEqual([]);
    await proposeAndApprove(); // 60 %
    expect(await alertsOf(s.manager)).toEqual([50]);
    const third = await proposeAndApprove(); // 90 %
    expect((await getPoolBalance(db, pool.id)).committed).toBe(18_000);
    for (const manager of [s.manager, s.manager2!]) expect(await alertsOf(manager)).toEqual([50, 75, 90]);
    for (const finance of [s.financeUser, s.finance2]) expect(await alertsOf(finance)).toEqual([90]);
    for (const other of [s.staff, s.staff2, s.southManager, s.southStaff]) expect(await alertsOf(other)).toEqual([]);

    // Money back in the pool and spent again: no threshold is sent a second time.
    const approved = (await firstRow(db.select({ version: gestures.version, status: gestures.status }).from(gestures).where(eq(gestures.id, third.gestureId)).limit(1)))!;
    expect(approved.status).toBe("approved");
    await cancelGesture(db, actorOf(s.staff), { gestureId: third.gestureId, version: approved.version, reason: "Customer moved away" }, new Date());
    expect((await getPoolBalance(db, pool.id)).committed).toBe(12_000);
    await proposeAndApprove();
    expect((await getPoolBalance(db, pool.id)).committed).toBe(18_000);
    expect(await alertsOf(s.manager)).toEqual([50, 75, 90]);
    expect(await alertsOf(s.financeUser)).toEqual([90]);
    expect((await db.select().from(budgetAlerts).where(eq(budgetAlerts.poolId, pool.id))).map((a) => a.thresholdPercent)).toEqual([50, 75, 90]);
  });

  it("reach the manager in the app with the pool's page as the link, and the page opens", async () => {
    const pool = s.pools[0]!;
    const list = await server.fetch("/notifications", { cookie: await cookie(s.manager) });
    const html = await list.text();
    expect(html).toContain(`budget for Q`);
    expect(html).toContain(`href="/pools/${pool.id}"`);
    const page = await server.fetch(`/pools/${pool.id}`, { cookie: await cookie(s.manager) });
    expect(page.status).toBe(200);
  });

  it("go out by e-mail over SMTP with an absolute link to the pool, in text and HTML, without any customer's name", async () => {
    const pool = s.pools[0]!;
    const smtp = await startSmtpServer();
    try {
      const transport = createEmailTransport({ smtpUrl: smtp.url, logger: silent });
      const summary = await sendPendingEmails(db, transport, new Date(), { appOrigin: server.origin });
      transport.close();
      expect(summary).toMatchObject({ failed: 0, retrying: 0 });
      const alerts = smtp.received.map((m) => readMail(m.raw)).filter((m) => m.subject === "A budget pool is filling up");
      // Two managers × three thresholds, two finance users × one.
      expect(alerts).toHaveLength(8);
      const toFinance = alerts.find((m) => m.to.includes(s.finance2.email))!;
      expect(toFinance.text).toContain("is 90% used, past the 90% alert: $180.00 of $200.00 committed or spent.");
      expect(toFinance.text).toContain(`${server.origin}/pools/${pool.id}`);
      expect(toFinance.html).toContain(`href="${server.origin}/pools/${pool.id}"`);
      for (const mail of alerts) expect(mail.text).not.toContain("Alert Customer");
      expect(await db.select().from(emailOutbox).where(eq(emailOutbox.status, "pending"))).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });
});
