import { encodeGlobalID } from "@pothos/plugin-relay";
import { generateApiKey } from "../../src/auth/api-keys";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, dataOf, expectErrorCodes, gql, startApiServer } from "./harness";
import {
  type Headers,
  type OrderWorld,
  type WorldUser,
  insertOrderWorld,
  signIn,
  worldCipher,
} from "./orders.scenario";

/**
 * The admin actions: reviewMarketplaceProduct, verifySupplier, grantRole,
 * revokeRole. Admin-only (scope-auth refuses everyone else before the
 * resolver runs, and nothing changes), typed errors for expected failures,
 * and every change audited by the database with the admin as actor.
 */

let db: TestDatabase;
let api: ApiServer;
let world: OrderWorld;
let as: (user: WorldUser) => Promise<Headers>;
let pendingSupplier: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    world = await insertOrderWorld(client, worldCipher());
    pendingSupplier = (
      await client.query<{ id: string }>(
        `insert into suppliers (company_name, country, verification_status, contact_email)
         values ('Pending Purl', 'PT', 'pending', null) returning id`,
      )
    ).rows[0]!.id;
  });
  api = await startApiServer(db);
  as = signIn(api);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return withAdminClient(db.adminUrl, async (client) => (await client.query(text, params)).rows as T[]);
}

async function listing(status: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, stock_quantity, status)
     values ($1, 'sweater', 'Review me', 'Knitwear', 'review-' || gen_random_uuid(), 20, 10, $2) returning id`,
    [world.suppliers.northKnit, status],
  );
  return row!.id;
}

interface AuditRow {
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  table_name: string;
  record_id: string;
  old_data: Record<string, unknown> | null;
  new_data: Record<string, unknown> | null;
  request_id: string | null;
}

/** Audit entries written by API requests (the fixture's own inserts, as the migrator, left out). */
const auditOf = (table: string, recordId: string) =>
  sql<AuditRow>(
    `select * from audit_log where table_name = $1 and record_id = $2 and actor_role = 'authenticated'
      order by created_at, id`,
    [table, recordId],
  );

const REVIEW = gql(`
  mutation Review($input: ReviewMarketplaceProductInput!) {
    reviewMarketplaceProduct(input: $input) {
      __typename
      ... on ReviewMarketplaceProductPayload { marketplaceProduct { id status rejectionReason: description approvalDate } }
      ... on UserError { code message field }
      ... on ConflictError { reason }
    }
  }`);

const VERIFY = gql(`
  mutation Verify($input: VerifySupplierInput!) {
    verifySupplier(input: $input) {
      __typename
      ... on VerifySupplierPayload { supplier { id verificationStatus } }
      ... on UserError { code message field }
      ... on ConflictError { reason }
    }
  }`);

const GRANT = gql(`
  mutation Grant($input: GrantRoleInput!) {
    grantRole(input: $input) {
      __typename
      ... on GrantRolePayload { user { id roles } }
      ... on UserError { code message field }
      ... on ConflictError { reason }
    }
  }`);

const REVOKE = gql(`
  mutation Revoke($input: RevokeRoleInput!) {
    revokeRole(input: $input) {
      __typename
      ... on RevokeRolePayload { user { id roles } }
      ... on UserError { code message field }
      ... on ConflictError { reason }
    }
  }`);

const listingStatus = async (id: string) =>
  (
    await sql<{ status: string; rejection_reason: string | null; approved_by: string | null }>(
      "select status::text, rejection_reason, approved_by::text from marketplace_products where id = $1",
      [id],
    )
  )[0]!;

describe("only admins", () => {
  test("anonymous callers get UNAUTHENTICATED; buyers, suppliers and admin API keys FORBIDDEN; nothing changes", async () => {
    const id = await listing("pending_approval");
    const input = { id: encodeGlobalID("MarketplaceProduct", id), decision: "APPROVE" };
    expectErrorCodes(await api.graphql(REVIEW, { input }), ["UNAUTHENTICATED"]);
    for (const user of [world.users.buyerA, world.users.northOwner]) {
      const response = await api.graphql(REVIEW, { input }, await as(user));
      expectErrorCodes(response, ["FORBIDDEN"]);
      expect(response.data).toBeNull();
    }
    // An admin's API key (integrations) never acts as an admin.
    const { key, prefix, hash } = generateApiKey();
    await sql(
      "insert into api_keys (user_id, name, prefix, key_hash, scopes) values ($1, 'ops', $2, $3, $4)",
      [world.users.admin.id, prefix, hash, ["orders:read", "marketplace:write"]],
    );
    expectErrorCodes(await api.graphql(REVIEW, { input }, { "x-api-key": key }), ["FORBIDDEN"]);

    expect(await listingStatus(id)).toMatchObject({ status: "pending_approval", approved_by: null });
    expect(await auditOf("marketplace_products", id)).toEqual([]);

    const verify = await api.graphql(
      VERIFY,
      { input: { id: encodeGlobalID("Supplier", pendingSupplier), status: "VERIFIED" } },
      await as(world.users.buyerA),
    );
    expectErrorCodes(verify, ["FORBIDDEN"]);
    const grant = await api.graphql(
      GRANT,
      { input: { userId: encodeGlobalID("User", world.users.buyerA.id), role: "SUPPLIER" } },
      await as(world.users.buyerA),
    );
    expectErrorCodes(grant, ["FORBIDDEN"]);
    expect(
      await sql("select 1 from user_roles where user_id = $1 and role = 'supplier'", [world.users.buyerA.id]),
    ).toEqual([]);
    expect(
      (
        await sql<{ verification_status: string }>(
          "select verification_status::text from suppliers where id = $1",
          [pendingSupplier],
        )
      )[0]!.verification_status,
    ).toBe("pending");
  });
});

describe("reviewMarketplaceProduct", () => {
  test("APPROVE publishes a pending listing, stamped and audited with the admin as actor", async () => {
    const id = await listing("pending_approval");
    const response = await api.graphql(
      REVIEW,
      { input: { id: encodeGlobalID("MarketplaceProduct", id), decision: "APPROVE" } },
      { ...(await as(world.users.admin)), "x-request-id": "review-approve-1" },
    );
    const result = dataOf(response).reviewMarketplaceProduct;
    expect(result.__typename).toBe("ReviewMarketplaceProductPayload");
    expect(result.marketplaceProduct.status).toBe("APPROVED");
    expect(result.marketplaceProduct.approvalDate).not.toBeNull();
    expect(await listingStatus(id)).toMatchObject({ status: "approved", approved_by: world.users.admin.id });

    const audit = await auditOf("marketplace_products", id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: world.users.admin.id,
      actor_role: "authenticated",
      action: "update",
      // The request's own id: the one the server answered with (x-request-id).
      request_id: response.requestId,
    });
    expect(response.requestId).toEqual(expect.any(String));
    expect(audit[0]!.old_data?.["status"]).toBe("pending_approval");
    expect(audit[0]!.new_data?.["status"]).toBe("approved");
  });

  test("REJECT needs a reason: without one a typed BAD_USER_INPUT error, and nothing changes", async () => {
    const id = await listing("pending_approval");
    const input = { id: encodeGlobalID("MarketplaceProduct", id), decision: "REJECT" };
    for (const reason of [undefined, "   "]) {
      const result = dataOf(
        await api.graphql(REVIEW, { input: { ...input, reason } }, await as(world.users.admin)),
      ).reviewMarketplaceProduct;
      expect(result).toMatchObject({
        __typename: "InvalidInputError",
        code: "BAD_USER_INPUT",
        field: "input.reason",
      });
    }
    expect((await listingStatus(id)).status).toBe("pending_approval");

    const rejected = dataOf(
      await api.graphql(
        REVIEW,
        { input: { ...input, reason: "Photos are blurry" } },
        await as(world.users.admin),
      ),
    ).reviewMarketplaceProduct;
    expect(rejected.marketplaceProduct.status).toBe("REJECTED");
    expect(await listingStatus(id)).toMatchObject({
      status: "rejected",
      rejection_reason: "Photos are blurry",
    });
    expect((await auditOf("marketplace_products", id)).map((row) => row.actor_id)).toEqual([
      world.users.admin.id,
    ]);
  });

  test("a listing not pending approval is a CONFLICT; an unknown one NOT_FOUND", async () => {
    const approved = await listing("approved");
    const conflict = dataOf(
      await api.graphql(
        REVIEW,
        { input: { id: encodeGlobalID("MarketplaceProduct", approved), decision: "REJECT", reason: "late" } },
        await as(world.users.admin),
      ),
    ).reviewMarketplaceProduct;
    expect(conflict).toMatchObject({
      __typename: "ConflictError",
      code: "CONFLICT",
      reason: "INVALID_TRANSITION",
    });
    expect((await listingStatus(approved)).status).toBe("approved");

    const missing = dataOf(
      await api.graphql(
        REVIEW,
        {
          input: {
            id: encodeGlobalID("MarketplaceProduct", "00000000-0000-4000-8000-000000000000"),
            decision: "APPROVE",
          },
        },
        await as(world.users.admin),
      ),
    ).reviewMarketplaceProduct;
    expect(missing).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND", field: "input.id" });
  });
});

describe("verifySupplier", () => {
  test("an admin verifies a pending supplier; it becomes public; the change is audited with contacts redacted", async () => {
    const id = encodeGlobalID("Supplier", pendingSupplier);
    const SUPPLIER = gql(`query S($id: ID!) { supplier(id: $id) { companyName } }`);
    expect(dataOf(await api.graphql(SUPPLIER, { id })).supplier).toBeNull();

    const result = dataOf(
      await api.graphql(VERIFY, { input: { id, status: "VERIFIED" } }, await as(world.users.admin)),
    ).verifySupplier;
    expect(result).toEqual({
      __typename: "VerifySupplierPayload",
      supplier: { id, verificationStatus: "VERIFIED" },
    });
    expect(dataOf(await api.graphql(SUPPLIER, { id })).supplier).toEqual({ companyName: "Pending Purl" });

    const audit = await auditOf("suppliers", pendingSupplier);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: world.users.admin.id, action: "update" });
    expect(audit[0]!.new_data?.["verification_status"]).toBe("verified");

    const again = dataOf(
      await api.graphql(VERIFY, { input: { id, status: "VERIFIED" } }, await as(world.users.admin)),
    ).verifySupplier;
    expect(again).toMatchObject({ __typename: "ConflictError", reason: "UNCHANGED", field: "input.status" });

    const suspended = dataOf(
      await api.graphql(VERIFY, { input: { id, status: "SUSPENDED" } }, await as(world.users.admin)),
    ).verifySupplier;
    expect(suspended.supplier.verificationStatus).toBe("SUSPENDED");
  });

  test("contact fields are redacted in the audit trail", async () => {
    const id = encodeGlobalID("Supplier", world.suppliers.southLoom);
    dataOf(await api.graphql(VERIFY, { input: { id, status: "SUSPENDED" } }, await as(world.users.admin)));
    const [row] = await auditOf("suppliers", world.suppliers.southLoom);
    expect(row!.new_data?.["contact_email"]).toBe("[redacted]");
    expect(JSON.stringify(row)).not.toMatch(/enc:v\d:/);
    dataOf(await api.graphql(VERIFY, { input: { id, status: "VERIFIED" } }, await as(world.users.admin)));
  });
});

describe("grantRole and revokeRole", () => {
  const userId = () => encodeGlobalID("User", world.users.outsider.id);

  test("an admin grants and revokes the supplier role; both audited with the admin as actor", async () => {
    const admin = await as(world.users.admin);
    const granted = dataOf(
      await api.graphql(GRANT, { input: { userId: userId(), role: "SUPPLIER" } }, admin),
    ).grantRole;
    expect(granted).toEqual({
      __typename: "GrantRolePayload",
      user: { id: userId(), roles: ["BUYER", "SUPPLIER"] },
    });
    const again = dataOf(
      await api.graphql(GRANT, { input: { userId: userId(), role: "SUPPLIER" } }, admin),
    ).grantRole;
    expect(again).toMatchObject({ __typename: "ConflictError", reason: "UNCHANGED" });

    const revoked = dataOf(
      await api.graphql(REVOKE, { input: { userId: userId(), role: "SUPPLIER" } }, admin),
    ).revokeRole;
    expect(revoked.user.roles).toEqual(["BUYER"]);

    const audit = await sql<AuditRow>(
      `select * from audit_log
        where table_name = 'user_roles' and actor_role = 'authenticated'
          and (new_data ->> 'user_id' = $1 or old_data ->> 'user_id' = $1)
        order by created_at, id`,
      [world.users.outsider.id],
    );
    expect(audit.map((row) => [row.action, row.actor_id])).toEqual([
      ["insert", world.users.admin.id],
      ["delete", world.users.admin.id],
    ]);
  });

  test("the admin role is not granted or revoked over the API; unknown users are NOT_FOUND", async () => {
    const admin = await as(world.users.admin);
    const grant = dataOf(
      await api.graphql(GRANT, { input: { userId: userId(), role: "ADMIN" } }, admin),
    ).grantRole;
    expect(grant).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN", field: "input.role" });
    const revoke = dataOf(
      await api.graphql(
        REVOKE,
        { input: { userId: encodeGlobalID("User", world.users.admin.id), role: "ADMIN" } },
        admin,
      ),
    ).revokeRole;
    expect(revoke).toMatchObject({ __typename: "ForbiddenError" });
    expect(
      await sql("select 1 from user_roles where user_id = $1 and role = 'admin'", [world.users.outsider.id]),
    ).toEqual([]);

    const missing = dataOf(
      await api.graphql(
        GRANT,
        { input: { userId: encodeGlobalID("User", "00000000-0000-4000-8000-000000000000"), role: "BUYER" } },
        admin,
      ),
    ).grantRole;
    expect(missing).toMatchObject({ __typename: "NotFoundError", field: "input.userId" });
  });
});
