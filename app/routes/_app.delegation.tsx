import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldErrors, FormErrors } from "~/components/forms";
import { Pagination } from "~/components/pagination";
import { addDays } from "~/domain/core/dates";
import { CreateDelegationSchema, DEFAULT_DELEGATION_DAYS, delegationRange, EndDelegationSchema, MAX_DELEGATION_DAYS } from "~/domain/approvals/delegation-schemas";
import { createDelegation, eligibleDelegates, endDelegation, listDelegations } from "~/domain/approvals/delegations.server";
import { ROLE_LABELS } from "~/domain/core/permissions";
import { formatIsoDate } from "~/domain/core/dates";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply } from "~/utils/errors.server";
import { pageFromUrl } from "~/utils/pagination";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Delegate while away · Empathy Fund" }];

// Managers only: name who approves for you while you are away, see what is planned, end it early.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "gestures:delegate");
  const page = pageFromUrl(new URL(request.url));
  const list = await listDelegations(db, user, { page }, now());
  const delegates = (await eligibleDelegates(db, user)).map((d) => ({
    value: String(d.id),
    label: `${d.name} — ${ROLE_LABELS[d.role]}${d.branchName ? `, ${d.branchName}` : ""}`,
    group: d.group,
  }));
  return json({ ...list, page, delegates, defaults: { startsOn: list.today, endsOn: addDays(list.today, DEFAULT_DELEGATION_DAYS) } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "gestures:delegate");
  const formData = await request.formData();
  if (formData.get("intent") === "end") {
    const submission = parseWithZod(formData, { schema: EndDelegationSchema });
    if (submission.status !== "success") return json(submission.reply(), { status: 400 });
    try {
      const ended = await endDelegation(db, user, { delegationId: submission.value.delegationId }, now());
      return await redirectWithToast("/delegation", {
        kind: "success",
        message: `The delegation from ${delegationRange(ended)} is ended. Proposals to decide come to you again.`,
      });
    } catch (error) {
      return domainErrorReply(submission, error);
    }
  }
  const submission = parseWithZod(formData, { schema: CreateDelegationSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    const created = await createDelegation(db, user, submission.value, now());
    return await redirectWithToast("/delegation", { kind: "success", message: `Delegation saved: from ${delegationRange(created)}. Your delegate has been told.` });
  } catch (error) {
    return domainErrorReply(submission, error);
  }
}

const GROUP_LABELS = { branch: "Managers of your branch", finance: "Finance", other: "Managers of other branches" } as const;

export default function DelegationPage() {
  const { current, upcoming, past, coveringFor, delegates, defaults, today, page } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [searchParams] = useSearchParams();
  const confirmId = Number(searchParams.get("confirm"));
  const isCreateReply = reply?.initialValue?.intent !== "end";

  const [form, fields] = useForm({
    id: "create-delegation",
    lastResult: reply && isCreateReply ? reply : undefined,
    defaultValue: { delegateId: "", startsOn: defaults.startsOn, endsOn: defaults.endsOn },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateDelegationSchema }),
  });
  const endErrors =
    reply && !isCreateReply
      ? Object.values(reply.error ?? {})
          .flat()
          .filter((e): e is string => typeof e === "string")
      : [];
  const planned = [...current, ...upcoming];
  const describedBy = (field: { errorId: string; errors?: string[] }, hintId?: string) => [hintId, field.errors?.length ? field.errorId : undefined].filter(Boolean).join(" ") || undefined;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Delegate while away</h1>
          <p>
            While a delegation lasts, your delegate approves, rejects or returns your branch's proposals for you, and new ones are sent to them instead of you. You keep your own right to decide.
            Nobody ever decides their own proposal.
          </p>
        </div>
      </div>

      {coveringFor.length > 0 ? (
        <section className="card" aria-labelledby="covering-title">
          <h2 id="covering-title">You approve for</h2>
          <ul className="delegation-list">
            {coveringFor.map((d) => (
              <li key={d.id} className="delegation">
                <div className="delegation__main">
                  <strong>{d.managerName}</strong>
                  {d.branchName ? ` (${d.branchName})` : ""} · {delegationRange(d)}
                </div>
                <Badge tone={d.status === "current" ? "success" : "info"}>{d.status === "current" ? "Now" : "Upcoming"}</Badge>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="planned-title">
        <h2 id="planned-title">Current and upcoming</h2>
        <FormErrors errors={endErrors} id="end-errors" />
        {planned.length === 0 ? (
          <p className="empty-state">You have no delegation planned. When you will be away, name who approves for you below.</p>
        ) : (
          <ul className="delegation-list">
            {planned.map((d) => (
              <li key={d.id} className="delegation">
                <div className="delegation__main">
                  <p>
                    <strong>{d.delegateName}</strong> ({ROLE_LABELS[d.delegateRole]}
                    {d.delegateBranchName ? `, ${d.delegateBranchName}` : ""}) · {delegationRange(d)}{" "}
                    <Badge tone={d.status === "current" ? "success" : "info"}>{d.status === "current" ? "Now" : "Upcoming"}</Badge>
                  </p>
                  {confirmId === d.id ? (
                    <Form method="post" className="confirm-box">
                      <input type="hidden" name="intent" value="end" />
                      <input type="hidden" name="delegationId" value={d.id} />
                      <p>
                        <strong>{d.status === "current" ? `End the delegation to ${d.delegateName} now?` : `Cancel the delegation to ${d.delegateName}?`}</strong>{" "}
                        {d.status === "current"
                          ? `${d.delegateName} stops deciding for you at once, and proposals waiting for the branch come to you again.`
                          : `${d.delegateName} will not approve for you from ${delegationRange(d)}.`}{" "}
                        They are told.
                      </p>
                      <div className="actions">
                        <button type="submit" className="button button--danger" disabled={busy}>
                          {d.status === "current" ? "Yes, end it now" : "Yes, cancel it"}
                        </button>
                        <Link to="/delegation" className="button button--secondary">
                          Keep it
                        </Link>
                      </div>
                    </Form>
                  ) : null}
                </div>
                {confirmId === d.id ? null : (
                  <Link
                    to={`?confirm=${d.id}`}
                    className="button button--secondary"
                    aria-label={`${d.status === "current" ? "End early" : "Cancel"}: delegation to ${d.delegateName}, ${delegationRange(d)}`}
                  >
                    {d.status === "current" ? "End early…" : "Cancel…"}
                  </Link>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="create-title">
        <h2 id="create-title">Name a delegate</h2>
        {delegates.length === 0 ? (
          <p className="empty-state">There is nobody you can delegate to: no other active manager or finance user. Ask an administrator.</p>
        ) : (
          <Form method="post" className="form" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="create" />
            <FormErrors errors={form.errors} id={form.errorId} />
            <div className="field">
              <label htmlFor={fields.delegateId.id}>Who approves for you</label>
              <p className="field__hint" id={`${fields.delegateId.id}-hint`}>
                Another branch manager or someone in finance. They are told by notification and e-mail.
              </p>
              <select {...getSelectProps(fields.delegateId)} aria-describedby={describedBy(fields.delegateId, `${fields.delegateId.id}-hint`)}>
                <option value="">Choose a person…</option>
                {(["branch", "finance", "other"] as const).map((group) => {
                  const options = delegates.filter((d) => d.group === group);
                  return options.length ? (
                    <optgroup key={group} label={GROUP_LABELS[group]}>
                      {options.map((d) => (
                        <option key={d.value} value={d.value}>
                          {d.label}
                        </option>
                      ))}
                    </optgroup>
                  ) : null;
                })}
              </select>
              <FieldErrors errors={fields.delegateId.errors} id={fields.delegateId.errorId} />
            </div>
            <div className="field-row">
              <div className="field">
                <label htmlFor={fields.startsOn.id}>First day</label>
                <input {...getInputProps(fields.startsOn, { type: "date" })} min={today} aria-describedby={describedBy(fields.startsOn)} />
                <FieldErrors errors={fields.startsOn.errors} id={fields.startsOn.errorId} />
              </div>
              <div className="field">
                <label htmlFor={fields.endsOn.id}>Last day</label>
                <input {...getInputProps(fields.endsOn, { type: "date" })} min={today} aria-describedby={describedBy(fields.endsOn, `${fields.endsOn.id}-hint`)} />
                <p className="field__hint" id={`${fields.endsOn.id}-hint`}>
                  Included. At most {MAX_DELEGATION_DAYS} days in all.
                </p>
                <FieldErrors errors={fields.endsOn.errors} id={fields.endsOn.errorId} />
              </div>
            </div>
            <p className="field__hint">Today is {formatIsoDate(today)}. A delegation starting today takes effect at once.</p>
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                Save delegation
              </button>
            </div>
          </Form>
        )}
      </section>

      <section className="card" aria-labelledby="past-title">
        <h2 id="past-title">Past delegations</h2>
        {past.rows.length === 0 ? (
          <p className="empty-state">{page > 1 ? "There is nothing on this page." : "No past delegations."}</p>
        ) : (
          <ul className="delegation-list">
            {past.rows.map((d) => (
              <li key={d.id} className="delegation">
                <div className="delegation__main">
                  <strong>{d.delegateName}</strong> ({ROLE_LABELS[d.delegateRole]}
                  {d.delegateBranchName ? `, ${d.delegateBranchName}` : ""}) · {delegationRange(d)}
                </div>
                <Badge>{d.status === "ended" ? "Ended early" : "Finished"}</Badge>
              </li>
            ))}
          </ul>
        )}
        {past.total > past.pageSize || page > 1 ? <Pagination page={page} hasNext={past.hasNext} total={past.total} pageSize={past.pageSize} /> : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
