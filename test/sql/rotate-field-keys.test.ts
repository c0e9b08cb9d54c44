import pino from "pino";
import { rotateFieldKeys } from "../../src/cli/rotate-field-keys";
import { seed } from "../../src/cli/seed";
import { ENCRYPTED_COLUMNS, createFieldCipher, keyIdOf } from "../../src/services/field-encryption";
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

beforeAll(async () => {
  db = await createTestDatabase();
  await seed({ adminUrl: db.adminUrl, scale: "small", logger, fieldCipher: oldCipher });
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

  it("re-encrypts every field under the new key in batches, keeping the values; reports a field it cannot decrypt", async () => {
    const before = await contacts();
    // One value moved to the wrong column: it must not decrypt there, and must not stop the run.
    const victim = before[5]!;
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
      expect.objectContaining({ table: "suppliers", id: victim.id, column: "contact_phone", keyId: "k2026" }),
    ]);

    const after = await contacts();
    for (const [i, row] of after.entries()) {
      const old = before[i]!;
      expect(row.id).toBe(old.id);
      for (const [column, aad] of [
        ["address", ENCRYPTED_COLUMNS.supplierAddress],
        ["contact_email", ENCRYPTED_COLUMNS.supplierContactEmail],
        ["contact_phone", ENCRYPTED_COLUMNS.supplierContactPhone],
      ] as const) {
        if (row.id === victim.id && column === "contact_phone") continue;
        expect(keyIdOf(row[column])).toBe("k2027_b");
        expect(rotated.decrypt(row[column], aad)).toBe(oldCipher.decrypt(old[column], aad));
      }
    }
  });

  it("is idempotent: a second run finds only what it could not decrypt", async () => {
    const summary = await rotateFieldKeys({ adminUrl: db.adminUrl, cipher: rotated, logger });
    expect(summary).toMatchObject({ rowsFound: 1, fieldsRotated: 0, remaining: 1 });
    expect(summary.failures).toHaveLength(1);
  });
});
