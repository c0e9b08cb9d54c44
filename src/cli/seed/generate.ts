import { Faker, base, en } from "@faker-js/faker";
import type { FieldCipher } from "../../services/field-encryption";
import { ENCRYPTED_COLUMNS } from "../../services/field-encryption";
import type { BulkLoader } from "./bulk";
import { seedTables, type SeedTables } from "./tables";
import {
  BRAND_SUFFIXES,
  BRAND_WORDS,
  BUSINESS_TYPES,
  BUYER_MARKETS,
  CANCELLATION_REASONS,
  CERTIFICATIONS,
  COLORS,
  DESIGN_TITLES,
  FABRIC_TYPES,
  FEEDBACK_MESSAGES,
  LISTING_REJECTION_REASONS,
  MESSAGE_TEMPLATES,
  PAYMENT_METHODS,
  QUOTE_REQUIREMENTS,
  REJECTION_REASONS,
  SOURCING_COUNTRIES,
  SPECIALIZATIONS,
  STAGE_NOTES,
  SUBCATEGORIES,
  type BuyerMarket,
  type SourcingCountry,
  type Subcategory,
} from "./catalog";
import { STAGE_NAMES } from "../../services/production-stages";
import { Random } from "./random";

/**
 * Generates the seed's rows and hands them to the bulk loader. Everything
 * that depends only on the rows themselves is decided here, so relations are
 * set in one pass (ids are generated client-side); everything the database's
 * triggers derive (stage status, order progress, payment status, reserved
 * stock, sold-out switching, notifications) is recomputed afterwards in
 * set-based SQL by derive.ts, with the triggers' own rules.
 *
 * Time: every timestamp is an offset from `anchor`, the start of the current
 * UTC day, so one seed value gives the same data all day long.
 */

export type SeedScale = "small" | "medium" | "large";

export interface ScaleSettings {
  suppliers: number;
  buyers: number;
  admins: number;
  listings: number;
  orders: number;
  /** Quotes that did not become orders (converted ones come with their orders). */
  openQuotes: number;
  designs: number;
  /** Days of factory_capacity ahead and of capacity_utilization_logs behind, per supplier. */
  capacityDays: number;
  feedback: number;
}

export const SCALES: Record<SeedScale, ScaleSettings> = {
  small: {
    suppliers: 20,
    buyers: 40,
    admins: 2,
    listings: 200,
    orders: 150,
    openQuotes: 100,
    designs: 60,
    capacityDays: 30,
    feedback: 30,
  },
  medium: {
    suppliers: 200,
    buyers: 600,
    admins: 3,
    listings: 5_000,
    orders: 5_000,
    openQuotes: 3_000,
    designs: 1_500,
    capacityDays: 30,
    feedback: 300,
  },
  large: {
    suppliers: 2_000,
    buyers: 6_000,
    admins: 5,
    listings: 100_000,
    orders: 60_000,
    openQuotes: 30_000,
    designs: 12_000,
    capacityDays: 21,
    feedback: 2_000,
  },
};

export const DEMO_PASSWORD = "loomline-demo";
export const DEMO_ACCOUNTS = [
  { email: "admin@loomline.dev", role: "admin" },
  { email: "buyer@loomline.dev", role: "buyer" },
  { email: "supplier@loomline.dev", role: "supplier" },
] as const;

type OrderStatus =
  | "draft"
  | "submitted"
  | "confirmed"
  | "in_production"
  | "quality_check"
  | "shipped"
  | "delivered"
  | "cancelled";
type ListingStatus = "draft" | "pending_approval" | "approved" | "rejected" | "sold_out" | "archived";
type QuoteStatus = "draft" | "sent" | "accepted" | "rejected" | "converted" | "expired";
type LeadStatus = "new" | "contacted" | "hot" | "warm" | "cold" | "lost";
type VerificationStatus = "pending" | "verified" | "rejected" | "suspended";

export const ORDER_STATUSES: readonly OrderStatus[] = [
  "draft",
  "submitted",
  "confirmed",
  "in_production",
  "quality_check",
  "shipped",
  "delivered",
  "cancelled",
];
export const LISTING_STATUSES: readonly ListingStatus[] = [
  "draft",
  "pending_approval",
  "approved",
  "rejected",
  "sold_out",
  "archived",
];
export const QUOTE_STATUSES: readonly QuoteStatus[] = [
  "draft",
  "sent",
  "accepted",
  "rejected",
  "converted",
  "expired",
];
const LEAD_STATUSES: readonly LeadStatus[] = ["new", "contacted", "hot", "warm", "cold", "lost"];

const DAY = 86_400_000;
const HOUR = 3_600_000;

// ------------------------------------------------------------------ rows

interface User {
  id: string;
  email: string;
  name: string;
  company: string | null;
  role: "admin" | "buyer" | "supplier";
  createdAt: Date;
}

interface Buyer extends User {
  market: BuyerMarket;
}

interface Supplier {
  id: string;
  owner: User;
  name: string;
  country: SourcingCountry;
  city: string;
  status: VerificationStatus;
  specializations: string[];
  leadTime: number;
  moq: number;
  capacityMonthly: number;
}

interface Listing {
  id: string;
  supplier: Supplier;
  title: string;
  productType: string;
  subcategory: Subcategory;
  finalCents: number;
  moq: number;
  /** Stock minus held reservations, kept while orders reserve. */
  available: number;
  reservable: boolean;
}

interface StagePlan {
  number: number;
  pct: number;
  delayed: boolean;
  targetDate: string;
  startedAt: Date | null;
  completedAt: Date | null;
}

interface SupplierOrderPlan {
  id: string;
  supplier: Supplier;
  status: "pending" | "accepted" | "rejected" | "cancelled" | "completed";
  acceptance: "pending" | "accepted" | "rejected" | "counter_offered";
  createdAt: Date;
  acceptedAt: Date | null;
  rejectedAt: Date | null;
  quantity: number;
  buyerCents: number;
  targetDate: string;
  stages: StagePlan[];
  /** When stage 6 started and stage 8 completed (for the order's automatic transitions). */
  qualityStartedAt: Date | null;
  shippedAt: Date | null;
}

interface Transition {
  from: OrderStatus | null;
  to: OrderStatus;
  at: Date;
  by: string | null;
  note: string | null;
}

export interface GenerateOptions {
  scale: ScaleSettings;
  seed: number;
  anchor: Date;
  passwordHash: string;
  cipher: FieldCipher;
}

export class SeedGenerator {
  private readonly random: Random;
  private readonly faker: Faker;
  private readonly anchor: number;
  private readonly todayIndex: number;

  private readonly admins: User[] = [];
  private readonly buyers: Buyer[] = [];
  private readonly suppliers: Supplier[] = [];
  private readonly listings: Listing[] = [];
  // Lookups the order generator needs per order; scanning the lists instead
  // is quadratic at the large scale (60,000 orders x 100,000 listings).
  private readonly listingsBySupplier = new Map<Supplier, Listing[]>();
  private readonly supplierById = new Map<string, Supplier>();
  private verified: Supplier[] = [];
  private readonly designsByOwner = new Map<string, string[]>();
  private slugCounter = 0;

  private readonly w: SeedTables;

  constructor(
    private readonly loader: BulkLoader,
    private readonly options: GenerateOptions,
  ) {
    this.random = new Random(options.seed);
    this.faker = new Faker({ locale: [en, base] });
    this.faker.seed(options.seed);
    this.anchor = options.anchor.getTime();
    this.todayIndex = Math.floor(this.anchor / DAY);
    this.w = seedTables(loader);
  }

  async run(): Promise<void> {
    await this.people();
    await this.supplyCompanies();
    await this.catalogue();
    await this.capacity();
    await this.marketplace();
    await this.designs();
    await this.orders();
    await this.openQuotes();
    await this.savedSearches();
    await this.feedback();
  }
  // -------------------------------------------------------------- people

  private async people(): Promise<void> {
    const { scale } = this.options;
    for (let i = 0; i < scale.admins; i++) {
      const name = i === 0 ? "Ada Okafor" : this.faker.person.fullName();
      const email = i === 0 ? DEMO_ACCOUNTS[0].email : `${emailLocal(name)}${i}@loomline.dev`;
      const user = this.user(email, name, "Loomline", "admin", this.daysAgo(this.random.int(400, 700)));
      this.admins.push(user);
      await this.account(user, "+44 20 7946 0" + String(100 + i).slice(-3), "Europe/London", "en-GB");
    }
    for (let i = 0; i < scale.buyers; i++) {
      const market =
        i === 0 ? BUYER_MARKETS[0]! : this.random.weighted(BUYER_MARKETS.map((m) => [m, m.weight] as const));
      const name =
        i === 0
          ? "Emily Carter"
          : market.locale.startsWith("en") && this.random.chance(0.7)
            ? this.faker.person.fullName()
            : this.random.pick(market.people);
      const brand =
        i === 0
          ? "Northbound Apparel"
          : `${this.random.pick(BRAND_WORDS)} ${this.random.pick(BRAND_SUFFIXES)}`;
      const email = i === 0 ? DEMO_ACCOUNTS[1].email : `${emailLocal(name)}${i}@${slugify(brand)}.example`;
      const user: Buyer = {
        ...this.user(email, name, brand, "buyer", this.daysAgo(this.random.int(30, 720))),
        market,
      };
      this.buyers.push(user);
      await this.account(
        user,
        `${market.dial} ${this.digits(3)} ${this.digits(3)} ${this.digits(4)}`,
        market.timezone,
        market.locale,
      );
    }
  }

  private user(
    email: string,
    name: string,
    company: string | null,
    role: User["role"],
    createdAt: Date,
  ): User {
    return { id: this.random.uuid(), email, name, company, role, createdAt };
  }

  /** users + profiles + user_roles + user_preferences for one person. */
  private async account(user: User, phone: string, timezone: string, locale: string): Promise<void> {
    const created = user.createdAt;
    const demo = user.email.endsWith("@loomline.dev") && DEMO_ACCOUNTS.some((a) => a.email === user.email);
    const lastSignIn = this.random.chance(0.85) ? this.between(created, this.anchor) : null;
    await this.w.users.add({
      id: user.id,
      email: user.email,
      // One hash of the demo password for every account: scrypt is slow on
      // purpose, and a seed's users are all demo users anyway.
      password_hash: this.options.passwordHash,
      email_verified_at: demo || this.random.chance(0.92) ? new Date(created.getTime() + HOUR) : null,
      last_sign_in_at: lastSignIn,
      disabled_at: !demo && this.random.chance(0.01) ? this.between(created, this.anchor) : null,
      created_at: created,
      updated_at: lastSignIn ?? created,
    });
    await this.w.profiles.add({
      id: user.id,
      full_name: user.name,
      company_name: user.company,
      phone,
      avatar_url: this.random.chance(0.6) ? `https://i.pravatar.cc/300?u=${user.id}` : null,
      timezone,
      created_at: created,
      updated_at: created,
    });
    await this.w.userRoles.add({
      id: this.random.uuid(),
      user_id: user.id,
      role: user.role,
      created_at: created,
      updated_at: created,
    });
    await this.w.preferences.add({
      id: this.random.uuid(),
      user_id: user.id,
      locale,
      notification_settings: this.random.pick([
        {
          email: ["order_status", "message"],
          inApp: ["order_status", "stage_update", "message", "quote", "listing", "system"],
        },
        {
          email: ["order_status", "stage_update", "message", "quote"],
          inApp: ["order_status", "stage_update", "message", "quote", "listing", "system"],
        },
        { email: [], inApp: ["order_status", "message", "system"], digest: "daily" },
      ]),
      created_at: created,
      updated_at: created,
    });
  }

  // ----------------------------------------------------------- suppliers

  private async supplyCompanies(): Promise<void> {
    const { scale, cipher } = this.options;
    const byCode = new Map(SOURCING_COUNTRIES.map((country) => [country.code, country]));
    // Named fixtures first: the demo supplier and the Unicode edge cases the
    // tests and the demo look for. The rest are drawn by country weight.
    const fixtures: { country: string; company: string; person: string; city: string; email?: string }[] = [
      {
        country: "TR",
        company: "Çağlar Tekstil A.Ş.",
        person: "Çağlar Yılmaz",
        city: "Istanbul",
        email: DEMO_ACCOUNTS[2].email,
      },
      { country: "CN", company: "上海针织有限公司", person: "王伟", city: "Shanghai" },
      { country: "DK", company: "Ørsted Knit ApS", person: "Søren Østergaard", city: "Herning" },
      {
        country: "VN",
        company: "Công ty TNHH Dệt Kim Phú Thịnh",
        person: "Nguyễn Thị Hương",
        city: "Ho Chi Minh City",
      },
    ];
    const weights = SOURCING_COUNTRIES.map((country) => [country, country.weight] as const);
    const uncommon: VerificationStatus[] = ["pending", "rejected", "suspended"];

    for (let i = 0; i < scale.suppliers; i++) {
      const fixture = fixtures[i];
      const country = fixture ? byCode.get(fixture.country)! : this.random.weighted(weights);
      const company =
        fixture?.company ??
        this.random.pick(country.companyPatterns).replace("{name}", this.random.pick(country.companyWords));
      const person = fixture?.person ?? this.random.pick(country.people);
      const city = fixture?.city ?? this.random.pick(country.cities);
      const domain = `${slugify(company) || `${country.code.toLowerCase()}-mill`}-${i}.example`;
      const owner = this.user(
        fixture?.email ?? `${emailLocal(person)}${i}@${domain}`,
        person,
        company,
        "supplier",
        this.daysAgo(this.random.int(60, 900)),
      );
      await this.account(
        owner,
        `${country.dial} ${this.digits(3)} ${this.digits(3)} ${this.digits(4)}`,
        country.timezone,
        country.locale,
      );

      // Every status appears even at the smallest scale; most suppliers are verified.
      const status: VerificationStatus =
        i < fixtures.length
          ? "verified"
          : i < fixtures.length + uncommon.length
            ? uncommon[i - fixtures.length]!
            : this.random.weighted([
                ["verified", 75],
                ["pending", 12],
                ["rejected", 6],
                ["suspended", 7],
              ] as const);
      const specializations = uniq([
        ...this.random.sample(country.strengths, this.random.int(1, 3)),
        ...(this.random.chance(0.4) ? this.random.sample(SPECIALIZATIONS, this.random.int(1, 2)) : []),
      ]);
      const capacityMonthly = this.random.int(8, 400) * 500;
      const supplier: Supplier = {
        id: this.random.uuid(),
        owner,
        name: company,
        country,
        city,
        status,
        specializations,
        leadTime: this.random.int(21, 75),
        moq: this.random.pick([50, 100, 150, 200, 300, 500, 1000]),
        capacityMonthly,
      };
      this.suppliers.push(supplier);
      this.supplierById.set(supplier.id, supplier);
      const verified = status === "verified";
      await this.w.suppliers.add({
        id: supplier.id,
        user_id: owner.id,
        company_name: company,
        business_type: this.random.pick(BUSINESS_TYPES),
        country: country.code,
        city,
        // Sensitive columns are encrypted by the application, each bound to its column and row.
        address: cipher.encrypt(
          `${this.random.pick(country.streets)}, ${city}, ${country.code}`,
          ENCRYPTED_COLUMNS.supplierAddress,
          supplier.id,
        ),
        contact_email: cipher.encrypt(`sales@${domain}`, ENCRYPTED_COLUMNS.supplierContactEmail, supplier.id),
        contact_phone: cipher.encrypt(
          `${country.dial} ${this.digits(2)} ${this.digits(4)} ${this.digits(4)}`,
          ENCRYPTED_COLUMNS.supplierContactPhone,
          supplier.id,
        ),
        production_capacity_monthly: capacityMonthly,
        minimum_order_quantity: supplier.moq,
        lead_time_days: supplier.leadTime,
        specializations,
        verification_status: status,
        tier:
          i === 0
            ? "gold"
            : verified
              ? this.random.weighted([
                  ["standard", 50],
                  ["silver", 28],
                  ["gold", 16],
                  ["platinum", 6],
                ] as const)
              : "standard",
        rating: verified
          ? this.random.float(3.4, 5, 2)
          : status === "pending"
            ? 0
            : this.random.float(1.5, 3.8, 2),
        on_time_delivery_rate: verified ? this.random.float(72, 99.5, 2) : this.random.float(40, 85, 2),
        can_list_products: verified,
        created_at: owner.createdAt,
        updated_at: owner.createdAt,
      });
    }
  }

  private async catalogue(): Promise<void> {
    for (const supplier of this.suppliers) {
      const count = this.random.int(3, 8);
      for (let i = 0; i < count; i++) {
        const sub = this.subcategoryFor(supplier);
        const material = this.random.pick(sub.materials);
        const created = this.between(supplier.owner.createdAt, this.anchor);
        await this.w.products.add({
          id: this.random.uuid(),
          supplier_id: supplier.id,
          name: `${this.random.pick(sub.styleWords)} ${material.material.toLowerCase()} ${this.random.pick(sub.nouns)}`,
          category: sub.category,
          description: `${material.composition}, ${this.random.int(sub.gsm[0], sub.gsm[1])} gsm. Developed for private label, sampled in 10 working days.`,
          base_price: cents(this.priceCents(sub, material.priceFactor) * 0.9),
          featured: this.random.chance(0.15),
          minimum_order: Math.max(supplier.moq, this.random.int(sub.moq[0], sub.moq[1])),
          available_colors: this.random.sample(COLORS, this.random.int(3, 10)),
          available_sizes: [...sub.sizes],
          lead_time_days: supplier.leadTime + this.random.int(-7, 14),
          created_at: created,
          updated_at: created,
        });
      }
    }
  }

  private async capacity(): Promise<void> {
    const days = this.options.scale.capacityDays;
    const created = new Date(this.anchor - 7 * DAY);
    for (const supplier of this.suppliers) {
      if (supplier.status === "rejected") continue;
      const daily = Math.max(1, Math.round(supplier.capacityMonthly / 26));
      const load = this.random.float(0.35, 0.95, 2);
      for (let d = 0; d < days; d++) {
        const capacityUnits = new Date(this.anchor + d * DAY).getUTCDay() === 0 ? 0 : daily; // Sundays off
        // Near days are booked up, far ones are still open.
        const booked = Math.min(
          capacityUnits,
          Math.round(
            capacityUnits * load * Math.max(0.1, 1 - d / (days * 1.2)) * this.random.float(0.8, 1.15),
          ),
        );
        await this.w.capacity.add({
          id: this.random.uuid(),
          supplier_id: supplier.id,
          date: this.dateOf(d),
          capacity_units: capacityUnits,
          booked_units: booked,
          created_at: created,
          updated_at: created,
        });
      }
      for (let d = 1; d <= days; d++) {
        const pct = Math.min(100, Math.max(0, load * 100 + this.random.float(-25, 20, 2)));
        const at = new Date(this.anchor - d * DAY + 20 * HOUR);
        await this.w.utilization.add({
          id: this.random.uuid(),
          supplier_id: supplier.id,
          date: this.dateOf(-d),
          utilization_pct: pct.toFixed(2),
          note:
            pct > 95 ? "Running overtime on knitting" : pct < 30 ? "Machines idle waiting for yarn" : null,
          created_at: at,
          updated_at: at,
        });
      }
    }
  }

  // --------------------------------------------------------- marketplace

  private async marketplace(): Promise<void> {
    const { scale } = this.options;
    const listers = this.suppliers.filter((s) => s.status === "verified");
    const pending = this.suppliers.filter((s) => s.status === "pending");
    const demoSupplier = this.suppliers[0]!;
    // The first listings belong to the demo supplier and cover every status
    // (sold_out through a listing with no stock, which derive.ts switches).
    const covering: (ListingStatus | "zero_stock")[] = [
      "approved",
      "pending_approval",
      "draft",
      "rejected",
      "archived",
      "zero_stock",
    ];

    for (let i = 0; i < scale.listings; i++) {
      const fromPending = pending.length > 0 && this.random.chance(0.03);
      const supplier =
        i < covering.length * 2
          ? demoSupplier
          : fromPending
            ? this.random.pick(pending)
            : this.random.pick(listers);
      const plan: ListingStatus | "zero_stock" =
        i < covering.length
          ? covering[i]!
          : fromPending
            ? this.random.pick(["draft", "pending_approval"] as const)
            : this.random.weighted([
                ["approved", 72],
                ["pending_approval", 7],
                ["draft", 6],
                ["rejected", 4],
                ["archived", 5],
                ["zero_stock", 6],
              ] as const);
      await this.listing(supplier, plan);
    }
  }

  private async listing(supplier: Supplier, plan: ListingStatus | "zero_stock"): Promise<void> {
    const sub = this.subcategoryFor(supplier);
    const material = this.random.pick(sub.materials);
    const noun = this.random.pick(sub.nouns);
    const style = this.random.pick(sub.styleWords);
    const title = `${style} ${material.material.toLowerCase()} ${noun}`;
    const slug = `${slugify(title).slice(0, 120)}-${(++this.slugCounter).toString(36)}`;
    const baseCents = this.priceCents(sub, material.priceFactor);
    const feePct = this.random.weighted([
      [10, 80],
      [8, 8],
      [12.5, 7],
      [15, 5],
    ] as const);
    const finalCents = baseCents + Math.round((baseCents * feePct) / 100);
    const moq = Math.max(1, Math.round(this.random.int(sub.moq[0], sub.moq[1]) / 10) * 10);
    const status: ListingStatus = plan === "zero_stock" ? "approved" : plan;
    const stock = plan === "zero_stock" ? 0 : this.random.int(2, 40) * moq;
    const gsm = this.random.int(sub.gsm[0], sub.gsm[1]);
    const colors = this.random.sample(COLORS, this.random.int(2, 6));
    const sizes = sub.sizes.length > 3 && this.random.chance(0.3) ? sub.sizes.slice(1, -1) : [...sub.sizes];
    const created = this.between(supplier.owner.createdAt, this.anchor - 2 * DAY);
    const reviewed = status !== "draft" && status !== "pending_approval";
    const approved = status === "approved" || status === "archived";
    const approvalDate = approved ? this.between(created, this.anchor - DAY) : null;
    const featured = status === "approved" && stock > 0 && this.random.chance(0.05);
    const imageCount = this.random.int(2, 5);
    const images = Array.from(
      { length: imageCount },
      (_, n) => `https://picsum.photos/seed/${slug}-${n + 1}/800/1000`,
    );
    const attributes: Record<string, unknown> = { color: colors[0], origin: supplier.country.code };
    for (const [key, values] of Object.entries(sub.attributes)) attributes[key] = this.random.pick(values);
    if (this.random.chance(0.6))
      attributes.certifications = this.random.sample(CERTIFICATIONS, this.random.int(1, 3));
    const description =
      `${style} ${noun} in ${material.composition}, ${gsm} gsm. ` +
      `Knitted and finished by ${supplier.name} in ${supplier.city}. ` +
      `Ready stock in ${colors.length} colours; private labels and hangtags available on request.`;
    const sales = approved ? this.random.int(0, 30) * moq : 0;

    this.listings.push({
      id: this.random.uuid(),
      supplier,
      title,
      productType: sub.productType,
      subcategory: sub,
      finalCents,
      moq,
      available: stock,
      reservable: status === "approved" && stock > 0,
    });
    const listing = this.listings[this.listings.length - 1]!;
    const own = this.listingsBySupplier.get(supplier) ?? [];
    own.push(listing);
    this.listingsBySupplier.set(supplier, own);
    await this.w.listings.add({
      id: listing.id,
      supplier_id: supplier.id,
      product_type: sub.productType,
      title,
      description,
      category: sub.category,
      subcategory: sub.subcategory,
      slug,
      base_price: cents(baseCents),
      platform_fee_percentage: feePct.toFixed(2),
      stock_quantity: stock,
      moq,
      unit: sub.productType === "socks" ? "pairs" : "pieces",
      images,
      primary_image: images[0]!,
      video_url: this.random.chance(0.08) ? `https://videos.loomline.dev/listings/${slug}.mp4` : null,
      sizes,
      colors,
      material: material.material,
      gsm,
      fabric_composition: material.composition,
      attributes,
      lead_time_days: this.random.int(3, 21),
      shipping_from: `${supplier.city}, ${supplier.country.code}`,
      shipping_weight_kg: this.random.float(sub.weightKg[0], sub.weightKg[1], 3).toFixed(3),
      status,
      rejection_reason: status === "rejected" ? this.random.pick(LISTING_REJECTION_REASONS) : null,
      admin_feedback:
        reviewed && this.random.chance(0.3)
          ? "Great photos. Please add the care instructions to the description."
          : null,
      quality_score: reviewed
        ? this.random.int(status === "rejected" ? 20 : 60, status === "rejected" ? 55 : 98)
        : null,
      approval_date: approvalDate,
      approved_by: approved ? this.random.pick(this.admins).id : null,
      views: approved ? this.random.int(20, 5000) : 0,
      inquiries: approved ? this.random.int(0, 60) : 0,
      sales,
      rating: approved && sales > 0 ? this.random.float(3.5, 5, 2) : null,
      meta_keywords: uniq([sub.subcategory, material.material.toLowerCase(), sub.category, sub.productType]),
      meta_description: description.slice(0, 155),
      is_featured: featured,
      featured_until: featured ? new Date(this.anchor + this.random.int(3, 30) * DAY) : null,
      published_at: approvalDate,
      created_at: created,
      updated_at: approvalDate ?? created,
    });
  }

  // -------------------------------------------------------------- designs

  private async designs(): Promise<void> {
    const { scale } = this.options;
    for (let i = 0; i < scale.designs; i++) {
      const owner = i < 3 ? this.buyers[0]! : this.random.pick(this.buyers);
      const id = this.random.uuid();
      const created = this.between(owner.createdAt, this.anchor - DAY);
      const title = `${this.random.pick(DESIGN_TITLES)} ${this.random.int(24, 27)}`;
      await this.w.designs.add({
        id,
        owner_id: owner.id,
        title,
        description: `Tech pack and artwork for ${title.toLowerCase()}.`,
        customization: {
          colorways: this.random.sample(COLORS, this.random.int(1, 4)),
          fabric: this.random.pick(FABRIC_TYPES),
          logo: this.random.pick(["embroidered chest logo", "woven neck label", "jacquard pattern", "none"]),
          sizeRange: this.random.pick(["XS-XL", "S-XXL", "2Y-12Y"]),
        },
        image_urls: [`https://picsum.photos/seed/design-${id.slice(0, 8)}/1000/1000`],
        is_public: this.random.chance(0.2),
        created_at: created,
        updated_at: created,
      });
      const list = this.designsByOwner.get(owner.id) ?? [];
      list.push(id);
      this.designsByOwner.set(owner.id, list);
    }
  }

  // --------------------------------------------------------------- orders

  private async orders(): Promise<void> {
    const { scale } = this.options;
    this.verified = this.suppliers.filter((s) => s.status === "verified");
    const plans: OrderPlan[] = [];
    for (let i = 0; i < scale.orders; i++) {
      // The demo buyer's first orders cover every status.
      const status: OrderStatus =
        i < ORDER_STATUSES.length
          ? ORDER_STATUSES[i]!
          : this.random.weighted([
              ["draft", 4],
              ["submitted", 6],
              ["confirmed", 8],
              ["in_production", 25],
              ["quality_check", 12],
              ["shipped", 10],
              ["delivered", 27],
              ["cancelled", 8],
            ] as const);
      const buyer = i < 24 ? this.buyers[0]! : this.random.pick(this.buyers);
      plans.push(this.planOrder(buyer, status, i, false));
    }
    // Oldest first, so the order-number sequence follows creation time.
    plans.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    for (const plan of plans) await this.writeOrder(plan);
  }

  private planOrder(buyer: Buyer, status: OrderStatus, index: number, forceCustom: boolean): OrderPlan {
    // Order 1 (the demo buyer's submitted one) is custom, so a converted quote always exists.
    const marketplace = !forceCustom && index !== 1 && this.random.chance(0.35);
    const demoSupplier = this.suppliers[0]!;
    const verified = this.verified;
    // Cancelled orders stopped somewhere on the way.
    const reached: OrderStatus =
      status === "cancelled"
        ? this.random.weighted([
            ["draft", 10],
            ["submitted", 25],
            ["confirmed", 25],
            ["in_production", 30],
            ["quality_check", 10],
          ] as const)
        : status;
    const production = ["in_production", "quality_check", "shipped", "delivered"].includes(reached);

    // --- what is ordered
    const plan: OrderPlan = {
      id: this.random.uuid(),
      buyer,
      status,
      reached,
      currency: marketplace ? "USD" : buyer.market.currency,
      items: [],
      productType: "",
      quantity: 0,
      totalCents: 0,
      supplierOrders: [],
      supplierId: null,
      createdAt: new Date(0),
      transitions: [],
      targetDate: null,
      expectedDate: null,
      actualDate: null,
      cancellationReason: status === "cancelled" ? this.random.pick(CANCELLATION_REASONS) : null,
      quote: null,
    };
    let primarySupplier: Supplier;
    const reserve = !["draft"].includes(reached);
    if (marketplace) {
      const picked = this.pickListings(index < 24 ? demoSupplier : null);
      if (picked.length === 0) return this.planOrder(buyer, status, index, true); // no stock left to take: make it custom
      primarySupplier = picked[0]!.listing.supplier;
      for (const { listing, quantity } of picked) {
        if (reserve && status !== "cancelled" && !production) listing.available -= quantity; // held
        plan.items.push({
          listing,
          description: `${listing.title} (ready stock)`,
          quantity,
          unitCents: listing.finalCents,
          designId: null,
          customization: this.random.chance(0.4) ? { label: "buyer's woven label", hangtag: true } : {},
        });
      }
      plan.productType = picked[0]!.listing.productType;
    } else {
      primarySupplier = index < 24 && this.random.chance(0.5) ? demoSupplier : this.random.pick(verified);
      const sub = this.subcategoryFor(primarySupplier);
      const material = this.random.pick(sub.materials);
      const quantity = this.random.int(3, 60) * 50;
      const unitCents = Math.round(this.priceCents(sub, material.priceFactor) * this.random.float(1.15, 1.4));
      const designs = this.designsByOwner.get(buyer.id);
      const designId = designs && this.random.chance(0.6) ? this.random.pick(designs) : null;
      plan.items.push({
        listing: null,
        description: `Custom ${sub.productType} in ${material.composition}`,
        quantity,
        unitCents,
        designId,
        customization: {
          colorways: this.random.sample(COLORS, this.random.int(1, 3)),
          gsm: this.random.int(sub.gsm[0], sub.gsm[1]),
          label: "private label",
        },
      });
      if (this.random.chance(0.3)) {
        const extra = Math.round(quantity * this.random.float(0.2, 0.5));
        if (extra > 0) {
          plan.items.push({
            listing: null,
            description: "Matching beanie in the same yarn",
            quantity: extra,
            unitCents: this.random.int(250, 700),
            designId,
            customization: {},
          });
        }
      }
      plan.productType = sub.productType;
    }
    plan.quantity = plan.items.reduce((sum, item) => sum + item.quantity, 0);
    plan.totalCents = plan.items.reduce((sum, item) => sum + item.quantity * item.unitCents, 0);

    // --- supplier orders and the timeline they imply
    const asOf = status === "cancelled" ? this.anchor - this.random.int(1, 90) * DAY : this.anchor;
    const admin = this.random.pick(this.admins).id;
    const path: Transition[] = [];

    if (production) {
      // Ready stock ships from its one supplier; custom work is sometimes split between factories.
      const count = marketplace
        ? 1
        : this.random.weighted([
            [1, 70],
            [2, 25],
            [3, 5],
          ] as const);
      const suppliers = [primarySupplier];
      while (suppliers.length < Math.min(count, verified.length)) {
        const extra = this.random.pick(verified);
        if (!suppliers.includes(extra)) suppliers.push(extra);
      }
      const done = reached === "shipped" || reached === "delivered";
      // Shipped and delivered orders finished production in the past; live ones are mid-way now.
      const deliveredAt =
        reached === "delivered" ? asOf - this.random.int(0, 300) * DAY - this.random.int(0, 20) * HOUR : null;
      const shippedAt = done
        ? (deliveredAt ?? asOf) -
          this.random.int(reached === "delivered" ? 7 : 0, reached === "delivered" ? 35 : 20) * DAY -
          this.random.int(1, 20) * HOUR
        : asOf;
      const stage =
        reached === "in_production"
          ? this.random.int(1, 5)
          : reached === "quality_check"
            ? this.random.int(6, 8)
            : 9;
      for (const [n, supplier] of suppliers.entries()) {
        plan.supplierOrders.push(
          this.acceptedSupplierOrder(
            supplier,
            plan,
            n,
            suppliers.length,
            stage,
            shippedAt,
            status === "cancelled",
          ),
        );
      }
      // Sometimes another factory declined first.
      if (this.random.chance(0.12))
        plan.supplierOrders.push(
          this.answeredSupplierOrder(
            this.random.pick(verified),
            plan,
            "rejected",
            plan.supplierOrders[0]!.createdAt.getTime() - 4 * DAY,
          ),
        );
      plan.supplierId = primarySupplier.id;

      const accepted = plan.supplierOrders.filter((so) => so.acceptedAt);
      const firstAccepted = Math.min(...accepted.map((so) => so.acceptedAt!.getTime()));
      const confirmedAt = firstAccepted - this.random.int(1, 4) * DAY - this.random.int(1, 20) * HOUR;
      const createdAt = confirmedAt - this.random.int(1, 5) * DAY - this.random.int(1, 20) * HOUR;
      this.openingTransitions(path, plan, createdAt, confirmedAt, admin);
      const acceptor = accepted.find((so) => so.acceptedAt!.getTime() === firstAccepted)!;
      path.push({
        from: "confirmed",
        to: "in_production",
        at: new Date(firstAccepted),
        by: acceptor.supplier.owner.id,
        note: null,
      });
      if (["quality_check", "shipped", "delivered"].includes(reached)) {
        const qualityAt = Math.min(...accepted.map((so) => so.qualityStartedAt!.getTime()));
        path.push({
          from: "in_production",
          to: "quality_check",
          at: new Date(qualityAt),
          by: null,
          note: "Quality inspection started",
        });
      }
      if (done) {
        const lastShipped = Math.max(...accepted.map((so) => so.shippedAt!.getTime()));
        path.push({
          from: "quality_check",
          to: "shipped",
          at: new Date(lastShipped),
          by: null,
          note: "Shipment completed",
        });
        if (deliveredAt !== null) {
          const at = Math.max(deliveredAt, lastShipped + 3 * DAY);
          path.push({ from: "shipped", to: "delivered", at: new Date(at), by: buyer.id, note: null });
          plan.actualDate = this.dateOfTime(at);
        }
      }
      const lastTarget = plan.supplierOrders.reduce(
        (max, so) => (so.targetDate > max ? so.targetDate : max),
        "",
      );
      plan.expectedDate = addDaysToDate(lastTarget, this.random.int(10, 35));
      plan.targetDate = addDaysToDate(plan.expectedDate, -this.random.int(0, 10));
    } else {
      const createdAt =
        asOf - this.random.int(reached === "draft" ? 0 : 1, 25) * DAY - this.random.int(1, 20) * HOUR;
      if (reached === "draft") {
        path.push({ from: null, to: "draft", at: new Date(createdAt), by: buyer.id, note: null });
      } else {
        const confirmedAt =
          reached === "confirmed" ? Math.min(asOf - HOUR, createdAt + this.random.int(1, 3) * DAY) : null;
        this.openingTransitions(
          path,
          plan,
          createdAt,
          confirmedAt ?? createdAt,
          admin,
          reached === "submitted",
        );
        if (confirmedAt !== null) {
          // Confirmed: a factory has the request and has not said yes yet.
          const supplier = marketplace ? primarySupplier : this.random.pick(verified);
          const answer = this.random.weighted([
            ["pending", 55],
            ["counter_offered", 25],
            ["rejected", 20],
          ] as const);
          if (answer === "rejected") {
            plan.supplierOrders.push(this.answeredSupplierOrder(supplier, plan, "rejected", confirmedAt));
            if (this.random.chance(0.6))
              plan.supplierOrders.push(
                this.answeredSupplierOrder(this.random.pick(verified), plan, "pending", confirmedAt + DAY),
              );
          } else {
            plan.supplierOrders.push(this.answeredSupplierOrder(supplier, plan, answer, confirmedAt));
          }
          const open = plan.supplierOrders.find((so) => so.status === "pending");
          plan.supplierId = marketplace ? primarySupplier.id : (open?.supplier.id ?? null);
        } else if (marketplace) {
          plan.supplierId = primarySupplier.id;
        }
      }
      plan.targetDate = reached === "draft" ? null : this.dateOf(this.random.int(45, 120));
      plan.expectedDate = plan.targetDate ? addDaysToDate(plan.targetDate, this.random.int(0, 14)) : null;
    }

    if (status === "cancelled") {
      for (const so of plan.supplierOrders) {
        // tg_orders__cancel cancels the open supplier orders.
        if (so.status === "pending" || so.status === "accepted") so.status = "cancelled";
      }
      const last = path[path.length - 1]!;
      const at = Math.max(last.at.getTime() + HOUR, asOf);
      path.push({
        from: reached,
        to: "cancelled",
        at: new Date(at),
        by: this.random.chance(0.6) ? buyer.id : admin,
        note: plan.cancellationReason,
      });
    }
    // History is read in created_at order: keep it strictly increasing.
    for (let i = 1; i < path.length; i++) {
      if (path[i]!.at.getTime() <= path[i - 1]!.at.getTime())
        path[i]!.at = new Date(path[i - 1]!.at.getTime() + 60_000);
    }
    plan.transitions = path;
    plan.createdAt = path[0]!.at;

    // Most custom orders came from an accepted quote.
    if (!marketplace && reached !== "draft" && (index < ORDER_STATUSES.length || this.random.chance(0.45))) {
      plan.quote = {
        id: this.random.uuid(),
        createdAt: new Date(plan.createdAt.getTime() - this.random.int(2, 20) * DAY),
      };
    }
    return plan;
  }

  /** null → submitted (→ confirmed); sometimes the order started as a draft. */
  private openingTransitions(
    path: Transition[],
    plan: OrderPlan,
    createdAt: number,
    confirmedAt: number,
    admin: string,
    stopAtSubmitted = false,
  ): void {
    if (this.random.chance(0.3)) {
      path.push({
        from: null,
        to: "draft",
        at: new Date(createdAt - this.random.int(1, 48) * HOUR),
        by: plan.buyer.id,
        note: null,
      });
      path.push({ from: "draft", to: "submitted", at: new Date(createdAt), by: plan.buyer.id, note: null });
    } else {
      path.push({ from: null, to: "submitted", at: new Date(createdAt), by: plan.buyer.id, note: null });
    }
    if (!stopAtSubmitted)
      path.push({ from: "submitted", to: "confirmed", at: new Date(confirmedAt), by: admin, note: null });
  }

  /**
   * An accepted supplier order with its eight stages, at stage `current`
   * (9: all done) as of `asOf`. Stage durations follow the supplier order's
   * span with some slip, so late stages really are past their target dates.
   */
  private acceptedSupplierOrder(
    supplier: Supplier,
    plan: OrderPlan,
    index: number,
    count: number,
    current: number,
    asOf: number,
    cancelled: boolean,
  ): SupplierOrderPlan {
    const span = this.random.int(28, 84);
    const slip = this.random.float(-0.1, 0.35, 3);
    const durations = Array.from(
      { length: 8 },
      () => (span / 8) * (1 + slip) * this.random.float(0.7, 1.3) * DAY,
    );
    const pct = current <= 8 ? this.random.int(5, 95) : 100;
    let elapsed = current <= 8 ? durations[current - 1]! * (pct / 100) : 0;
    for (let n = 1; n < Math.min(current, 9); n++) elapsed += durations[n - 1]!;
    const acceptedAt = asOf - elapsed - this.random.int(0, 12) * HOUR;
    const acceptedDay = Math.floor(acceptedAt / DAY);
    const stages: StagePlan[] = [];
    let cursor = acceptedAt + this.random.int(2, 20) * HOUR;
    let qualityStartedAt: number | null = null;
    let shippedAt: number | null = null;
    for (let n = 1; n <= 8; n++) {
      // The acceptance trigger's target dates: evenly spread over the span.
      const targetDay = acceptedDay + Math.floor((span * n) / 8);
      const completion = n < current ? 100 : n === current ? pct : 0;
      // Nothing happens after `asOf` (now, or when the order was cancelled).
      const startedAt = completion > 0 ? Math.min(cursor, asOf - 2 * HOUR) : null;
      const completedAt = completion === 100 ? Math.min(startedAt! + durations[n - 1]!, asOf - HOUR) : null;
      if (n === 6 && startedAt !== null) qualityStartedAt = startedAt;
      if (n === 8 && completedAt !== null) shippedAt = completedAt;
      if (completedAt !== null) cursor = completedAt;
      stages.push({
        number: n,
        pct: completion,
        // Behind schedule (two days' margin for the database's time zone): often flagged delayed.
        delayed:
          !cancelled &&
          completion < 100 &&
          completion > 0 &&
          targetDay <= this.todayIndex - 2 &&
          this.random.chance(0.6),
        targetDate: dateFromIndex(targetDay),
        startedAt: startedAt === null ? null : new Date(startedAt),
        completedAt: completedAt === null ? null : new Date(completedAt),
      });
    }
    const share = count === 1 ? 1 : index === 0 ? 0.6 : 0.4 / (count - 1);
    return {
      id: this.random.uuid(),
      supplier,
      status: current > 8 ? "completed" : "accepted",
      acceptance: "accepted",
      createdAt: new Date(acceptedAt - this.random.int(1, 3) * DAY),
      acceptedAt: new Date(acceptedAt),
      rejectedAt: null,
      quantity: Math.max(1, Math.round(plan.quantity * share)),
      buyerCents: Math.round(plan.totalCents * share),
      targetDate: dateFromIndex(acceptedDay + span),
      stages,
      qualityStartedAt: qualityStartedAt === null ? null : new Date(qualityStartedAt),
      shippedAt: shippedAt === null ? null : new Date(shippedAt),
    };
  }

  private answeredSupplierOrder(
    supplier: Supplier,
    plan: OrderPlan,
    answer: "pending" | "counter_offered" | "rejected",
    createdAt: number,
  ): SupplierOrderPlan {
    const created = new Date(Math.min(createdAt, this.anchor - HOUR));
    return {
      id: this.random.uuid(),
      supplier,
      status: answer === "rejected" ? "rejected" : "pending",
      acceptance: answer,
      createdAt: created,
      acceptedAt: null,
      rejectedAt:
        answer === "rejected"
          ? new Date(Math.min(created.getTime() + this.random.int(2, 48) * HOUR, this.anchor - 1))
          : null,
      quantity: plan.quantity,
      buyerCents: plan.totalCents,
      targetDate: dateFromIndex(Math.floor(created.getTime() / DAY) + supplier.leadTime),
      stages: [],
      qualityStartedAt: null,
      shippedAt: null,
    };
  }

  private async writeOrder(plan: OrderPlan): Promise<void> {
    const w = this.w;
    const created = plan.createdAt;
    const last = plan.transitions[plan.transitions.length - 1]!;
    await w.orders.add({
      id: plan.id,
      buyer_id: plan.buyer.id,
      supplier_id: plan.supplierId,
      quote_id: plan.quote?.id ?? null,
      product_type: plan.productType,
      quantity: plan.quantity,
      status: plan.status,
      target_date: plan.targetDate,
      expected_delivery_date: plan.expectedDate,
      actual_delivery_date: plan.actualDate,
      notes: this.random.chance(0.3)
        ? this.random.pick([
            "Please pack by size ratio 1-2-2-1.",
            "Carton labels per our routing guide.",
            "Pre-production sample needed before bulk.",
          ])
        : null,
      cancellation_reason: plan.cancellationReason,
      total_amount: cents(plan.totalCents),
      currency: plan.currency,
      // Every status change was an UPDATE, and each UPDATE bumped the version.
      version: plan.transitions.length,
      created_at: created,
      updated_at: last.at,
    });
    for (const item of plan.items) {
      await w.orderItems.add({
        id: this.random.uuid(),
        order_id: plan.id,
        marketplace_product_id: item.listing?.id ?? null,
        design_id: item.designId,
        description: item.description,
        quantity: item.quantity,
        unit_price: cents(item.unitCents),
        customization: item.customization,
        created_at: created,
        updated_at: created,
      });
      if (item.listing && plan.reached !== "draft") {
        // held while the order waits; committed once production started; released when cancelled.
        const production = ["in_production", "quality_check", "shipped", "delivered"].includes(plan.reached);
        const state = plan.status === "cancelled" ? "released" : production ? "committed" : "held";
        await w.reservations.add({
          id: this.random.uuid(),
          marketplace_product_id: item.listing.id,
          order_id: plan.id,
          reserved_by: plan.buyer.id,
          quantity: item.quantity,
          status: state,
          expires_at:
            state === "held"
              ? new Date(this.anchor + this.random.int(2, 14) * DAY)
              : new Date(created.getTime() + 14 * DAY),
          created_at: created,
          updated_at: state === "held" ? created : last.at,
        });
      }
    }
    for (const t of plan.transitions) {
      await w.history.add({
        id: this.random.uuid(),
        order_id: plan.id,
        from_status: t.from,
        to_status: t.to,
        changed_by: t.by,
        note: t.note,
        created_at: t.at,
        updated_at: t.at,
      });
    }
    for (const so of plan.supplierOrders) await this.writeSupplierOrder(plan, so);
    await this.payments(plan);
    await this.orderMessages(plan);
    if (plan.quote) await this.convertedQuote(plan);
  }

  private async writeSupplierOrder(plan: OrderPlan, so: SupplierOrderPlan): Promise<void> {
    const margin = this.random.float(0.1, 0.22, 3);
    const supplierCents = Math.round(so.buyerCents * (1 - margin));
    const admin = this.random.pick(this.admins).id;
    await this.w.supplierOrders.add({
      id: so.id,
      supplier_id: so.supplier.id,
      buyer_order_id: plan.id,
      product_type: plan.productType,
      quantity: so.quantity,
      buyer_price: cents(so.buyerCents),
      supplier_price: cents(supplierCents),
      target_date: so.targetDate,
      status: so.status,
      acceptance_status: so.acceptance,
      accepted_at: so.acceptedAt,
      rejected_at: so.rejectedAt,
      rejection_reason: so.acceptance === "rejected" ? this.random.pick(REJECTION_REASONS) : null,
      counter_offer_price:
        so.acceptance === "counter_offered"
          ? cents(Math.round(supplierCents * this.random.float(1.05, 1.18)))
          : null,
      counter_offer_notes:
        so.acceptance === "counter_offered"
          ? "Yarn prices went up; we can do it at this price with a 10-day longer lead time."
          : null,
      tech_pack_urls: [`https://files.loomline.dev/tech-packs/${so.id}.pdf`],
      reference_images: this.random.chance(0.5)
        ? [`https://picsum.photos/seed/ref-${so.id.slice(0, 8)}/800/800`]
        : [],
      special_instructions: this.random.chance(0.3) ? "Use recycled polybags; no plastic hangers." : null,
      created_by: admin,
      created_at: so.createdAt,
      updated_at: so.rejectedAt ?? so.acceptedAt ?? so.createdAt,
    });
    for (const stage of so.stages) {
      const touched = stage.completedAt ?? stage.startedAt ?? so.acceptedAt!;
      await this.w.stages.add({
        id: this.random.uuid(),
        supplier_order_id: so.id,
        stage_number: stage.number,
        stage_name: STAGE_NAMES[stage.number - 1]!,
        description: null,
        target_date: stage.targetDate,
        completion_percentage: stage.pct,
        status: stage.delayed ? "delayed" : null,
        photos:
          stage.pct === 100 && this.random.chance(0.3)
            ? [`https://picsum.photos/seed/stage-${so.id.slice(0, 8)}-${stage.number}/1200/900`]
            : [],
        notes: stage.pct > 0 && this.random.chance(0.4) ? this.random.pick(STAGE_NOTES[stage.number]!) : null,
        started_at: stage.startedAt,
        completed_at: stage.completedAt,
        updated_by: stage.pct > 0 ? so.supplier.owner.id : null,
        created_at: so.acceptedAt!,
        updated_at: touched,
      });
    }
  }

  /** Payments whose sum gives the order's payment status (derive.ts computes it from them). */
  private async payments(plan: OrderPlan): Promise<void> {
    const total = plan.totalCents;
    const deposit = Math.round(total * 0.3);
    const admin = this.random.pick(this.admins).id;
    const at = (status: OrderStatus) => plan.transitions.find((t) => t.to === status)?.at.getTime();
    const pay = async (
      amount: number,
      time: number,
      status: "pending" | "succeeded" | "failed" | "refunded",
    ) => {
      const method = this.random.pick(PAYMENT_METHODS);
      const id = this.random.uuid();
      time = Math.min(time, this.anchor - 1); // nothing is recorded in the future
      await this.w.payments.add({
        id,
        order_id: plan.id,
        amount: cents(amount),
        currency: plan.currency,
        method,
        provider_reference:
          method === "card" ? `pi_${this.random.token(24)}` : `TRF-${this.random.token(10).toUpperCase()}`,
        // Unique by construction: the client's retry key of one payment attempt.
        idempotency_key: `seed-${id}`,
        status,
        recorded_by: method === "card" ? null : admin,
        created_at: new Date(time),
        updated_at: new Date(time),
      });
    };
    const confirmed = at("confirmed");
    switch (plan.reached) {
      case "draft":
        return;
      case "submitted":
        if (this.random.chance(0.15))
          await pay(deposit, at("submitted")! + HOUR, this.random.pick(["failed", "pending"] as const));
        break;
      case "confirmed":
      case "in_production":
      case "quality_check":
        if (this.random.chance(0.1)) await pay(deposit, confirmed! + HOUR, "failed");
        if (plan.reached === "confirmed" && this.random.chance(0.35)) break; // still unpaid
        await pay(deposit, confirmed! + 6 * HOUR, plan.status === "cancelled" ? "refunded" : "succeeded");
        if (plan.status !== "cancelled" && this.random.chance(0.15))
          await pay(total - deposit, confirmed! + DAY, "succeeded"); // paid up front
        break;
      case "shipped":
      case "delivered":
        await pay(deposit, confirmed! + 6 * HOUR, "succeeded");
        // Balance against the bill of lading; a few shipped orders still wait for it.
        await pay(
          total - deposit,
          at("shipped")! + 2 * HOUR,
          plan.reached === "shipped" && this.random.chance(0.3) ? "pending" : "succeeded",
        );
        break;
    }
  }

  private async orderMessages(plan: OrderPlan): Promise<void> {
    const supplier =
      plan.supplierOrders.find((so) => so.status !== "rejected")?.supplier ??
      (plan.supplierId ? this.supplierById.get(plan.supplierId) : undefined);
    if (!supplier || plan.reached === "draft") return;
    const admin = this.random.pick(this.admins);
    const count = this.random.int(0, 4);
    const start = plan.createdAt.getTime();
    const end = plan.transitions[plan.transitions.length - 1]!.at.getTime();
    for (let i = 0; i < count; i++) {
      const template = this.random.pick(MESSAGE_TEMPLATES);
      const sender =
        template.from === "buyer" ? plan.buyer : template.from === "supplier" ? supplier.owner : admin;
      const recipient = template.from === "buyer" ? supplier.owner : plan.buyer;
      const at = start + ((end - start + 2 * DAY) * (i + 1)) / (count + 1);
      const sent = new Date(Math.min(at, this.anchor - 1));
      const read =
        sent.getTime() < this.anchor - 2 * DAY || this.random.chance(0.4)
          ? new Date(Math.min(sent.getTime() + this.random.int(1, 30) * HOUR, this.anchor - 1))
          : null;
      await this.w.messages.add({
        id: this.random.uuid(),
        sender_id: sender.id,
        recipient_id: recipient.id,
        order_id: plan.id,
        subject: template.subject,
        body: template.body,
        attachments: this.random.chance(0.15)
          ? [`https://files.loomline.dev/attachments/${this.random.token(12)}.jpg`]
          : [],
        read_at: read,
        created_at: sent,
        updated_at: read ?? sent,
      });
    }
  }

  // --------------------------------------------------------------- quotes

  private async convertedQuote(plan: OrderPlan): Promise<void> {
    const quote = plan.quote!;
    const item = plan.items[0]!;
    const supplierOrder =
      plan.supplierOrders.find((so) => so.acceptance === "accepted") ?? plan.supplierOrders[0];
    await this.quote({
      id: quote.id,
      createdAt: quote.createdAt,
      requester: plan.buyer,
      productType: plan.productType,
      quantity: plan.quantity,
      status: "converted",
      lead: this.random.pick(["hot", "warm", "contacted"] as const),
      designId: item.designId,
      supplier: supplierOrder?.supplier ?? null,
      orderId: plan.id,
      unitCents: Math.round(plan.totalCents / plan.quantity),
    });
  }

  private async openQuotes(): Promise<void> {
    const { scale } = this.options;
    const open: QuoteStatus[] = ["draft", "sent", "accepted", "rejected", "expired"];
    const verified = this.suppliers.filter((s) => s.status === "verified");
    for (let i = 0; i < scale.openQuotes; i++) {
      const status =
        i < open.length
          ? open[i]!
          : this.random.weighted([
              ["draft", 12],
              ["sent", 35],
              ["accepted", 12],
              ["rejected", 14],
              ["expired", 27],
            ] as const);
      const lead = i < LEAD_STATUSES.length ? LEAD_STATUSES[i]! : this.random.pick(LEAD_STATUSES);
      const anonymous = i % 3 === 2 || this.random.chance(0.25);
      const sub = this.random.pick(SUBCATEGORIES);
      const requester = anonymous ? null : this.random.pick(this.buyers);
      const designs = requester ? this.designsByOwner.get(requester.id) : undefined;
      await this.quote({
        id: this.random.uuid(),
        createdAt: this.daysAgoDate(this.random.int(0, 200)),
        requester,
        productType: sub.productType,
        quantity: this.random.int(1, 100) * 50,
        status,
        lead,
        designId: designs && this.random.chance(0.4) ? this.random.pick(designs) : null,
        supplier: status === "sent" || status === "accepted" ? this.random.pick(verified) : null,
        orderId: null,
        unitCents: null,
      });
    }
  }

  private async quote(q: {
    id: string;
    createdAt: Date;
    requester: Buyer | null;
    productType: string;
    quantity: number;
    status: QuoteStatus;
    lead: LeadStatus;
    designId: string | null;
    supplier: Supplier | null;
    orderId: string | null;
    unitCents: number | null;
  }): Promise<void> {
    const complexity = this.random.weighted([
      ["simple", 30],
      ["moderate", 50],
      ["complex", 20],
    ] as const);
    const fabric = this.random.pick(FABRIC_TYPES);
    const route = this.random.weighted([
      ["standard", 75],
      ["hybrid", 18],
      ["specialty_only", 7],
    ] as const);
    const estimate = estimateQuote(q.productType, q.quantity, complexity, fabric, route, q.unitCents);
    const name = q.requester?.name ?? this.faker.person.fullName();
    const email =
      q.requester?.email ??
      `${emailLocal(name)}.${this.random.token(4)}@${this.random.pick(["gmail.example", "outlook.example", "studio-mail.example"])}`;
    const assignedAt = q.supplier
      ? new Date(Math.min(q.createdAt.getTime() + this.random.int(2, 72) * HOUR, this.anchor - 1))
      : null;
    await this.w.quotes.add({
      id: q.id,
      customer_email: email,
      customer_name: name,
      phone_number: this.random.chance(0.6)
        ? `${q.requester?.market.dial ?? "+1"} ${this.digits(3)} ${this.digits(3)} ${this.digits(4)}`
        : null,
      country: q.requester?.market.code ?? this.random.pick(BUYER_MARKETS).code,
      // Anonymous visitors are known by their browser session only.
      session_id: q.requester ? null : `sess_${this.random.token(24)}`,
      requested_by: q.requester?.id ?? null,
      design_id: q.designId,
      product_type: q.productType,
      quantity: q.quantity,
      complexity_level: complexity,
      fabric_type: fabric,
      additional_requirements: this.random.chance(0.5) ? this.random.pick(QUOTE_REQUIREMENTS) : null,
      quote_data: estimate.data,
      total_price: q.status === "draft" && this.random.chance(0.3) ? null : cents(estimate.totalCents),
      estimated_delivery_days: estimate.deliveryDays,
      suggestions: this.random.chance(0.4)
        ? `Ordering ${nextBreak(q.quantity)} pieces lowers the unit price by about 5%.`
        : null,
      alternative_options: this.random.chance(0.3)
        ? [{ fabric: "Organic cotton", unitPrice: cents(Math.round(estimate.unitCents * 0.8)) }]
        : [],
      status: q.status,
      lead_status: q.lead,
      lead_notes:
        q.lead === "hot"
          ? "Wants samples this month."
          : q.lead === "lost"
            ? "Went with a domestic maker."
            : null,
      specialty_sourcing_required: route !== "standard",
      production_route: route,
      specialty_notes:
        route === "standard"
          ? null
          : `Specialty yarn (${fabric.toLowerCase()}) sourced through a partner mill.`,
      base_cost: cents(estimate.baseCents),
      specialty_cost: cents(estimate.specialtyCents),
      admin_markup: cents(estimate.markupCents),
      assigned_supplier_id: q.supplier?.id ?? null,
      assigned_at: assignedAt,
      assigned_by: q.supplier ? this.random.pick(this.admins).id : null,
      converted_to_order_id: q.orderId,
      created_at: q.createdAt,
      updated_at: assignedAt ?? q.createdAt,
    });
  }

  // ------------------------------------------------------------ the rest

  private async savedSearches(): Promise<void> {
    const filters: { name: string; filter: Record<string, unknown> }[] = [
      { name: "Merino sweaters under $30", filter: { category: "knitwear", search: "merino", maxPrice: 30 } },
      { name: "Navy tees, size M", filter: { category: "tops", colors: ["Navy"], sizes: ["M"] } },
      { name: "Featured hoodies", filter: { search: "hoodie", featured: true } },
      { name: "Organic baby basics", filter: { category: "baby & kids", search: "organic" } },
      {
        name: "Cashmere scarves",
        filter: { category: "accessories", search: "cashmere scarf", minPrice: 10 },
      },
      { name: "Denim from 8 USD", filter: { category: "denim", minPrice: 8 } },
    ];
    for (const [i, buyer] of this.buyers.entries()) {
      if (i > 0 && !this.random.chance(0.35)) continue;
      for (const pick of this.random.sample(filters, i === 0 ? 3 : this.random.int(1, 2))) {
        const created = this.between(buyer.createdAt, this.anchor);
        const filter = { ...pick.filter };
        if (this.random.chance(0.1)) filter.supplierId = this.random.pick(this.suppliers).id;
        await this.w.savedSearches.add({
          id: this.random.uuid(),
          user_id: buyer.id,
          name: pick.name,
          filter,
          is_active: this.random.chance(0.85),
          last_notified_at: this.random.chance(0.5) ? this.between(created, this.anchor) : null,
          created_at: created,
          updated_at: created,
        });
      }
    }
  }

  private async feedback(): Promise<void> {
    const people: User[] = [...this.buyers, ...this.suppliers.map((s) => s.owner)];
    for (let i = 0; i < this.options.scale.feedback; i++) {
      const user = this.random.chance(0.8) ? this.random.pick(people) : null;
      const status =
        i < 4
          ? (["open", "in_progress", "resolved", "closed"] as const)[i]!
          : this.random.pick(["open", "in_progress", "resolved", "closed"] as const);
      const answered = status === "resolved" || status === "closed";
      const created = this.daysAgoDate(this.random.int(0, 180));
      const responded = answered
        ? new Date(Math.min(created.getTime() + this.random.int(2, 96) * HOUR, this.anchor - 1))
        : null;
      await this.w.feedback.add({
        id: this.random.uuid(),
        user_id: user?.id ?? null,
        message: this.random.pick(FEEDBACK_MESSAGES),
        feedback_type:
          i < 4
            ? (["bug", "feature", "general", "support"] as const)[i]!
            : this.random.pick(["bug", "feature", "general", "support"] as const),
        priority:
          i < 4
            ? (["low", "medium", "high", "urgent"] as const)[i]!
            : this.random.weighted([
                ["low", 30],
                ["medium", 45],
                ["high", 20],
                ["urgent", 5],
              ] as const),
        status,
        contact_email: user
          ? user.email
          : `${emailLocal(this.faker.person.fullName())}.${this.random.token(4)}@mail.example`,
        admin_response: answered ? "Thanks, this is fixed in the latest release." : null,
        responded_by: answered ? this.random.pick(this.admins).id : null,
        responded_at: responded,
        rating: answered && this.random.chance(0.6) ? this.random.int(1, 5) : null,
        created_at: created,
        updated_at: responded ?? created,
      });
    }
  }

  // -------------------------------------------------------------- helpers

  /** Listings of one supplier with enough unreserved stock, and how much to take of each. */
  private pickListings(preferred: Supplier | null): { listing: Listing; quantity: number }[] {
    const own = preferred ? this.listingsBySupplier.get(preferred) : undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      const first = this.random.pick(own && attempt < 10 ? own : this.listings);
      if (!first.reservable || first.available < first.moq) continue;
      const same = this.listingsBySupplier
        .get(first.supplier)!
        .filter((l) => l !== first && l.reservable && l.available >= l.moq);
      const chosen = [
        first,
        ...this.random.sample(
          same,
          this.random.weighted([
            [0, 60],
            [1, 30],
            [2, 10],
          ] as const),
        ),
      ];
      return chosen.map((listing) => {
        // Now and then take everything left: the listing then sells out (derive.ts switches it).
        const all = this.random.chance(0.08);
        const max = Math.min(listing.available, listing.moq * 8);
        const quantity = all ? listing.available : this.random.int(listing.moq, Math.max(listing.moq, max));
        return { listing, quantity: Math.min(quantity, listing.available) };
      });
    }
    return [];
  }

  private subcategoryFor(supplier: Supplier): Subcategory {
    // Mostly what the factory is known for.
    const matching = SUBCATEGORIES.filter((sub) =>
      sub.materials.some((m) => supplier.specializations.includes(m.specialization)),
    );
    return matching.length > 0 && this.random.chance(0.8)
      ? this.random.pick(matching)
      : this.random.pick(SUBCATEGORIES);
  }

  private priceCents(sub: Subcategory, factor: number): number {
    return Math.max(50, Math.round(this.random.float(sub.price[0], sub.price[1], 2) * factor * 100));
  }

  private digits(n: number): string {
    let out = String(this.random.int(1, 9));
    for (let i = 1; i < n; i++) out += String(this.random.int(0, 9));
    return out;
  }

  private daysAgo(days: number): Date {
    return new Date(this.anchor - days * DAY - this.random.int(0, 23) * HOUR);
  }

  private daysAgoDate(days: number): Date {
    return new Date(this.anchor - days * DAY - this.random.int(1, 23) * HOUR);
  }

  private between(from: Date | number, to: Date | number): Date {
    const a = typeof from === "number" ? from : from.getTime();
    const b = typeof to === "number" ? to : to.getTime();
    return new Date(b <= a ? a : a + Math.floor(this.random.next() * (b - a)));
  }

  /** The date `offset` days from the anchor's day. */
  private dateOf(offset: number): string {
    return dateFromIndex(this.todayIndex + offset);
  }

  private dateOfTime(time: number): string {
    return dateFromIndex(Math.floor(time / DAY));
  }
}

interface OrderItemPlan {
  listing: Listing | null;
  description: string;
  quantity: number;
  unitCents: number;
  designId: string | null;
  customization: Record<string, unknown>;
}

interface OrderPlan {
  id: string;
  buyer: Buyer;
  status: OrderStatus;
  /** The furthest status before cancelling (the status itself otherwise). */
  reached: OrderStatus;
  currency: string;
  items: OrderItemPlan[];
  productType: string;
  quantity: number;
  totalCents: number;
  supplierOrders: SupplierOrderPlan[];
  supplierId: string | null;
  createdAt: Date;
  transitions: Transition[];
  targetDate: string | null;
  expectedDate: string | null;
  actualDate: string | null;
  cancellationReason: string | null;
  quote: { id: string; createdAt: Date } | null;
}

// ---------------------------------------------------------------- estimate

/**
 * The seed's stand-in for the quote estimate: product type x quantity break x
 * complexity x fabric x route, the factors DOMAIN.md names. It only makes
 * seeded quotes plausible; the service's pricing model is the real one.
 */
function estimateQuote(
  productType: string,
  quantity: number,
  complexity: "simple" | "moderate" | "complex",
  fabric: string,
  route: "standard" | "hybrid" | "specialty_only",
  knownUnitCents: number | null,
) {
  const sub = SUBCATEGORIES.find((s) => s.productType === productType) ?? SUBCATEGORIES[0]!;
  const base = ((sub.price[0] + sub.price[1]) / 2) * 100;
  const fabricFactor = FABRIC_FACTORS[fabric] ?? 1;
  const complexityFactor = { simple: 0.9, moderate: 1, complex: 1.35 }[complexity];
  const breakFactor = quantity >= 5000 ? 0.82 : quantity >= 1000 ? 0.9 : quantity >= 500 ? 0.95 : 1;
  const routeFactor = { standard: 1, hybrid: 1.12, specialty_only: 1.3 }[route];
  const unitCents =
    knownUnitCents ??
    Math.max(50, Math.round(base * fabricFactor * complexityFactor * breakFactor * routeFactor * 1.25));
  const totalCents = unitCents * quantity;
  const markupCents = Math.round(totalCents * 0.2);
  const specialtyCents = route === "standard" ? 0 : Math.round(totalCents * 0.08);
  const baseCents = totalCents - markupCents - specialtyCents;
  const share = (ratio: number) => Math.round(baseCents * ratio);
  const lineItems = [
    { code: "yarn", label: "Yarn and fabric", amount: cents(share(0.45)) },
    { code: "making", label: "Knitting, linking and making", amount: cents(share(0.35)) },
    { code: "trims", label: "Trims, labels and packaging", amount: cents(share(0.08)) },
    {
      code: "freight",
      label: "Freight to port (FOB)",
      amount: cents(baseCents - share(0.45) - share(0.35) - share(0.08)),
    },
  ];
  if (specialtyCents > 0)
    lineItems.push({ code: "specialty", label: "Specialty sourcing", amount: cents(specialtyCents) });
  lineItems.push({ code: "service", label: "Loomline service", amount: cents(markupCents) });
  return {
    unitCents,
    totalCents,
    baseCents,
    specialtyCents,
    markupCents,
    deliveryDays:
      30 +
      Math.ceil(quantity / 1000) * 5 +
      (complexity === "complex" ? 14 : 0) +
      (route === "standard" ? 0 : 10),
    data: {
      model: "seed-estimate/v1",
      currency: "USD",
      unitPrice: cents(unitCents),
      quantity,
      factors: {
        fabric: fabricFactor,
        complexity: complexityFactor,
        quantityBreak: breakFactor,
        route: routeFactor,
      },
      lineItems,
    },
  };
}

const FABRIC_FACTORS: Record<string, number> = {
  "Merino wool": 1.9,
  Cashmere: 4.2,
  "Organic cotton": 1.25,
  "Cotton fleece": 1.1,
  "Recycled polyester": 0.85,
  "Baby alpaca": 2.6,
  Lambswool: 1.4,
  Denim: 1,
  Cotton: 1,
};

function nextBreak(quantity: number): number {
  return [500, 1000, 5000, 10000].find((b) => b > quantity) ?? quantity * 2;
}

// ---------------------------------------------------------------- formatting

/** Integer cents as a numeric(12,2) literal; exact, no float rounding. */
export function cents(value: number): string {
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(Math.round(value));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function dateFromIndex(dayIndex: number): string {
  return new Date(dayIndex * DAY).toISOString().slice(0, 10);
}

function addDaysToDate(date: string, days: number): string {
  return dateFromIndex(Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY) + days);
}

/** ASCII slug: accents dropped (ğ → g, ø → o), anything else becomes a hyphen. */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[øØ]/g, "o")
    .replace(/[ıİ]/g, "i")
    .replace(/[đĐ]/g, "d")
    .replace(/[æÆ]/g, "ae")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function emailLocal(name: string): string {
  return slugify(name).replace(/-/g, ".").slice(0, 40) || "user";
}

function uniq<T>(items: T[]): T[] {
  return [...new Set(items)];
}
