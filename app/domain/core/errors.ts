// Typed domain errors. Domain functions throw these; app/utils/errors.server.ts maps them to
// HTTP statuses and form errors in one place.
export const DOMAIN_ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  CONFLICT: 409,
  INSUFFICIENT_FUNDS: 409,
  POLICY_VIOLATION: 422,
  RATE_LIMITED: 429,
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_STATUS;

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** The form field the message belongs beside, when there is one. */
  readonly field?: string;

  constructor(code: DomainErrorCode, message: string, options: { field?: string } = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.field = options.field;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/**
 * The DomainError an error is, or carries as its cause: drizzle wraps whatever its driver raises
 * in a DrizzleQueryError, and on PostgreSQL the driver refuses a NUL in text as a DomainError.
 */
export function domainErrorOf(error: unknown): DomainError | undefined {
  if (isDomainError(error)) return error;
  if (error instanceof Error && isDomainError(error.cause)) return error.cause;
  return undefined;
}
