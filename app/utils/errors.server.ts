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

/** For loaders: a DomainError becomes a thrown Response (the ErrorBoundary shows its message). */
export function throwAsResponse(error: unknown): never {
  if (!isDomainError(error)) throw error;
  throw json({ message: error.message }, { status: DOMAIN_ERROR_STATUS[error.code] });
}

/**
 * The same mapping for a conform form: the message goes beside its field (or above the form) in
 * conform's reply format, so the form keeps what was typed (except `hideFields`, e.g. passwords).
 */
export function domainErrorReply(submission: Submission<unknown>, error: unknown, options: { hideFields?: string[] } = {}) {
  if (!isDomainError(error)) throw error;
  const reply = submission.reply({
    ...(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }),
    hideFields: options.hideFields,
  });
  return json(reply, { status: DOMAIN_ERROR_STATUS[error.code] });
}

/**
 * The same mapping, for routes that build the Response themselves: the conform reply, with the
 * status the error maps to. Anything else rethrows.
 */
export function domainErrorResult(submission: Pick<Submission<unknown>, "reply">, error: unknown) {
  if (!isDomainError(error)) throw error;
  const result: SubmissionResult = submission.reply(
    error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] },
  );
  return { result, status: DOMAIN_ERROR_STATUS[error.code], code: error.code };
}
