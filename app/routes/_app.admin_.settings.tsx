import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FieldErrors, FormErrors } from "~/components/forms";
import { SelectField } from "~/components/select-field";
import { COMPLAINTS_PROCESS_TEXT_MAX, CURRENCIES, OrganisationSettingsSchema, RETENTION_DAYS_MAX, RETENTION_DAYS_MIN, supportedTimeZones } from "~/domain/administration/admin-schemas";
import { getOrganisation, updateOrganisationSettings } from "~/domain/core/organisation.server";
import { requirePermission } from "~/utils/auth.server";
import { ssoConfigured } from "~/utils/oidc.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Organisation settings · Administration · Empathy Fund" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "settings:manage");
  return json({ settings: await getOrganisation(db), timeZones: supportedTimeZones(), ssoConfigured: ssoConfigured() });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "settings:manage");
  const submission = parseWithZod(await request.formData(), { schema: OrganisationSettingsSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    await updateOrganisationSettings(db, actor, { ...submission.value, ssoBranchClaim: submission.value.ssoBranchClaim ?? null }, now());
  } catch (error) {
    return domainErrorReply(submission, error);
  }
  return await redirectWithToast("/admin/settings", { kind: "success", message: "Organisation settings saved." });
}

const CURRENCY_NAMES = new Intl.DisplayNames(["en"], { type: "currency" });

export default function SettingsPage() {
  const { settings, timeZones, ssoConfigured } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { ...settings, sensitiveRetentionDays: String(settings.sensitiveRetentionDays), ssoBranchClaim: settings.ssoBranchClaim ?? "" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OrganisationSettingsSchema }),
  });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Administration</h1>
          <p>Settings that apply to every branch.</p>
        </div>
      </div>
      <AdminNav current="settings" />
      <section className="card" aria-labelledby="settings-title">
        <h2 id="settings-title">Organisation settings</h2>
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <Field
            label="Organisation name"
            hint="Shown on the sign-in page and in the footer."
            hintId={`${fields.name.id}-hint`}
            inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "organization" }}
            errors={fields.name.errors}
            errorId={fields.name.errorId}
          />
          <SelectField
            label="Currency"
            hint="Every amount is kept and shown in this currency. Change it only before any budget is allocated."
            hintId={`${fields.currency.id}-hint`}
            selectProps={getSelectProps(fields.currency)}
            options={CURRENCIES.map((code) => ({ value: code, label: `${code} · ${CURRENCY_NAMES.of(code) ?? code}` }))}
            errors={fields.currency.errors}
            errorId={fields.currency.errorId}
          />
          <SelectField
            label="Time zone"
            hint="Dates are shown, and periods cut, in this time zone."
            hintId={`${fields.timeZone.id}-hint`}
            selectProps={getSelectProps(fields.timeZone)}
            options={timeZones.map((zone) => ({ value: zone, label: zone.replaceAll("_", " ") }))}
            errors={fields.timeZone.errors}
            errorId={fields.timeZone.errorId}
          />
          <SelectField
            label="Budget period"
            hint="The length of the next budget period finance opens. Periods already open keep their dates."
            hintId={`${fields.periodLength.id}-hint`}
            selectProps={getSelectProps(fields.periodLength)}
            options={[
              { value: "quarter", label: "Quarter" },
              { value: "month", label: "Month" },
            ]}
            errors={fields.periodLength.errors}
            errorId={fields.periodLength.errorId}
          />
          <SelectField
            label="Unspent balance at period close"
            hint="Applied by finance when a period closes, as explicit ledger entries."
            hintId={`${fields.unspentBalanceRule.id}-hint`}
            selectProps={getSelectProps(fields.unspentBalanceRule)}
            options={[
              { value: "lapse", label: "Lapses (returns to the organisation)" },
              { value: "carry_over", label: "Carries over to the branch's next pool" },
            ]}
            errors={fields.unspentBalanceRule.errors}
            errorId={fields.unspentBalanceRule.errorId}
          />
          <Field
            label="Retention of sensitive notes (days)"
            hint="Notes about bereavement, illness and hardship are removed this many days after the event; the fact that a signal existed stays."
            hintId={`${fields.sensitiveRetentionDays.id}-hint`}
            inputProps={{ ...getInputProps(fields.sensitiveRetentionDays, { type: "number" }), min: RETENTION_DAYS_MIN, max: RETENTION_DAYS_MAX, step: 1 }}
            errors={fields.sensitiveRetentionDays.errors}
            errorId={fields.sensitiveRetentionDays.errorId}
          />
          <div className="field">
            <label htmlFor={fields.complaintsProcessText.id}>Complaints process</label>
            <textarea
              {...getTextareaProps(fields.complaintsProcessText)}
              rows={3}
              maxLength={COMPLAINTS_PROCESS_TEXT_MAX}
              aria-describedby={[`${fields.complaintsProcessText.id}-hint`, fields.complaintsProcessText.errors ? fields.complaintsProcessText.errorId : ""].filter(Boolean).join(" ")}
            />
            <p className="field__hint" id={`${fields.complaintsProcessText.id}-hint`}>
              Shown when a proposer says the money on a complaint, service failure or dispute is compensation the customer is owed: the proposal is refused and this tells them where redress goes
              instead.
            </p>
            <FieldErrors errors={fields.complaintsProcessText.errors} id={fields.complaintsProcessText.errorId} />
          </div>
          <fieldset className="field">
            <legend>Sign-in</legend>
            <div className="field field--checkbox">
              <input {...getInputProps(fields.secondFactorRequired, { type: "checkbox" })} aria-describedby={`${fields.secondFactorRequired.id}-hint`} />
              <label htmlFor={fields.secondFactorRequired.id}>Require a second factor for password sign-in</label>
            </div>
            <p className="field__hint" id={`${fields.secondFactorRequired.id}-hint`}>
              Users who sign in with a password also type a code from an authenticator app. Those without one set it up at their next sign-in. Single sign-on leaves the second factor to your identity
              provider.
            </p>
            <div className="field field--checkbox">
              <input {...getInputProps(fields.ssoAutoCreate, { type: "checkbox" })} aria-describedby={`${fields.ssoAutoCreate.id}-hint`} />
              <label htmlFor={fields.ssoAutoCreate.id}>Create staff accounts at their first single sign-on</label>
            </div>
            <p className="field__hint" id={`${fields.ssoAutoCreate.id}-hint`}>
              {ssoConfigured
                ? "Off: only people an administrator has added can sign in. On: someone unknown becomes staff of the branch whose code the claim below names."
                : "Single sign-on is not configured on this server (see the README's OIDC settings); this applies once it is."}
            </p>
            <Field
              label="Claim with the branch code"
              hint="The name of the ID token claim that holds the branch code (for example branch). Needed when accounts are created at first sign-in."
              hintId={`${fields.ssoBranchClaim.id}-hint`}
              inputProps={{ ...getInputProps(fields.ssoBranchClaim, { type: "text" }), autoComplete: "off", spellCheck: false }}
              errors={fields.ssoBranchClaim.errors}
              errorId={fields.ssoBranchClaim.errorId}
            />
          </fieldset>
          <div className="actions">
            <button type="submit" className="button">
              Save settings
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
