import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashing with scrypt (memory-hard, in node:crypto, no native add-on).
 *
 * Stored form: `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`. The cost
 * parameters travel with each hash, so raising them later only needs
 * needsRehash() at sign-in; old hashes keep verifying.
 *
 * N=2^15, r=8, p=1 is OWASP's scrypt recommendation: 32 MiB and roughly 50-100 ms
 * per hash. That cost is the point (it slows offline guessing); callers that
 * hash many passwords (seeds, tests) should hash once and reuse the result.
 */

export const SCRYPT_PARAMS = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Longer inputs are refused: nobody types them, and they only cost work. */
export const MAX_PASSWORD_LENGTH = 1024;
/** Bounds for parameters read back from storage, so a corrupt row cannot ask for gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

export class PasswordHashFormatError extends Error {
  override name = "PasswordHashFormatError";
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export async function hashPassword(password: string): Promise<string> {
  assertAcceptable(password);
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, KEY_BYTES, { N, r, p });
  return ["scrypt", N, r, p, salt.toString("base64"), hash.toString("base64")].join("$");
}

/**
 * True when `password` matches `stored`. A wrong password is `false`; a stored
 * value that is not a scrypt hash of this format throws PasswordHashFormatError
 * (that is corrupt data, and should be loud rather than look like a typo).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (typeof password !== "string" || password.length > MAX_PASSWORD_LENGTH) return false;
  const candidate = await derive(password, parsed.salt, parsed.hash.length, parsed);
  // Lengths are equal by construction; timingSafeEqual leaks nothing about where they differ.
  return timingSafeEqual(candidate, parsed.hash);
}

/** True when `stored` was made with other parameters than today's (or cannot be read): hash again at sign-in. */
export function needsRehash(stored: string): boolean {
  try {
    const { N, r, p, hash } = parseHash(stored);
    return (
      N !== SCRYPT_PARAMS.N || r !== SCRYPT_PARAMS.r || p !== SCRYPT_PARAMS.p || hash.length !== KEY_BYTES
    );
  } catch {
    return true;
  }
}

// ---------------------------------------------------------------- internals

function assertAcceptable(password: string): void {
  if (typeof password !== "string" || password.length === 0)
    throw new TypeError("password must be a non-empty string");
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new RangeError(`password longer than ${MAX_PASSWORD_LENGTH} characters`);
}

function derive(
  password: string,
  salt: Buffer,
  length: number,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = {
    ...params,
    // Node's default cap (32 MiB) is exactly 128*N*r for N=2^15, r=8, which
    // scrypt exceeds by its bookkeeping: allow twice the need.
    maxmem: 256 * params.N * params.r,
  };
  return new Promise((resolve, reject) => {
    // NFKC: the same password typed on another keyboard or OS (composed vs
    // decomposed accents, full-width digits) hashes the same (NIST SP 800-63B).
    scrypt(password.normalize("NFKC"), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseHash(stored: string): ParsedHash {
  if (typeof stored !== "string") throw new PasswordHashFormatError("stored password hash must be a string");
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") {
    throw new PasswordHashFormatError("stored password hash is not in the scrypt$N$r$p$salt$hash format");
  }
  const [, nText, rText, pText, saltText, hashText] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const N = toInteger(nText);
  const r = toInteger(rText);
  const p = toInteger(pText);
  if (!(N > 1 && N <= MAX_N && (N & (N - 1)) === 0) || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) {
    throw new PasswordHashFormatError("stored password hash has out-of-range scrypt parameters");
  }
  if (!BASE64.test(saltText) || !BASE64.test(hashText)) {
    throw new PasswordHashFormatError("stored password hash has a malformed salt or hash");
  }
  const salt = Buffer.from(saltText, "base64");
  const hash = Buffer.from(hashText, "base64");
  if (salt.length < 8 || hash.length < 16) {
    throw new PasswordHashFormatError("stored password hash has a salt or hash that is too short");
  }
  return { N, r, p, salt, hash };
}

function toInteger(text: string): number {
  return /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : Number.NaN;
}
