import { Form, Link } from "@remix-run/react";
import { DISMISS_REASON_MAX } from "~/domain/customers/customer-schemas";

export type SuggestionRow = {
  customerId: number;
  name: string;
  crmRef: string;
  reason: string;
  score: number;
  scoreParts: { kind: number; recency: number; severity: number; tenure: number; worked: number };
  workedNote: string;
  occasion: { type: "signal"; kind: string; signalId: number } | { type: "birthday" } | { type: "anniversary" };
};

/** The proposal form, prefilled with the customer, the occasion and the signal of the suggestion. */
function proposeHref(row: SuggestionRow): string {
  const params = new URLSearchParams({ customerId: String(row.customerId) });
  if (row.occasion.type === "signal") {
    params.set("occasion", row.occasion.kind);
    params.set("signalId", String(row.occasion.signalId));
  } else {
    params.set("occasion", row.occasion.type === "birthday" ? "birthday" : "tenure_anniversary");
  }
  return `/gestures/new?${params}`;
}

/** The suggestions queue: who may need a gesture and why; propose one, or dismiss with a reason. */
export function SuggestionsSection({
  rows,
  total,
  showAllLink,
  redirectTo,
}: {
  rows: SuggestionRow[];
  total: number;
  showAllLink: boolean;
  redirectTo: string;
}) {
  return (
    <section className="card" aria-labelledby="suggestions-title">
      <h2 id="suggestions-title">Suggestions</h2>
      <p className="muted">
        Customers of your branch with a recent signal, a birthday or a customer anniversary coming up, best first. The score adds the kind of occasion,
        how recent it is, its severity, the customer's tenure and how customers responded to gestures for that occasion (what has worked). Do-not-contact
        customers never appear, nor, for the period the policy sets, a customer whose last gesture met a negative response.
      </p>
      {rows.length === 0 ? (
        <p className="empty-state">
          Nobody needs a gesture right now. Suggestions appear when a signal is recorded or imported; add one from a customer's page.
        </p>
      ) : (
        <ol className="suggestions">
          {rows.map((row) => (
            <li key={row.customerId} className="suggestion">
              <div className="suggestion__main">
                <p className="suggestion__name">
                  <Link to={`/customers/${row.customerId}`}>{row.name}</Link> <span className="muted mono">{row.crmRef}</span>
                </p>
                <p className="suggestion__reason">{row.reason}</p>
                <p className="muted suggestion__score">
                  Score {row.score} = occasion {row.scoreParts.kind} + recency {row.scoreParts.recency} + severity {row.scoreParts.severity} + tenure{" "}
                  {row.scoreParts.tenure} + what has worked {row.scoreParts.worked}
                </p>
                <p className="muted suggestion__worked">{row.workedNote}</p>
              </div>
              <p className="suggestion__propose">
                <Link to={proposeHref(row)} className="button button--secondary" aria-label={`Propose a gesture for ${row.name}`}>
                  Propose a gesture
                </Link>
              </p>
              <details className="suggestion__dismiss">
                <summary>Dismiss</summary>
                <Form method="post" action="/suggestions" className="form">
                  <input type="hidden" name="intent" value="dismiss-suggestion" />
                  <input type="hidden" name="customerId" value={row.customerId} />
                  <input type="hidden" name="redirectTo" value={redirectTo} />
                  <div className="field">
                    <label htmlFor={`dismiss-reason-${row.customerId}`}>Why dismiss {row.name}?</label>
                    <input id={`dismiss-reason-${row.customerId}`} name="reason" required minLength={3} maxLength={DISMISS_REASON_MAX} />
                    <p className="field__hint">The suggestion comes back only with a new signal.</p>
                  </div>
                  <button type="submit" className="button button--secondary">
                    Dismiss suggestion
                  </button>
                </Form>
              </details>
            </li>
          ))}
        </ol>
      )}
      {showAllLink ? (
        <p>
          <Link to="/suggestions">See all {total} suggestions</Link>
        </p>
      ) : null}
    </section>
  );
}
