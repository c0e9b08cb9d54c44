import { createHash, scryptSync } from "node:crypto";
import {
  PasswordHashFormatError,
  SCRYPT_PARAMS,
  areCurrent,
  derivePasswordKey,
  hashPassword,
  needsRehash,
  randomScryptSalt,
  scryptSaltOf,
  verifyPassword,
} from "../../src/auth/passwords";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest();

describe("passwords", () => {
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword("correct horse battery staple");
  });

  it("encodes scrypt$N$r$p$salt$sha256:verifier with today's parameters", () => {
    const parts = stored.split("$");
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual([
      "scrypt",
      String(SCRYPT_PARAMS.N),
      String(SCRYPT_PARAMS.r),
      String(SCRYPT_PARAMS.p),
    ]);
    expect(Buffer.from(parts[4]!, "base64")).toHaveLength(16);
    expect(parts[5]).toMatch(/^sha256:[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(parts[5]!.slice("sha256:".length), "base64")).toHaveLength(32);
    expect(SCRYPT_PARAMS.N).toBeGreaterThanOrEqual(2 ** 15);
  });

  it("stores the SHA-256 of the scrypt key, never the key that proves the password", async () => {
    const [, N, r, p, salt, verifier] = stored.split("$") as [string, string, string, string, string, string];
    const params = scryptSaltOf({ salt, n: Number(N), r: Number(r), p: Number(p) });
    const key = (await derivePasswordKey("correct horse battery staple", params))!;
    expect(key).toHaveLength(32);
    expect(stored).not.toContain(key.toString("base64"));
    expect(verifier).toBe(`sha256:${sha256(key).toString("base64")}`);
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
    const hash = Buffer.from(parts[5]!.slice("sha256:".length), "base64");
    hash[0]! ^= 1;
    parts[5] = `sha256:${hash.toString("base64")}`;
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

  it("verifies the earlier form (the key itself stored), and says it needs a rehash", async () => {
    const salt = Buffer.alloc(16, 9);
    const key = scryptSync("earlier form", salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 2 ** 26 });
    const earlier = `scrypt$${2 ** 15}$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
    await expect(verifyPassword("earlier form", earlier)).resolves.toBe(true);
    await expect(verifyPassword("another form", earlier)).resolves.toBe(false);
    expect(needsRehash(earlier)).toBe(true);
    const sealed = `scrypt$${2 ** 15}$8$1$${salt.toString("base64")}$sha256:${sha256(key).toString("base64")}`;
    await expect(verifyPassword("earlier form", sealed)).resolves.toBe(true);
    expect(needsRehash(sealed)).toBe(false);
  });

  it("derives the key sign-in sends from the salt and parameters the database gives, within the bound", async () => {
    const params = randomScryptSalt();
    expect(params.salt).toHaveLength(16);
    expect(areCurrent(params)).toBe(true);
    const key = await derivePasswordKey("a password", params);
    expect(key).toEqual(
      scryptSync("a password", params.salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 2 ** 26 }),
    );
    await expect(derivePasswordKey("", params)).resolves.toBeNull();
    await expect(derivePasswordKey("x".repeat(1025), params)).resolves.toBeNull();

    const salt = Buffer.alloc(16, 1).toString("base64");
    expect(areCurrent(scryptSaltOf({ salt, n: 2 ** 14, r: 8, p: 1 }))).toBe(false);
    for (const [n, r, p] of [
      [2 ** 16, 8, 1], // twice today's work
      [2 ** 20, 8, 1],
      [2 ** 15, 32, 1],
      [2 ** 15, 8, 16],
      [2 ** 13, 8, 1],
      [30000, 8, 1],
    ] as const) {
      expect(() => scryptSaltOf({ salt, n, r, p })).toThrow(PasswordHashFormatError);
      await expect(derivePasswordKey("x", { salt: Buffer.alloc(16), N: n, r, p })).rejects.toBeInstanceOf(
        PasswordHashFormatError,
      );
    }
    expect(() => scryptSaltOf({ salt: Buffer.alloc(8).toString("base64"), n: 2 ** 15, r: 8, p: 1 })).toThrow(
      PasswordHashFormatError,
    );
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
      `scrypt$${2 ** 20}$8$1$${salt}$${hash}`, // 32 times today's work
      `scrypt$32768$32$1$${salt}$${hash}`,
      `scrypt$32768$8$16$${salt}$${hash}`,
      `scrypt$32768$0$1$${salt}$${hash}`,
      `scrypt$32768$8$1$${Buffer.alloc(8).toString("base64")}$${hash}`, // salt too short
      `scrypt$32768$8$1$${salt}$sha256:AAAA`,
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
