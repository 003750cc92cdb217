// Display formatting, at render time only. Dates arrive from loaders as ISO strings.
export function formatDateTime(value: string | Date | null | undefined, timeZone: string): string {
  if (!value) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

export function formatDate(value: string | Date | null | undefined, timeZone: string): string {
  if (!value) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone }).format(date);
}
