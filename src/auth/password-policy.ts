import { MAX_PASSWORD_LENGTH } from "./passwords";

/** NIST SP 800-63B asks for at least 8; the demo accounts use 13. */
export const MIN_PASSWORD_LENGTH = 10;

/** Why a new password is refused, or null. The same rule for sign-up and the CLI. */
export function passwordProblem(password: string): string | null {
  return password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH
    ? `The password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`
    : null;
}
