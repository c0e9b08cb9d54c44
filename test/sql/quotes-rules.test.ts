/**
 * Quotes in SQL as the request roles (migration 013): the database owns the
 * estimate and the status, and the assigned supplier never reads the
 * customer's contact. The security review's attacks (issue 9), replayed.
 */
import type { Client } from "pg";
import { createTestDatabase, withAdminClient, withRole, type TestDatabase } from "../helpers/database";

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const U = { buyer: id(0xa1), supplier: id(0xc1), admin: id(0xe1) } as const;
const S = { A: id(0x5a) } as const;
const Q = { sent: id(0x4a1), converted: id(0x4a2), order: id(0x2a1) } as const;

const user = (sub: string, roles: string[]) => ({ sub, role: "authenticated", roles });
const CLAIMS = {
  buyer: user(U.buyer, ["buyer"]),
  supplier: user(U.supplier, ["supplier"]),
  admin: user(U.admin, ["admin"]),
} as const;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await withAdminClient(database.adminUrl, (client) =>
    client.query(`
      insert into users (id, email) values
        ('${U.buyer}', 'buyer@example.com'), ('${U.supplier}', 'supplier@example.com'), ('${U.admin}', 'admin@example.com');
      insert into user_roles (user_id, role) values
        ('${U.buyer}', 'buyer'), ('${U.supplier}', 'supplier'), ('${U.admin}', 'admin');
      insert into suppliers (id, user_id, company_name, country, verification_status)
        values ('${S.A}', '${U.supplier}', 'Knit A', 'PT', 'verified');
      insert into quotes (id, customer_email, phone_number, requested_by, product_type, quantity, assigned_supplier_id, status)
        values ('${Q.sent}', 'buyer@example.com', '+351 555 0101', '${U.buyer}', 'sweater', 200, '${S.A}', 'sent');
      insert into orders (id, buyer_id, product_type, quantity, status) values ('${Q.order}', '${U.buyer}', 'sweater', 100, 'submitted');
      insert into quotes (id, customer_email, requested_by, product_type, quantity, status, converted_to_order_id)
        values ('${Q.converted}', 'buyer@example.com', '${U.buyer}', 'sweater', 100, 'converted', '${Q.order}');
    `),
  );
});

afterAll(() => database.drop());

const as = <T>(who: keyof typeof CLAIMS | "anonymous", fn: (client: Client) => Promise<T>) =>
  who === "anonymous"
    ? withRole(database.apiUrl, "anonymous", null, fn)
    : withRole(database.apiUrl, "authenticated", CLAIMS[who], fn);

async function failure(client: Client, sql: string, params: unknown[] = []) {
  // In a savepoint: one refusal leaves the transaction usable for the next.
  await client.query("savepoint failure");
  try {
    await client.query(sql, params);
  } catch (error) {
    await client.query("rollback to savepoint failure");
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  await client.query("release savepoint failure");
  return null;
}

describe("the estimate is the database's", () => {
  test.each(["anonymous", "buyer"] as const)("%s cannot insert a priced or sent quote", async (who) => {
    await as(who, async (client) => {
      for (const column of ["total_price", "status", "quote_data", "base_cost"]) {
        const value = column === "status" ? "'sent'" : column === "quote_data" ? "'{}'" : "1.00";
        const me = who === "buyer" ? `'${U.buyer}'` : "null";
        expect(
          await failure(
            client,
            `insert into quotes (customer_email, product_type, quantity, requested_by, ${column})
             values ('q@example.com', 'sweater', 50, ${me}, ${value})`,
          ),
        ).toMatchObject({ code: "42501", message: expect.stringMatching(/permission denied/) });
      }
    });
  });

  test("a quote a request inserts is priced by the model, whatever the request", async () => {
    await as("buyer", async (client) => {
      await client.query(
        `insert into quotes (id, customer_email, product_type, quantity, requested_by, country)
         values ('${id(0x777)}', 'q@example.com', 'sweater', 500, '${U.buyer}', 'US')`,
      );
      const { rows } = await client.query(
        `select p.total_price, e.total_price as estimate, q.status
           from quotes q, app.quote_pricing(array[q.id]) p,
                app.quote_estimate('sweater', 500, 'moderate', null, 'standard', 'US') e
          where q.id = '${id(0x777)}'`,
      );
      expect(rows).toEqual([{ total_price: rows[0].estimate, estimate: rows[0].estimate, status: "draft" }]);
      expect(Number(rows[0].estimate)).toBeGreaterThan(0);
    });
  });

  test("app.request_quote stores a draft priced by the model for an anonymous visitor", async () => {
    await as("anonymous", async (client) => {
      const { rows } = await client.query(
        `select status, total_price, estimated_delivery_days from app.request_quote(
           gen_random_uuid(), 'v@example.com', 'V', null, 'DE', 's-1', 'beanie', 1000, 'simple', 'wool', null)`,
      );
      const { rows: estimate } = await client.query(
        "select total_price, estimated_delivery_days from app.quote_estimate('beanie', 1000, 'simple', 'wool', 'standard', 'DE')",
      );
      expect(rows).toEqual([{ status: "draft", ...estimate[0] }]);
    });
  });

  test("nobody in a request updates the estimate columns, admins included", async () => {
    for (const who of ["buyer", "admin"] as const) {
      await as(who, async (client) => {
        expect(
          await failure(client, `update quotes set total_price = 1.00 where id = '${Q.sent}'`),
        ).toMatchObject({ code: "42501" });
      });
    }
  });

  test("the admin's markup moves the total by the markup, priced again by the database", async () => {
    await as("admin", async (client) => {
      await client.query(`update quotes set admin_markup = 150 where id = '${Q.sent}'`);
      const { rows } = await client.query(
        `select p.total_price - e.total_price as markup
           from app.quote_pricing(array['${Q.sent}'::uuid]) p,
                app.quote_estimate('sweater', 200, 'moderate', null, 'standard', null) e`,
      );
      expect(rows).toEqual([{ markup: "150.00" }]);
    });
  });
});

describe("status transitions", () => {
  test("the buyer accepts a sent quote", async () => {
    await as("buyer", async (client) => {
      const result = await client.query(`update quotes set status = 'accepted' where id = '${Q.sent}'`);
      expect(result.rowCount).toBe(1);
    });
  });

  test("a converted quote does not go back to accepted, for the buyer or an admin", async () => {
    await as("buyer", async (client) => {
      expect(
        await failure(client, `update quotes set status = 'accepted' where id = '${Q.converted}'`),
      ).toMatchObject({
        code: "LLTRN",
        message: "quote cannot go from converted to accepted; allowed from converted: none",
      });
    });
    await as("admin", async (client) => {
      expect(
        await failure(client, `update quotes set status = 'sent' where id = '${Q.converted}'`),
      ).toMatchObject({ code: "LLTRN" });
    });
  });

  test("an invalid move names the allowed ones", async () => {
    await as("admin", async (client) => {
      expect(
        await failure(client, `update quotes set status = 'draft' where id = '${Q.sent}'`),
      ).toMatchObject({
        code: "LLTRN",
        message:
          "quote cannot go from sent to draft; allowed from sent: accepted, rejected, expired, converted",
      });
    });
  });

  test("the buyer cannot mark a quote converted, nor an admin without its order", async () => {
    await as("buyer", async (client) => {
      expect(
        await failure(client, `update quotes set status = 'converted' where id = '${Q.sent}'`),
      ).toMatchObject({ code: "42501" });
    });
    await as("admin", async (client) => {
      expect(
        await failure(client, `update quotes set status = 'converted' where id = '${Q.sent}'`),
      ).toMatchObject({ code: "LLRUL" });
    });
  });

  test("convert_quote_to_order: admins only; once", async () => {
    await as("buyer", async (client) => {
      expect(await failure(client, `select app.convert_quote_to_order('${Q.sent}', null)`)).toMatchObject({
        code: "42501",
      });
    });
    await as("admin", async (client) => {
      const { rows } = await client.query<{ order_id: string }>(
        `select app.convert_quote_to_order('${Q.sent}', null) as order_id`,
      );
      const { rows: order } = await client.query(
        `select o.quote_id, o.status, o.quantity,
                (select sum(line_total) from order_items i where i.order_id = o.id) = a.total_amount as consistent
           from orders o, app.order_amounts(array[o.id]) a where o.id = $1`,
        [rows[0]!.order_id],
      );
      expect(order).toEqual([{ quote_id: Q.sent, status: "submitted", quantity: 200, consistent: true }]);
      expect(await failure(client, `select app.convert_quote_to_order('${Q.sent}', null)`)).toMatchObject({
        code: "LLTRN",
        message: "quote was already converted to an order",
      });
    });
  });
});

describe("the assigned supplier and the customer's contact", () => {
  test("the supplier sees its assigned quote but not the email or phone", async () => {
    await as("supplier", async (client) => {
      const { rows } = await client.query(`select id from quotes where id = '${Q.sent}'`);
      expect(rows).toHaveLength(1);
      for (const column of ["customer_email", "phone_number"]) {
        expect(await failure(client, `select ${column} from quotes`)).toMatchObject({ code: "42501" });
      }
      const { rows: contacts } = await client.query(
        `select * from app.quote_contacts(array['${Q.sent}'::uuid])`,
      );
      expect(contacts).toEqual([]);
    });
  });

  test("the sales notes and the visitor's session are admins' only (app.quote_leads)", async () => {
    for (const who of ["buyer", "supplier"] as const) {
      await as(who, async (client) => {
        for (const column of ["lead_notes", "session_id"]) {
          expect(await failure(client, `select ${column} from quotes`)).toMatchObject({ code: "42501" });
        }
        const { rows } = await client.query(`select * from app.quote_leads(array['${Q.sent}'::uuid])`);
        expect(rows).toEqual([]);
      });
    }
    await as("admin", async (client) => {
      const { rows } = await client.query(`select quote_id from app.quote_leads(array['${Q.sent}'::uuid])`);
      expect(rows).toEqual([{ quote_id: Q.sent }]);
    });
  });

  test("the requester and admins read the contact through app.quote_contacts", async () => {
    for (const who of ["buyer", "admin"] as const) {
      await as(who, async (client) => {
        const { rows } = await client.query(
          `select customer_email, phone_number from app.quote_contacts(array['${Q.sent}'::uuid])`,
        );
        expect(rows).toEqual([{ customer_email: "buyer@example.com", phone_number: "+351 555 0101" }]);
      });
    }
  });
});
