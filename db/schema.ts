// The tables every module imports (issue 20). Two dialects define them with the same names: SQLite in
// db/sqlite/schema.ts (the default, and the types everyone sees) and PostgreSQL in
// db/postgres/schema.ts. Which set this module hands out is decided once, when it is first imported,
// from DATABASE_URL (db/engine.ts): the PostgreSQL tables are typed as their SQLite twins, which
// tests/unit/architecture/pg-schema-parity.test.ts keeps honest (same names, columns and types).
// Everything else of the schema (roles, enums, row types) is the SQLite file's, shared by both.
import * as postgres from "./postgres/schema";
import * as sqlite from "./sqlite/schema";
import { engineOf } from "./engine";

export * from "./sqlite/schema";

const tables = (engineOf(process.env.DATABASE_URL) === "postgres" ? postgres : sqlite) as unknown as typeof sqlite;

export const organisation = tables.organisation;
export const branches = tables.branches;
export const users = tables.users;
export const sessions = tables.sessions;
export const signInAttempts = tables.signInAttempts;
export const auditEvents = tables.auditEvents;
export const budgetPeriods = tables.budgetPeriods;
export const budgetPools = tables.budgetPools;
export const holds = tables.holds;
export const ledgerEntries = tables.ledgerEntries;
export const poolTotals = tables.poolTotals;
export const budgetAlerts = tables.budgetAlerts;
export const poolSpendByType = tables.poolSpendByType;
export const customers = tables.customers;
export const signals = tables.signals;
export const signalRevisions = tables.signalRevisions;
export const suggestionDismissals = tables.suggestionDismissals;
export const crmImports = tables.crmImports;
export const crmImportRows = tables.crmImportRows;
export const apiKeys = tables.apiKeys;
export const apiRateWindows = tables.apiRateWindows;
export const jobLocks = tables.jobLocks;
export const userSecondFactors = tables.userSecondFactors;
export const recoveryCodes = tables.recoveryCodes;
export const pendingSignIns = tables.pendingSignIns;
export const ssoRequests = tables.ssoRequests;
export const gestureTypes = tables.gestureTypes;
export const gestureTypeOccasions = tables.gestureTypeOccasions;
export const policyDefaults = tables.policyDefaults;
export const branchPolicyOverrides = tables.branchPolicyOverrides;
export const gestures = tables.gestures;
export const gestureReceipts = tables.gestureReceipts;
export const receiptContents = tables.receiptContents;
export const gestureDecisions = tables.gestureDecisions;
export const delegations = tables.delegations;
export const notifications = tables.notifications;
export const emailOutbox = tables.emailOutbox;
export const decisionLinks = tables.decisionLinks;
export const flagReviews = tables.flagReviews;
export const stories = tables.stories;
export const poolOutcomes = tables.poolOutcomes;
export const occasionOutcomes = tables.occasionOutcomes;
export const outcomeGroups = tables.outcomeGroups;
export const signalFollowups = tables.signalFollowups;
export const customerSegments = tables.customerSegments;
export const customerTenure = tables.customerTenure;
export const poolMonths = tables.poolMonths;
