/**
 * The database owns the money and the holds (migration 014; issue 9, item
 * 7), in SQL as the request roles (withRole: loomline_api -> authenticated
 * with signed claims): the security review's buyer could insert an order at
 * total 0.01 and a line at 0.01 for a 96.12 listing, take every listing to
 * sold_out with holds, and expired holds were never released.
 */
import type { Client } from "pg";
import { createTestDatabase, withAdminClient, withRole, type TestDatabase } from "../helpers/database";

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const U = { buyer: id(0xa1), other: id(0xb1), owner: id(0xc1), admin: id(0xe1) } as const;
const S = id(0x5a);
const L = { shirt: id(0x1a1), cap: id(0x1a2) } as const;
const claims = (sub: string, roles: string[]) => ({ sub, role: "authenticated", roles });
const BUYER = claims(U.buyer, ["buyer"]);
const ADMIN = claims(U.admin, ["admin"]);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await withAdminClient(db.adminUrl, async (client) => {
    await client.query(`
      insert into users (id, email) values ('${U.buyer}', 'm-buyer@example.com'), ('${U.other}', 'm-other@example.com'),
        ('${U.owner}', 'm-owner@example.com'), ('${U.admin}', 'm-admin@example.com');
      insert into user_roles (user_id, role) values ('${U.buyer}', 'buyer'), ('${U.other}', 'buyer'),
        ('${U.owner}', 'supplier'), ('${U.admin}', 'admin');
      insert into suppliers (id, user_id, company_name, country, verification_status, can_list_products)
        values ('${S}', '${U.owner}', 'Money Knit', 'PT', 'verified', true);
      -- 87.38 + 10% fee (8.74) = 96.12
      insert into marketplace_products (id, supplier_id, product_type, title, category, slug, base_price, stock_quantity, status)
        values ('${L.shirt}', '${S}', 'shirt', 'Shirt', 'tops', 'money-shirt', 87.38, 10, 'approved'),
               ('${L.cap}', '${S}', 'cap', 'Cap', 'tops', 'money-cap', 5, 3, 'approved');`);
  });
});

afterAll(async () => {
  await db?.drop();
});

const asBuyer = <T>(fn: (client: Client) => Promise<T>) => withRole(db.apiUrl, "authenticated", BUYER, fn);

async function newOrder(client: Client, quantity = 1): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `insert into orders (buyer_id, product_type, quantity, status) values ($1, 'shirt', $2, 'submitted') returning id`,
    [U.buyer, quantity],
  );
  return rows[0]!.id;
}

async function errorOf(
  client: Client,
  sql: string,
  params: unknown[] = [],
): Promise<{ code?: string } | null> {
  await client.query("savepoint probe");
  try {
    await client.query(sql, params);
    await client.query("release savepoint probe");
    return null;
  } catch (error) {
    await client.query("rollback to savepoint probe");
    return error as { code?: string };
  }
}

describe("order totals and prices", () => {
  test("a buyer cannot write an order's total: refused outright", async () => {
    await asBuyer(async (client) => {
      const error = await errorOf(
        client,
        `insert into orders (buyer_id, product_type, quantity, status, total_amount) values ($1, 'shirt', 1, 'submitted', 0.01)`,
        [U.buyer],
      );
      expect(error?.code).toBe("42501");
      const order = await newOrder(client);
      expect(
        (await errorOf(client, "update orders set total_amount = 0.01 where id = $1", [order]))?.code,
      ).toBe("42501");
    });
  });

  test("a listing line at unit_price 0.01 for a 96.12 listing is priced 96.12, and the order's total follows its lines", async () => {
    await asBuyer(async (client) => {
      const order = await newOrder(client, 3);
      await client.query(
        `insert into order_items (order_id, marketplace_product_id, description, quantity, unit_price)
         values ($1, $2, 'Shirt', 2, 0.01), ($1, null, 'Custom embroidery', 1, 0.01)`,
        [order, L.shirt],
      );
      const { rows: items } = await client.query<{ unit_price: string; line_total: string }>(
        "select unit_price::text, line_total::text from order_items where order_id = $1 order by description desc",
        [order],
      );
      // The listing line at the listing's price; custom work priced by the platform (0 until an admin prices it).
      expect(items).toEqual([
        { unit_price: "96.12", line_total: "192.24" },
        { unit_price: "0.00", line_total: "0.00" },
      ]);
      const { rows } = await client.query<{ total_amount: string }>(
        "select total_amount::text from app.order_amounts(array[$1]::uuid[])",
        [order],
      );
      expect(rows[0]!.total_amount).toBe("192.24");
    });
  });

  test("an admin prices custom work, a listing line's price never changes; totals follow", async () => {
    await withAdminClient(db.adminUrl, async (owner) => {
      const { rows } = await owner.query<{ id: string }>(
        `insert into orders (buyer_id, product_type, quantity, status) values ($1, 'shirt', 1, 'submitted') returning id`,
        [U.buyer],
      );
      const orderId = rows[0]!.id;
      await owner.query(
        `insert into order_items (order_id, marketplace_product_id, description, quantity, unit_price)
         values ($1, $2, 'Shirt', 1, 96.12), ($1, null, 'Custom', 2, 0)`,
        [orderId, L.shirt],
      );
      await withRole(db.apiUrl, "authenticated", ADMIN, async (client) => {
        await client.query(
          "update order_items set unit_price = 10 where order_id = $1 and marketplace_product_id is null",
          [orderId],
        );
        expect(
          (
            await errorOf(
              client,
              "update order_items set unit_price = 1 where order_id = $1 and marketplace_product_id is not null",
              [orderId],
            )
          )?.code,
        ).toBe("LLRUL");
        const { rows: totals } = await client.query<{ total_amount: string }>(
          "select total_amount::text from app.order_amounts(array[$1]::uuid[])",
          [orderId],
        );
        expect(totals[0]!.total_amount).toBe("116.12");
      });
      await owner.query("delete from orders where id = $1", [orderId]);
    });
  });
});

describe("who moves an order", () => {
  test("a buyer submits, cancels before production and confirms delivery; nothing else", async () => {
    await asBuyer(async (client) => {
      const { rows: allowed } = await client.query<{ buyer: string; admin: string }>(
        "select app.order_transitions('confirmed', false)::text as buyer, app.order_transitions('confirmed', true)::text as admin",
      );
      expect(allowed[0]).toEqual({ buyer: "{cancelled}", admin: "{in_production,cancelled}" });
      const order = await newOrder(client);
      // confirm: admins only (42501), whatever the version.
      expect(
        (await errorOf(client, "update orders set status = 'confirmed' where id = $1", [order]))?.code,
      ).toBe("42501");
    });
    // An order in production: the buyer may not cancel it any more.
    await withAdminClient(db.adminUrl, async (owner) => {
      const { rows } = await owner.query<{ id: string }>(
        `insert into orders (buyer_id, product_type, quantity, status) values ($1, 'shirt', 1, 'in_production') returning id`,
        [U.buyer],
      );
      const orderId = rows[0]!.id;
      await asBuyer(async (client) => {
        expect(
          (await errorOf(client, "update orders set status = 'cancelled' where id = $1", [orderId]))?.code,
        ).toBe("42501");
      });
      await withRole(db.apiUrl, "authenticated", ADMIN, async (client) => {
        await client.query("update orders set status = 'cancelled' where id = $1", [orderId]);
      });
      await owner.query("delete from orders where id = $1", [orderId]);
    });
  });
});

describe("holds", () => {
  const hold = (
    client: Client,
    order: string,
    listing: string,
    quantity: number,
    expires = "now() + interval '30 minutes'",
  ) =>
    errorOf(
      client,
      `insert into stock_reservations (marketplace_product_id, order_id, reserved_by, quantity, expires_at)
       values ($1, $2, $3, $4, ${expires})`,
      [listing, order, U.buyer, quantity],
    );

  test("one buyer's holds cannot take a listing to sold_out beyond its order's lines", async () => {
    await asBuyer(async (client) => {
      const order = await newOrder(client);
      // No line for the cap: no hold at all.
      expect((await hold(client, order, L.cap, 3))?.code).toBe("LLRUL");
      await client.query(
        `insert into order_items (order_id, marketplace_product_id, description, quantity, unit_price)
         values ($1, $2, 'Cap', 1, 0)`,
        [order, L.cap],
      );
      expect(await hold(client, order, L.cap, 1)).toBeNull();
      expect((await hold(client, order, L.cap, 1))?.code).toBe("LLRUL");
      const { rows } = await client.query<{ status: string; available_quantity: number }>(
        "select status::text, available_quantity from marketplace_products where id = $1",
        [L.cap],
      );
      expect(rows[0]).toEqual({ status: "approved", available_quantity: 2 });
    });
  });

  test("expired holds do not count and the sweep releases them", async () => {
    const orderId = await withAdminClient(db.adminUrl, async (owner) => {
      const { rows } = await owner.query<{ id: string }>(
        `insert into orders (buyer_id, product_type, quantity, status) values ($1, 'cap', 3, 'submitted') returning id`,
        [U.buyer],
      );
      const order = rows[0]!.id;
      await owner.query(
        `insert into order_items (order_id, marketplace_product_id, description, quantity, unit_price) values ($1, $2, 'Cap', 3, 5.50)`,
        [order, L.cap],
      );
      // Three held, then their time passes: the listing is sold out meanwhile.
      await owner.query(
        `insert into stock_reservations (marketplace_product_id, order_id, reserved_by, quantity, expires_at)
         values ($1, $2, $3, 3, now() + interval '1 hour')`,
        [L.cap, order, U.buyer],
      );
      const { rows: listing } = await owner.query<{ status: string }>(
        "select status::text from marketplace_products where id = $1",
        [L.cap],
      );
      expect(listing[0]!.status).toBe("sold_out");
      await owner.query(
        "update stock_reservations set expires_at = now() - interval '1 minute' where order_id = $1",
        [order],
      );
      return order;
    });

    // A new hold does not wait for the job: the listing's expired holds are released first.
    await asBuyer(async (client) => {
      expect(await hold(client, orderId, L.cap, 2)).toBeNull();
      const { rows } = await client.query<{ status: string; n: number }>(
        "select status::text, count(*)::int as n from stock_reservations where order_id = $1 group by status order by status",
        [orderId],
      );
      expect(rows).toEqual([
        { status: "held", n: 1 },
        { status: "released", n: 1 },
      ]);
    });

    // The job's sweep releases them too (that request was rolled back).
    await withAdminClient(db.adminUrl, async (owner) => {
      const { rows } = await owner.query<{ released: number }>(
        "select app_private.release_expired_stock_reservations() as released",
      );
      expect(rows[0]!.released).toBe(1);
      const { rows: listing } = await owner.query<{ status: string; reserved_quantity: number }>(
        "select status::text, reserved_quantity from marketplace_products where id = $1",
        [L.cap],
      );
      expect(listing[0]).toEqual({ status: "approved", reserved_quantity: 0 });
      await owner.query("delete from orders where id = $1", [orderId]);
    });
  });

  test("confirming an order commits its holds", async () => {
    await withAdminClient(db.adminUrl, async (owner) => {
      const { rows } = await owner.query<{ id: string }>(
        `insert into orders (buyer_id, product_type, quantity, status) values ($1, 'shirt', 2, 'submitted') returning id`,
        [U.buyer],
      );
      const order = rows[0]!.id;
      await owner.query(
        `insert into order_items (order_id, marketplace_product_id, description, quantity, unit_price) values ($1, $2, 'Shirt', 2, 96.12)`,
        [order, L.shirt],
      );
      await owner.query(
        `insert into stock_reservations (marketplace_product_id, order_id, reserved_by, quantity, expires_at)
         values ($1, $2, $3, 2, now() + interval '1 hour')`,
        [L.shirt, order, U.buyer],
      );
      await withRole(db.apiUrl, "authenticated", ADMIN, async (client) => {
        await client.query("update orders set status = 'confirmed' where id = $1", [order]);
        const { rows: held } = await client.query<{ status: string }>(
          "select status::text from stock_reservations where order_id = $1",
          [order],
        );
        expect(held).toEqual([{ status: "committed" }]);
        const { rows: listing } = await client.query<{ stock_quantity: number; reserved_quantity: number }>(
          "select stock_quantity, reserved_quantity from marketplace_products where id = $1",
          [L.shirt],
        );
        expect(listing[0]).toEqual({ stock_quantity: 8, reserved_quantity: 0 });
      });
      await owner.query("delete from orders where id = $1", [order]);
    });
  });
});
