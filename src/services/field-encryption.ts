import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Config } from "../config";
import { devSecretFile, readOrCreateDevSecret } from "./dev-secrets";

/**
 * Application-level encryption of sensitive columns (DOMAIN.md: suppliers.address,
 * contact_email, contact_phone), AES-256-GCM with node:crypto.
 *
 * Stored form: `enc:v1:<keyId>:<iv>:<ciphertext||tag>`, iv and ciphertext in
 * base64url without padding. The database CHECK `app_private.is_ciphertext`
 * accepts exactly this shape, so plaintext can never be written by mistake.
 *
 * - The key id travels with every value, so keys rotate without a flag day:
 *   the first key of FIELD_ENCRYPTION_KEYS encrypts, every listed key
 *   decrypts, and `npm run keys:rotate` re-encrypts what an old key wrote.
 * - Each value is bound to its column with GCM's additional authenticated data
 *   (for example `suppliers.contact_email`): a ciphertext copied into another
 *   column fails to decrypt instead of showing up as that column's value.
 * - A fresh random 96-bit IV per value (GCM's native size; the DB CHECK wants
 *   exactly 16 base64url characters). With random IVs one key should encrypt
 *   well under 2^32 values, far beyond this table's size; rotate long before.
 */

const FORMAT_PREFIX = "enc:v1:";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The shape of the DB CHECK app_private.is_ciphertext (kept in step with 002.do.enums-and-tables.sql). */
const CIPHERTEXT_PATTERN = /^enc:v1:([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]+)$/;

/** AAD of each encrypted column: the one place these strings are spelled. */
export const ENCRYPTED_COLUMNS = {
  supplierAddress: "suppliers.address",
  supplierContactEmail: "suppliers.contact_email",
  supplierContactPhone: "suppliers.contact_phone",
} as const;
export type EncryptedColumn = (typeof ENCRYPTED_COLUMNS)[keyof typeof ENCRYPTED_COLUMNS];

/** Where the development key lives when FIELD_ENCRYPTION_KEYS is unset (`.data/secrets/`, git-ignored). */
export const DEV_KEY_FILE = devSecretFile("field-encryption.key");

export class FieldEncryptionError extends Error {
  override name = "FieldEncryptionError";
}

export interface FieldCipher {
  /** The key id new values are encrypted with. */
  readonly currentKeyId: string;
  encrypt(value: string, aad: string): string;
  /** Throws FieldEncryptionError when the value is malformed, its key unknown, or it fails authentication. */
  decrypt(ciphertext: string, aad: string): string;
  /** True when the value was encrypted with a key other than the current one (or is not ciphertext at all). */
  needsRotation(ciphertext: string): boolean;
}

export interface FieldCipherOptions {
  /** Development key file used when FIELD_ENCRYPTION_KEYS is unset; defaults to DEV_KEY_FILE. */
  devKeyFile?: string;
}

export function createFieldCipher(
  config: Pick<Config, "FIELD_ENCRYPTION_KEYS" | "NODE_ENV">,
  options: FieldCipherOptions = {},
): FieldCipher {
  const keySpec =
    config.FIELD_ENCRYPTION_KEYS ?? devKeySpec(config.NODE_ENV, options.devKeyFile ?? DEV_KEY_FILE);
  const keys = parseKeys(keySpec);
  const [current] = keys;
  if (!current) throw new FieldEncryptionError("FIELD_ENCRYPTION_KEYS names no key");
  const byId = new Map(keys.map((key) => [key.id, key.key]));

  return {
    currentKeyId: current.id,

    encrypt(value, aad) {
      if (typeof value !== "string") throw new FieldEncryptionError("only strings can be encrypted");
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, "utf8"));
      const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return `${FORMAT_PREFIX}${current.id}:${iv.toString("base64url")}:${body.toString("base64url")}`;
    },

    decrypt(ciphertext, aad) {
      const { keyId, iv, body } = parseCiphertext(ciphertext);
      const key = byId.get(keyId);
      if (!key) {
        throw new FieldEncryptionError(
          `value was encrypted with key "${keyId}", which FIELD_ENCRYPTION_KEYS does not list (keys: ${[...byId.keys()].join(", ")})`,
        );
      }
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(body.subarray(0, body.length - TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        // Deliberately vague: tampering, a wrong column and a wrong key look alike to GCM.
        throw new FieldEncryptionError(
          `value does not authenticate for ${aad} (tampered, moved from another column, or wrong key)`,
        );
      }
    },

    needsRotation(ciphertext) {
      const match = CIPHERTEXT_PATTERN.exec(ciphertext);
      return !match || match[1] !== current.id;
    },
  };
}

/** The key id of a stored value, or null when the value is not in the enc:v1 format. */
export function keyIdOf(ciphertext: string): string | null {
  return CIPHERTEXT_PATTERN.exec(ciphertext)?.[1] ?? null;
}

/** A new `keyId:base64key` pair, for FIELD_ENCRYPTION_KEYS (prepend it, keep the old keys, then run keys:rotate). */
export function generateFieldKey(keyId: string): string {
  if (!KEY_ID_PATTERN.test(keyId))
    throw new FieldEncryptionError(`invalid key id "${keyId}": use 1-64 of [A-Za-z0-9_-]`);
  return `${keyId}:${randomBytes(KEY_BYTES).toString("base64")}`;
}

// ---------------------------------------------------------------- internals

interface NamedKey {
  id: string;
  key: Buffer;
}

function parseKeys(spec: string): NamedKey[] {
  const keys = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry): NamedKey => {
      const separator = entry.indexOf(":");
      const id = entry.slice(0, separator);
      const key = Buffer.from(entry.slice(separator + 1), "base64");
      if (separator < 1 || !KEY_ID_PATTERN.test(id)) {
        throw new FieldEncryptionError(
          `FIELD_ENCRYPTION_KEYS: "${id || entry.slice(0, 8)}…" is not a valid key id`,
        );
      }
      if (key.length !== KEY_BYTES) {
        throw new FieldEncryptionError(
          `FIELD_ENCRYPTION_KEYS: key "${id}" must be ${KEY_BYTES} bytes, base64-encoded`,
        );
      }
      return { id, key };
    });
  const ids = keys.map((key) => key.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new FieldEncryptionError(`FIELD_ENCRYPTION_KEYS: key id "${duplicate}" appears twice`);
  return keys;
}

function parseCiphertext(ciphertext: string): { keyId: string; iv: Buffer; body: Buffer } {
  if (typeof ciphertext !== "string") throw new FieldEncryptionError("ciphertext must be a string");
  const match = CIPHERTEXT_PATTERN.exec(ciphertext);
  if (!match) {
    throw new FieldEncryptionError(
      ciphertext.startsWith("enc:")
        ? "malformed ciphertext"
        : "value is not encrypted (expected enc:v1:<keyId>:<iv>:<data>)",
    );
  }
  const [, keyId, ivText, bodyText] = match as unknown as [string, string, string, string];
  const iv = Buffer.from(ivText, "base64url");
  const body = Buffer.from(bodyText, "base64url");
  // Buffer.from ignores stray characters; round-tripping proves the text was canonical base64url.
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES || body.toString("base64url") !== bodyText) {
    throw new FieldEncryptionError("malformed ciphertext");
  }
  return { keyId, iv, body };
}

/**
 * The development key: generated once and kept in `.data/secrets/`, so values seeded
 * today still decrypt tomorrow. Never used in production (config.ts already
 * refuses to start there without FIELD_ENCRYPTION_KEYS; this is the second lock).
 */
function devKeySpec(nodeEnv: Config["NODE_ENV"], file: string): string {
  if (nodeEnv === "production") {
    throw new FieldEncryptionError("FIELD_ENCRYPTION_KEYS is required in production");
  }
  return readOrCreateDevSecret(
    file,
    () => {
      // The key id names the file's generation: if the file is ever lost, old
      // values fail with "unknown key dev-…" rather than a puzzling auth error.
      const spec = generateFieldKey(`dev-${randomBytes(4).toString("hex")}`);
      return { text: spec, value: spec };
    },
    (spec) => {
      if (!spec)
        throw new FieldEncryptionError(`${file} is empty; delete it to generate a new development key`);
      return spec;
    },
  );
}
