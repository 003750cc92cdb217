// The rules for a newly chosen password, after OWASP's authentication cheat sheet: a minimum
// length, a generous maximum, no composition rules, never truncated, and refused when it is a
// known common password or the account's own e-mail address.
import { randomInt } from "node:crypto";
import { PASSWORD_MAX, PASSWORD_MIN, passwordLength } from "./auth-schemas";
import { COMMON_PASSWORDS_TEXT } from "./common-passwords.server";

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(COMMON_PASSWORDS_TEXT.split("\n").filter(Boolean));
  return common;
}

export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.normalize("NFKC").toLowerCase());
}

/** Why a new password is refused, or null when it may be used. */
export function newPasswordProblem(password: string, account: { email: string }): string | null {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters. A few words make a good password.`;
  if (length > PASSWORD_MAX) return `A password has at most ${PASSWORD_MAX} characters.`;
  const lowered = password.normalize("NFKC").trim().toLowerCase();
  const email = account.email.toLowerCase();
  if (lowered === email || lowered === email.split("@")[0]) return "Do not use your email address as your password.";
  if (isCommonPassword(password)) return "This password is on a list of common passwords that attackers try first. Choose another.";
  return null;
}

// No look-alike characters (0/o, 1/l/i), so that it can be read out or copied by hand.
const ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** A one-time password of four groups of five (about 98 bits), for an admin to hand over. */
export function generateOneTimePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = "";
    for (let i = 0; i < 5; i++) group += ONE_TIME_ALPHABET[randomInt(ONE_TIME_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join("-");
}
