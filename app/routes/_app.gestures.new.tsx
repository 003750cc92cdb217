import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { ProposalForm, type ProposalDefaults } from "~/components/proposal-form";
import { WhatHasWorked } from "~/components/what-has-worked";
import { TableWrap } from "~/components/table-wrap";
import { SEARCH_MAX } from "~/domain/customers/customer-schemas";
import { searchCustomers } from "~/domain/customers/customers.server";
import { NewProposalSchema } from "~/domain/gestures/gesture-schemas";
import { proposalFormOptions } from "~/domain/gestures/gesture-queries.server";
import { proposeGesture } from "~/domain/gestures/proposals.server";
import { whatHasWorked, whatHasWorkedAmong } from "~/domain/feedback/what-worked.server";
import { groupHasEnoughCases } from "~/domain/feedback/what-worked";
import { tenureBandLabel } from "~/domain/customers/tenure";
import { getOrganisation } from "~/domain/core/organisation.server";
import { SEGMENT_LABELS } from "~/domain/customers/customer-rules";
import { OCCASIONS, type Occasion } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply, throwAsResponse } from "~/utils/errors.server";
import { newIdempotencyKey } from "~/utils/idempotency.server";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";
import { redirectWithToast } from "~/utils/toast.server";
import { transitionToast } from "~/utils/gesture-toast.server";

export const meta: MetaFunction = () => [{ title: "Propose a gesture · Empathy Fund" }];

function positiveId(value: string | null): number | null {
  const id = Number(value);
  return value && Number.isSafeInteger(id) && id > 0 ? id : null;
}

// The proposal form: from a suggestion (customer, occasion and signal prefilled), from a customer
// page, or blank with a customer search first.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "gestures:propose");
  const url = new URL(request.url);
  const customerId = positiveId(url.searchParams.get("customerId"));
  if (!customerId) {
    const query = (url.searchParams.get("q") ?? "").slice(0, SEARCH_MAX);
    const page = pageFromUrl(url);
    try {
      const result = query.trim() ? await searchCustomers(db, user, { query, page, pageSize: DEFAULT_PAGE_SIZE }) : { rows: [], hasNext: false };
      return json({ step: "customer" as const, query, page, ...result });
    } catch (error) {
      throwAsResponse(error);
    }
  }
  try {
    const options = await proposalFormOptions(db, user, customerId, now());
    const signalId = positiveId(url.searchParams.get("signalId"));
    const signal = options.signals.find((s) => s.id === signalId) ?? null;
    const occasionParam = url.searchParams.get("occasion") ?? "";
    const occasion: Occasion | "" = (OCCASIONS as readonly string[]).includes(occasionParam) ? (occasionParam as Occasion) : signal?.kind ?? "";
    // What has worked for the occasion (issue 21): its types ranked by recorded responses. A
    // "Choose" link sets ?typeId=, so staff can pick from it without JavaScript.
    const forOccasion = occasion ? options.types.filter((t) => t.occasions.includes(occasion)) : [];
    const offered = (r: { typeId: number }) => forOccasion.some((t) => t.id === r.typeId);
    const worked = occasion ? (await whatHasWorked(db, occasion)).filter(offered) : [];
    // The same among customers like this one, where their groups have enough recorded responses.
    const { segment, tenureBand } = options.customer;
    const workedAmong = occasion
      ? [
          { title: `Among ${SEGMENT_LABELS[segment].toLowerCase()} customers`, rows: (await whatHasWorkedAmong(db, occasion, { dimension: "segment", key: segment })).filter(offered) },
          { title: `Among customers of ${tenureBandLabel(tenureBand).toLowerCase()}`, rows: (await whatHasWorkedAmong(db, occasion, { dimension: "tenure", key: tenureBand })).filter(offered) },
        ].filter((group) => groupHasEnoughCases(group.rows))
      : [];
    const chosenTypeId = positiveId(url.searchParams.get("typeId"));
    const firstType = forOccasion.find((t) => t.id === chosenTypeId) ?? forOccasion[0];
    const defaults: ProposalDefaults = {
      occasion,
      signalId: signal?.id ?? null,
      typeId: firstType?.id ?? null,
      amount: firstType?.defaultAmount ?? null,
      cardMessage: "",
      justification: "",
      deliveryMethod: "in_branch",
      compensationOwed: null,
    };
    const { currency } = await getOrganisation(db);
    return json({ step: "form" as const, options, defaults, createKey: newIdempotencyKey(), worked, workedAmong, currency, signalId: signal?.id ?? null });
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "gestures:propose");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: NewProposalSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const { intent, signalId, ...input } = submission.value;
  try {
    const result = await proposeGesture(db, user, { ...input, signalId: signalId ?? null, submit: intent === "submit" }, now());
    return await redirectWithToast(`/gestures/${result.gestureId}`, transitionToast(result));
  } catch (error) {
    return domainErrorReply(submission, error);
  }
}

export default function NewProposalPage() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  if (data.step === "customer") {
    return (
      <>
        <div className="page-header">
          <div>
            <p className="breadcrumb">
              <Link to="/gestures">My proposals</Link>
            </p>
            <h1>Propose a gesture</h1>
            <p>First find the customer. You can also start from a suggestion or from the customer's page.</p>
          </div>
        </div>
        <section className="card" aria-labelledby="find-title">
          <h2 id="find-title">Which customer?</h2>
          <Form method="get" className="filters" role="search" aria-label="Find the customer">
            <div className="field">
              <label htmlFor="proposal-customer-query">Name, surname or CRM reference</label>
              <input id="proposal-customer-query" name="q" type="search" defaultValue={data.query} maxLength={SEARCH_MAX} autoComplete="off" />
            </div>
            <button type="submit" className="button button--secondary">
              Search
            </button>
          </Form>
          {!data.query.trim() ? (
            <p className="empty-state">Type the start of the customer's name, surname or CRM reference and press Search.</p>
          ) : data.rows.length === 0 ? (
            <p className="empty-state">No customer of your branch starts with “{data.query}”. Check the spelling, or search by the start of the surname.</p>
          ) : (
            <TableWrap label="Matching customers">
              <table>
                <caption className="visually-hidden">Customers matching {data.query}</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">CRM reference</th>
                    <th scope="col">Customer since</th>
                    <th scope="col">Propose</th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((c) => (
                    <tr key={c.id}>
                      <td>{c.name}</td>
                      <td className="mono">{c.crmRef}</td>
                      <td>{c.customerSince}</td>
                      <td>
                        {c.erased ? (
                          <span className="muted">Erased</span>
                        ) : c.doNotContact ? (
                          <span className="muted">Do not contact</span>
                        ) : (
                          <Link to={`/gestures/new?customerId=${c.id}`} aria-label={`Propose a gesture for ${c.name}`}>
                            Propose a gesture
                          </Link>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          {data.query.trim() ? <Pagination page={data.page} pageSize={DEFAULT_PAGE_SIZE} hasNext={data.hasNext} /> : null}
        </section>
      </>
    );
  }
  const { options, defaults, createKey, worked, workedAmong, currency } = data;
  return (
    <>
      <div className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to="/gestures">My proposals</Link>
          </p>
          <h1>Propose a gesture for {options.customer.name}</h1>
          <p>
            <Link to={`/customers/${options.customer.id}`}>Open the customer's page</Link> to read their context before you write.
          </p>
        </div>
      </div>
      {options.customer.erased || options.customer.doNotContact || options.checks.connectedRefusal ? (
        <p className="banner banner--danger" role="note">
          {options.customer.erased
            ? "This customer was erased at their request; they receive no gesture."
            : options.customer.doNotContact
            ? "This customer asked not to be contacted; they receive no gesture."
            : options.checks.connectedRefusal}
        </p>
      ) : (
        <>
          <WhatHasWorked
            customerId={options.customer.id}
            occasion={defaults.occasion}
            signalId={data.signalId}
            worked={worked}
            workedAmong={workedAmong}
            currency={currency}
            chosenTypeId={defaults.typeId}
          />
          <section className="card" aria-labelledby="proposal-title">
            <h2 id="proposal-title" className="visually-hidden">
              Proposal
            </h2>
            <ProposalForm key={`${defaults.occasion}-${defaults.typeId}`} options={options} defaults={defaults} mode={{ kind: "new", createKey }} lastResult={lastResult} />
          </section>
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
