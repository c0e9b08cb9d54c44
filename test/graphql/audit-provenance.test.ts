import { randomUUID } from "node:crypto";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { insertScenarioUser } from "../helpers/scenario";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, startApiServer } from "./harness";

/**
 * Audit provenance over HTTP (security review, issue 8, finding 6): the
 * request id is the server's own, whatever x-request-id the client sends (a
 * client could otherwise pass for a CLI run, `cli:…`); the client's id is
 * kept beside it, for correlation; and the audit row records the client's
 * address, how the actor signed in and with which roles.
 */

let db: TestDatabase;
let api: ApiServer;
let admin: string;
const supplier = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    ({ id: admin } = await insertScenarioUser(client, {
      email: "admin@provenance.example",
      roles: ["admin"],
    }));
    await client.query(
      `insert into suppliers (id, company_name, country, verification_status)
       values ($1, 'Provenance Knit', 'PT', 'verified')`,
      [supplier],
    );
  });
  api = await startApiServer(db);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const REVIEW = `
  mutation Review($input: ReviewMarketplaceProductInput!) {
    reviewMarketplaceProduct(input: $input) { __typename }
  }`;

/** A pending listing, approved by the admin over a real socket with `headers`. */
async function approveListing(
  headers: Record<string, string>,
): Promise<{ listing: string; response: Response }> {
  const [row] = await withAdminClient(
    db.adminUrl,
    async (client) =>
      (
        await client.query<{ id: string }>(
          `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, stock_quantity, status)
         values ($1, 'sweater', 'Audit me', 'Knitwear', 'audit-' || gen_random_uuid(), 20, 10, 'pending_approval')
         returning id`,
          [supplier],
        )
      ).rows,
  );
  const { token } = await api.app.tokens.issueAccessToken({ userId: admin, roles: ["admin"] });
  const response = await fetch(`${api.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({
      query: REVIEW,
      variables: { input: { id: encodeGlobalID("MarketplaceProduct", row!.id), decision: "APPROVE" } },
    }),
  });
  const body = (await response.json()) as { data?: { reviewMarketplaceProduct?: { __typename: string } } };
  expect(body.data?.reviewMarketplaceProduct?.__typename).toBe("ReviewMarketplaceProductPayload");
  return { listing: row!.id, response };
}

const auditOf = (listing: string) =>
  withAdminClient(
    db.adminUrl,
    async (client) =>
      (
        await client.query(
          `select actor_id::text, actor_role, request_id, client_request_id, host(ip) as ip, auth_method,
                api_key_id::text, actor_roles
           from audit_log where table_name = 'marketplace_products' and record_id = $1`,
          [listing],
        )
      ).rows,
  );

test("a client's x-request-id is not the request id: the server's is, in the response, the logs and the audit row", async () => {
  const forged = "cli:user-grant:7";
  const { listing, response } = await approveListing({ "x-request-id": forged });

  const requestId = response.headers.get("x-request-id");
  expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(await auditOf(listing)).toEqual([
    {
      actor_id: admin,
      actor_role: "authenticated",
      request_id: requestId,
      client_request_id: forged,
      ip: "127.0.0.1",
      auth_method: "access_token",
      api_key_id: null,
      actor_roles: ["admin"],
    },
  ]);
  const logged = api.logs.find(
    (line) => line["msg"] === "request completed" && line["requestId"] === requestId,
  );
  expect(logged).toMatchObject({ clientRequestId: forged });
  expect(api.logs.some((line) => line["requestId"] === forged)).toBe(false);
});

test("an x-request-id that is not short and plain is not recorded at all", async () => {
  const { listing, response } = await approveListing({ "x-request-id": "<script>alert(1)</script>" });
  const [row] = await auditOf(listing);
  expect(row).toMatchObject({ request_id: response.headers.get("x-request-id"), client_request_id: null });
});
