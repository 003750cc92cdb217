// Sends the e-mail outbox (`npm run jobs`). With SMTP_URL set, each message goes out through
// nodemailer; without it, each is written to the log and marked 'logged', so a machine without a
// mail server still shows what would have been sent. Nothing here throws out of the loop: a
// message that fails is retried on later runs with a growing delay, and given up as 'failed'
// after MAX_EMAIL_ATTEMPTS (or at once when the server refuses it for good, a 5xx reply).
import { and, asc, eq, sql } from "drizzle-orm";
import { createTransport } from "nodemailer";
import type { Logger } from "pino";
import { emailOutbox } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { EMAIL_LINK_PREFIX } from "./notifications.server";

export type OutgoingEmail = { to: string; subject: string; text: string };

export type EmailTransport =
  | { kind: "smtp"; send: (email: OutgoingEmail) => Promise<void>; close: () => void }
  | { kind: "log"; send: (email: OutgoingEmail) => Promise<void>; close: () => void };

export const DEFAULT_EMAIL_FROM = "Empathy Fund <no-reply@empathy-fund.localhost>";
export const MAX_EMAIL_ATTEMPTS = 5;
/** Retry n waits EMAIL_BACKOFF_MS × 2^(n−1) after the previous one (5, 10, 20, 40 minutes). */
export const EMAIL_BACKOFF_MS = 5 * 60 * 1000;
const ERROR_MAX = 500;

/** SMTP through nodemailer when `smtpUrl` is set (smtp:// or smtps://, credentials in the URL), else the log. */
export function createEmailTransport(options: { smtpUrl?: string; from?: string; logger: Pick<Logger, "info"> }): EmailTransport {
  const from = options.from ?? DEFAULT_EMAIL_FROM;
  if (!options.smtpUrl) {
    return {
      kind: "log",
      send: async (email) => {
        options.logger.info({ email: { from, to: email.to, subject: email.subject, body: email.text } }, "e-mail written to the log (SMTP_URL is not set)");
      },
      close: () => {},
    };
  }
  // Timeouts keep one unresponsive server from holding the job for minutes.
  const transporter = createTransport({ url: options.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    kind: "smtp",
    send: async (email) => {
      await transporter.sendMail({ from, to: email.to, subject: email.subject, text: email.text });
    },
    close: () => transporter.close(),
  };
}

/** Makes the gesture link of a body absolute when the app's public origin is known. */
export function withAbsoluteLinks(body: string, appOrigin: string | undefined): string {
  if (!appOrigin) return body;
  const origin = appOrigin.replace(/\/+$/, "");
  return body
    .split("\n")
    .map((line) => (line.startsWith(`${EMAIL_LINK_PREFIX}/`) ? `${EMAIL_LINK_PREFIX}${origin}${line.slice(EMAIL_LINK_PREFIX.length)}` : line))
    .join("\n");
}

function describe(error: unknown): { message: string; permanent: boolean } {
  const err = error as { message?: unknown; responseCode?: unknown };
  const message = (typeof err?.message === "string" ? err.message : String(error)).slice(0, ERROR_MAX);
  const code = typeof err?.responseCode === "number" ? err.responseCode : 0;
  return { message, permanent: code >= 500 && code < 600 };
}

export type SendSummary = { sent: number; logged: number; failed: number; retrying: number };

/**
 * Sends up to `batch` pending messages whose retry delay has passed, oldest first. Each message is
 * claimed (its attempt counted) before it is sent, so two runs at once never send it twice.
 */
export async function sendPendingEmails(
  db: Db,
  transport: EmailTransport,
  now: Date,
  options: { batch?: number; maxAttempts?: number; appOrigin?: string; logger?: Pick<Logger, "warn"> } = {},
): Promise<SendSummary> {
  const batch = options.batch ?? 200;
  const maxAttempts = options.maxAttempts ?? MAX_EMAIL_ATTEMPTS;
  const summary: SendSummary = { sent: 0, logged: 0, failed: 0, retrying: 0 };
  const due = db
    .select()
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.status, "pending"),
        // created + backoff × (2^attempts − 1): the sum of the delays before this attempt.
        sql`${emailOutbox.createdAt} + ${EMAIL_BACKOFF_MS} * ((1 << min(${emailOutbox.attempts}, 20)) - 1) <= ${now.getTime()}`,
      ),
    )
    .orderBy(asc(emailOutbox.id))
    .limit(batch)
    .all();
  for (const message of due) {
    try {
      const claimed = db
        .update(emailOutbox)
        .set({ attempts: message.attempts + 1 })
        .where(and(eq(emailOutbox.id, message.id), eq(emailOutbox.status, "pending"), eq(emailOutbox.attempts, message.attempts)))
        .run();
      if (claimed.changes === 0) continue;
      const attempts = message.attempts + 1;
      try {
        await transport.send({ to: message.toAddress, subject: message.subject, text: withAbsoluteLinks(message.body, options.appOrigin) });
        const status = transport.kind === "smtp" ? "sent" : "logged";
        db.update(emailOutbox).set({ status, sentAt: now, lastError: null }).where(eq(emailOutbox.id, message.id)).run();
        summary[status] += 1;
      } catch (error) {
        const { message: lastError, permanent } = describe(error);
        const giveUp = permanent || attempts >= maxAttempts;
        db.update(emailOutbox)
          .set({ status: giveUp ? "failed" : "pending", lastError })
          .where(eq(emailOutbox.id, message.id))
          .run();
        summary[giveUp ? "failed" : "retrying"] += 1;
      }
    } catch (error) {
      // The database itself refused (busy, disk full): leave the message for the next run.
      options.logger?.warn({ err: describe(error).message, emailId: message.id }, "could not update the e-mail outbox");
    }
  }
  return summary;
}
