// The audit log's filters, read from the query string of the page and of its export, so that both
// show exactly the same events. A value that cannot be used is dropped with a message for the field.
import { localDate, startOfLocalDay } from "../core/dates";
import { addDays, isValidIsoDate } from "../core/dates";
import { findAuditActors, listAuditEntities, type AuditListFilter } from "../core/audit.server";
import type { Db } from "~/utils/db.server";

export type AuditFilterForm = { who: string; action: string; entity: string; from: string; to: string };
export type AuditFilterResult = {
  form: AuditFilterForm;
  filter: Omit<AuditListFilter, "pageSize" | "before">;
  errors: Partial<Record<keyof AuditFilterForm, string>>;
  entities: string[];
  /** How many people the "who" text matched (capped), to say so beside the field. */
  matchedPeople: number | null;
};

const ACTOR_MATCH_LIMIT = 50;

export async function readAuditFilter(db: Db, params: URLSearchParams, timeZone: string, now: Date): Promise<AuditFilterResult> {
  const text = (name: string, max: number) => (params.get(name) ?? "").trim().slice(0, max);
  const form: AuditFilterForm = { who: text("who", 100), action: text("action", 60), entity: text("entity", 60), from: text("from", 10), to: text("to", 10) };
  const errors: AuditFilterResult["errors"] = {};
  const filter: AuditFilterResult["filter"] = {};
  const entities = await listAuditEntities(db);

  if (form.action) filter.action = form.action;
  if (form.entity) {
    if (entities.includes(form.entity)) filter.entity = form.entity;
    else errors.entity = "Choose a subject from the list.";
  }
  let matchedPeople: number | null = null;
  if (form.who) {
    const people = await findAuditActors(db, form.who, ACTOR_MATCH_LIMIT);
    filter.actorIds = people.map((p) => p.id);
    matchedPeople = people.length;
    if (people.length === 0) errors.who = "Nobody's name or e-mail starts with that.";
  }
  const today = localDate(now, timeZone);
  for (const field of ["from", "to"] as const) {
    const value = form[field];
    if (!value) continue;
    if (!isValidIsoDate(value)) {
      errors[field] = "Enter a date like 2026-11-23.";
      continue;
    }
    if (value > today) {
      errors[field] = "That date is in the future.";
      continue;
    }
    if (field === "from") filter.from = startOfLocalDay(value, timeZone);
    else filter.until = startOfLocalDay(addDays(value, 1), timeZone);
  }
  if (filter.from && filter.until && filter.from >= filter.until) {
    errors.to = "The end date must not be before the start date.";
    delete filter.until;
  }
  return { form, filter, errors, entities, matchedPeople };
}
