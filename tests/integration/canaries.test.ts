// Canaries: unique strings are written into every sensitive note — a signal's note, a proposal's
// card message, justification and outcome note, a decision comment — then every GET page of the
// access table (tests/support/access-table.ts, so new routes are crawled as they join it) is
// fetched as finance and as admin, as a page and as a data request, plus the audit export. No
// canary may appear in any of them. The staff member who may read the notes then opens the same
// pages; afterwards no canary may appear in the request log or in any link (URL) of any page.
// Every e-mail the setup caused (approval e-mails with their decision links, decisions, the
// second approval) is sent through a real SMTP server: no canary in any part of any of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { gestures, policyDefaults, ROLES, type User } from "../../db/schema";
import { ACCESS_TABLE, OBJECT_ROUTES, type Visitor } from "../support/access-table";
import { createCustomer, createImport, createSignal, createUser } from "../support/factories";
import { readMail, startSmtpServer } from "../support/smtp";
import { approvalEmailComposer } from "~/domain/gestures/approval-email.server";
import { createEmailTransport, sendPendingEmails } from "~/domain/notifications/email.server";
import { env } from "~/utils/env.server";
import { actorOf, propose, setupGestures, typeId } from "../support/gesture-setup";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { decideGesture } from "~/domain/gestures/decisions.server";
import { raiseBudgetAlerts } from "~/domain/budget/budget-alerts.server";
import { db } from "~/utils/db.server";
import { localToday } from "../support/calendar";
import { positiveGesture } from "../support/story-setup";
import { reviewStory, writeStory } from "~/domain/stories/stories.server";

const CANARIES = {
  signalNote: "CANARY-signal-note-5c1f",
  cardMessage: "CANARY-card-message-8d2e",
  justification: "CANARY-justification-3a7b",
  outcomeNote: "CANARY-outcome-note-9e4c",
  decisionComment: "CANARY-return-comment-1b6d",
};
const canaryList = Object.values(CANARIES);
const STORY_TEXT = "We sent a bouquet and a card; she came in to say it made a hard week lighter.";
let customerName = "";

let server: TestServer;
const users = new Map<Visitor, User>();
const ids = new Map<string, number>();
const hrefs = new Set<string>();
let pagesCrawled = 0;

beforeAll(async () => {
  server = await startTestServer();
  const now = new Date();
  const setup = await setupGestures(db, { now });
  await db.update(policyDefaults).set({ discretionLimit: 5_000, secondApprovalThreshold: 5_000 });
  users.set("staff", setup.staff);
  users.set("manager", setup.manager);
  users.set("finance", setup.financeUser);
  users.set("admin", await createUser(db, { role: "admin" }));
  const signal = await createSignal(db, setup.customer, { kind: "bereavement", note: CANARIES.signalNote, occurredOn: localToday(now) });
  const fields = { customerId: setup.customer.id, cardMessage: CANARIES.cardMessage, justification: CANARIES.justification };
  // One approved at discretion (with an outcome note), one waiting for finance after the manager,
  // one returned with a comment: finance sees all three on its pages and queues.
  const approved = await propose(db, setup.staff, { ...fields, signalId: signal.id, amount: 3_000 }, now);
  await db.update(gestures).set({ outcome: "thanked", outcomeNote: CANARIES.outcomeNote }).where(eq(gestures.id, approved.gestureId));
  const big = await propose(db, setup.staff, { ...fields, occasion: "illness", amount: 9_000 }, now);
  await decideGesture(db, actorOf(setup.manager), { gestureId: big.gestureId, version: 2, decision: "approve", comment: "" }, now);
  const returned = await propose(db, setup.staff, { ...fields, occasion: "complaint", typeId: await typeId(db, "flowers"), amount: 7_000 }, now);
  await decideGesture(db, actorOf(setup.manager), { gestureId: returned.gestureId, version: 2, decision: "return", comment: CANARIES.decisionComment }, now);
  // One waiting for the branch manager: its approval e-mail carries the evidence and a decision link.
  await propose(db, setup.staff, { ...fields, customerId: (await createCustomer(db, { branchId: setup.north.id })).id, amount: 6_000 }, now);
  // A budget alert (issue 21) about the pool those gestures drew on: its e-mail joins the ones checked.
  expect(await raiseBudgetAlerts(db, setup.pools[0]!.id, [{ percent: 1, toFinance: true }], now)).toHaveLength(1);
  ids.set(":customerId", setup.customer.id);
  ids.set(":gestureId", big.gestureId);
  ids.set(":importId", (await createImport(db, users.get("admin")!)).id);
  ids.set(":poolId", setup.pools[0]!.id);
  ids.set(":periodId", setup.periodId);
  ids.set(":userId", setup.staff.id);
  ids.set(":branchId", setup.north.id);
  ids.set(":typeId", await typeId(db, "flowers"));
  // A published story of a gesture that carries the canaries (card message, justification, outcome
  // note): the Stories page, the story's page and every home page show the story, never the notes.
  const storyCustomer = await createCustomer(db, { branchId: setup.north.id, name: "Harriet Canaryfield" });
  const thanked = await positiveGesture(db, setup.staff, storyCustomer.id, now, "thanked", CANARIES.outcomeNote);
  await db.update(gestures).set({ cardMessage: CANARIES.cardMessage, justification: CANARIES.justification }).where(eq(gestures.id, thanked.gestureId));
  const written = await writeStory(db, actorOf(setup.staff), { gestureId: thanked.gestureId, body: STORY_TEXT, submit: true }, now);
  ids.set(":storyId", (await reviewStory(db, actorOf(setup.manager), { storyId: written.storyId, version: written.version, decision: "publish", comment: "" }, now)).storyId);
  customerName = storyCustomer.name;
});
afterAll(() => server.close());

/** Every GET path of the access table, with the objects that carry canaries. */
function crawlPaths(): { routeId: string; path: string }[] {
  const paths: { routeId: string; path: string }[] = [];
  for (const [routeId, access] of Object.entries(ACCESS_TABLE)) {
    if (access.kind !== "page") continue;
    const object = OBJECT_ROUTES[routeId];
    const template = object && "path" in object ? object.path : access.path;
    paths.push({ routeId, path: template.replace(/:[A-Za-z]+Id\b/g, (p) => String(ids.get(p))) });
  }
  // Pages that list the proposals, with filters, and the export in each of its forms.
  paths.push({ routeId: "routes/_app.audit_.export", path: "/audit/export?format=csv" });
  paths.push({ routeId: "routes/_app.approvals", path: "/approvals?scope=all" });
  return paths;
}

async function crawl(visitor: Visitor) {
  const cookie = (await sessionCookieFor(db, users.get(visitor)!)).cookie;
  const found: string[] = [];
  for (const { routeId, path } of crawlPaths()) {
    if (path === "/logout") continue;
    for (const url of [path, `${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(routeId)}`]) {
      const response = await server.fetch(url, { cookie });
      const body = await response.text();
      pagesCrawled++;
      for (const match of body.matchAll(/href="([^"]*)"/g)) hrefs.add(match[1]!);
      for (const location of [response.headers.get("Location"), response.headers.get("X-Remix-Redirect")]) if (location) hrefs.add(location);
      for (const canary of canaryList) if (body.includes(canary)) found.push(`${url} (${response.status}) shows ${canary}`);
    }
  }
  return found;
}

describe("canaries in sensitive notes", () => {
  it("the canaries are really there: the proposer sees them on the proposal", async () => {
    const cookie = (await sessionCookieFor(db, users.get("staff")!)).cookie;
    const page = await (await server.fetch(`/gestures/${ids.get(":gestureId")}`, { cookie })).text();
    expect(page).toContain(CANARIES.cardMessage);
    expect(page).toContain(CANARIES.justification);
    // ...and finance is shown the same proposal (its amount), only without the notes.
    const finance = (await sessionCookieFor(db, users.get("finance")!)).cookie;
    const financePage = await server.fetch(`/gestures/${ids.get(":gestureId")}`, { cookie: finance });
    expect(financePage.status).toBe(200);
    expect(await financePage.text()).toContain("90.00");
  });

  it.each(["finance", "admin"] as const)("%s reads the published story on the Stories page, its page and the home page, without the customer's name or any note", async (visitor) => {
    const cookie = (await sessionCookieFor(db, users.get(visitor)!)).cookie;
    const home = visitor === "finance" ? "/finance" : "/admin";
    for (const path of ["/stories", `/stories/${ids.get(":storyId")}`, home]) {
      const html = await (await server.fetch(path, { cookie })).text();
      expect(html, path).toContain(STORY_TEXT.slice(0, 30));
      expect(html, path).not.toContain(customerName);
      expect(
        canaryList.filter((c) => html.includes(c)),
        path,
      ).toEqual([]);
    }
  });

  it("no e-mail carries a canary: approval e-mails (with their decision links and evidence), decisions and second approvals, budget alerts, text and HTML", async () => {
    const smtp = await startSmtpServer();
    try {
      const transport = createEmailTransport({ smtpUrl: smtp.url, logger: { info: () => {} } });
      const summary = await sendPendingEmails(db, transport, new Date(), { appOrigin: server.origin, compose: approvalEmailComposer(env.SESSION_SECRET) });
      transport.close();
      expect(summary.failed + summary.retrying).toBe(0);
      const mails = smtp.received.map((m) => readMail(m.raw));
      // The control: the approval e-mails were written with their evidence and links.
      expect(mails.filter((m) => m.text.includes("/decide?token=") && m.text.includes("Occasion: ")).length).toBeGreaterThanOrEqual(2);
      expect(mails.filter((m) => m.subject === "A budget pool is filling up").length).toBeGreaterThanOrEqual(2);
      const found = mails.flatMap((m) => canaryList.filter((c) => m.text.includes(c) || (m.html ?? "").includes(c) || m.subject.includes(c)).map((c) => `${m.to}: ${m.subject} shows ${c}`));
      expect(found).toEqual([]);
      console.log(`canaries: ${mails.length} e-mails sent over SMTP (text and HTML), none carries a canary`);
    } finally {
      await smtp.close();
    }
  });

  it.each(["finance", "admin"] as const)("no page, data request or export served to %s carries a canary", async (visitor) => {
    expect(await crawl(visitor)).toEqual([]);
  });

  it("after every role has crawled every page, no canary is in the request log or in any URL", async () => {
    for (const visitor of ROLES.filter((r) => r === "staff" || r === "manager")) await crawl(visitor);
    const log = JSON.stringify(server.logLines());
    expect(canaryList.filter((c) => log.includes(c))).toEqual([]);
    expect([...hrefs].filter((href) => canaryList.some((c) => decodeURIComponent(href).includes(c)))).toEqual([]);
    console.log(
      `canaries: ${canaryList.length} canaries in sensitive notes; ${pagesCrawled} pages, data requests and exports fetched (finance and admin found none); none in ${hrefs.size} distinct URLs or the request log`,
    );
  });
});
