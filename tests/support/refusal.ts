import { DomainError } from "~/domain/core/errors";

/** Runs a domain call that must be refused and returns the DomainError it threw. */
export async function refusal(fn: () => unknown): Promise<DomainError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}
