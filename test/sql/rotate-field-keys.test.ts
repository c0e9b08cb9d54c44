import { createCipheriv, randomBytes } from "node:crypto";
import pino from "pino";
import { rotateFieldKeys } from "../../src/cli/rotate-field-keys";
import { seed } from "../../src/cli/seed";
import { ENCRYPTED_COLUMNS, createFieldCipher, formatOf, keyIdOf } from "../../src/services/field-encryption";
import { createTestDatabase, withAdminClient, type TestDatabase } from "../helpers/database";

const KEY_OLD = `k2026:${Buffer.alloc(32, 3).toString("base64")}`;
const KEY_NEW = `k2027_b:${Buffer.alloc(32, 4).toString("base64")}`; // `_` would be a LIKE wildcard
const oldCipher = createFieldCipher({ FIELD_ENCRYPTION_KEYS: KEY_OLD, NODE_ENV: "test" });
const rotated = createFieldCipher({ FIELD_ENCRYPTION_KEYS: `${KEY_NEW},${KEY_OLD}`, NODE_ENV: "test" });
const logger = pino({ level: "silent" });

let db: TestDatabase;
type Contact = { id: string; address: string; contact_email: string; contact_phone: string };
const contacts = () =>
  withAdminClient(
    db.adminUrl,
    async (c) =>
      (await c.query<Contact>("select id, address, contact_email, contact_phone from suppliers order by id"))
        .rows,
  );

/** Format v1, as the code of before migration 012 wrote it: the column is the whole AAD. */
function legacyEncrypt(keySpec: string, value: string, column: string): string {
  const [keyId, key] = keySpec.split(":") as [string, string];
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(key, "base64"), iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(column, "utf8"));
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `enc:v1:${keyId}:${iv.toString("base64url")}:${body.toString("base64url")}`;
}

const COLUMNS = [
  ["address", ENCRYPTED_COLUMNS.supplierAddress],
  ["contact_email", ENCRYPTED_COLUMNS.supplierContactEmail],
  ["contact_phone", ENCRYPTED_COLUMNS.supplierContactPhone],
] as const;

/** Suppliers whose contacts were written in format v1 (data of before 012): under the old key, and under the new one. */
let legacyOldKey: string[];
let legacyNewKey: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  await seed({ adminUrl: db.adminUrl, scale: "small", logger, fieldCipher: oldCipher });
  // Some rows as an older release left them: format v1, under either key.
  const rows = await contacts();
  legacyOldKey = rows.slice(0, 4).map((row) => row.id);
  legacyNewKey = rows.slice(4, 6).map((row) => row.id);
  await withAdminClient(db.adminUrl, async (c) => {
    for (const row of rows.slice(0, 6)) {
      const key = legacyOldKey.includes(row.id) ? KEY_OLD : KEY_NEW;
      const values = COLUMNS.map(([column, qualified]) =>
        legacyEncrypt(key, oldCipher.decrypt(row[column], qualified, row.id), qualified),
      );
      await c.query(
        "update suppliers set address = $2, contact_email = $3, contact_phone = $4 where id = $1",
        [row.id, ...values],
      );
    }
  });
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

describe("keys:rotate", () => {
  it("dry run counts and changes nothing", async () => {
    const before = await contacts();
    const summary = await rotateFieldKeys({
      adminUrl: db.adminUrl,
      cipher: rotated,
      logger,
      batchSize: 7,
      dryRun: true,
    });
    expect(summary).toMatchObject({
      rowsFound: 20,
      fieldsRotated: 60,
      batches: 3,
      remaining: 60,
      failures: [],
    });
    expect(await contacts()).toEqual(before);
  });

  it("re-encrypts every field as v2 under the new key in batches, keeping the values (v1 ones too); reports a field it cannot decrypt", async () => {
    const before = await contacts();
    expect(before.filter((row) => formatOf(row.contact_email) === "v1").map((row) => row.id)).toEqual([
      ...legacyOldKey,
      ...legacyNewKey,
    ]);
    // One value moved to the wrong column: it must not decrypt there, and must not stop the run.
    const victim = before[8]!;
    await withAdminClient(db.adminUrl, (c) =>
      c.query("update suppliers set contact_phone = contact_email where id = $1", [victim.id]),
    );

    const summary = await rotateFieldKeys({ adminUrl: db.adminUrl, cipher: rotated, logger, batchSize: 7 });
    expect(summary).toMatchObject({
      currentKeyId: "k2027_b",
      rowsFound: 20,
      fieldsRotated: 59,
      batches: 3,
      remaining: 1,
    });
    expect(summary.failures).toEqual([
      {
        table: "suppliers",
        id: victim.id,
        column: "contact_phone",
        keyId: "k2026",
        format: "v2",
        error: expect.stringMatching(/does not authenticate for suppliers.contact_phone of row/),
      },
    ]);

    const after = await contacts();
    for (const [i, row] of after.entries()) {
      const old = before[i]!;
      expect(row.id).toBe(old.id);
      for (const [column, qualified] of COLUMNS) {
        if (row.id === victim.id && column === "contact_phone") continue;
        expect(keyIdOf(row[column])).toBe("k2027_b");
        expect(formatOf(row[column])).toBe("v2");
        expect(rotated.decrypt(row[column], qualified, row.id)).toBe(
          rotated.decrypt(old[column], qualified, row.id),
        );
      }
    }
    // Bound to its row now: a former v1 value copied to another supplier no longer decrypts there.
    const formerV1 = after.find((row) => row.id === legacyOldKey[0])!;
    expect(() =>
      rotated.decrypt(formerV1.contact_email, ENCRYPTED_COLUMNS.supplierContactEmail, after[10]!.id),
    ).toThrow(/does not authenticate/);
  });

  it("is idempotent: a second run finds only what it could not decrypt", async () => {
    const summary = await rotateFieldKeys({ adminUrl: db.adminUrl, cipher: rotated, logger });
    expect(summary).toMatchObject({ rowsFound: 1, fieldsRotated: 0, remaining: 1 });
    expect(summary.failures).toHaveLength(1);
  });
});
