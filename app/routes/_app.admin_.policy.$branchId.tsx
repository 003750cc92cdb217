import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldErrors, FormErrors } from "~/components/forms";
import { useCurrency } from "~/components/money";
import { getBranch } from "~/domain/administration/branches.server";
import { DomainError, isDomainError, domainErrorOf } from "~/domain/core/errors";
import { getOrganisation } from "~/domain/core/organisation.server";
import { POLICY_FIELDS, POLICY_KEYS, type PolicyKey } from "~/domain/policy/policy";
import { setBranchOverrides } from "~/domain/policy/policy-admin.server";
import { branchOverridesSchema, formatPolicyValue, policyInputLabel, policyValueText } from "~/domain/policy/policy-schemas";
import { getEffectivePolicy, getPolicyDefaults } from "~/domain/policy/policy.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply, notFound } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.branch.name ?? "Branch"} policy · Administration · Empathy Fund` }];

function branchIdFrom(params: { branchId?: string }): number {
  const id = Number(params.branchId);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound("This branch does not exist.");
  return id;
}

async function loadBranch(branchId: number) {
  try {
    const branch = await getBranch(db, branchId);
    return { id: branch.id, code: branch.code, name: branch.name, region: branch.region, active: branch.active };
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "policy:manage");
  const branch = await loadBranch(branchIdFrom(params));
  const defaults = await getPolicyDefaults(db);
  const effective = await getEffectivePolicy(db, branch.id);
  return json({ branch, defaults, effective });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "policy:manage");
  const branch = await loadBranch(branchIdFrom(params));
  const path = `/admin/policy/${branch.id}`;
  const formData = await request.formData();
  const schema = branchOverridesSchema(await getPolicyDefaults(db), (await getOrganisation(db)).currency);
  const clearing = formData.get("intent") === "clear";
  const submission = clearing ? null : parseWithZod(formData, { schema });
  if (submission && submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    const saved = await setBranchOverrides(db, actor, { branchId: branch.id, overrides: submission?.value ?? {} }, now());
    const count = Object.keys(saved.overrides).length;
    const message =
      count === 0
        ? `${branch.name} follows the organisation defaults for every setting.`
        : `${branch.name}'s policy saved: ${count === 1 ? "1 setting overrides" : `${count} settings override`} the organisation defaults.`;
    return await redirectWithToast(path, { kind: "success", message });
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
    if (!submission) {
      if (!isDomainError(error)) throw error;
      return json({ status: "error" as const, error: { "": [error.message] } }, { status: 400 });
    }
    // The domain names a setting; on this form its value input is `<setting>.value`.
    const placed = isDomainError(error) && error.field ? new DomainError(error.code, error.message, { field: `${error.field}.value` }) : error;
    return domainErrorReply(submission, placed);
  }
}

const SOURCE_LABEL = { branch: "Branch override", organisation: "Organisation default" } as const;

export default function BranchPolicyPage() {
  const { branch, defaults, effective } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const currency = useCurrency();
  const [searchParams] = useSearchParams();
  const overrideCount = Object.keys(effective.overrides).length;
  const schema = branchOverridesSchema(defaults, currency);
  const defaultValue = Object.fromEntries(
    POLICY_KEYS.map((key) => {
      const override = effective.overrides[key];
      return [key, { mode: override === undefined ? "default" : "override", value: policyValueText(key, override ?? defaults[key]) }];
    }),
  ) as Record<PolicyKey, { mode: string; value: string }>;
  const [form, fields] = useForm({
    id: "branch-policy",
    lastResult: actionData && "initialValue" in actionData ? actionData : undefined,
    defaultValue,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const formErrors = form.errors ?? (actionData && !("initialValue" in actionData) ? actionData.error?.[""] : undefined);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{branch.name} policy</h1>
          <p>
            Branch code <span className="mono">{branch.code}</span> · {branch.region}
            {branch.active ? null : (
              <>
                {" "}
                · <Badge>Inactive</Badge>
              </>
            )}{" "}
            · {overrideCount === 0 ? "follows the organisation defaults" : `${overrideCount} ${overrideCount === 1 ? "setting" : "settings"} overridden`}
          </p>
        </div>
        <Link to="/admin/policy" className="button button--secondary">
          Policy
        </Link>
      </div>
      <AdminNav current="policy" />
      <section className="card" aria-labelledby="branch-policy-title">
        <h2 id="branch-policy-title">Settings for {branch.name}</h2>
        <p className="muted">
          For each setting, follow the organisation default or set a value for this branch. The branch’s policy as a whole must hold together: discretion limit ≤ second-approval threshold ≤
          per-gesture maximum ≤ per-customer cap.
        </p>
        <Form method="post" className="form form--wide" {...getFormProps(form)}>
          <FormErrors errors={formErrors ?? undefined} id={form.errorId} />
          {POLICY_KEYS.map((key) => {
            const entry = fields[key].getFieldset();
            const field = POLICY_FIELDS[key];
            const modeId = entry.mode.id;
            const valueHintId = `${entry.value.id}-hint`;
            const source = effective.source[key];
            return (
              <fieldset key={key} className="policy-setting" aria-describedby={`${modeId}-help`}>
                <legend>{field.label}</legend>
                <p className="field__hint" id={`${modeId}-help`}>
                  {field.help}
                </p>
                <p className="policy-setting__effective" data-testid={`effective-${key}`}>
                  Applies now: <strong>{formatPolicyValue(key, effective.policy[key], currency)}</strong> · <Badge tone={source === "branch" ? "info" : "neutral"}>{SOURCE_LABEL[source]}</Badge>
                </p>
                <label className="radio">
                  <input type="radio" name={entry.mode.name} id={`${modeId}-default`} value="default" defaultChecked={entry.mode.initialValue === "default"} />
                  Use organisation default ({formatPolicyValue(key, defaults[key], currency)})
                </label>
                <div className="policy-setting__override">
                  <label className="radio">
                    <input type="radio" name={entry.mode.name} id={`${modeId}-override`} value="override" defaultChecked={entry.mode.initialValue === "override"} />
                    Override for {branch.name}
                  </label>
                  <label htmlFor={entry.value.id} className="visually-hidden">
                    {policyInputLabel(key, currency)} for {branch.name}
                  </label>
                  {field.unit === "switch" ? (
                    <select
                      {...getSelectProps(entry.value)}
                      aria-describedby={[valueHintId, entry.value.errors?.length ? entry.value.errorId : ""].filter(Boolean).join(" ")}
                      onChange={() => {
                        const radio = document.getElementById(`${modeId}-override`);
                        if (radio instanceof HTMLInputElement) radio.checked = true;
                      }}
                    >
                      <option value="on">On</option>
                      <option value="off">Off</option>
                    </select>
                  ) : (
                    <input
                      {...getInputProps(entry.value, { type: "text" })}
                      inputMode={field.unit === "money" ? "decimal" : "numeric"}
                      autoComplete="off"
                      spellCheck={false}
                      aria-describedby={[valueHintId, entry.value.errors?.length ? entry.value.errorId : ""].filter(Boolean).join(" ")}
                      // Typing a value means overriding: choose that option for the person.
                      onInput={() => {
                        const radio = document.getElementById(`${modeId}-override`);
                        if (radio instanceof HTMLInputElement) radio.checked = true;
                      }}
                    />
                  )}
                  <span className="muted" id={valueHintId}>
                    {{ money: currency, days: "days", months: "months", percent: "%", count: "", switch: "" }[field.unit]}
                  </span>
                </div>
                <FieldErrors errors={entry.mode.errors} id={entry.mode.errorId} />
                <FieldErrors errors={entry.value.errors} id={entry.value.errorId} />
              </fieldset>
            );
          })}
          <div className="actions">
            <button type="submit" className="button">
              Save {branch.name}’s policy
            </button>
          </div>
        </Form>
      </section>
      {overrideCount > 0 ? (
        <section className="card" aria-labelledby="clear-policy-title">
          <h2 id="clear-policy-title">Back to the organisation defaults</h2>
          {searchParams.get("confirm") === "clear" ? (
            <Form method="post" className="confirm-box">
              <p>
                <strong>
                  Remove all {overrideCount} overrides of {branch.name}?
                </strong>{" "}
                Every setting then follows the organisation default. The values set for this branch are kept only in the audit log.
              </p>
              <div className="actions">
                <button type="submit" name="intent" value="clear" className="button button--danger">
                  Yes, use the organisation defaults
                </button>
                <Link to="." className="button button--secondary">
                  Keep the overrides
                </Link>
              </div>
            </Form>
          ) : (
            <div className="actions">
              <Link to="?confirm=clear" className="button button--secondary">
                Remove every override…
              </Link>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
