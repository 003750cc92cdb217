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
