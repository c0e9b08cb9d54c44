/**
 * GraphiQL in a real browser: the page loads with no network beyond this
 * server (its assets are bundled, not fetched from a CDN), runs a query
 * against the real API and shows real data. Needs Chromium (Debian's
 * `chromium` package); run with `npm run test:browser`.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { createTestDatabase, withAdminClient, type TestDatabase } from "../helpers/database";
import { type ApiServer, startApiServer } from "../graphql/harness";

const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);

let database: TestDatabase;
let api: ApiServer;
let browser: Browser;

beforeAll(async () => {
  if (!CHROMIUM) throw new Error("Chromium not found: install Debian's chromium or set CHROMIUM_PATH");
  database = await createTestDatabase();
  await withAdminClient(database.adminUrl, async (client) => {
    await client.query(`
      insert into suppliers (id, company_name, country, verification_status)
      values ('00000000-0000-4000-8000-00000000a001', 'Hanoi Knitwear Co.', 'VN', 'verified');
      insert into marketplace_products (supplier_id, product_type, title, category, slug, base_price, stock_quantity, status)
      values ('00000000-0000-4000-8000-00000000a001', 'sweater', 'Cable-knit Merino Cardigan', 'knitwear',
              'cable-knit-merino-cardigan', 42.00, 120, 'approved');`);
  });
  api = await startApiServer(database);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await database?.drop();
});

test("GraphiQL loads offline and runs a query against the API", async () => {
  const page = await browser.newPage();
  const { origin } = new URL(api.url);
  const foreignRequests: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));

  const query = "{ marketplaceProducts(first: 5) { totalCount edges { node { title finalPrice } } } }";
  await page.goto(`${origin}/graphql?query=${encodeURIComponent(query)}`);
  await page.locator(".graphiql-execute-button").click({ timeout: 30_000 });
  // The response pane is an editor: read what it renders (spaces are non-breaking there).
  const response = page.locator(".graphiql-response");
  await page.waitForFunction(
    () =>
      document
        .querySelector(".graphiql-response")
        ?.textContent?.replace(/\s+/g, " ")
        .includes("Cable-knit Merino Cardigan"),
    undefined,
    { timeout: 30_000 },
  );
  const text = (await response.innerText()).replace(/\s+/g, " ");
  expect(text).toContain('"finalPrice": "46.20"');
  expect(text).toContain('"totalCount": 1');
  await page.screenshot({ path: ".data/graphiql.png" });
  expect(foreignRequests).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 90_000);
