import { scryptSync } from "node:crypto";
import {
  PasswordHashFormatError,
  SCRYPT_PARAMS,
  hashPassword,
  needsRehash,
  verifyPassword,
} from "../../src/auth/passwords";

describe("passwords", () => {
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword("correct horse battery staple");
  });

  it("encodes scrypt$N$r$p$salt$hash with today's parameters", () => {
    const parts = stored.split("$");
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual([
      "scrypt",
      String(SCRYPT_PARAMS.N),
      String(SCRYPT_PARAMS.r),
      String(SCRYPT_PARAMS.p),
    ]);
    expect(Buffer.from(parts[4]!, "base64")).toHaveLength(16);
    expect(Buffer.from(parts[5]!, "base64")).toHaveLength(32);
    expect(SCRYPT_PARAMS.N).toBeGreaterThanOrEqual(2 ** 15);
  });

  it("verifies the right password and refuses others", async () => {
    await expect(verifyPassword("correct horse battery staple", stored)).resolves.toBe(true);
    await expect(verifyPassword("correct horse battery stapl", stored)).resolves.toBe(false);
    await expect(verifyPassword("", stored)).resolves.toBe(false);
    await expect(verifyPassword("x".repeat(5000), stored)).resolves.toBe(false);
  });

  it("salts: the same password hashes differently each time", async () => {
    const again = await hashPassword("correct horse battery staple");
    expect(again).not.toBe(stored);
    await expect(verifyPassword("correct horse battery staple", again)).resolves.toBe(true);
  });

  it("treats composed and decomposed accents as the same password (NFKC)", async () => {
    const composed = await hashPassword("Çağlar-şifre");
    await expect(verifyPassword("Çağlar-şifre".normalize("NFD"), composed)).resolves.toBe(true);
  });

  it("detects a tampered hash", async () => {
    const parts = stored.split("$");
    const hash = Buffer.from(parts[5]!, "base64");
    hash[0]! ^= 1;
    parts[5] = hash.toString("base64");
    await expect(verifyPassword("correct horse battery staple", parts.join("$"))).resolves.toBe(false);
  });

  it("verifies hashes made with other parameters, and says they need a rehash", async () => {
    const salt = Buffer.alloc(16, 7);
    const hash = scryptSync("old password".normalize("NFKC"), salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const old = `scrypt$${2 ** 14}$8$1$${salt.toString("base64")}$${hash.toString("base64")}`;
    await expect(verifyPassword("old password", old)).resolves.toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(stored)).toBe(false);
    expect(needsRehash("bcrypt$whatever")).toBe(true);
  });

  it("throws on a stored value that is not a hash of this format", async () => {
    const salt = Buffer.alloc(16).toString("base64");
    const hash = Buffer.alloc(32).toString("base64");
    for (const bad of [
      "",
      "plaintext-password",
      `argon2$1$2$3$${salt}$${hash}`,
      `scrypt$32768$8$1$${salt}`,
      `scrypt$30000$8$1$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 24}$8$1$${salt}$${hash}`, // would need gigabytes
      `scrypt$32768$0$1$${salt}$${hash}`,
      `scrypt$32768$8$1$not*base64$${hash}`,
      `scrypt$32768$8$1$${salt}$AAAA`, // hash too short
    ]) {
      await expect(verifyPassword("x", bad)).rejects.toBeInstanceOf(PasswordHashFormatError);
    }
  });

  it("refuses to hash empty or absurdly long passwords", async () => {
    await expect(hashPassword("")).rejects.toThrow(TypeError);
    await expect(hashPassword("x".repeat(1025))).rejects.toThrow(RangeError);
  });
});
