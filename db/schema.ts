// Every table of the app, as pure drizzle definitions (no app imports: the migrator, seed and
// drizzle-kit read this file outside the Remix build). snake_case in SQL, camelCase in TypeScript.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const ROLES = ["staff", "manager", "finance", "admin"] as const;
export type Role = (typeof ROLES)[number];

const id = () => integer("id").primaryKey({ autoIncrement: true });
const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .$defaultFn(() => new Date());

/** The organisation running the programme. Exactly one row (id = 1). */
export const organisation = sqliteTable(
  "organisation",
  {
    id: integer("id").primaryKey(),
    name: text("name").notNull(),
    /** ISO 4217 code; amounts everywhere are integer minor units of this currency. */
    currency: text("currency").notNull(),
    /** IANA time zone used to show dates and to cut periods. */
    timeZone: text("time_zone").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [
    check("organisation_single_row", sql`${t.id} = 1`),
    check("organisation_currency_code", sql`length(${t.currency}) = 3`),
  ],
);

export const branches = sqliteTable(
  "branches",
  {
    id: id(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    region: text("region").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("branches_code_unique").on(t.code),
    index("branches_region_idx").on(t.region, t.name),
  ],
);

export const users = sqliteTable(
  "users",
  {
    id: id(),
    /** Stored trimmed and lower-cased, so uniqueness is case-insensitive. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    branchId: integer("branch_id").references(() => branches.id, { onDelete: "restrict" }),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    passwordHash: text("password_hash").notNull(),
    /** Set when an admin issues a one-time password: the user can do nothing but choose a new one. */
    mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
    lastSignInAt: integer("last_sign_in_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    index("users_branch_idx").on(t.branchId, t.name),
    index("users_name_idx").on(t.name),
    check("users_email_lower", sql`${t.email} = lower(trim(${t.email}))`),
    // Staff and managers belong to a branch; finance and admin work across branches.
    check(
      "users_branch_by_role",
      sql`(${t.role} in ('staff', 'manager') and ${t.branchId} is not null) or (${t.role} in ('finance', 'admin') and ${t.branchId} is null)`,
    ),
  ],
);

/** Server-side sessions. The cookie holds a random token; only its keyed hash is stored. */
export const sessions = sqliteTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    /** Absolute expiry, fixed at sign-in. */
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    index("sessions_expires_idx").on(t.expiresAt),
    index("sessions_last_seen_idx").on(t.lastSeenAt),
  ],
);

/** Every sign-in attempt, for throttling and lock-out. Holds no password. */
export const signInAttempts = sqliteTable(
  "sign_in_attempts",
  {
    id: id(),
    email: text("email").notNull(),
    ipAddress: text("ip_address").notNull(),
    outcome: text("outcome", { enum: ["success", "failure", "refused"] }).notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("sign_in_attempts_email_idx").on(t.email, t.at),
    index("sign_in_attempts_ip_idx").on(t.ipAddress, t.at),
  ],
);

/**
 * Append-only, hash-chained audit trail. Triggers in the migrations refuse UPDATE and DELETE.
 * `detail` is a small JSON object that never carries passwords, secrets or customer notes.
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: id(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "restrict" }),
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id"),
    detail: text("detail").notNull().default("{}"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    uniqueIndex("audit_events_hash_unique").on(t.hash),
    index("audit_events_entity_idx").on(t.entity, t.entityId, t.id),
    index("audit_events_actor_idx").on(t.actorId, t.id),
    index("audit_events_action_idx").on(t.action, t.id),
  ],
);

export type Organisation = typeof organisation.$inferSelect;
export type Branch = typeof branches.$inferSelect;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Session = typeof sessions.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
