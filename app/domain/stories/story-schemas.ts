// The story forms (write, edit, review, withdraw), shared by the browser and the server. What the
// text may not say (the customer's name, reference, address) is checked by the server, which alone
// knows the customer: story-rules.ts.
import { z } from "zod";
import { OCCASIONS, STORY_COMMENT_MAX, STORY_TEXT_MAX } from "../../../db/schema";

export { STORY_COMMENT_MAX, STORY_TEXT_MAX };
export const STORIES_PAGE_SIZE = 10;

const version = z.coerce
  .number({ error: "This form is missing the story's version. Reload the page and try again." })
  .int({ message: "This form is missing the story's version. Reload the page and try again." })
  .positive({ message: "This form is missing the story's version. Reload the page and try again." });

const body = z
  .string({ error: "Write what happened, what the gesture was and what the customer said." })
  .trim()
  .min(1, "Write what happened, what the gesture was and what the customer said.")
  .max(STORY_TEXT_MAX, `Keep the story to ${STORY_TEXT_MAX.toLocaleString("en-US")} characters or fewer.`);

const saveOrSubmit = z.enum(["save", "submit"], { error: "Choose Save as draft or Send for review." });

export const WriteStorySchema = z.strictObject({
  intent: saveOrSubmit,
  gestureId: z.coerce.number({ error: "Choose the gesture the story tells of." }).int({ message: "Choose the gesture the story tells of." }).positive({ message: "Choose the gesture the story tells of." }),
  body,
});

export const EditStorySchema = z.strictObject({ intent: saveOrSubmit, version, body });

export const ReviewStorySchema = z
  .strictObject({
    intent: z.enum(["publish", "return", "decline"], { error: "Choose Publish, Return for changes or Decline." }),
    version,
    comment: z
      .string()
      .max(STORY_COMMENT_MAX, { message: `Keep the comment to ${STORY_COMMENT_MAX} characters or fewer.` })
      .optional()
      .transform((value) => value?.trim() ?? ""),
  })
  .superRefine((value, ctx) => {
    if (value.intent === "return" && !value.comment) ctx.addIssue({ code: "custom", path: ["comment"], message: "Say what the author should change." });
  });

export const WithdrawStorySchema = z.strictObject({
  intent: z.literal("withdraw"),
  version,
  confirm: z.literal("yes", { error: "Tick the box to confirm that the story is withdrawn." }),
});

/** The Stories page's filters: an occasion and a region (the reports' vocabulary, `region`). */
export type StoryFilterForm = { occasion: string; region: string };

export function isOccasion(value: string): value is (typeof OCCASIONS)[number] {
  return (OCCASIONS as readonly string[]).includes(value);
}
