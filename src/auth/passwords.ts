import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashing with scrypt (memory-hard, in node:crypto, no native add-on).
 *
 * Stored form: `scrypt$<N>$<r>$<p>$<salt base64>$sha256:<verifier base64>`,
 * where the verifier is the SHA-256 of the scrypt key. Sign-in runs scrypt
 * here and sends the key to the database (app.auth_sign_in, migration 010),
 * which compares its SHA-256 with the verifier: what is stored never proves
 * anything by itself, and the database never hands it out. The earlier form,
 * `scrypt$<N>$<r>$<p>$<salt>$<key base64>` (the key itself), still verifies;
 * the database seals it into the new form at the next sign-in.
 *
 * N=2^15, r=8, p=1 is OWASP's scrypt recommendation: 32 MiB and roughly 50-100 ms
 * per hash. That cost is the point (it slows offline guessing); callers that
 * hash many passwords (seeds, tests) should hash once and reuse the result.
 *
 * Parameters read back (from a stored hash or from the database) are bounded
 * to what this module makes or made: N 2^14 or 2^15, r 8, p 1, a 16-byte salt
 * and a 32-byte key. The database holds the same bound (010), and takes new
 * hashes with today's parameters only, so no stored value can make a
 * sign-in cost more than today's.
 */

export const SCRYPT_PARAMS = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Longer inputs are refused: nobody types them, and they only cost work. */
export const MAX_PASSWORD_LENGTH = 1024;
/** The N values accepted from storage: today's, and the one before it. r and p are today's only. */
const ACCEPTED_N: readonly number[] = [2 ** 14, 2 ** 15];
const SEALED = "sha256:";

export class PasswordHashFormatError extends Error {
  override name = "PasswordHashFormatError";
}

/** What deriving a password's key takes: a salt and scrypt's cost parameters. */
export interface ScryptSalt {
  salt: Buffer;
  N: number;
  r: number;
  p: number;
}

interface ParsedHash extends ScryptSalt {
  /** SHA-256 of the scrypt key (sealed form), or the key itself (earlier form). */
  stored: Buffer;
  sealed: boolean;
}

export async function hashPassword(password: string): Promise<string> {
  assertAcceptable(password);
  const params = { salt: randomBytes(SALT_BYTES), ...SCRYPT_PARAMS };
  const verifier = sha256(await derive(password, params));
  return format(params, `${SEALED}${verifier.toString("base64")}`);
}

/**
 * True when `password` matches `stored`. A wrong password is `false`; a stored
 * value that is not a scrypt hash of this format (or has parameters outside
 * the bound) throws PasswordHashFormatError (that is corrupt data, and should
 * be loud rather than look like a typo).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (typeof password !== "string" || password.length > MAX_PASSWORD_LENGTH) return false;
  const key = await derive(password, parsed);
  const candidate = parsed.sealed ? sha256(key) : key;
  // Lengths are equal by construction; timingSafeEqual leaks nothing about where they differ.
  return timingSafeEqual(candidate, parsed.stored);
}

/** True when `stored` is not what hashPassword makes today (other parameters, earlier form, unreadable). */
export function needsRehash(stored: string): boolean {
  try {
    const parsed = parseHash(stored);
    return !parsed.sealed || !areCurrent(parsed);
  } catch {
    return true;
  }
}

/**
 * The key app.auth_sign_in checks: scrypt of `password` with `params`
 * (from app.auth_password_params). Null for a password no account can have
 * (empty or longer than MAX_PASSWORD_LENGTH). Throws PasswordHashFormatError
 * for parameters outside the bound.
 */
export async function derivePasswordKey(password: string, params: ScryptSalt): Promise<Buffer | null> {
  assertBounded(params);
  if (typeof password !== "string" || password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    return null;
  }
  return derive(password, params);
}

/** Salt and parameters as app.auth_password_params returns them, checked against the bound. */
export function scryptSaltOf(row: { salt: string; n: number; r: number; p: number }): ScryptSalt {
  if (typeof row.salt !== "string" || !/^[A-Za-z0-9+/]{22}==$/.test(row.salt)) {
    throw new PasswordHashFormatError("the password salt is not 16 bytes of base64");
  }
  const params = { salt: Buffer.from(row.salt, "base64"), N: row.n, r: row.r, p: row.p };
  assertBounded(params);
  return params;
}

/** A fresh salt with today's parameters: deriving with it costs what a real check costs. */
export function randomScryptSalt(): ScryptSalt {
  return { salt: randomBytes(SALT_BYTES), ...SCRYPT_PARAMS };
}

/** True when `params` are today's: a hash made with others is replaced at sign-in. */
export function areCurrent(params: Pick<ScryptSalt, "N" | "r" | "p">): boolean {
  return params.N === SCRYPT_PARAMS.N && params.r === SCRYPT_PARAMS.r && params.p === SCRYPT_PARAMS.p;
}

// ---------------------------------------------------------------- internals

function assertAcceptable(password: string): void {
  if (typeof password !== "string" || password.length === 0)
    throw new TypeError("password must be a non-empty string");
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new RangeError(`password longer than ${MAX_PASSWORD_LENGTH} characters`);
}

function assertBounded({ salt, N, r, p }: ScryptSalt): void {
  if (!ACCEPTED_N.includes(N) || r !== SCRYPT_PARAMS.r || p !== SCRYPT_PARAMS.p) {
    throw new PasswordHashFormatError("stored password hash has out-of-range scrypt parameters");
  }
  if (!Buffer.isBuffer(salt) || salt.length !== SALT_BYTES) {
    throw new PasswordHashFormatError("stored password hash has a salt that is not 16 bytes");
  }
}

function format({ salt, N, r, p }: ScryptSalt, last: string): string {
  return ["scrypt", N, r, p, salt.toString("base64"), last].join("$");
}

function sha256(data: Buffer): Buffer {
  return createHash("sha256").update(data).digest();
}

function derive(password: string, { salt, N, r, p }: ScryptSalt): Promise<Buffer> {
  const options: ScryptOptions = {
    N,
    r,
    p,
    // Node's default cap (32 MiB) is exactly 128*N*r for N=2^15, r=8, which
    // scrypt exceeds by its bookkeeping: allow twice the need.
    maxmem: 256 * N * r,
  };
  return new Promise((resolve, reject) => {
    // NFKC: the same password typed on another keyboard or OS (composed vs
    // decomposed accents, full-width digits) hashes the same (NIST SP 800-63B).
    scrypt(password.normalize("NFKC"), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** The same pattern as app_private.password_hash_parts (010), bounds included. */
const STORED =
  /^scrypt\$([0-9]{1,10})\$([0-9]{1,10})\$([0-9]{1,10})\$([A-Za-z0-9+/]{22}==)\$(sha256:)?([A-Za-z0-9+/]{43}=)$/;

function parseHash(stored: string): ParsedHash {
  if (typeof stored !== "string") throw new PasswordHashFormatError("stored password hash must be a string");
  const match = STORED.exec(stored);
  if (!match) {
    throw new PasswordHashFormatError(
      "stored password hash is not scrypt$N$r$p$<16-byte salt>$[sha256:]<32-byte hash>, in base64",
    );
  }
  const [, nText, rText, pText, saltText, sealed, storedText] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  const params = {
    salt: Buffer.from(saltText, "base64"),
    N: Number(nText),
    r: Number(rText),
    p: Number(pText),
  };
  assertBounded(params);
  const value = Buffer.from(storedText, "base64");
  if (value.length !== KEY_BYTES) {
    throw new PasswordHashFormatError("stored password hash has a hash that is not 32 bytes");
  }
  return { ...params, stored: value, sealed: sealed !== undefined };
}
