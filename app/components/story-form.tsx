// The story's text with Save as draft and Send for review: the write page and the edit card share it.
import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { FieldErrors, FormErrors } from "~/components/forms";
import { EditStorySchema, STORY_TEXT_MAX, WriteStorySchema } from "~/domain/stories/story-schemas";

export function StoryForm({
  id,
  lastResult,
  hidden,
  defaultBody,
  customerName,
  children,
}: {
  id: string;
  lastResult?: SubmissionResult<string[]>;
  /** `gestureId` for a new story, `version` for an edit. */
  hidden: Record<string, string | number>;
  defaultBody?: string;
  /** Shown as what to leave out, to the author who knows the customer anyway. */
  customerName?: string;
  children?: ReactNode;
}) {
  const schema = "version" in hidden ? EditStorySchema : WriteStorySchema;
  const [form, fields] = useForm({
    id,
    lastResult,
    defaultValue: { body: defaultBody ?? "" },
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const hintId = `${id}-body-hint`;
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors errors={form.errors} id={form.errorId} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      <div className="field">
        <label htmlFor={fields.body.id}>Your story</label>
        <p className="field__hint" id={hintId}>
          What happened, what the gesture was, and what the customer said, in at most {STORY_TEXT_MAX.toLocaleString("en-US")} characters. Everyone in the organisation may read it, so leave out
          the customer's name{customerName ? <> ({customerName})</> : null}, reference and address, and what was noted about their circumstances.
        </p>
        <textarea
          {...getTextareaProps(fields.body, { ariaDescribedBy: hintId })}
          rows={8}
          maxLength={STORY_TEXT_MAX}
        />
        <FieldErrors errors={fields.body.errors} id={fields.body.errorId} />
      </div>
      <div className="actions">
        <button type="submit" name="intent" value="submit" className="button">
          Send for review
        </button>
        <button type="submit" name="intent" value="save" className="button button--secondary">
          Save as draft
        </button>
      </div>
    </Form>
  );
}
