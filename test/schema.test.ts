import fs from "node:fs";
import { SCHEMA_FILE, printedSchema } from "../scripts/print-schema";

/**
 * schema.graphql is the reviewed contract: it must be what the code builds.
 */
test("schema.graphql is current", () => {
  const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, "utf8") : "";
  if (committed !== printedSchema()) {
    throw new Error("schema.graphql is stale: run `npm run schema:print` and commit the result.");
  }
});
