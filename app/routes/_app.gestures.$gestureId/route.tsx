import type { SubmissionResult } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { authorizeGestureView, proposalFormOptions, viewGesture } from "~/domain/gestures/gesture-queries.server";
import { storyOfGesture } from "~/domain/stories/stories.server";
import { requireUser } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";
import { DecisionCard, DecisionHistory, DetailsCard, EditCard, PageHeader, WithdrawCard } from "./cards";
import { CancelCard, FulfilCard, FulfilmentDetails, OutcomeCard, ReapprovalCard } from "./fulfilment-cards";
import * as intents from "./intents.server";
import { StoryCard } from "./story-card";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Proposal #${data.view.gesture.id} · Empathy Fund` : "Proposal · Empathy Fund" }];

// One proposal: its details, the history of decisions, and the actions the viewer may take
// (edit and resubmit, withdraw; approve, reject, return; fulfil, cancel, record the outcome).
// The domain decides who sees what.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const gestureId = intents.gestureIdFrom(params);
  try {
    const view = await viewGesture(db, user, gestureId, now());
    const editOptions = view.can.edit ? await proposalFormOptions(db, user, view.customer.id, now()) : null;
    return json({ view, editOptions, story: await storyOfGesture(db, user, gestureId) });
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const gestureId = intents.gestureIdFrom(params);
  // Someone who may not see the proposal learns nothing more from posting to it.
  try {
    await authorizeGestureView(db, user, gestureId, now());
  } catch (error) {
    throwAsResponse(error);
  }
  const { formData, receipt } = await intents.readForm(request);
  const intent = formData.get("intent");
  const args = { user, gestureId, formData };
  // A receipt sent with any other form is dropped: it was only ever in memory.
  if (intent === "fulfil") return intents.fulfil(args, receipt);
  switch (intent) {
    case "cancel":
      return await intents.cancel(args);
    case "outcome":
      return await intents.outcome(args);
    case "reapprove":
    case "refuse-reapproval":
      return await intents.reapproval(args);
    case "approve":
    case "reject":
    case "return":
      return await intents.decide(args);
    case "withdraw":
      return await intents.withdraw(args);
    default:
      return await intents.edit(args);
  }
}

export default function GesturePage() {
  const { view, editOptions, story } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const lastIntent = String(lastResult?.initialValue?.intent ?? "");
  /** The last post's reply goes back to the form that sent it. */
  const replyFor = (...names: string[]) => (names.includes(lastIntent) ? lastResult : undefined);
  const { gesture, can } = view;
  return (
    <>
      <PageHeader view={view} />

      {can.decide ? <DecisionCard view={view} lastResult={replyFor("approve", "reject", "return")} /> : null}
      {view.decideRefusal ? (
        <p className="banner banner--neutral" role="note">
          {view.decideRefusal}
        </p>
      ) : null}

      {can.reapprove ? <ReapprovalCard view={view} lastResult={replyFor("reapprove", "refuse-reapproval")} /> : null}
      {gesture.status === "needs_reapproval" && !can.reapprove ? (
        <p className="banner banner--neutral" role="note">
          It cost more than approved, beyond what the policy allows; it waits for the approver to approve the new amount.
        </p>
      ) : null}
      {can.fulfil ? <FulfilCard view={view} lastResult={replyFor("fulfil")} /> : null}
      {can.recordOutcome ? <OutcomeCard view={view} lastResult={replyFor("outcome")} /> : null}
      <FulfilmentDetails view={view} />
      <StoryCard gestureId={gesture.id} story={story} />

      <DetailsCard view={view} />
      <DecisionHistory view={view} />

      {can.edit && editOptions ? <EditCard view={view} options={editOptions} lastResult={replyFor("save-draft", "submit")} /> : null}
      {can.cancel ? <CancelCard view={view} lastResult={replyFor("cancel")} /> : null}
      {can.withdraw ? <WithdrawCard version={gesture.version} errors={lastIntent === "withdraw" ? Object.values(lastResult?.error ?? {}).flatMap((m) => m ?? []) : undefined} /> : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
