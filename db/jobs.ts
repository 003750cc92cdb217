// `npm run jobs`: the periodic work. Idempotent and safe to run from cron (say hourly): a second
// run finds nothing left to do. In order: redact expired notes of sensitive signals; reroute
// proposals whose approvers changed with the calendar (a delegation that lapsed); tell delegates
// whose delegation starts today; remind approvers of proposals waiting more than two working days;
// expire approvals left unfulfilled beyond the policy (releasing their holds); remind staff of
// missing outcomes after the follow-up delay;
// then send the e-mail outbox (SMTP when SMTP_URL is set, else the log), every link absolute from
// APP_ORIGIN (else this server's own address), approval e-mails with their decision links.
// Several app servers may run it from their own cron: a lease in the database (job_locks) lets one
// run at a time go ahead; another that finds it held says so and does nothing.
import { createEmailTransport, sendPendingEmails } from "../app/domain/notifications/email.server";
import { expireDueApprovals, sendOutcomeReminders } from "../app/domain/gestures/fulfilment.server";
import { notifyDelegationStarts } from "../app/domain/approvals/delegations.server";
import { redactExpiredNotes } from "../app/domain/customers/privacy.server";
import { sendApprovalReminders } from "../app/domain/approvals/reminders.server";
import { rerouteAllBranches } from "../app/domain/approvals/routing.server";
import { approvalEmailComposer } from "../app/domain/gestures/approval-email.server";
import { acquireJobLock, jobHolderName, releaseJobLock, renewJobLock } from "../app/domain/core/job-locks.server";
import { closeDatabase, db } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";
import { logger } from "../app/utils/logger.server";

const now = new Date();
const LOCK = "periodic-jobs";
const holder = jobHolderName();

const taken = await acquireJobLock(db, LOCK, holder, now);
if (!taken.acquired) {
  const { heldBy } = taken;
  console.log(`Another run of the periodic jobs (${heldBy.holder}, since ${heldBy.acquiredAt.toISOString()}) holds the lock until ${heldBy.expiresAt.toISOString()}: this run does nothing.`);
  await closeDatabase(db);
  process.exit(0);
}

/** Between steps: stop if the lease was lost (it lapsed and another server's run took it over). */
async function stillHolding() {
  if (await renewJobLock(db, LOCK, holder, new Date())) return;
  console.error("The periodic jobs' lock lapsed and another run took it over: stopping here; that run does the rest.");
  await closeDatabase(db);
  process.exit(1);
}

try {
  const result = await redactExpiredNotes(db, now);
  console.log(`Redacted the notes of ${result.signals} sensitive signal(s) and ${result.revisions} earlier version(s) dated on or before ${result.cutoff}.`);
  await stillHolding();

  const rerouted = await rerouteAllBranches(db, now);
  console.log(`Rerouted ${rerouted} waiting proposal(s) whose approvers changed.`);
  await stillHolding();

  const started = await notifyDelegationStarts(db, now);
  console.log(`Told ${started} delegate(s) that their delegation started.`);
  await stillHolding();

  const reminders = await sendApprovalReminders(db, now);
  console.log(`Sent ${reminders.sent} reminder(s) about ${reminders.overdue} proposal(s) waiting more than two working days.`);
  await stillHolding();

  const expiry = await expireDueApprovals(db, now);
  console.log(`Expired ${expiry.expired} approval(s) left unfulfilled beyond the policy's expiry; their holds went back to the pools.`);
  await stillHolding();

  const outcomes = await sendOutcomeReminders(db, now);
  console.log(`Sent ${outcomes.sent} reminder(s) about ${outcomes.due} fulfilled gesture(s) still without the customer's response.`);
  await stillHolding();

  const transport = createEmailTransport({ smtpUrl: env.SMTP_URL, from: env.EMAIL_FROM, logger });
  try {
    const mail = await sendPendingEmails(db, transport, now, { appOrigin: env.publicOrigin, compose: approvalEmailComposer(env.SESSION_SECRET), logger });
    const how = transport.kind === "smtp" ? `${mail.sent} sent by SMTP` : `${mail.logged} written to the log (SMTP_URL is not set)`;
    console.log(`E-mail: ${how}, ${mail.retrying} to retry later, ${mail.failed} given up.`);
  } finally {
    transport.close();
  }
} finally {
  await releaseJobLock(db, LOCK, holder);
  await closeDatabase(db);
}
