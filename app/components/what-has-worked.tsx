// "What has worked" beside the gesture choice on the proposal form (issue 21): the occasion's types
// ranked across the bank, then among customers of the same segment and tenure band where those have
// enough cases; each type has a Choose link (works without JavaScript).
import { Form, Link } from "@remix-run/react";
import { SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { formatMoney } from "~/domain/core/money";
import { describeRecord, SMALL_SAMPLE } from "~/domain/feedback/what-worked";
import { OCCASIONS, type Occasion } from "../../db/schema";

type WorkedRow = { typeId: number; typeName: string; recorded: number; positive: number; spent: number; bound: number; smallSample: boolean; costPerPositive: number | null };

/** "What has worked" beside the gesture choice: the occasion's types, best first, each with a link that chooses it. */
export function WhatHasWorked({
  customerId,
  occasion,
  signalId,
  worked,
  workedAmong,
  currency,
  chosenTypeId,
}: {
  customerId: number;
  occasion: Occasion | "";
  signalId: number | null;
  worked: WorkedRow[];
  workedAmong: { title: string; rows: WorkedRow[] }[];
  currency: string;
  chosenTypeId: number | null;
}) {
  const chooseHref = (typeId: number) => {
    const params = new URLSearchParams({ customerId: String(customerId), occasion });
    if (signalId) params.set("signalId", String(signalId));
    params.set("typeId", String(typeId));
    return `/gestures/new?${params}`;
  };
  return (
    <section className="card" aria-labelledby="worked-title" data-testid="what-has-worked">
      <h2 id="worked-title">What has worked{occasion ? ` after a ${SIGNAL_KIND_LABELS[occasion].toLowerCase()}` : ""}</h2>
      {!occasion ? (
        <Form method="get" className="filters">
          <input type="hidden" name="customerId" value={customerId} />
          <div className="field">
            <label htmlFor="worked-occasion">Occasion to compare gestures for</label>
            <select id="worked-occasion" name="occasion" defaultValue="">
              <option value="" disabled>
                Choose the occasion
              </option>
              {OCCASIONS.map((o) => (
                <option key={o} value={o}>
                  {SIGNAL_KIND_LABELS[o]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--secondary">
            Show what has worked
          </button>
        </Form>
      ) : worked.length === 0 ? (
        <p className="empty-state">No gesture type is offered for this occasion yet; an administrator adds them in the catalogue.</p>
      ) : (
        <>
          <p className="muted">
            How customers responded to each gesture type for this occasion across the bank: a positive response is a thank-you or positive feedback.
            Ranked by the lower end of a 95 % confidence range, so a few lucky cases do not outrank a long record. Where customers of this one's segment or
            time with us have {SMALL_SAMPLE} or more recorded responses for this occasion, their own ranking follows.
          </p>
          {workedAmong.length > 0 ? <h3>Across the bank</h3> : null}
          <WorkedList rows={worked} currency={currency} chosenTypeId={chosenTypeId} chooseHref={chooseHref} />
          {workedAmong.map((group) => (
            <div key={group.title}>
              <h3>{group.title}</h3>
              <WorkedList rows={group.rows} currency={currency} chosenTypeId={chosenTypeId} chooseHref={chooseHref} />
            </div>
          ))}
        </>
      )}
    </section>
  );
}

function WorkedList({ rows, currency, chosenTypeId, chooseHref }: { rows: WorkedRow[]; currency: string; chosenTypeId: number | null; chooseHref: (typeId: number) => string }) {
  return (
    <ol className="what-worked">
      {rows.map((r) => (
        <li key={r.typeId}>
          <strong>{r.typeName}</strong>: {describeRecord(r, (m) => formatMoney(m, currency))}.{" "}
          {r.typeId === chosenTypeId ? (
            <span className="muted">(chosen below)</span>
          ) : (
            <Link to={chooseHref(r.typeId)} aria-label={`Choose ${r.typeName}`}>
              Choose
            </Link>
          )}
        </li>
      ))}
    </ol>
  );
}

