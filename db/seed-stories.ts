// Demo stories for db/seed.ts (issue 21), through the stories' own functions: published ones at
// three branches (so a colleague anywhere reads them), one waiting for the North manager's review,
// one of Sam Carter's returned with a comment, and at City Centre one declined, one withdrawn and a draft. The authors are not the ones whose unread
// notifications the browser tests count (Owen Price, Marcus Hale), nor Tom Becker, whose newest
// gesture dates the demo's split-request flag. They tell of the demo gestures that customers thanked
// for, and of a few handwritten notes (no cost, so the budgets are untouched) made here for them.
import { and, asc, eq, inArray, isNull, like, notExists } from "drizzle-orm";
import { proposeGesture } from "../app/domain/gestures/proposals.server";
import { fulfilGesture, recordOutcome } from "../app/domain/gestures/fulfilment.server";
import { localDate } from "../app/domain/core/dates";
import { getOrganisation } from "../app/domain/core/organisation.server";
import { isDomainError } from "../app/domain/core/errors";
import { reviewStory, withdrawStory, writeStory, type StoryActor } from "../app/domain/stories/stories.server";
import type { Db } from "../app/utils/db.server";
import { branches, customers, gestures, gestureTypes, users, type Occasion } from "./schema";
import { firstRow } from "~/utils/query.server";

type StoryPlan = {
  /** A demo gesture of this proposer that the customer thanked for, or a handwritten note made for the story. */
  author: string;
  gesture: { existing: Occasion } | { note: { branch: string; occasion: Occasion } };
  body: string;
  review: { by: string; decision: "publish" | "return" | "decline"; comment?: string } | null;
  daysAgo: number;
  /** Kept as the author's draft, not sent for review. */
  draft?: true;
  /** Withdrawn by its author a day after it was published. */
  withdrawn?: true;
};

const PLANS: StoryPlan[] = [
  {
    author: "priya.shah@example.com",
    gesture: { existing: "bereavement" },
    body: "A customer of many years lost her husband. We sent white lilies with a card the whole counter team signed. A week later her daughter came in to say the card was on the mantelpiece, and that it was the first time a bank had felt like neighbours.",
    review: { by: "manager.north@example.com", decision: "publish" },
    daysAgo: 9,
  },
  {
    author: "staff.south@example.com",
    gesture: { note: { branch: "STH", occasion: "long_wait" } },
    body: "He waited an hour and a half during the outage and left without being served. We wrote a note by hand that evening, apologising and explaining what had gone wrong. He phoned the next morning: nobody had ever apologised to him in writing before, and he is staying with us.",
    review: { by: "manager.south@example.com", decision: "publish" },
    daysAgo: 6,
  },
  {
    author: "ben.okafor@example.com",
    gesture: { note: { branch: "CTY", occasion: "tenure_anniversary" } },
    body: "Thirty years with the branch. Instead of a gift we wrote a note remembering the day the account was opened for a first small business. The customer came back the following week to show us the note, framed, behind the till of that same shop.",
    review: { by: "nadia.rahman@example.com", decision: "publish" },
    daysAgo: 3,
  },
  {
    author: "staff.north@example.com",
    gesture: { existing: "illness" },
    body: 'After a long stay in hospital, flowers from the branch were waiting on the ward. The customer said the nurses asked who the flowers were from, and that telling them "my bank" made the whole ward laugh. She came in on her first day out to say thank you.',
    review: null,
    daysAgo: 1,
  },
  {
    author: "staff.north@example.com",
    gesture: { note: { branch: "NTH", occasion: "birthday" } },
    body: "A note for a big birthday. He was delighted and told everyone in the queue.",
    review: { by: "manager.north@example.com", decision: "return", comment: "Lovely. Say in a sentence what the note said and what he told us, without his age." },
    daysAgo: 2,
  },
  // Ben Okafor's three at City Centre show the other states: declined, withdrawn, a draft.
  {
    author: "ben.okafor@example.com",
    gesture: { note: { branch: "CTY", occasion: "illness" } },
    body: "A get-well note after his operation. He told us all about the treatment and the ward, and said the note cheered him up more than the hospital food.",
    review: {
      by: "nadia.rahman@example.com",
      decision: "decline",
      comment: "Thank you, Ben. It says too much about his treatment for a page the whole bank reads; a story tells of the gesture, not of the illness.",
    },
    daysAgo: 12,
  },
  {
    author: "ben.okafor@example.com",
    gesture: { note: { branch: "CTY", occasion: "birthday" } },
    body: "A birthday note for a customer who banks with us for her bakery. She pinned it above the ovens and sent a photo of it with a tray of scones for the counter team.",
    review: { by: "nadia.rahman@example.com", decision: "publish" },
    daysAgo: 10,
    withdrawn: true,
  },
  {
    author: "ben.okafor@example.com",
    gesture: { note: { branch: "CTY", occasion: "long_wait" } },
    body: "He waited forty minutes for a mortgage appointment that had been double-booked. We wrote to apologise the same afternoon.",
    review: null,
    daysAgo: 1,
    draft: true,
  },
];

export async function seedStories(db: Db, options: { now: Date }): Promise<{ stories: number; gestures: number }> {
  const actor = async (email: string): Promise<StoryActor> => {
    const row = await firstRow(db.select({ id: users.id, role: users.role, branchId: users.branchId }).from(users).where(eq(users.email, email)).limit(1));
    if (!row) throw new Error(`The story seed needs the demo user ${email}.`);
    return row;
  };
  const timeZone = (await getOrganisation(db)).timeZone;
  const noteTypeId = (await firstRow(db.select({ id: gestureTypes.id }).from(gestureTypes).where(eq(gestureTypes.code, "handwritten_note")).limit(1)))!.id;
  let made = 0;

  /** The proposer's demo gesture of the occasion that a customer thanked for (or gave positive feedback on). */
  const existing = async (authorId: number, occasion: Occasion) =>
    await firstRow(
      db
        .select({ id: gestures.id, customerId: gestures.customerId })
        .from(gestures)
        .where(and(eq(gestures.proposerId, authorId), eq(gestures.occasion, occasion), eq(gestures.status, "closed"), inArray(gestures.outcome, ["thanked", "positive_feedback"])))
        .orderBy(asc(gestures.id))
        .limit(1),
    );

  /** Customers of the branch without any gesture yet (so no cap or duplicate rule applies), in a fixed order. */
  const freshCustomers = async (branchCode: string) => {
    const branch = (await firstRow(db.select({ id: branches.id }).from(branches).where(eq(branches.code, branchCode)).limit(1)))!;
    return await db
      .select({ id: customers.id })
      .from(customers)
      .where(
        and(
          eq(customers.branchId, branch.id),
          eq(customers.doNotContact, false),
          isNull(customers.erasedAt),
          like(customers.crmRef, `${branchCode}-0%`),
          notExists(db.select({ id: gestures.id }).from(gestures).where(eq(gestures.customerId, customers.id))),
        ),
      )
      .orderBy(asc(customers.id))
      .limit(20);
  };

  /** A handwritten note for a customer, proposed (at discretion: no cost), handed over and thanked for, an hour apart. */
  const thankedNote = async (author: StoryActor, customerId: number, occasion: Occasion, at: Date) => {
    const hour = 60 * 60 * 1000;
    let state = await proposeGesture(
      db,
      author,
      {
        createKey: `seed-story-note-${customerId}`,
        customerId,
        occasion,
        signalId: null,
        typeId: noteTypeId,
        amount: 0,
        cardMessage: "",
        justification: "",
        deliveryMethod: "in_branch",
        submit: true,
      },
      new Date(at.getTime() - 3 * hour),
    );
    state = await fulfilGesture(
      db,
      author,
      { gestureId: state.gestureId, version: state.version, actualAmount: 0, vendor: "The branch team", fulfilledOn: localDate(new Date(at.getTime() - 2 * hour), timeZone), note: "", receipt: null },
      new Date(at.getTime() - 2 * hour),
    );
    state = await recordOutcome(db, author, { gestureId: state.gestureId, version: state.version, outcome: "thanked", note: "" }, new Date(at.getTime() - hour));
    made++;
    return state.gestureId;
  };

  let count = 0;
  for (const plan of PLANS) {
    const author = await actor(plan.author);
    const at = new Date(options.now.getTime() - plan.daysAgo * 24 * 60 * 60 * 1000);
    const write = async (gestureId: number) => await writeStory(db, author, { gestureId, body: plan.body, submit: !plan.draft }, at);
    let story: Awaited<ReturnType<typeof write>> | null = null;
    if ("existing" in plan.gesture) {
      const gesture = await existing(author.id, plan.gesture.existing);
      if (!gesture) continue; // the gesture seed no longer has it: the story is left out
      story = await write(gesture.id);
    } else {
      // A customer whose name the text happens to contain is skipped (the story would be refused).
      for (const customer of await freshCustomers(plan.gesture.note.branch)) {
        const gestureId = await thankedNote(author, customer.id, plan.gesture.note.occasion, at);
        try {
          story = await write(gestureId);
          break;
        } catch (error) {
          if (!isDomainError(error) || error.code !== "VALIDATION") throw error;
        }
      }
    }
    if (!story) continue;
    if (plan.review) {
      const decidedAt = new Date(at.getTime() + 2 * 60 * 60 * 1000);
      const reviewed = await reviewStory(
        db,
        await actor(plan.review.by),
        { storyId: story.storyId, version: story.version, decision: plan.review.decision, comment: plan.review.comment ?? "" },
        decidedAt,
      );
      if (plan.withdrawn) await withdrawStory(db, author, { storyId: reviewed.storyId, version: reviewed.version }, new Date(decidedAt.getTime() + 24 * 60 * 60 * 1000));
    }
    count++;
  }
  return { stories: count, gestures: made };
}
