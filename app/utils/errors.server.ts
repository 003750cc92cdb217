// Maps typed domain errors to HTTP: form errors (400/409/422 with the message beside its field)
// or a thrown Response that the route's ErrorBoundary shows in plain words.
import type { Submission, SubmissionResult } from "@conform-to/react";
import { json } from "@remix-run/node";
import { DOMAIN_ERROR_STATUS, domainErrorOf } from "~/domain/core/errors";

export function notFound(message = "We could not find what you asked for.") {
  return json({ message }, { status: 404 });
}

/** For loaders: a DomainError becomes a thrown Response (the ErrorBoundary shows its message). */
export function throwAsResponse(caught: unknown): never {
  const error = domainErrorOf(caught);
  if (!error) throw caught;
  throw json({ message: error.message }, { status: DOMAIN_ERROR_STATUS[error.code] });
}

/**
 * The same mapping for a conform form: the message goes beside its field (or above the form) in
 * conform's reply format, so the form keeps what was typed (except `hideFields`, e.g. passwords).
 */
export function domainErrorReply(submission: Pick<Submission<unknown>, "reply">, error: unknown, options: { hideFields?: string[] } = {}) {
  const { result, status } = domainErrorResult(submission, error, options);
  return json(result, { status });
}

/** The same, for routes that build the Response themselves: the reply and its status. Anything else rethrows. */
export function domainErrorResult(submission: Pick<Submission<unknown>, "reply">, caught: unknown, options: { hideFields?: string[] } = {}) {
  const error = domainErrorOf(caught);
  if (!error) throw caught;
  const result: SubmissionResult = submission.reply({
    ...(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }),
    hideFields: options.hideFields,
  });
  return { result, status: DOMAIN_ERROR_STATUS[error.code], code: error.code };
}
