import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CRM_REF_MAX, EraseCustomerSchema } from "~/domain/customers/customer-schemas";
import { eraseCustomer } from "~/domain/customers/privacy.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Erase a customer · Empathy Fund" }];

// The right to erasure, for administrators. The page reads no customer data: the admin types the
// CRM reference from the customer's request and confirms.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "customers:erase");
  return json(null);
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "customers:erase");
  const submission = parseWithZod(await request.formData(), { schema: EraseCustomerSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  let pseudonym: string;
  try {
    pseudonym = (await eraseCustomer(db, user, { crmRef: submission.value.crmRef }, now())).pseudonym;
  } catch (error) {
    return domainErrorReply(submission, error);
  }
  return await redirectWithToast("/erasure", { kind: "success", message: `Customer ${submission.value.crmRef} erased. They now appear as “${pseudonym}”.` });
}

export default function ErasurePage() {
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: EraseCustomerSchema }),
  });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Erase a customer</h1>
          <p>When a customer asks to be forgotten.</p>
        </div>
      </div>
      <section className="card" aria-labelledby="erase-title">
        <h2 id="erase-title">Erase by CRM reference</h2>
        <p className="banner banner--warning" role="note">
          Erasure cannot be undone. The customer's name, birthday, delivery address and every note are removed; their signals and any money records stay under a pseudonym (“Erased customer #id”) so
          that budgets still add up. The customer is marked do-not-contact, a later CRM import does not bring them back, and the erasure is recorded in the audit log.
        </p>
        <Form method="post" className="form" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="erase" />
          {form.errors?.length ? (
            <p className="form-error" id={form.errorId} role="alert">
              {form.errors.join(" ")}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor={fields.crmRef.id}>CRM reference</label>
            <input {...getInputProps(fields.crmRef, { type: "text" })} maxLength={CRM_REF_MAX} autoComplete="off" spellCheck={false} />
            {fields.crmRef.errors ? (
              <p className="field__error" id={fields.crmRef.errorId}>
                {fields.crmRef.errors.join(" ")}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor={fields.confirm.id}>Type ERASE to confirm</label>
            <input {...getInputProps(fields.confirm, { type: "text" })} autoComplete="off" spellCheck={false} />
            {fields.confirm.errors ? (
              <p className="field__error" id={fields.confirm.errorId}>
                {fields.confirm.errors.join(" ")}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button button--danger">
            Erase this customer
          </button>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
