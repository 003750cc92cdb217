// Limits of a CRM import, shared by the HTTP layer (body size), the parser and the page.
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 200_000;
/** Row-level errors kept for the preview; the counts include every error. */
export const IMPORT_MAX_REPORTED_ERRORS = 500;
export const IMPORT_FILE_NAME_MAX = 200;

export const CUSTOMER_COLUMNS = [
  "crm_ref",
  "name",
  "branch_code",
  "customer_since",
  "segment",
  "birthday",
  "delivery_address",
  "do_not_contact",
  "do_not_contact_reason",
  "connected_staff_branch",
] as const;
export const CUSTOMER_REQUIRED_COLUMNS = ["crm_ref", "name", "branch_code", "customer_since"] as const;

export const SIGNAL_COLUMNS = ["signal_ref", "crm_ref", "kind", "date", "source", "severity", "note"] as const;
export const SIGNAL_REQUIRED_COLUMNS = ["crm_ref", "kind", "date"] as const;
