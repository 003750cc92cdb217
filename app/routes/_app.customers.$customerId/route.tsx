import type { SubmissionResult } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SEGMENT_LABELS } from "~/domain/customers/customer-rules";
import { viewCustomer } from "~/domain/customers/customers.server";
import { customerGestureHistory } from "~/domain/gestures/gesture-queries.server";
import type { Segment } from "../../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";
import { AddSignalCard, GesturesCard, ProfileCard, StatusBanner, TimelineCard } from "./cards";
import * as intents from "./intents.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.customer.name ?? "Customer"} · Empathy Fund` }];

// A customer of the user's branch: profile, do-not-contact banner, timeline. Viewing sensitive
// context is recorded in the audit trail by viewCustomer.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "customers:view");
  const customerId = intents.customerIdFrom(params);
  try {
    const view = await viewCustomer(db, user, { customerId }, now());
    // viewCustomer has checked the customer is of the user's branch.
    return json({ ...view, gestures: await customerGestureHistory(db, customerId) });
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "customers:view");
  const customerId = intents.customerIdFrom(params);
  const formData = await request.formData();
  const args = { user, customerId, formData };
  // Anything but a correction is read as a new signal; its schema refuses a wrong intent.
  return formData.get("intent") === "correct-signal" ? await intents.correct(args) : await intents.add(args);
}

export default function CustomerPage() {
  const { customer, timeline, today, retentionDays, gestures } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to="/customers">← Customers</Link>
          </p>
          <h1>{customer.name}</h1>
          <p>
            CRM reference <span className="mono">{customer.crmRef}</span> · {SEGMENT_LABELS[customer.segment as Segment]} · customer since {customer.customerSince}
          </p>
        </div>
        {customer.erased || customer.doNotContact ? null : (
          <Link to={`/gestures/new?customerId=${customer.id}`} className="button">
            Propose a gesture
          </Link>
        )}
      </div>
      <StatusBanner customer={customer} />
      <div className="customer-layout">
        <ProfileCard customer={customer} />
        {customer.erased ? null : <AddSignalCard today={today} lastResult={lastResult?.initialValue?.intent === "add-signal" ? lastResult : undefined} />}
      </div>
      <GesturesCard customerName={customer.name} gestures={gestures} />
      <TimelineCard timeline={timeline} today={today} retentionDays={retentionDays} lastResult={lastResult} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
