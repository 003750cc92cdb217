import { getCollectionProps, getFormProps, getInputProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { Field, FieldErrors, FormErrors } from "~/components/forms";
import { useCurrency } from "~/components/money";
import { CreateGestureTypeSchema, TYPE_DESCRIPTION_MAX, TYPE_NAME_MAX, UpdateGestureTypeSchema } from "~/domain/policy/catalogue-schemas";
import { SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { formatMoney } from "~/domain/core/money";
import { OCCASIONS } from "../../db/schema";

export type GestureTypeFormValues = { name: string; description: string; defaultAmount: string; maxAmount: string; occasions: string[] };

/**
 * The fields of a gesture type (new and edit pages): name, description, default and maximum
 * amounts, and the occasions it suits as a group of checkboxes. Works as a plain form post.
 */
export function GestureTypeForm({
  mode,
  defaultValue,
  lastResult,
  perGestureMax,
  submitLabel,
}: {
  mode: "create" | "update";
  defaultValue?: GestureTypeFormValues;
  lastResult?: SubmissionResult<string[]>;
  perGestureMax: number;
  submitLabel: string;
}) {
  const currency = useCurrency();
  const schema = mode === "create" ? CreateGestureTypeSchema : UpdateGestureTypeSchema;
  const [form, fields] = useForm({
    id: `gesture-type-${mode}`,
    lastResult,
    defaultValue,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const occasions = getCollectionProps(fields.occasions, {
    type: "checkbox",
    options: [...OCCASIONS],
  });
  const occasionsHintId = `${fields.occasions.id}-hint`;
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      {mode === "update" ? <input type="hidden" name="intent" value="update" /> : null}
      <FormErrors errors={form.errors} id={form.errorId} />
      <Field
        label="Name"
        hint="What staff choose in the proposal form, such as Flowers."
        hintId={`${fields.name.id}-hint`}
        inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "off", maxLength: TYPE_NAME_MAX }}
        errors={fields.name.errors}
        errorId={fields.name.errorId}
      />
      <div className="field">
        <label htmlFor={fields.description.id}>Description (optional)</label>
        <textarea
          {...getTextareaProps(fields.description)}
          rows={2}
          maxLength={TYPE_DESCRIPTION_MAX}
          aria-describedby={fields.description.errors?.length ? fields.description.errorId : undefined}
        />
        <FieldErrors errors={fields.description.errors} id={fields.description.errorId} />
      </div>
      <Field
        label={`Default amount (${currency})`}
        hint="Prefilled in the proposal form, like 60 or 60.00. Zero for a gesture that costs nothing."
        hintId={`${fields.defaultAmount.id}-hint`}
        inputProps={{ ...getInputProps(fields.defaultAmount, { type: "text" }), inputMode: "decimal", autoComplete: "off", spellCheck: false }}
        errors={fields.defaultAmount.errors}
        errorId={fields.defaultAmount.errorId}
      />
      <Field
        label={`Maximum amount (${currency})`}
        hint={`No proposal of this type may cost more. Proposals are also capped by the branch's per-gesture maximum (organisation default ${formatMoney(perGestureMax, currency)}).`}
        hintId={`${fields.maxAmount.id}-hint`}
        inputProps={{ ...getInputProps(fields.maxAmount, { type: "text" }), inputMode: "decimal", autoComplete: "off", spellCheck: false }}
        errors={fields.maxAmount.errors}
        errorId={fields.maxAmount.errorId}
      />
      <fieldset
        className="field"
        aria-describedby={[occasionsHintId, fields.occasions.errors?.length ? fields.occasions.errorId : ""].filter(Boolean).join(" ")}
      >
        <legend>Occasions it suits</legend>
        <p className="field__hint" id={occasionsHintId}>
          Staff see this type only for these occasions: no birthday gift for a bereavement.
        </p>
        <div className="checkbox-grid">
          {occasions.map(({ key, ...props }) => (
            <label key={key} className="radio">
              <input {...props} />
              {SIGNAL_KIND_LABELS[props.value as (typeof OCCASIONS)[number]]}
            </label>
          ))}
        </div>
        <FieldErrors errors={fields.occasions.errors} id={fields.occasions.errorId} />
      </fieldset>
      <div className="actions">
        <button type="submit" className="button">
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}
