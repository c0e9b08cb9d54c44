import { LISTINGS, insertScenario } from "../graphql/marketplace.scenario";
import {
  type TestDatabase,
  adminRows,
  createTestDatabase,
  withAdminClient,
  withRole,
} from "../helpers/database";

/**
 * app.approved_listing_matches (018): the access path of marketplace
 * searches through the GIN index. It reads past RLS, so it must return only
 * what the select_approved policy shows everyone: approved listings, and of
 * those only the ones matching the search.
 */

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, (client) => insertScenario(client, LISTINGS));
});

afterAll(async () => {
  await db?.drop();
});

const MATCHES = `select id::text from app.approved_listing_matches(websearch_to_tsquery('english', $1)) id order by 1`;
const EXPECTED = `select id::text from marketplace_products
                   where status = 'approved' and search_vector @@ websearch_to_tsquery('english', $1) order by 1`;

test.each(["merino", "cotton", "cotton -organic"])(
  "%s: the ids of approved matching listings, for anonymous and signed-in callers alike",
  async (search) => {
    const expected = await adminRows<{ id: string }>(db.adminUrl, EXPECTED, [search]);
    expect(expected.length).toBeGreaterThan(0);
    for (const [role, claims] of [
      ["anonymous", null],
      [
        "authenticated",
        { role: "authenticated", sub: "3f1c9a52-8a57-4a8e-9d6f-000000000001", roles: ["buyer"] },
      ],
    ] as const) {
      const rows = await withRole(
        db.apiUrl,
        role,
        claims,
        async (client) => (await client.query(MATCHES, [search])).rows,
      );
      expect(rows).toEqual(expected);
    }
  },
);

test("not approved listings matching the search are not returned", async () => {
  const [hidden] = await adminRows<{ title: string; id: string }>(
    db.adminUrl,
    "select title, id::text from marketplace_products where status <> 'approved' order by title limit 1",
  );
  expect(hidden).toBeDefined();
  const word = hidden!.title.split(/\s+/)[0]!;
  const rows = await withRole(db.apiUrl, "anonymous", null, async (client) =>
    (await client.query<{ id: string }>(MATCHES, [word])).rows.map((row) => row.id),
  );
  expect(rows).not.toContain(hidden!.id);
});
