import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { EnrolmentInstructions, RecoveryCodes } from "~/components/second-factor";
import { EnrolFactorSchema, RegenerateCodesSchema } from "~/domain/identity/auth-schemas";
import { getOrganisation } from "~/domain/core/organisation.server";
import { ROLE_HOME } from "~/domain/core/permissions";
import { enrolmentDetails, enrolSecondFactor, hasSecondFactor, newTotpSecret, regenerateRecoveryCodes, remainingRecoveryCodes } from "~/domain/identity/second-factor.server";
import { requireAuthenticated } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { domainErrorResult } from "~/utils/errors.server";

export const meta: MetaFunction = () => [{ title: "Two-step sign-in · Empathy Fund" }];

// Every signed-in user manages their own second factor.
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, signInMethod } = await requireAuthenticated(request);
  const organisation = await getOrganisation(db);
  const enrolled = await hasSecondFactor(db, user.id);
  // A new key on every visit until one is confirmed; it travels in the form and back, and is
  // stored (encrypted) only once a code from the app proves the app holds it.
  const offer = enrolled ? null : await enrolmentDetails({ totpSecret: await newTotpSecret(), email: user.email, issuer: `Empathy Fund (${organisation.name})` });
  return json(
    {
      enrolled,
      remaining: enrolled ? await remainingRecoveryCodes(db, user.id) : 0,
      required: organisation.secondFactorRequired,
      viaSso: signInMethod === "sso",
      offer: offer ? { svg: offer.svg, secret: offer.secret, rawSecret: offer.secret.replaceAll(" ", "") } : null,
      home: ROLE_HOME[user.role],
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const { user } = await requireAuthenticated(request);
  const formData = await request.formData();
  const schema = formData.get("intent") === "regenerate" ? RegenerateCodesSchema : EnrolFactorSchema;
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return json({ reply: submission.reply({ hideFields: ["code"] }), codes: null }, { status: 400 });
  try {
    const value = submission.value;
    const codes =
      value.intent === "enrol"
        ? await enrolSecondFactor(db, user, { totpSecret: value.secret, code: value.code, secret: env.SESSION_SECRET }, now())
        : await regenerateRecoveryCodes(db, user, { code: value.code, secret: env.SESSION_SECRET }, now());
    return json({ reply: null, codes: { intent: value.intent, list: codes } }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    const { result, status } = domainErrorResult(submission, error, { hideFields: ["code"] });
    return json({ reply: result, codes: null }, { status });
  }
}

// Recovery codes live only in the action's answer: keep the page as it is once they are shown.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && typeof actionResult === "object" && "codes" in actionResult && actionResult.codes ? false : defaultShouldRevalidate;

export default function SecurityPage() {
  const { enrolled, remaining, required, viaSso, offer, home } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const reply = actionData?.reply ?? undefined;
  const [enrolForm, enrolFields] = useForm<{ intent: string; secret: string; code: string }>({
    id: "enrol",
    lastResult: reply?.initialValue?.intent === "enrol" ? reply : undefined,
    shouldValidate: "onSubmit",
    constraint: { code: { required: true } },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: EnrolFactorSchema }),
  });
  const [regenForm, regenFields] = useForm<{ intent: string; code: string }>({
    id: "regenerate",
    lastResult: reply?.initialValue?.intent === "regenerate" ? reply : undefined,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RegenerateCodesSchema }),
  });

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Two-step sign-in</h1>
          <p>A code from your phone after your password, so that a stolen password alone does not open your account.</p>
        </div>
      </div>
      {actionData?.codes ? (
        <section className="card one-time-password" aria-labelledby="codes-title">
          <h2 id="codes-title">{actionData.codes.intent === "enrol" ? "Two-step sign-in is set up" : "New recovery codes"}</h2>
          {actionData.codes.intent === "regenerate" ? <p>Your previous recovery codes no longer work.</p> : null}
          <RecoveryCodes codes={actionData.codes.list} />
          <Link to={home} className="button">
            I have saved my codes
          </Link>
        </section>
      ) : enrolled ? (
        <section className="card" aria-labelledby="status-title">
          <h2 id="status-title">Status</h2>
          <p>
            <Badge tone="success">Set up</Badge> You type a code from your authenticator app each time you sign in with your password. {remaining} of 10 recovery codes left.
          </p>
          <p className="muted">Lost your phone? Sign in with a recovery code, then ask an administrator to reset your second factor so you can set up the new phone.</p>
          <h3>New recovery codes</h3>
          <p>Replaces all your recovery codes. Type the code your app shows now to confirm it is you.</p>
          <Form method="post" className="form" {...getFormProps(regenForm)}>
            <input type="hidden" name="intent" value="regenerate" />
            <FormErrors errors={regenForm.errors} id={regenForm.errorId} />
            <Field
              label="Code from your app"
              inputProps={{ ...getInputProps(regenFields.code, { type: "text" }), autoComplete: "one-time-code", inputMode: "numeric" }}
              errors={regenFields.code.errors}
              errorId={regenFields.code.errorId}
            />
            <div className="actions">
              <button type="submit" className="button button--secondary">
                Create new recovery codes
              </button>
            </div>
          </Form>
        </section>
      ) : offer ? (
        <section className="card" aria-labelledby="setup-title">
          <h2 id="setup-title">Set up two-step sign-in</h2>
          <p>
            {required
              ? "Your organisation requires it for password sign-in; you will be asked at your next sign-in if you do not set it up now."
              : "Your organisation does not require it yet, but it protects your account and the customers whose details you see."}
            {viaSso ? " You signed in through single sign-on, where your organisation's identity provider checks you; this applies when you sign in with a password." : ""}
          </p>
          <EnrolmentInstructions svg={offer.svg} secret={offer.secret} />
          <Form method="post" className="form" {...getFormProps(enrolForm)}>
            <input type="hidden" name="intent" value="enrol" />
            <input type="hidden" name="secret" value={offer.rawSecret} />
            <FormErrors errors={enrolForm.errors} id={enrolForm.errorId} />
            <Field
              label="Code from your app"
              inputProps={{ ...getInputProps(enrolFields.code, { type: "text" }), autoComplete: "one-time-code", inputMode: "numeric" }}
              errors={enrolFields.code.errors}
              errorId={enrolFields.code.errorId}
            />
            <div className="actions">
              <button type="submit" className="button">
                Turn on two-step sign-in
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
