import { createCipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  ENCRYPTED_COLUMNS,
  FieldEncryptionError,
  createFieldCipher,
  formatOf,
  generateFieldKey,
  keyIdOf,
} from "../../src/services/field-encryption";

const KEY_A = "k2026a:" + Buffer.alloc(32, 1).toString("base64");
const KEY_B = "k2026b:" + Buffer.alloc(32, 2).toString("base64");
const EMAIL = ENCRYPTED_COLUMNS.supplierContactEmail;
const PHONE = ENCRYPTED_COLUMNS.supplierContactPhone;
/** Two suppliers' ids: every value is bound to its row. */
const ROW = "5b0c8a4e-1f3d-4c2a-9e7b-6d5f4a3b2c1d";
const OTHER_ROW = "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f";

/** The database CHECK app_private.is_ciphertext, copied from 012.do.suppliers-contact-row-binding.sql. */
const DB_CHECK = /^enc:v[12]:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/;

/**
 * A value as the code of before 012 wrote it (format v1: the column is the
 * whole AAD), made here by hand so the old format stays pinned.
 */
function legacyEncrypt(keySpec: string, value: string, column: string): string {
  const [keyId, key] = keySpec.split(":") as [string, string];
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(key, "base64"), iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(column, "utf8"));
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `enc:v1:${keyId}:${iv.toString("base64url")}:${body.toString("base64url")}`;
}

const cipherWith = (keys: string) => createFieldCipher({ FIELD_ENCRYPTION_KEYS: keys, NODE_ENV: "test" });

describe("field encryption", () => {
  const cipher = cipherWith(KEY_A);

  it("round-trips text, including Unicode and the empty string", () => {
    for (const value of [
      "sales@padma.example",
      "上海市浦东新区川沙路 1288 号",
      "Çağlar Tekstil, İstanbul",
      "",
    ]) {
      expect(cipher.decrypt(cipher.encrypt(value, EMAIL, ROW), EMAIL, ROW)).toBe(value);
    }
  });

  it("writes format v2, exactly the shape the database CHECK accepts, with the key id", () => {
    const ciphertext = cipher.encrypt("+90 212 555 0101", PHONE, ROW);
    expect(ciphertext).toMatch(DB_CHECK);
    const [, version, keyId, iv] = ciphertext.split(":");
    expect(version).toBe("v2");
    expect(keyId).toBe("k2026a");
    expect(iv).toHaveLength(16);
    expect(keyIdOf(ciphertext)).toBe("k2026a");
    expect(formatOf(ciphertext)).toBe("v2");
  });

  it("uses a fresh IV every time, so equal values do not look equal", () => {
    expect(cipher.encrypt("same", EMAIL, ROW)).not.toBe(cipher.encrypt("same", EMAIL, ROW));
  });

  it("refuses a ciphertext moved to another column (AAD)", () => {
    const email = cipher.encrypt("sales@padma.example", EMAIL, ROW);
    expect(() => cipher.decrypt(email, PHONE, ROW)).toThrow(FieldEncryptionError);
    expect(() => cipher.decrypt(email, PHONE, ROW)).toThrow(
      /does not authenticate for suppliers.contact_phone of row 5b0c8a4e-/,
    );
  });

  it("refuses a ciphertext moved to the same column of another row (another supplier)", () => {
    const email = cipher.encrypt("sales@padma.example", EMAIL, ROW);
    expect(() => cipher.decrypt(email, EMAIL, OTHER_ROW)).toThrow(FieldEncryptionError);
    expect(() => cipher.decrypt(email, EMAIL, OTHER_ROW)).toThrow(
      `does not authenticate for suppliers.contact_email of row ${OTHER_ROW}`,
    );
    // The row id is a uuid, in either case (PostgreSQL prints lower case).
    expect(cipher.decrypt(email, EMAIL, ROW.toUpperCase())).toBe("sales@padma.example");
    expect(() => cipher.encrypt("x", EMAIL, "not-a-uuid")).toThrow(/must be its uuid/);
    expect(() => cipher.decrypt(email, EMAIL, "")).toThrow(/must be its uuid/);
    expect(() => cipher.encrypt("x", "suppliers.company_name" as typeof EMAIL, ROW)).toThrow(
      /not an encrypted column/,
    );
  });

  it("never puts the value in an error message", () => {
    const email = cipher.encrypt("sales@padma.example", EMAIL, ROW);
    const body = email.split(":")[4]!;
    const errors: unknown[] = [];
    for (const attempt of [
      () => cipher.decrypt(email, EMAIL, OTHER_ROW),
      () => cipher.decrypt(email.replace("k2026a", "gone"), EMAIL, ROW),
      () => cipher.decrypt(`${email}!`, EMAIL, ROW),
    ]) {
      try {
        attempt();
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error).toBeInstanceOf(FieldEncryptionError);
      expect((error as Error).message).not.toContain(body.slice(0, 12));
    }
  });

  describe("format v1 (before migration 012: bound to the column only)", () => {
    const old = legacyEncrypt(KEY_A, "sales@padma.example", EMAIL);

    it("is still read, in its column, so existing data keeps working", () => {
      expect(old).toMatch(DB_CHECK);
      expect(formatOf(old)).toBe("v1");
      expect(keyIdOf(old)).toBe("k2026a");
      expect(cipher.decrypt(old, EMAIL, ROW)).toBe("sales@padma.example");
      expect(() => cipher.decrypt(old, PHONE, ROW)).toThrow(/does not authenticate/);
    });

    it("needs rotation even under the current key; rotated, it is v2 and bound to its row", () => {
      expect(cipher.needsRotation(old)).toBe(true);
      const fresh = cipher.encrypt(cipher.decrypt(old, EMAIL, ROW), EMAIL, ROW);
      expect(formatOf(fresh)).toBe("v2");
      expect(cipher.needsRotation(fresh)).toBe(false);
      expect(() => cipher.decrypt(fresh, EMAIL, OTHER_ROW)).toThrow(FieldEncryptionError);
    });

    it("a v2 value relabelled v1 does not authenticate (the version is in the AAD)", () => {
      const fresh = cipher.encrypt("sales@padma.example", EMAIL, ROW);
      const downgraded = fresh.replace(/^enc:v2:/, "enc:v1:");
      expect(() => cipher.decrypt(downgraded, EMAIL, ROW)).toThrow(/does not authenticate/);
      expect(() => cipher.decrypt(downgraded, EMAIL, OTHER_ROW)).toThrow(/does not authenticate/);
    });
  });

  it("detects tampering with the data, the tag or the IV", () => {
    const ciphertext = cipher.encrypt("sales@padma.example", EMAIL, ROW);
    const parts = ciphertext.split(":");
    const flip = (text: string, index: number) => {
      const bytes = Buffer.from(text, "base64url");
      bytes[index]! ^= 0x01;
      return bytes.toString("base64url");
    };
    const body = parts[4]!;
    const bodyLength = Buffer.from(body, "base64url").length;
    const tamperedData = [...parts.slice(0, 4), flip(body, 0)].join(":");
    const tamperedTag = [...parts.slice(0, 4), flip(body, bodyLength - 1)].join(":");
    const tamperedIv = [...parts.slice(0, 3), flip(parts[3]!, 0), body].join(":");
    for (const bad of [tamperedData, tamperedTag, tamperedIv]) {
      expect(() => cipher.decrypt(bad, EMAIL, ROW)).toThrow(FieldEncryptionError);
    }
  });

  it("rejects malformed input with a clear error", () => {
    const good = cipher.encrypt("x", EMAIL, ROW);
    const cases: [string, RegExp][] = [
      ["plain@text.example", /not encrypted/],
      ["enc:v3:k2026a:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:AAAA", /malformed/],
      ["enc:v2:k2026a:short:AAAA", /malformed/],
      ["enc:v2:k2026a:AAAAAAAAAAAAAAAA:AAAA", /malformed/], // shorter than a GCM tag
      ["enc:v1:k2026a:AAAAAAAAAAAAAAAA:AAAA", /malformed/],
      [`${good}=`, /malformed/], // padding is not base64url as written
      [good.replace(/:[^:]*$/, ":A"), /malformed/], // not a whole number of bytes
      [good.replace("k2026a", "nosuchkey"), /key "nosuchkey".*does not list/],
    ];
    for (const [input, message] of cases) {
      expect(() => cipher.decrypt(input, EMAIL, ROW)).toThrow(message);
    }
  });

  it("rotates: the first key encrypts, every listed key decrypts, needsRotation spots old values", () => {
    const old = cipherWith(KEY_A).encrypt("sales@padma.example", EMAIL, ROW);
    const rotated = cipherWith(`${KEY_B},${KEY_A}`);
    expect(rotated.currentKeyId).toBe("k2026b");
    expect(rotated.decrypt(old, EMAIL, ROW)).toBe("sales@padma.example");
    expect(rotated.needsRotation(old)).toBe(true);
    const fresh = rotated.encrypt(rotated.decrypt(old, EMAIL, ROW), EMAIL, ROW);
    expect(keyIdOf(fresh)).toBe("k2026b");
    expect(rotated.needsRotation(fresh)).toBe(false);
    expect(rotated.needsRotation("not ciphertext")).toBe(true);
    // Once the old key is retired, its values no longer decrypt.
    expect(() => cipherWith(KEY_B).decrypt(old, EMAIL, ROW)).toThrow(/k2026a/);
  });

  it("validates the key list", () => {
    expect(() => cipherWith("k1:" + Buffer.alloc(16).toString("base64"))).toThrow(/32 bytes/);
    expect(() => cipherWith(`${KEY_A},${KEY_A}`)).toThrow(/appears twice/);
    expect(() => cipherWith("bad id:" + Buffer.alloc(32).toString("base64"))).toThrow(/key id/);
    expect(() => generateFieldKey("bad id")).toThrow(/invalid key id/);
    const generated = generateFieldKey("k2027");
    expect(cipherWith(generated).currentKeyId).toBe("k2027");
  });

  describe("development key", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "loomline-keys-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is generated once, private, and reused", () => {
      const devKeyFile = path.join(dir, "nested", "field-encryption.key");
      const first = createFieldCipher({ NODE_ENV: "development" }, { devKeyFile });
      const ciphertext = first.encrypt("hello", EMAIL, ROW);
      expect(fs.statSync(devKeyFile).mode & 0o777).toBe(0o600);
      expect(first.currentKeyId).toMatch(/^dev-[0-9a-f]{8}$/);
      const second = createFieldCipher({ NODE_ENV: "test" }, { devKeyFile });
      expect(second.currentKeyId).toBe(first.currentKeyId);
      expect(second.decrypt(ciphertext, EMAIL, ROW)).toBe("hello");
      expect(fs.readdirSync(path.dirname(devKeyFile))).toEqual(["field-encryption.key"]); // no temp files left
    });

    it("is never used in production", () => {
      expect(() =>
        createFieldCipher({ NODE_ENV: "production" }, { devKeyFile: path.join(dir, "k") }),
      ).toThrow(/required in production/);
      expect(fs.existsSync(path.join(dir, "k"))).toBe(false);
    });
  });
});
