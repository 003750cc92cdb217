import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const TITLES: Record<number, string> = {
  400: "That request could not be processed",
  403: "You don't have access to this page",
  404: "We couldn't find that page",
  405: "That action isn't available here",
  409: "That change could not be made",
  413: "That was too large to send",
  429: "Too many attempts",
};

/** Every route's ErrorBoundary: says what happened in plain words and where to go next. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  let status = 500;
  let message = "Something went wrong on our side. Nothing you entered was saved twice; please try again, and tell support if it keeps happening.";
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const data: unknown = error.data;
    if (data && typeof data === "object" && "message" in data && typeof data.message === "string") {
      message = data.message;
    } else if (status === 404) {
      message = "The page may have moved, or the link you followed may be out of date.";
    } else if (status === 403) {
      message = "Your role does not give access to this page. If you think you need it, ask an administrator.";
    } else if (typeof data === "string" && data.length < 300) {
      message = data;
    }
  }
  const title = TITLES[status] ?? (status >= 500 ? "Something went wrong" : "That didn't work");
  return (
    <section className="card error-page" aria-labelledby="error-title">
      <p className="error-page__code">Error {status}</p>
      <h1 id="error-title">{title}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">Go to your home page</Link>
      </p>
    </section>
  );
}

/** The same, for the sign-in pages, which have no app shell around them. */
export function AuthErrorBoundary() {
  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <GeneralErrorBoundary />
      </main>
    </div>
  );
}
