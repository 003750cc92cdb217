// Maps typed domain errors to HTTP: form errors (400/409/422 with the message beside its field)
// or a thrown Response that the route's ErrorBoundary shows in plain words.
import type { Submission, SubmissionResult } from "@conform-to/react";
import { json } from "@remix-run/node";
import { DOMAIN_ERROR_STATUS, isDomainError } from "~/domain/errors";

export type FormErrors = { formErrors: string[]; fieldErrors: Record<string, string[]> };

/** Runs a domain call; a DomainError becomes a JSON response for the form, anything else rethrows. */
export function domainErrorResponse(error: unknown) {
  if (!isDomainError(error)) throw error;
  const errors: FormErrors = error.field
    ? { formErrors: [], fieldErrors: { [error.field]: [error.message] } }
    : { formErrors: [error.message], fieldErrors: {} };
  return json({ errors, code: error.code }, { status: DOMAIN_ERROR_STATUS[error.code] });
}

export function notFound(message = "We could not find what you asked for.") {
  return json({ message }, { status: 404 });
}

/**
 * A DomainError as a conform reply: its message beside its field (or above the form), with the
 * status it maps to. Anything else rethrows.
 */
export function replyWithDomainError(submission: Pick<Submission<unknown>, "reply">, error: unknown) {
  if (!isDomainError(error)) throw error;
  const result: SubmissionResult = submission.reply(
    error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] },
  );
  return { result, status: DOMAIN_ERROR_STATUS[error.code], code: error.code };
}
