import fs from "node:fs";
import path from "node:path";
import { lexicographicSortSchema, printSchema } from "graphql";
import { schema } from "../src/schema";

/**
 * Writes schema.graphql at the repository root: the reviewed contract.
 * Sorted, so a diff shows only real changes. CI (.ci/run) fails when the
 * committed file is stale.
 */
export const SCHEMA_FILE = path.resolve(__dirname, "..", "schema.graphql");

export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

if (require.main === module) {
  fs.writeFileSync(SCHEMA_FILE, printedSchema());
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
