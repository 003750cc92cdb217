import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { DELIVERY_METHODS, OCCASIONS, type CompensationAnswer, type DeliveryMethod, type Occasion } from "../../db/schema";
import { SIGNAL_KIND_LABELS, SEVERITY_LABELS } from "~/domain/customers/customer-rules";
import { DELIVERY_LABELS, isRedressOccasion } from "~/domain/gestures/gesture-rules";
import { CARD_MESSAGE_MAX, EditProposalSchema, JUSTIFICATION_MAX, NewProposalSchema } from "~/domain/gestures/gesture-schemas";
import { formatMoney, moneyInputText } from "~/domain/core/money";
import { FieldErrors, FormErrors } from "./forms";
import { useCurrency } from "./money";

export type ProposalOptions = {
  customer: { id: number; name: string; hasAddress: boolean };
  signals: { id: number; label: string; occurredOn: string; severity: number; kind: Occasion }[];
  types: { id: number; name: string; defaultAmount: number; maxAmount: number; occasions: Occasion[] }[];
  policy: { discretionLimit: number; perGestureMax: number; customerCapAmount: number; customerCapCount: number };
  customerTotals: { amount: number; count: number };
  checks: {
    connectedRefusal: string | null;
    financeOnly: string | null;
    hardship: string | null;
    household: string | null;
    redress: boolean;
    complaintsProcessText: string;
    leaveAlone: string | null;
  };
};

export type ProposalDefaults = {
  occasion: Occasion | "";
  signalId: number | null;
  typeId: number | null;
  amount: number | null;
  cardMessage: string;
  justification: string;
  deliveryMethod: DeliveryMethod;
  compensationOwed: CompensationAnswer | null;
};

/**
 * The proposal form, for a new proposal (with its create key) or to edit a draft or a returned one
 * (with its version). A plain POST: without JavaScript every gesture type is listed (the server
 * refuses one that does not suit the occasion) and a blank amount takes the type's default.
 */
export function ProposalForm({
  options,
  defaults,
  mode,
  lastResult,
}: {
  options: ProposalOptions;
  defaults: ProposalDefaults;
  mode: { kind: "new"; createKey: string } | { kind: "edit"; version: number };
  lastResult?: SubmissionResult<string[]>;
}) {
  const currency = useCurrency();
  const schema = mode.kind === "new" ? NewProposalSchema : EditProposalSchema;
  const [form, fields] = useForm({
    id: mode.kind === "new" ? "new-proposal" : "edit-proposal",
    lastResult,
    defaultValue: {
      occasion: defaults.occasion,
      signalId: defaults.signalId ? String(defaults.signalId) : "",
      typeId: defaults.typeId ? String(defaults.typeId) : "",
      amount: defaults.amount === null ? "" : moneyInputText(defaults.amount),
      cardMessage: defaults.cardMessage,
      justification: defaults.justification,
      deliveryMethod: defaults.deliveryMethod,
      compensationOwed: defaults.compensationOwed ?? "",
    },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const initialOccasion = String(fields.occasion.initialValue ?? defaults.occasion ?? "");
  const [occasion, setOccasion] = useState(initialOccasion);
  // Until the page is hydrated every type is listed, so the form works without JavaScript.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const amountRef = useRef<HTMLInputElement>(null);
  const [typeId, setTypeId] = useState(String(fields.typeId.initialValue ?? ""));
  const [owed, setOwed] = useState(String(fields.compensationOwed.initialValue ?? defaults.compensationOwed ?? ""));
  // Without JavaScript the question is always there (answered only on the occasions it is for).
  const askRedress = options.checks.redress && (!hydrated || isRedressOccasion(occasion as Occasion | ""));

  const suiting = options.types.filter((t) => occasion !== "" && t.occasions.includes(occasion as Occasion));
  const others = options.types.filter((t) => !suiting.includes(t));
  const selectedType = options.types.find((t) => String(t.id) === typeId);

  function onTypeChange(nextId: string) {
    const previous = options.types.find((t) => String(t.id) === typeId);
    const next = options.types.find((t) => String(t.id) === nextId);
    setTypeId(nextId);
    const input = amountRef.current;
    // Prefill the amount from the type unless the person typed their own.
    if (input && next && (input.value.trim() === "" || (previous && input.value === moneyInputText(previous.defaultAmount)))) {
      input.value = moneyInputText(next.defaultAmount);
    }
  }

  const money = (amount: number) => formatMoney(amount, currency);
  const hidden = mode.kind === "new" ? { name: "createKey", value: String(fields.createKey?.initialValue ?? mode.createKey) } : { name: "version", value: String(mode.version) };

  return (
    <Form method="post" className="form form--wide" {...getFormProps(form)}>
      <FormErrors errors={form.errors} id={form.errorId} />
      <input type="hidden" name={hidden.name} value={hidden.value} />
      {mode.kind === "new" ? <input type="hidden" name="customerId" value={options.customer.id} /> : null}
      {options.checks.leaveAlone ? (
        <p className="banner banner--warning" data-testid="leave-alone-warning">
          {options.checks.leaveAlone}
        </p>
      ) : null}

      <div className="field">
        <label htmlFor={fields.occasion.id}>Occasion</label>
        <select {...getSelectProps(fields.occasion)} onChange={(event) => setOccasion(event.currentTarget.value)}>
          <option value="">Choose…</option>
          {OCCASIONS.map((o) => (
            <option key={o} value={o}>
              {SIGNAL_KIND_LABELS[o]}
            </option>
          ))}
        </select>
        <FieldErrors errors={fields.occasion.errors} id={fields.occasion.errorId} />
      </div>

      {askRedress ? (
        <fieldset className="field" aria-describedby={`${fields.compensationOwed.id}-hint`}>
          <legend>Is this money compensation the customer is owed?</legend>
          <p className="field__hint" id={`${fields.compensationOwed.id}-hint`}>
            {hydrated ? "" : "Answer for a complaint, a service failure or a complaint in dispute. "}Redress for a complaint is not goodwill: money the
            customer is owed goes through the complaints process, not this fund.
          </p>
          <div className="radio-row">
            {(["no", "yes"] as const).map((answer) => (
              <label key={answer} className="radio">
                <input
                  type="radio"
                  name={fields.compensationOwed.name}
                  value={answer}
                  defaultChecked={owed === answer}
                  onChange={() => setOwed(answer)}
                  aria-invalid={fields.compensationOwed.errors ? true : undefined}
                  aria-describedby={fields.compensationOwed.errors ? fields.compensationOwed.errorId : undefined}
                />
                {answer === "yes" ? "Yes, it is owed to them" : "No, it is a goodwill gesture"}
              </label>
            ))}
          </div>
          {hydrated && owed === "yes" && !fields.compensationOwed.errors ? (
            <p className="banner banner--danger" role="alert" data-testid="redress-warning">
              Redress is not goodwill: money the customer is owed is not a gesture. {options.checks.complaintsProcessText}
            </p>
          ) : null}
          <FieldErrors errors={fields.compensationOwed.errors} id={fields.compensationOwed.errorId} />
        </fieldset>
      ) : null}

      <div className="field">
        <label htmlFor={fields.signalId.id}>The signal it answers (optional)</label>
        <select {...getSelectProps(fields.signalId)}>
          <option value="">None</option>
          {options.signals.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label} on {s.occurredOn} ({SEVERITY_LABELS[s.severity]?.toLowerCase()} severity)
            </option>
          ))}
        </select>
        <FieldErrors errors={fields.signalId.errors} id={fields.signalId.errorId} />
      </div>

      <div className="field">
        <label htmlFor={fields.typeId.id}>Gesture</label>
        <p className="field__hint" id={`${fields.typeId.id}-hint`}>
          Only gestures that suit the occasion are offered: no birthday gift for a bereavement.
        </p>
        <select
          {...getSelectProps(fields.typeId)}
          aria-describedby={[`${fields.typeId.id}-hint`, fields.typeId.errors ? fields.typeId.errorId : ""].filter(Boolean).join(" ")}
          onChange={(event) => onTypeChange(event.currentTarget.value)}
        >
          <option value="">Choose…</option>
          {(hydrated ? suiting : suiting.length ? suiting : options.types).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} (usually {money(t.defaultAmount)}, at most {money(t.maxAmount)})
            </option>
          ))}
          {!hydrated && suiting.length && others.length ? (
            <optgroup label="Other gestures (check they suit the occasion)">
              {others.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} (usually {money(t.defaultAmount)}, at most {money(t.maxAmount)})
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
        <FieldErrors errors={fields.typeId.errors} id={fields.typeId.errorId} />
      </div>

      <div className="field">
        <label htmlFor={fields.amount.id}>Amount ({currency})</label>
        <p className="field__hint" id={`${fields.amount.id}-hint`}>
          Leave blank for the gesture's usual amount{selectedType ? ` (${money(selectedType.defaultAmount)})` : ""}. Up to {money(options.policy.discretionLimit)} is
          approved at your discretion; a gesture may cost at most {money(options.policy.perGestureMax)}.
        </p>
        <input
          {...getInputProps(fields.amount, { type: "text" })}
          ref={amountRef}
          inputMode="decimal"
          autoComplete="off"
          aria-describedby={[`${fields.amount.id}-hint`, fields.amount.errors ? fields.amount.errorId : ""].filter(Boolean).join(" ")}
        />
        <FieldErrors errors={fields.amount.errors} id={fields.amount.errorId} />
      </div>

      <div className="field">
        <label htmlFor={fields.cardMessage.id}>Card message (optional)</label>
        <textarea {...getTextareaProps(fields.cardMessage)} rows={3} maxLength={CARD_MESSAGE_MAX} />
        <p className="field__hint">What the customer reads. At most {CARD_MESSAGE_MAX} characters.</p>
        <FieldErrors errors={fields.cardMessage.errors} id={fields.cardMessage.errorId} />
      </div>

      <div className="field">
        <label htmlFor={fields.justification.id}>Internal justification</label>
        <textarea {...getTextareaProps(fields.justification)} rows={3} maxLength={JUSTIFICATION_MAX} />
        <p className="field__hint">Required above {money(options.policy.discretionLimit)}. Read by the branch's approvers only, never by finance or the customer.</p>
        {options.checks.hardship ? (
          <p className="banner banner--warning" data-testid="hardship-warning">
            {options.checks.hardship}
          </p>
        ) : null}
        <FieldErrors errors={fields.justification.errors} id={fields.justification.errorId} />
      </div>

      <fieldset className="field">
        <legend>Delivery</legend>
        <div className="radio-row">
          {DELIVERY_METHODS.map((method) => (
            <label key={method} className="radio">
              <input
                type="radio"
                name={fields.deliveryMethod.name}
                value={method}
                defaultChecked={String(fields.deliveryMethod.initialValue ?? defaults.deliveryMethod) === method}
              />
              {DELIVERY_LABELS[method]}
            </label>
          ))}
        </div>
        {!options.customer.hasAddress ? <p className="field__hint">No delivery address is on record for this customer: post needs one.</p> : null}
        <FieldErrors errors={fields.deliveryMethod.errors} id={fields.deliveryMethod.errorId} />
      </fieldset>

      {options.checks.household ? (
        <p className="banner banner--warning" data-testid="household-warning">
          {options.checks.household}
        </p>
      ) : null}
      {options.checks.financeOnly ? (
        <p className="banner banner--warning" data-testid="connected-warning">
          {options.checks.financeOnly}
        </p>
      ) : null}
      <p className="muted">
        In the last 12 months this customer has had {options.customerTotals.count} gesture{options.customerTotals.count === 1 ? "" : "s"} worth{" "}
        {money(options.customerTotals.amount)} (caps: {options.policy.customerCapCount} gestures, {money(options.policy.customerCapAmount)}).
      </p>

      <div className="actions">
        <button type="submit" name="intent" value="submit" className="button">
          Submit proposal
        </button>
        <button type="submit" name="intent" value="save-draft" className="button button--secondary">
          Save as draft
        </button>
      </div>
    </Form>
  );
}
