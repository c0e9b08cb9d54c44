import { createCipheriv, randomBytes } from "node:crypto";
import { ENCRYPTED_COLUMNS, createFieldCipher } from "../../src/services/field-encryption";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, type LogLine, dataOf, gql, startApiServer } from "./harness";
import { CONTACTS, type Headers, type OrderWorld, insertOrderWorld, signIn } from "./orders.scenario";

/**
 * Supplier contact fields are bound to their column AND their row (security
 * review, issue 8, finding 7). Over HTTP, as an admin (who may read every
 * supplier's contacts):
 *
 * - a ciphertext copied from one supplier's row into another's does not
 *   decrypt there: null for that field, an error log line naming table,
 *   column and row (never the value), the rest of the page intact;
 * - one value that does not decrypt (tampered, or under a retired key)
 *   blanks that field only, not the page;
 * - values of format v1 (column-bound, written before migration 012) still read.
 */

const KEY = `k-test:${Buffer.alloc(32, 7).toString("base64")}`;
const cipher = createFieldCipher({ FIELD_ENCRYPTION_KEYS: KEY, NODE_ENV: "test" });

let db: TestDatabase;
let api: ApiServer;
let world: OrderWorld;
let admin: Headers;
let thirdSupplier: string;
let original: Map<string, ContactColumns>;

interface ContactColumns {
  address: string | null;
  contact_email: string | null;
  contact_phone: string | null;
}

const THIRD = {
  address: "3 Spindle Lane, Leeds",
  contactEmail: "hello@spindle.example",
  contactPhone: "+44 113 000",
};

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    world = await insertOrderWorld(client, cipher);
    // A third supplier, so a page has rows on either side of a bad one.
    const id = crypto.randomUUID();
    await client.query(
      `insert into suppliers (id, company_name, country, verification_status, address, contact_email, contact_phone)
       values ($1, 'Spindle & Co', 'GB', 'verified', $2, $3, $4)`,
      [
        id,
        cipher.encrypt(THIRD.address, ENCRYPTED_COLUMNS.supplierAddress, id),
        cipher.encrypt(THIRD.contactEmail, ENCRYPTED_COLUMNS.supplierContactEmail, id),
        cipher.encrypt(THIRD.contactPhone, ENCRYPTED_COLUMNS.supplierContactPhone, id),
      ],
    );
    thirdSupplier = id;
    original = await contactColumns(client);
  });
  api = await startApiServer(db, { env: { FIELD_ENCRYPTION_KEYS: KEY } });
  admin = await signIn(api)(world.users.admin);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

// Each test starts from the contacts as inserted.
afterEach(async () => {
  await withAdminClient(db.adminUrl, async (client) => {
    for (const [id, row] of original) {
      await client.query(
        "update suppliers set address = $2, contact_email = $3, contact_phone = $4 where id = $1",
        [id, row.address, row.contact_email, row.contact_phone],
      );
    }
  });
});

async function contactColumns(client: {
  query: <R>(sql: string) => Promise<{ rows: R[] }>;
}): Promise<Map<string, ContactColumns>> {
  const { rows } = await client.query<ContactColumns & { id: string }>(
    "select id, address, contact_email, contact_phone from suppliers",
  );
  return new Map(rows.map(({ id, ...columns }) => [id, columns]));
}

async function setColumn(id: string, column: keyof ContactColumns, value: string): Promise<void> {
  await withAdminClient(db.adminUrl, (client) =>
    client.query(`update suppliers set ${column} = $2 where id = $1`, [id, value]),
  );
}

const SUPPLIERS = gql<{
  suppliers: {
    edges: {
      node: {
        companyName: string;
        address: string | null;
        contactEmail: string | null;
        contactPhone: string | null;
      };
    }[];
  };
}>(`
  query SupplierContacts {
    suppliers(first: 10) { edges { node { companyName address contactEmail contactPhone } } }
  }`);

/** The admin's page of suppliers, by company name; the request must succeed (no error, no masked field). */
async function page() {
  const response = await api.graphql(SUPPLIERS, {}, admin);
  expect(response.errors).toBeUndefined();
  const byName = Object.fromEntries(
    dataOf(response).suppliers.edges.map(({ node: { companyName, ...contact } }) => [companyName, contact]),
  );
  return { byName, logs: response.serverLogs() };
}

const decryptFailures = (logs: LogLine[]) =>
  logs.filter((line) => line["msg"] === "encrypted field could not be decrypted; returned as null");

test("every supplier's contacts read on one page (the baseline)", async () => {
  const { byName, logs } = await page();
  expect(byName).toEqual({
    "North Knit": CONTACTS.northKnit,
    "South Loom": CONTACTS.southLoom,
    "Spindle & Co": THIRD,
  });
  expect(decryptFailures(logs)).toEqual([]);
});

test("a ciphertext copied from one supplier's row to another's does not decrypt there: null and a log line", async () => {
  const north = original.get(world.suppliers.northKnit)!;
  await setColumn(world.suppliers.southLoom, "contact_email", north.contact_email!);

  const { byName, logs } = await page();
  // Before row binding, South Loom showed North Knit's email as its own.
  expect(byName["South Loom"]).toEqual({ ...CONTACTS.southLoom, contactEmail: null });
  expect(byName["North Knit"]).toEqual(CONTACTS.northKnit);
  expect(byName["Spindle & Co"]).toEqual(THIRD);

  const failures = decryptFailures(logs);
  expect(failures).toEqual([
    expect.objectContaining({
      level: 50,
      table: "suppliers",
      column: "contact_email",
      rowId: world.suppliers.southLoom,
      keyId: "k-test",
      format: "v2",
    }),
  ]);
  // The log names the field, never its value.
  const body = north.contact_email!.split(":")[4]!;
  expect(JSON.stringify(logs)).not.toContain(body);
  expect(JSON.stringify(logs)).not.toContain(CONTACTS.northKnit.contactEmail);
});

test("one value that does not decrypt (tampered, or under a retired key) leaves the rest of the page intact", async () => {
  const south = original.get(world.suppliers.southLoom)!;
  const [prefix, version, keyId, iv, body] = south.address!.split(":") as [
    string,
    string,
    string,
    string,
    string,
  ];
  const bytes = Buffer.from(body, "base64url");
  bytes[0]! ^= 0x01;
  await setColumn(
    world.suppliers.southLoom,
    "address",
    [prefix, version, keyId, iv, bytes.toString("base64url")].join(":"),
  );
  const retired = createFieldCipher({
    FIELD_ENCRYPTION_KEYS: `k-retired:${Buffer.alloc(32, 9).toString("base64")}`,
    NODE_ENV: "test",
  });
  await setColumn(
    thirdSupplier,
    "contact_phone",
    retired.encrypt(THIRD.contactPhone, ENCRYPTED_COLUMNS.supplierContactPhone, thirdSupplier),
  );

  const { byName, logs } = await page();
  expect(byName).toEqual({
    "North Knit": CONTACTS.northKnit,
    "South Loom": { ...CONTACTS.southLoom, address: null },
    "Spindle & Co": { ...THIRD, contactPhone: null },
  });
  expect(
    decryptFailures(logs)
      .map((line) => [line["column"], line["rowId"], line["keyId"]])
      .sort(),
  ).toEqual(
    [
      ["address", world.suppliers.southLoom, "k-test"],
      ["contact_phone", thirdSupplier, "k-retired"],
    ].sort(),
  );
});

test("values of format v1 (before migration 012, bound to the column only) still read", async () => {
  const [keyId, key] = KEY.split(":") as [string, string];
  const iv = randomBytes(12);
  const legacy = createCipheriv("aes-256-gcm", Buffer.from(key, "base64"), iv, { authTagLength: 16 });
  legacy.setAAD(Buffer.from(ENCRYPTED_COLUMNS.supplierContactPhone, "utf8"));
  const body = Buffer.concat([
    legacy.update(CONTACTS.northKnit.contactPhone, "utf8"),
    legacy.final(),
    legacy.getAuthTag(),
  ]);
  await setColumn(
    world.suppliers.northKnit,
    "contact_phone",
    `enc:v1:${keyId}:${iv.toString("base64url")}:${body.toString("base64url")}`,
  );

  const { byName, logs } = await page();
  expect(byName["North Knit"]).toEqual(CONTACTS.northKnit);
  expect(decryptFailures(logs)).toEqual([]);
});
