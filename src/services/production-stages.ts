/**
 * The eight production stages of DOMAIN.md, in order: stage n is
 * STAGE_NAMES[n - 1]. The database spells the same list in
 * app_private.stage_name() (migration 005), which names the stages it creates.
 */
export const STAGE_NAMES = [
  "Yarn sourcing",
  "Knitting",
  "Linking",
  "Washing",
  "Finishing and trims",
  "Quality inspection",
  "Packing",
  "Shipment",
] as const;
