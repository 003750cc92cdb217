// Stories over real HTTP against the production build, posted as a browser without JavaScript
// would: the proposer writes (a name in the text is refused beside the field, the text kept), the
// review by role (staff cannot publish, another branch's manager cannot review, finance reads but
// cannot review), withdrawal rights, and the audit rows of every step.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, notifications, stories, type User } from "../../db/schema";
import { db } from "~/utils/db.server";
import { createCustomer } from "../support/factories";
import { setupGestures } from "../support/gesture-setup";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { positiveGesture } from "../support/story-setup";
import { firstRow } from "~/utils/query.server";

let server: TestServer;
let s: Awaited<ReturnType<typeof setupGestures>>;
const NOW = new Date();
const TEXT = "We sent lilies and a handwritten card. She came back to say it was the first time a bank had felt human.";

beforeAll(async () => {
  server = await startTestServer();
  s = await setupGestures(db, { now: NOW });
});
afterAll(() => server.close());

const cookie = async (user: User) => (await sessionCookieFor(db, user)).cookie;
const story = async (id: number) => (await firstRow(db.select().from(stories).where(eq(stories.id, id)).limit(1)))!;
const storyAudit = async (id: number) =>
  await db
    .select({ action: auditEvents.action, actorId: auditEvents.actorId, detail: auditEvents.detail })
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, "story"), eq(auditEvents.entityId, String(id))));

/** A gesture of the staff user that a fresh customer thanked for; its story written over HTTP and sent for review. */
async function submittedStory(author = s.staff) {
  const customer = await createCustomer(db, { branchId: s.north.id, name: "Eleanor Whitfield" });
  const gesture = await positiveGesture(db, author, customer.id, NOW);
  const response = await server.fetch(`/stories/new?gesture=${gesture.gestureId}`, {
    method: "POST",
    cookie: await cookie(author),
    form: { intent: "submit", gestureId: String(gesture.gestureId), body: TEXT },
  });
  expect(response.status).toBe(302);
  const id = Number(response.headers.get("Location")!.split("/").pop());
  expect(await story(id)).toMatchObject({ status: "submitted", authorId: author.id, body: TEXT });
  return { id, gestureId: gesture.gestureId };
}

const post = async (user: User, id: number, form: Record<string, string>) => server.fetch(`/stories/${id}`, { method: "POST", cookie: await cookie(user), form });

describe("writing a story over HTTP", () => {
  it("the gesture page invites the proposer once the customer thanked; the form refuses the customer's name beside the field and keeps the text", async () => {
    const customer = await createCustomer(db, { branchId: s.north.id, name: "Eleanor Whitfield" });
    const gesture = await positiveGesture(db, s.staff, customer.id, NOW);
    const gesturePage = await (await server.fetch(`/gestures/${gesture.gestureId}`, { cookie: await cookie(s.staff) })).text();
    expect(gesturePage).toContain(`href="/stories/new?gesture=${gesture.gestureId}"`);
    const typed = `${TEXT} Mrs eleanor  WHITFIELD wrote to us.`;
    const refused = await server.fetch(`/stories/new?gesture=${gesture.gestureId}`, {
      method: "POST",
      cookie: await cookie(s.staff),
      form: { intent: "submit", gestureId: String(gesture.gestureId), body: typed },
    });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain("Leave out the customer&#x27;s name");
    expect(html).toContain("Mrs eleanor  WHITFIELD wrote to us.");
    expect(await db.select().from(stories).where(eq(stories.gestureId, gesture.gestureId))).toEqual([]);
    // A colleague of the branch who did not propose it cannot write it.
    const colleague = await server.fetch(`/stories/new?gesture=${gesture.gestureId}`, { cookie: await cookie(s.staff2) });
    expect(colleague.status).toBe(403);
  });

  it("the branch's managers are told when a story is sent, and find it in their review queue", async () => {
    const { id } = await submittedStory();
    expect(
      (
        await db
          .select()
          .from(notifications)
          .where(and(eq(notifications.userId, s.manager.id), eq(notifications.kind, "story_submitted")))
      ).length,
    ).toBeGreaterThan(0);
    const queue = await server.fetch("/stories/review", { cookie: await cookie(s.manager) });
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain(`href="/stories/${id}"`);
    const otherQueue = await (await server.fetch("/stories/review", { cookie: await cookie(s.southManager) })).text();
    expect(otherQueue).not.toContain(`href="/stories/${id}"`);
  });
});

describe("reviewing a story by role", () => {
  it("staff cannot publish (not even their own), a manager of another branch cannot review, finance cannot review; nothing changes", async () => {
    const { id } = await submittedStory();
    const publish = { intent: "publish", version: "1", comment: "" };
    expect((await post(s.staff, id, publish)).status).toBe(403);
    expect((await post(s.staff2, id, publish)).status).toBe(404);
    expect((await post(s.southManager, id, publish)).status).toBe(404);
    expect((await post(s.financeUser, id, publish)).status).toBe(404);
    expect((await story(id)).status).toBe("submitted");
    expect((await storyAudit(id)).map((a) => a.action)).toEqual(["story.submitted"]);
  });

  it("the manager publishes: a colleague at another branch, finance and admin read it on the Stories page and on the home pages", async () => {
    const { id } = await submittedStory();
    const published = await post(s.manager, id, { intent: "publish", version: "1", comment: "" });
    expect(published.status).toBe(302);
    expect(await story(id)).toMatchObject({ status: "published", reviewedById: s.manager.id });
    for (const reader of [s.southStaff, s.financeUser]) {
      const list = await (await server.fetch("/stories", { cookie: await cookie(reader) })).text();
      expect(list).toContain("the first time a bank had felt human");
      expect(list).toContain("Sam Staff");
      expect(list).not.toContain("Whitfield");
      expect((await server.fetch(`/stories/${id}`, { cookie: await cookie(reader) })).status).toBe(200);
    }
    const home = await (await server.fetch("/branch", { cookie: await cookie(s.southStaff) })).text();
    expect(home).toContain("Latest story");
    expect(home).toContain("the first time a bank had felt human");
    // ...but finance, though it reads the story, still cannot review or withdraw it.
    expect((await post(s.financeUser, id, { intent: "withdraw", version: "2", confirm: "yes" })).status).toBe(403);
    expect((await post(s.financeUser, id, { intent: "decline", version: "2", comment: "" })).status).toBe(403);
    expect((await storyAudit(id)).map((a) => [a.action, a.actorId])).toEqual([
      ["story.submitted", s.staff.id],
      ["story.published", s.manager.id],
    ]);
    expect(
      (
        await db
          .select()
          .from(notifications)
          .where(and(eq(notifications.userId, s.staff.id), eq(notifications.kind, "story_decided")))
      ).length,
    ).toBeGreaterThan(0);
  });

  it("returned with a comment, the author changes it and sends it again; a return without a comment is refused beside the field", async () => {
    const { id } = await submittedStory();
    const bare = await post(s.manager, id, { intent: "return", version: "1", comment: "" });
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain("Say what the author should change.");
    expect((await post(s.manager, id, { intent: "return", version: "1", comment: "Say what the card said" })).status).toBe(302);
    const page = await (await server.fetch(`/stories/${id}`, { cookie: await cookie(s.staff) })).text();
    expect(page).toContain("Say what the card said");
    expect((await post(s.staff, id, { intent: "submit", version: "2", body: `${TEXT} The card said: we are thinking of you.` })).status).toBe(302);
    expect((await story(id)).status).toBe("submitted");
    expect((await post(s.manager2!, id, { intent: "decline", version: "3", comment: "" })).status).toBe(302);
    expect((await storyAudit(id)).map((a) => a.action)).toEqual(["story.submitted", "story.returned", "story.submitted", "story.declined"]);
  });
});

describe("withdrawing a story", () => {
  async function publishedStory() {
    const { id } = await submittedStory();
    expect((await post(s.manager, id, { intent: "publish", version: "1", comment: "" })).status).toBe(302);
    return id;
  }

  it("withdrawal needs the confirmation; the author withdraws and the story leaves the Stories page", async () => {
    const id = await publishedStory();
    const unconfirmed = await post(s.staff, id, { intent: "withdraw", version: "2" });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain("Tick the box to confirm");
    expect((await post(s.staff, id, { intent: "withdraw", version: "2", confirm: "yes" })).status).toBe(302);
    expect(await story(id)).toMatchObject({ status: "withdrawn", withdrawnById: s.staff.id });
    const list = await (await server.fetch("/stories", { cookie: await cookie(s.southStaff) })).text();
    expect(list).not.toContain(`href="/stories/${id}"`);
    expect((await server.fetch(`/stories/${id}`, { cookie: await cookie(s.southStaff) })).status).toBe(404);
    expect((await storyAudit(id)).at(-1)).toMatchObject({ action: "story.withdrawn", actorId: s.staff.id });
  });

  it("a manager of the branch withdraws a published story; a colleague and another branch's manager cannot", async () => {
    const id = await publishedStory();
    const form = { intent: "withdraw", version: "2", confirm: "yes" };
    expect((await post(s.staff2, id, form)).status).toBe(403);
    expect((await post(s.southManager, id, form)).status).toBe(403);
    expect((await story(id)).status).toBe("published");
    expect((await post(s.manager2!, id, form)).status).toBe(302);
    expect((await storyAudit(id)).at(-1)).toMatchObject({ action: "story.withdrawn", actorId: s.manager2!.id });
  });
});
