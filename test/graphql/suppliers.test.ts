import { encodeGlobalID } from "@pothos/plugin-relay";
import { ENCRYPTED_COLUMNS } from "../../src/services/field-encryption";
import { insertScenarioUser } from "../helpers/scenario";
import { type TestDatabase, createTestDatabase, withAdminClient } from "../helpers/database";
import { type ApiServer, type GraphQLResponse, dataOf, gql, startApiServer } from "./harness";
import {
  type Headers,
  type OrderWorld,
  type WorldUser,
  insertOrderWorld,
  signIn,
  worldCipher,
} from "./orders.scenario";

/**
 * suppliers, supplier(id), Supplier's contact fields and User.supplier over
 * HTTP. Contact fields are ciphertext at rest; the database hands it only to
 * the supplier itself, admins and buyers with an accepted order with it, and
 * the API decrypts it. Everyone else gets null.
 */

let db: TestDatabase;
let api: ApiServer;
let world: OrderWorld;
let as: (user: WorldUser) => Promise<Headers>;
let pendingSupplier: string;
let suspendedSupplier: string;
let pendingOwner: WorldUser;

beforeAll(async () => {
  db = await createTestDatabase();
  const cipher = worldCipher();
  await withAdminClient(db.adminUrl, async (client) => {
    world = await insertOrderWorld(client, cipher);
    pendingOwner = await insertScenarioUser(client, {
      email: "pending-owner@world.example",
      roles: ["supplier"],
    });
    const insert = async (name: string, status: string, userId: string | null) => {
      // Contact ciphertext is bound to its row: the id is chosen before the insert.
      const id = crypto.randomUUID();
      return (
        await client.query<{ id: string }>(
          `insert into suppliers (id, user_id, company_name, country, verification_status, specializations, contact_email)
           values ($5, $1, $2, 'PT', $3, '{knitwear}', $4) returning id`,
          [
            userId,
            name,
            status,
            cipher.encrypt(`${status}@example.test`, ENCRYPTED_COLUMNS.supplierContactEmail, id),
            id,
          ],
        )
      ).rows[0]!.id;
    };
    pendingSupplier = await insert("Pending Purl", "pending", pendingOwner.id);
    suspendedSupplier = await insert("Suspended Stitch", "suspended", null);
  });
  api = await startApiServer(db);
  as = signIn(api);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const SUPPLIERS = gql(`
  query Suppliers($first: Int, $after: String, $filter: SupplierFilter) {
    suppliers(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id companyName country verificationStatus specializations contactEmail contactPhone address } }
    }
  }`);

const SUPPLIER = gql(`
  query Supplier($id: ID!) {
    supplier(id: $id) { id companyName verificationStatus contactEmail contactPhone address }
  }`);

const gid = (id: string) => encodeGlobalID("Supplier", id);
const headersOf = async (user: WorldUser | null) => (user ? await as(user) : {});

type SupplierNode = {
  id: string;
  companyName: string;
  contactEmail: string | null;
  contactPhone: string | null;
  address: string | null;
};

async function supplier(user: WorldUser | null, id: string): Promise<SupplierNode | null> {
  return dataOf(await api.graphql(SUPPLIER, { id: gid(id) }, await headersOf(user))).supplier;
}

function names(response: GraphQLResponse<{ suppliers: { edges: { node: SupplierNode }[] } }>): string[] {
  return dataOf(response).suppliers.edges.map((edge) => edge.node.companyName);
}

describe("suppliers", () => {
  test("anonymous callers see verified suppliers only, by name, without contact fields", async () => {
    const response = await api.graphql(SUPPLIERS, { first: 50 });
    expect(names(response)).toEqual(["North Knit", "South Loom"]);
    expect(dataOf(response).suppliers.totalCount).toBe(2);
    for (const edge of dataOf(response).suppliers.edges) {
      expect(edge.node).toMatchObject({ contactEmail: null, contactPhone: null, address: null });
    }
  });

  test("admins see every supplier, and may filter by verification status", async () => {
    const admin = await as(world.users.admin);
    expect(names(await api.graphql(SUPPLIERS, { first: 50 }, admin))).toEqual([
      "North Knit",
      "Pending Purl",
      "South Loom",
      "Suspended Stitch",
    ]);
    expect(names(await api.graphql(SUPPLIERS, { filter: { verificationStatus: "PENDING" } }, admin))).toEqual(
      ["Pending Purl"],
    );
    // The same filter narrows, never widens, for anyone else.
    expect(names(await api.graphql(SUPPLIERS, { filter: { verificationStatus: "PENDING" } }))).toEqual([]);
  });

  test("a supplier sees its own row whatever its status", async () => {
    expect(names(await api.graphql(SUPPLIERS, {}, await as(pendingOwner)))).toContain("Pending Purl");
    expect((await supplier(pendingOwner, pendingSupplier))?.contactEmail).toBe("pending@example.test");
    expect(await supplier(null, pendingSupplier)).toBeNull();
    expect(await supplier(world.users.buyerA, suspendedSupplier)).toBeNull();
  });

  test("specialization and country filters", async () => {
    expect(names(await api.graphql(SUPPLIERS, { filter: { specialization: "merino" } }))).toEqual([
      "North Knit",
    ]);
    expect(names(await api.graphql(SUPPLIERS, { filter: { country: "bd" } }))).toEqual(["South Loom"]);
    expect(
      names(await api.graphql(SUPPLIERS, { filter: { specialization: "knitwear", country: "PT" } })),
    ).toEqual(["North Knit"]);
    const bad = await api.graphql(SUPPLIERS, { filter: { country: "Portugal" } });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  test("pagination: cursors visit every supplier once; first above 100 is BAD_USER_INPUT", async () => {
    const admin = await as(world.users.admin);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const response = await api.graphql(SUPPLIERS, { first: 1, after }, admin);
      const connection: {
        edges: { node: SupplierNode }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      } = dataOf(response).suppliers;
      seen.push(...connection.edges.map((edge) => edge.node.companyName));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(["North Knit", "Pending Purl", "South Loom", "Suspended Stitch"]);
    const tooMany = await api.graphql(SUPPLIERS, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("contact fields (decrypted only for those DOMAIN.md names)", () => {
  const north = () => world.contacts.northKnit;
  const south = () => world.contacts.southLoom;

  test("a buyer with an accepted order with the supplier reads them decrypted", async () => {
    expect(await supplier(world.users.buyerA, world.suppliers.northKnit)).toMatchObject(north());
    expect(await supplier(world.users.buyerB, world.suppliers.southLoom)).toMatchObject(south());
  });

  test("a buyer without one gets null, even with a pending supplier order", async () => {
    // Buyer A's order A1 has a pending (not accepted) supplier order with South Loom.
    expect(await supplier(world.users.buyerA, world.suppliers.southLoom)).toMatchObject({
      companyName: "South Loom",
      contactEmail: null,
      contactPhone: null,
      address: null,
    });
    expect(await supplier(world.users.buyerB, world.suppliers.northKnit)).toMatchObject({
      contactEmail: null,
    });
    expect(await supplier(world.users.outsider, world.suppliers.northKnit)).toMatchObject({
      contactEmail: null,
    });
    expect(await supplier(null, world.suppliers.northKnit)).toMatchObject({
      contactEmail: null,
      address: null,
    });
  });

  test("the supplier itself reads its own, not another supplier's", async () => {
    expect(await supplier(world.users.northOwner, world.suppliers.northKnit)).toMatchObject(north());
    expect(await supplier(world.users.northOwner, world.suppliers.southLoom)).toMatchObject({
      contactEmail: null,
      contactPhone: null,
      address: null,
    });
  });

  test("admins read every supplier's", async () => {
    expect(await supplier(world.users.admin, world.suppliers.northKnit)).toMatchObject(north());
    expect(await supplier(world.users.admin, world.suppliers.southLoom)).toMatchObject(south());
  });

  test("ciphertext never reaches a client, and a page's contacts come from one statement", async () => {
    api.statements.length = 0;
    const response = await api.graphql(SUPPLIERS, { first: 10 }, await as(world.users.admin));
    expect(JSON.stringify(response.data)).not.toMatch(/enc:v\d:/);
    expect(api.statements.filter((statement) => /supplier_contacts/.test(statement.query))).toHaveLength(1);
  });
});

describe("IDOR and node()", () => {
  const NODE = gql(
    `query Node($id: ID!) { node(id: $id) { id ... on Supplier { companyName contactEmail } } }`,
  );

  test("node() of a supplier the caller may not see is null; of a visible one, without others' contacts", async () => {
    expect(dataOf(await api.graphql(NODE, { id: gid(pendingSupplier) })).node).toBeNull();
    expect(
      dataOf(await api.graphql(NODE, { id: gid(pendingSupplier) }, await as(world.users.buyerB))).node,
    ).toBeNull();
    expect(
      dataOf(await api.graphql(NODE, { id: gid(world.suppliers.northKnit) }, await as(world.users.buyerB)))
        .node,
    ).toEqual({ id: gid(world.suppliers.northKnit), companyName: "North Knit", contactEmail: null });
  });

  test("node() of another user's User is null", async () => {
    const USER = gql(`query Node($id: ID!) { node(id: $id) { id ... on User { email } } }`);
    for (const caller of [world.users.buyerB, null]) {
      const response = await api.graphql(
        USER,
        { id: encodeGlobalID("User", world.users.buyerA.id) },
        await headersOf(caller),
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.node).toBeNull();
    }
  });
});

describe("User.supplier", () => {
  const ME = gql(`{ me { id supplier { id companyName contactEmail } } }`);

  test("a supplier's owner reaches its company from me; a buyer has none", async () => {
    const owner = dataOf(await api.graphql(ME, {}, await as(world.users.northOwner)));
    expect(owner.me.supplier).toEqual({
      id: gid(world.suppliers.northKnit),
      companyName: "North Knit",
      contactEmail: world.contacts.northKnit.contactEmail,
    });
    const pending = dataOf(await api.graphql(ME, {}, await as(pendingOwner)));
    expect(pending.me.supplier?.companyName).toBe("Pending Purl");
    const buyer = dataOf(await api.graphql(ME, {}, await as(world.users.buyerA)));
    expect(buyer.me.supplier).toBeNull();
  });
});
