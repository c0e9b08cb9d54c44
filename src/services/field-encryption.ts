import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Config } from "../config";
import { isUuid } from "../db/uuid";
import { devSecretFile, readOrCreateDevSecret } from "./dev-secrets";

/**
 * Application-level encryption of sensitive columns (DOMAIN.md: suppliers.address,
 * contact_email, contact_phone), AES-256-GCM with node:crypto.
 *
 * Stored form: `enc:v2:<keyId>:<iv>:<ciphertext||tag>`, iv and ciphertext in
 * base64url without padding. The database CHECK `app_private.is_ciphertext`
 * accepts exactly this shape (and v1's), so plaintext can never be written by mistake.
 *
 * - The key id travels with every value, so keys rotate without a flag day:
 *   the first key of FIELD_ENCRYPTION_KEYS encrypts, every listed key
 *   decrypts, and `npm run keys:rotate` re-encrypts what an old key wrote.
 * - Each value is bound to its column AND its row with GCM's additional
 *   authenticated data (`enc:v2|suppliers.contact_email|<row id>`): a
 *   ciphertext copied into another column, or into the same column of
 *   another row (another supplier), fails to decrypt instead of showing up
 *   as that row's value. The version is part of the AAD, so a v2 value
 *   relabelled v1 does not authenticate either.
 * - v1 (`enc:v1:…`, written before migration 012) bound the column only. It
 *   is still read, so existing data keeps working, and never written:
 *   `npm run keys:rotate` re-encrypts every v1 value as v2 (under the current
 *   key), after which no value can be moved between rows.
 * - A fresh random 96-bit IV per value (GCM's native size; the DB CHECK wants
 *   exactly 16 base64url characters). With random IVs one key should encrypt
 *   well under 2^32 values, far beyond this table's size; rotate long before.
 */

/** The format new values are written in. */
export const CURRENT_FORMAT = "v2";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The shape of the DB CHECK app_private.is_ciphertext (kept in step with 012.do.suppliers-contact-row-binding.sql). */
const CIPHERTEXT_PATTERN = /^enc:(v1|v2):([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]+)$/;

/** The encrypted columns (`table.column`): the one place these strings are spelled. */
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
  /** Encrypts a value of `column` in the row `rowId` (its uuid): it decrypts there and nowhere else. */
  encrypt(value: string, column: EncryptedColumn, rowId: string): string;
  /**
   * Decrypts a value read from `column` of the row `rowId`. Throws
   * FieldEncryptionError when the value is malformed, its key unknown, or it
   * fails authentication (tampered, or moved from another column or row).
   * Its messages never contain the value.
   */
  decrypt(ciphertext: string, column: EncryptedColumn, rowId: string): string;
  /**
   * True when keys:rotate should rewrite the value: encrypted with a key
   * other than the current one, in the old v1 format, or not ciphertext at all.
   */
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

    encrypt(value, column, rowId) {
      if (typeof value !== "string") throw new FieldEncryptionError("only strings can be encrypted");
      const aad = additionalData(CURRENT_FORMAT, column, rowId);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return `enc:${CURRENT_FORMAT}:${current.id}:${iv.toString("base64url")}:${body.toString("base64url")}`;
    },

    decrypt(ciphertext, column, rowId) {
      const { version, keyId, iv, body } = parseCiphertext(ciphertext);
      const aad = additionalData(version, column, rowId);
      const key = byId.get(keyId);
      if (!key) {
        throw new FieldEncryptionError(
          `value was encrypted with key "${keyId}", which FIELD_ENCRYPTION_KEYS does not list (keys: ${[...byId.keys()].join(", ")})`,
        );
      }
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(body.subarray(0, body.length - TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        // Deliberately vague: tampering, a wrong row or column and a wrong key look alike to GCM.
        throw new FieldEncryptionError(
          `value does not authenticate for ${column} of row ${rowId.toLowerCase()} (tampered, moved from another row or column, or wrong key)`,
        );
      }
    },

    needsRotation(ciphertext) {
      const match = CIPHERTEXT_PATTERN.exec(ciphertext);
      return !match || match[1] !== CURRENT_FORMAT || match[2] !== current.id;
    },
  };
}

/** The key id of a stored value (either format), or null when the value is not ciphertext. */
export function keyIdOf(ciphertext: string): string | null {
  return CIPHERTEXT_PATTERN.exec(ciphertext)?.[2] ?? null;
}

/** The format of a stored value (`v1`: column-bound only; `v2`: column and row), or null when it is not ciphertext. */
export function formatOf(ciphertext: string): "v1" | "v2" | null {
  return (CIPHERTEXT_PATTERN.exec(ciphertext)?.[1] as "v1" | "v2" | undefined) ?? null;
}

/** How every value written by a cipher whose current key is `keyId` starts (keys:rotate's SQL filter). */
export function currentPrefix(keyId: string): string {
  return `enc:${CURRENT_FORMAT}:${keyId}:`;
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

/**
 * GCM's additional authenticated data of a value. v1 (read only): the
 * column. v2: the format, the column and the row's uuid (lower case, as
 * PostgreSQL prints it), `|`-separated (no column name or uuid contains one).
 */
function additionalData(version: "v1" | "v2", column: EncryptedColumn, rowId: string): Buffer {
  if (!Object.values(ENCRYPTED_COLUMNS).includes(column)) {
    throw new FieldEncryptionError(`"${String(column)}" is not an encrypted column`);
  }
  if (typeof rowId !== "string" || !isUuid(rowId)) {
    throw new FieldEncryptionError("the row id of an encrypted value must be its uuid");
  }
  const text = version === "v1" ? column : `enc:v2|${column}|${rowId.toLowerCase()}`;
  return Buffer.from(text, "utf8");
}

function parseCiphertext(ciphertext: string): {
  version: "v1" | "v2";
  keyId: string;
  iv: Buffer;
  body: Buffer;
} {
  if (typeof ciphertext !== "string") throw new FieldEncryptionError("ciphertext must be a string");
  const match = CIPHERTEXT_PATTERN.exec(ciphertext);
  if (!match) {
    throw new FieldEncryptionError(
      ciphertext.startsWith("enc:")
        ? "malformed ciphertext"
        : "value is not encrypted (expected enc:v2:<keyId>:<iv>:<data>)",
    );
  }
  const [, version, keyId, ivText, bodyText] = match as unknown as [
    string,
    "v1" | "v2",
    string,
    string,
    string,
  ];
  const iv = Buffer.from(ivText, "base64url");
  const body = Buffer.from(bodyText, "base64url");
  // Buffer.from ignores stray characters; round-tripping proves the text was canonical base64url.
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES || body.toString("base64url") !== bodyText) {
    throw new FieldEncryptionError("malformed ciphertext");
  }
  return { version, keyId, iv, body };
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
