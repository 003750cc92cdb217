// `npm run jobs`: the periodic work. Idempotent and safe to run from cron (say hourly): a second
// run finds nothing left to do. In order: redact expired notes of sensitive signals; reroute
// proposals whose approvers changed with the calendar (a delegation that lapsed); tell delegates
// whose delegation starts today; remind approvers of proposals waiting more than two working days;
// expire approvals left unfulfilled beyond the policy (releasing their holds); remind staff of
// missing outcomes after the follow-up delay;
// then send the e-mail outbox (SMTP when SMTP_URL is set, else the log), every link absolute from
// APP_ORIGIN (else this server's own address), approval e-mails with their decision links.
import { createEmailTransport, sendPendingEmails } from "../app/domain/notifications/email.server";
import { expireDueApprovals, sendOutcomeReminders } from "../app/domain/gestures/fulfilment.server";
import { notifyDelegationStarts } from "../app/domain/approvals/delegations.server";
import { redactExpiredNotes } from "../app/domain/customers/privacy.server";
import { sendApprovalReminders } from "../app/domain/approvals/reminders.server";
import { rerouteAllBranches } from "../app/domain/approvals/routing.server";
import { approvalEmailComposer } from "../app/domain/gestures/approval-email.server";
import { db, sqliteOf } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";
import { logger } from "../app/utils/logger.server";

const now = new Date();

const result = redactExpiredNotes(db, now);
console.log(
  `Redacted the notes of ${result.signals} sensitive signal(s) and ${result.revisions} earlier version(s) dated on or before ${result.cutoff}.`,
);

const rerouted = rerouteAllBranches(db, now);
console.log(`Rerouted ${rerouted} waiting proposal(s) whose approvers changed.`);

const started = notifyDelegationStarts(db, now);
console.log(`Told ${started} delegate(s) that their delegation started.`);

const reminders = sendApprovalReminders(db, now);
console.log(`Sent ${reminders.sent} reminder(s) about ${reminders.overdue} proposal(s) waiting more than two working days.`);

const expiry = expireDueApprovals(db, now);
console.log(`Expired ${expiry.expired} approval(s) left unfulfilled beyond the policy's expiry; their holds went back to the pools.`);

const outcomes = sendOutcomeReminders(db, now);
console.log(`Sent ${outcomes.sent} reminder(s) about ${outcomes.due} fulfilled gesture(s) still without the customer's response.`);

const transport = createEmailTransport({ smtpUrl: env.SMTP_URL, from: env.EMAIL_FROM, logger });
try {
  const mail = await sendPendingEmails(db, transport, now, { appOrigin: env.publicOrigin, compose: approvalEmailComposer(env.SESSION_SECRET), logger });
  const how = transport.kind === "smtp" ? `${mail.sent} sent by SMTP` : `${mail.logged} written to the log (SMTP_URL is not set)`;
  console.log(`E-mail: ${how}, ${mail.retrying} to retry later, ${mail.failed} given up.`);
} finally {
  transport.close();
  sqliteOf(db).close();
}
