import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  ENCRYPTED_COLUMNS,
  FieldEncryptionError,
  createFieldCipher,
  generateFieldKey,
  keyIdOf,
} from "../../src/services/field-encryption";

const KEY_A = "k2026a:" + Buffer.alloc(32, 1).toString("base64");
const KEY_B = "k2026b:" + Buffer.alloc(32, 2).toString("base64");
const EMAIL = ENCRYPTED_COLUMNS.supplierContactEmail;
const PHONE = ENCRYPTED_COLUMNS.supplierContactPhone;

/** The database CHECK app_private.is_ciphertext, copied from 002.do.enums-and-tables.sql. */
const DB_CHECK = /^enc:v1:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/;

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
      expect(cipher.decrypt(cipher.encrypt(value, EMAIL), EMAIL)).toBe(value);
    }
  });

  it("writes exactly the shape the database CHECK accepts, with the key id", () => {
    const ciphertext = cipher.encrypt("+90 212 555 0101", PHONE);
    expect(ciphertext).toMatch(DB_CHECK);
    const [, , keyId, iv] = ciphertext.split(":");
    expect(keyId).toBe("k2026a");
    expect(iv).toHaveLength(16);
    expect(keyIdOf(ciphertext)).toBe("k2026a");
  });

  it("uses a fresh IV every time, so equal values do not look equal", () => {
    expect(cipher.encrypt("same", EMAIL)).not.toBe(cipher.encrypt("same", EMAIL));
  });

  it("refuses a ciphertext moved to another column (AAD)", () => {
    const email = cipher.encrypt("sales@padma.example", EMAIL);
    expect(() => cipher.decrypt(email, PHONE)).toThrow(FieldEncryptionError);
    expect(() => cipher.decrypt(email, PHONE)).toThrow(/does not authenticate for suppliers.contact_phone/);
  });

  it("detects tampering with the data, the tag or the IV", () => {
    const ciphertext = cipher.encrypt("sales@padma.example", EMAIL);
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
      expect(() => cipher.decrypt(bad, EMAIL)).toThrow(FieldEncryptionError);
    }
  });

  it("rejects malformed input with a clear error", () => {
    const good = cipher.encrypt("x", EMAIL);
    const cases: [string, RegExp][] = [
      ["plain@text.example", /not encrypted/],
      ["enc:v2:k2026a:AAAAAAAAAAAAAAAA:AAAA", /malformed/],
      ["enc:v1:k2026a:short:AAAA", /malformed/],
      ["enc:v1:k2026a:AAAAAAAAAAAAAAAA:AAAA", /malformed/], // shorter than a GCM tag
      [`${good}=`, /malformed/], // padding is not base64url as written
      [good.replace(/:[^:]*$/, ":A"), /malformed/], // not a whole number of bytes
      [good.replace("k2026a", "nosuchkey"), /key "nosuchkey".*does not list/],
    ];
    for (const [input, message] of cases) {
      expect(() => cipher.decrypt(input, EMAIL)).toThrow(message);
    }
  });

  it("rotates: the first key encrypts, every listed key decrypts, needsRotation spots old values", () => {
    const old = cipherWith(KEY_A).encrypt("sales@padma.example", EMAIL);
    const rotated = cipherWith(`${KEY_B},${KEY_A}`);
    expect(rotated.currentKeyId).toBe("k2026b");
    expect(rotated.decrypt(old, EMAIL)).toBe("sales@padma.example");
    expect(rotated.needsRotation(old)).toBe(true);
    const fresh = rotated.encrypt(rotated.decrypt(old, EMAIL), EMAIL);
    expect(keyIdOf(fresh)).toBe("k2026b");
    expect(rotated.needsRotation(fresh)).toBe(false);
    expect(rotated.needsRotation("not ciphertext")).toBe(true);
    // Once the old key is retired, its values no longer decrypt.
    expect(() => cipherWith(KEY_B).decrypt(old, EMAIL)).toThrow(/k2026a/);
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
      const ciphertext = first.encrypt("hello", EMAIL);
      expect(fs.statSync(devKeyFile).mode & 0o777).toBe(0o600);
      expect(first.currentKeyId).toMatch(/^dev-[0-9a-f]{8}$/);
      const second = createFieldCipher({ NODE_ENV: "test" }, { devKeyFile });
      expect(second.currentKeyId).toBe(first.currentKeyId);
      expect(second.decrypt(ciphertext, EMAIL)).toBe("hello");
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
