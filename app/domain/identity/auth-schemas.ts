// Form schemas for signing in, shared by the browser (conform) and the server.
import { z } from "zod";

export const EMAIL_MAX = 254;
/** Long enough for any passphrase; a ceiling so that nobody can make us hash a megabyte. */
export const PASSWORD_MAX = 1024;

export const SignInSchema = z.strictObject({
  email: z
    .string({ error: "Enter your email address." })
    .trim()
    .max(EMAIL_MAX, `An email address has at most ${EMAIL_MAX} characters.`)
    .pipe(z.email({ error: "Enter an email address like name@example.com." })),
  password: z
    .string({ error: "Enter your password." })
    .max(PASSWORD_MAX, `A password has at most ${PASSWORD_MAX} characters.`),
  redirectTo: z.string().max(2000).optional(),
});

/** OWASP: at least 12 characters when there is no second factor; no composition rules. */
export const PASSWORD_MIN = 12;

/** Characters as a person counts them (code points), not UTF-16 units. */
export function passwordLength(password: string): number {
  return [...password].length;
}

// Passwords are never trimmed or truncated: every character typed is part of the password.
const newPassword = z
  .string({ error: "Enter a new password." })
  .refine((value) => passwordLength(value) >= PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters. A few words make a good password.`)
  .refine((value) => passwordLength(value) <= PASSWORD_MAX, `A password has at most ${PASSWORD_MAX} characters.`);

export const ChangePasswordSchema = z
  .strictObject({
    currentPassword: z
      .string({ error: "Enter your current password." })
      .max(PASSWORD_MAX, `A password has at most ${PASSWORD_MAX} characters.`),
    newPassword,
    confirmPassword: z.string({ error: "Enter the new password again." }).max(PASSWORD_MAX, `A password has at most ${PASSWORD_MAX} characters.`),
  })
  .refine((value) => value.newPassword === value.confirmPassword, {
    message: "The two new passwords do not match.",
    path: ["confirmPassword"],
  });

/** A 6-digit code from the authenticator app, or a recovery code (xxxxx-xxxxx). */
export const SecondFactorCodeSchema = z.strictObject({
  code: z
    .string({ error: "Type the 6-digit code from your authenticator app." })
    .trim()
    .max(40, "A code has 6 digits; a recovery code 10 letters and digits.")
    .regex(/^[0-9A-Za-z\s-]+$/, "Type the 6 digits your app shows, or a recovery code like abcde-23456."),
});

/** Setting up a factor from the account page: the secret shown on the page comes back with the code. */
export const EnrolFactorSchema = z.strictObject({
  intent: z.literal("enrol"),
  secret: z.string().regex(/^[A-Z2-7]{16,64}$/, "The set-up key is not valid. Reload the page to get a new one."),
  code: z
    .string({ error: "Type the 6-digit code your app shows." })
    .trim()
    .regex(/^\d{6}$/, "Type the 6 digits your app shows, without spaces."),
});

export const RegenerateCodesSchema = z.strictObject({
  intent: z.literal("regenerate"),
  code: z
    .string({ error: "Type the 6-digit code your app shows." })
    .trim()
    .regex(/^\d{6}$/, "Type the 6 digits your app shows, without spaces."),
});
