// Maps typed domain errors to HTTP: form errors (400/409/422 with the message beside its field)
// or a thrown Response that the route's ErrorBoundary shows in plain words.
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
 * For conform forms: a DomainError becomes the submission's reply, with the message beside its
 * field (or above the form) and everything typed kept.
 */
export function replyWithDomainError<R>(
  submission: { reply: (options: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }) => R },
  error: unknown,
) {
  if (!isDomainError(error)) throw error;
  const reply = error.field
    ? submission.reply({ fieldErrors: { [error.field]: [error.message] } })
    : submission.reply({ formErrors: [error.message] });
  return json(reply, { status: DOMAIN_ERROR_STATUS[error.code] });
}
