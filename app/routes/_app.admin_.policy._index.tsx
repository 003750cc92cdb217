import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { SelectField } from "~/components/select-field";
import { useCurrency } from "~/components/money";
import { TableWrap } from "~/components/table-wrap";
import { POLICY_FIELDS, POLICY_KEYS, type PolicyKey } from "~/domain/policy/policy";
import { updatePolicyDefaults } from "~/domain/policy/policy-admin.server";
import { policyInputLabel, PolicyDefaultsSchema, policyValueText } from "~/domain/policy/policy-schemas";
import { getPolicyDefaults, listBranchPolicySummaries } from "~/domain/policy/policy.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

const SWITCH_OPTIONS = [
  { value: "on", label: "On" },
  { value: "off", label: "Off" },
];

export const meta: MetaFunction = () => [{ title: "Policy · Administration · Empathy Fund" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "policy:manage");
  const defaults = await getPolicyDefaults(db);
  const values = Object.fromEntries(POLICY_KEYS.map((key) => [key, policyValueText(key, defaults[key])])) as Record<PolicyKey, string>;
  return json({ values, branches: await listBranchPolicySummaries(db) });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "policy:manage");
  const submission = parseWithZod(await request.formData(), { schema: PolicyDefaultsSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    await updatePolicyDefaults(db, actor, submission.value, now());
  } catch (error) {
    return domainErrorReply(submission, error);
  }
  return await redirectWithToast("/admin/policy", { kind: "success", message: "Organisation policy saved. Branches without an override follow it from now on." });
}

export default function PolicyPage() {
  const { values, branches } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const currency = useCurrency();
  const [form, fields] = useForm({
    id: "policy-defaults",
    lastResult,
    defaultValue: values,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PolicyDefaultsSchema }),
  });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Administration</h1>
          <p>The rules every proposal is checked against. Branches follow these defaults unless they override a setting.</p>
        </div>
        <a href="#branch-policy-title" className="button button--secondary">
          Branch overrides
        </a>
      </div>
      <AdminNav current="policy" />
      <section className="card" aria-labelledby="policy-title">
        <h2 id="policy-title">Organisation defaults</h2>
        <p className="muted">
          The discretion limit must not be above the second-approval threshold, which must not be above the per-gesture maximum; the per-customer cap must be at least the per-gesture maximum.
        </p>
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          {POLICY_KEYS.map((key) => {
            const field = fields[key];
            const money = POLICY_FIELDS[key].unit === "money";
            if (POLICY_FIELDS[key].unit === "switch") {
              return (
                <SelectField
                  key={key}
                  label={policyInputLabel(key, currency)}
                  hint={POLICY_FIELDS[key].help}
                  hintId={`${field.id}-hint`}
                  selectProps={getSelectProps(field)}
                  options={SWITCH_OPTIONS}
                  errors={field.errors}
                  errorId={field.errorId}
                />
              );
            }
            return (
              <Field
                key={key}
                label={policyInputLabel(key, currency)}
                hint={POLICY_FIELDS[key].help}
                hintId={`${field.id}-hint`}
                inputProps={{ ...getInputProps(field, { type: "text" }), inputMode: money ? "decimal" : "numeric", autoComplete: "off", spellCheck: false }}
                errors={field.errors}
                errorId={field.errorId}
              />
            );
          })}
          <div className="actions">
            <button type="submit" className="button">
              Save policy
            </button>
          </div>
        </Form>
      </section>
      <section className="card" aria-labelledby="branch-policy-title">
        <h2 id="branch-policy-title">Branch overrides</h2>
        <p className="muted">A branch may set its own value for any setting; its whole policy must still hold together.</p>
        {branches.length === 0 ? (
          <p className="empty-state">There are no branches yet. Add one under Branches first.</p>
        ) : (
          <TableWrap label="Branch overrides table">
            <table>
              <caption className="visually-hidden">Branches and their policy overrides</caption>
              <thead>
                <tr>
                  <th scope="col">Branch</th>
                  <th scope="col">Region</th>
                  <th scope="col">Overrides</th>
                </tr>
              </thead>
              <tbody>
                {branches.map((branch) => (
                  <tr key={branch.id}>
                    <td>
                      <Link to={`/admin/policy/${branch.id}`}>{branch.name}</Link> <span className="mono muted">{branch.code}</span>
                      {branch.active ? null : (
                        <>
                          {" "}
                          <Badge>Inactive</Badge>
                        </>
                      )}
                    </td>
                    <td>{branch.region}</td>
                    <td>
                      {branch.overrideCount === 0 ? (
                        <span className="muted">None: follows the organisation defaults</span>
                      ) : (
                        <Badge tone="info">{branch.overrideCount === 1 ? "1 setting" : `${branch.overrideCount} settings`}</Badge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
