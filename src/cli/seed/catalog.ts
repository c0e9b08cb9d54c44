/**
 * Reference data for the seed: where apparel is really made, what the
 * factories there are called, what they make and what it costs. Hand-curated
 * (not lorem ipsum) so a demo looks like the trade it models, with accented
 * and CJK names so every layer is exercised with real Unicode.
 */

export interface SourcingCountry {
  code: string;
  /** International dialling code, for contact phones. */
  dial: string;
  cities: readonly string[];
  /** Company names: `{name}` is replaced by one of `companyWords`. */
  companyPatterns: readonly string[];
  companyWords: readonly string[];
  /** Complete person names as people there write them. */
  people: readonly string[];
  streets: readonly string[];
  timezone: string;
  locale: string;
  /** What factories there are known for; specializations are drawn mostly from here. */
  strengths: readonly string[];
  /** How many suppliers come from here relative to the others. */
  weight: number;
}

export const SOURCING_COUNTRIES: readonly SourcingCountry[] = [
  {
    code: "BD",
    dial: "+880",
    cities: ["Dhaka", "Gazipur", "Narayanganj", "Chattogram", "Savar", "Ashulia"],
    companyPatterns: [
      "{name} Knit Composite Ltd.",
      "{name} Apparels Ltd.",
      "{name} Knitwear Ltd.",
      "{name} Fashions Ltd.",
    ],
    companyWords: [
      "Padma",
      "Meghna",
      "Jamuna",
      "Sonar Bangla",
      "Rupali",
      "Karnaphuli",
      "Shapla",
      "Surma",
      "Teesta",
      "Bengal Star",
    ],
    people: [
      "Mohammad Rahman",
      "Farhana Akter",
      "Tanvir Hossain",
      "Nusrat Jahan",
      "Sharmin Sultana",
      "Abdul Karim",
      "Rezaul Islam",
    ],
    streets: [
      "Plot 14, BSCIC Industrial Estate",
      "House 32, Road 7, Uttara Sector 4",
      "Holding 118, Tongi Industrial Area",
      "Kanchpur Bridge Road",
    ],
    timezone: "Asia/Dhaka",
    locale: "bn",
    strengths: ["jersey", "fleece", "basics", "knitwear", "denim"],
    weight: 14,
  },
  {
    code: "CN",
    dial: "+86",
    cities: ["Shanghai", "Ningbo", "Dongguan", "Hangzhou", "Tongxiang", "Guangzhou", "Shaoxing"],
    // No city in the name: it would contradict the supplier's city.
    companyPatterns: [
      "{name}针织有限公司",
      "{name}服饰有限公司",
      "{name}毛织厂",
      "{name}纺织品有限公司",
      "{name}羊毛衫有限公司",
    ],
    companyWords: ["恒达", "华美", "金丝", "永盛", "锦绣", "天虹", "瑞丰", "鸿运", "新华", "云锦"],
    people: ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "周婷"],
    streets: [
      "浦东新区川沙路 1288 号",
      "鄞州区 宁南北路 555 号",
      "大朗镇 毛织贸易中心 3 栋",
      "濮院镇 毛衫城 18 号",
    ],
    timezone: "Asia/Shanghai",
    locale: "zh-CN",
    strengths: ["knitwear", "cashmere", "seamless", "fleece", "merino"],
    weight: 14,
  },
  {
    code: "VN",
    dial: "+84",
    cities: ["Ho Chi Minh City", "Hanoi", "Binh Duong", "Dong Nai", "Nam Dinh", "Hai Phong"],
    companyPatterns: [
      "Công ty TNHH Dệt Kim {name}",
      "Công ty Cổ phần May {name}",
      "{name} Knitting Vietnam Co., Ltd.",
    ],
    companyWords: [
      "Phú Thịnh",
      "Thành Công",
      "Hưng Phát",
      "Sài Gòn",
      "Đông Á",
      "Hòa Bình",
      "Tân Tiến",
      "Việt Hưng",
    ],
    people: [
      "Nguyễn Thị Hương",
      "Trần Văn Minh",
      "Lê Thị Lan",
      "Phạm Quốc Bảo",
      "Võ Thị Thu",
      "Đặng Hoàng Nam",
    ],
    streets: [
      "Lô C5, KCN Sóng Thần",
      "12 Đường Số 3, KCN Tân Tạo",
      "Lô 8, KCN Biên Hòa 2",
      "88 Nguyễn Văn Linh",
    ],
    timezone: "Asia/Ho_Chi_Minh",
    locale: "vi",
    strengths: ["jersey", "knitwear", "seamless", "activewear", "denim"],
    weight: 11,
  },
  {
    code: "IN",
    dial: "+91",
    cities: ["Tiruppur", "Ludhiana", "Bengaluru", "Noida", "Jaipur", "Mumbai"],
    companyPatterns: [
      "{name} Knit Fabs Pvt. Ltd.",
      "{name} Exports",
      "{name} Clothing Company Pvt. Ltd.",
      "{name} Hosiery Mills",
    ],
    companyWords: [
      "Shree Ganesh",
      "Sri Murugan",
      "Kaveri",
      "Lakshmi",
      "Om Sai",
      "Noyyal",
      "Annapurna",
      "Vardhaman Knits",
    ],
    people: [
      "Priya Raghunathan",
      "Arjun Mehta",
      "Kavitha Subramanian",
      "Rohit Sharma",
      "Deepa Krishnan",
      "Harpreet Kaur",
    ],
    streets: [
      "SF No. 214, Avinashi Road",
      "Plot 56, Focal Point Phase 8",
      "B-41, Sector 63",
      "17 Kumaran Road",
    ],
    timezone: "Asia/Kolkata",
    locale: "en-IN",
    strengths: ["organic cotton", "jersey", "knitwear", "basics", "fleece"],
    weight: 11,
  },
  {
    code: "TR",
    dial: "+90",
    cities: ["Istanbul", "Bursa", "İzmir", "Denizli", "Gaziantep", "Tekirdağ"],
    companyPatterns: ["{name} Tekstil A.Ş.", "{name} Örme San. ve Tic. A.Ş.", "{name} Triko Ltd. Şti."],
    companyWords: ["Çağlar", "Yıldız", "Özdemir", "Akgün", "Karadeniz", "Şahin", "Ege Örme", "Güneş"],
    people: ["Çağlar Yılmaz", "Ayşe Demir", "Mehmet Öztürk", "Gülşen Kaya", "Emre Şahin", "Zeynep Aydın"],
    streets: [
      "Organize Sanayi Bölgesi 3. Cadde No: 12",
      "Merter Tekstil Merkezi, Keresteciler Sit.",
      "Atatürk Bulvarı No: 84",
    ],
    timezone: "Europe/Istanbul",
    locale: "tr",
    strengths: ["denim", "knitwear", "jersey", "organic cotton", "fleece"],
    weight: 9,
  },
  {
    code: "PT",
    dial: "+351",
    cities: ["Porto", "Barcelos", "Guimarães", "Vila Nova de Famalicão", "Braga"],
    companyPatterns: ["Malhas {name}, Lda.", "{name} Têxteis, S.A.", "Confeções {name}, Lda."],
    companyWords: ["do Minho", "Ferreira & Filhos", "Atlântico", "São João", "Ave", "Cávado", "Lusitânia"],
    people: ["João Gonçalves", "Inês Araújo", "Tiago Ferreira", "Beatriz Simões", "Rui Magalhães"],
    streets: ["Rua da Indústria 45", "Avenida de São Miguel 210", "Zona Industrial de Ronfe, Lote 7"],
    timezone: "Europe/Lisbon",
    locale: "pt-PT",
    strengths: ["organic cotton", "jersey", "knitwear", "merino", "seamless"],
    weight: 6,
  },
  {
    code: "IT",
    dial: "+39",
    cities: ["Prato", "Biella", "Carpi", "Treviso", "Perugia"],
    companyPatterns: ["Maglificio {name} S.r.l.", "Lanificio {name} S.p.A.", "{name} Maglieria S.r.l."],
    companyWords: ["Bianchi", "Biellese", "Lucchese", "della Valle", "Toscano", "San Giorgio", "Ferraris"],
    people: ["Giulia Bianchi", "Lorenzo Rossi", "Francesca Conti", "Matteo Galli", "Chiara Lombardi"],
    streets: ["Via del Lanificio 12", "Viale della Repubblica 88", "Via Prov. per Carpi 231"],
    timezone: "Europe/Rome",
    locale: "it",
    strengths: ["cashmere", "merino", "knitwear"],
    weight: 5,
  },
  {
    code: "PK",
    dial: "+92",
    cities: ["Faisalabad", "Lahore", "Karachi", "Sialkot"],
    companyPatterns: [
      "{name} Textile Mills (Pvt) Ltd.",
      "{name} Knitwear (Pvt) Ltd.",
      "{name} Apparel Industries",
    ],
    companyWords: ["Chenab", "Indus", "Ravi", "Faisal", "Crescent Star", "Jhelum", "Margalla"],
    people: ["Ahmed Raza", "Ayesha Siddiqui", "Bilal Chaudhry", "Sana Malik", "Usman Tariq"],
    streets: [
      "Plot 22, Sargodha Road Industrial Area",
      "Korangi Industrial Area, Sector 15",
      "32-km Ferozepur Road",
    ],
    timezone: "Asia/Karachi",
    locale: "ur",
    strengths: ["denim", "jersey", "fleece", "basics"],
    weight: 7,
  },
  {
    code: "KH",
    dial: "+855",
    cities: ["Phnom Penh", "Kampong Speu", "Kandal"],
    companyPatterns: ["{name} Garment (Cambodia) Co., Ltd.", "{name} Knitting Factory Co., Ltd."],
    companyWords: ["Angkor", "Mekong", "Tonle", "Bayon", "Preah Vihear"],
    people: ["Sokha Chann", "Dara Kim", "Srey Pov", "Vannak Sok", "Chenda Heng"],
    streets: ["National Road 4, Choam Chao", "Street 598, Tuol Kork", "Phnom Penh SEZ, Lot 41"],
    timezone: "Asia/Phnom_Penh",
    locale: "km",
    strengths: ["jersey", "knitwear", "activewear"],
    weight: 5,
  },
  {
    code: "LK",
    dial: "+94",
    cities: ["Colombo", "Katunayake", "Biyagama", "Kandy"],
    companyPatterns: [
      "{name} Knitting Mills (Pvt) Ltd.",
      "{name} Intimates (Pvt) Ltd.",
      "{name} Apparel Lanka",
    ],
    companyWords: ["Ceylon", "Lanka", "Kelani", "Serendib", "Sigiriya"],
    people: ["Nimal Perera", "Dilani Fernando", "Kasun Jayasuriya", "Tharushi Wickramasinghe"],
    streets: ["Export Processing Zone, Block B", "145 Negombo Road", "Biyagama EPZ, Lot 12"],
    timezone: "Asia/Colombo",
    locale: "si",
    strengths: ["seamless", "activewear", "jersey", "organic cotton"],
    weight: 4,
  },
  {
    code: "ID",
    dial: "+62",
    cities: ["Bandung", "Jakarta", "Semarang", "Surakarta"],
    companyPatterns: ["PT {name} Tekstil Indonesia", "PT {name} Busana", "PT {name} Rajut Abadi"],
    companyWords: ["Sinar Jaya", "Mitra Busana", "Cahaya", "Sumber Rejeki", "Karya Mandiri"],
    people: ["Budi Santoso", "Siti Rahmawati", "Agus Wibowo", "Dewi Lestari", "Rizky Pratama"],
    streets: [
      "Jl. Soekarno-Hatta No. 512",
      "Kawasan Industri Pulogadung Blok H",
      "Jl. Raya Solo-Sragen Km 7",
    ],
    timezone: "Asia/Jakarta",
    locale: "id",
    strengths: ["jersey", "knitwear", "fleece", "basics"],
    weight: 5,
  },
  {
    code: "MX",
    dial: "+52",
    cities: ["Puebla", "Aguascalientes", "Tehuacán", "León", "Guadalajara"],
    companyPatterns: ["Textiles {name} S.A. de C.V.", "Confecciones {name} S.A. de C.V.", "Tejidos {name}"],
    companyWords: ["del Bajío", "Poblanos", "Tehuacán", "Azteca", "Sierra Madre", "La Estrella"],
    people: [
      "José Hernández",
      "María Guadalupe López",
      "Alejandro Ramírez",
      "Sofía Martínez",
      "Luis Ángel Torres",
    ],
    streets: ["Parque Industrial 5 de Mayo, Nave 3", "Av. Tecnológico 1402", "Blvd. Aeropuerto 230"],
    timezone: "America/Mexico_City",
    locale: "es-MX",
    strengths: ["denim", "jersey", "basics"],
    weight: 4,
  },
  {
    code: "MA",
    dial: "+212",
    cities: ["Tangier", "Casablanca", "Fès"],
    companyPatterns: ["{name} Confection SARL", "Société {name} Textile", "{name} Maille SARL"],
    companyWords: ["Atlas", "Rif", "Tanger Med", "Andalous", "Zellige"],
    people: ["Youssef El Amrani", "Fatima Zahra Bennani", "Karim Tazi", "Salma Idrissi"],
    streets: [
      "Zone Franche de Tanger, Lot 52",
      "Quartier Industriel Aïn Sebaâ, Rue 9",
      "Route de Sefrou km 4",
    ],
    timezone: "Africa/Casablanca",
    locale: "fr-MA",
    strengths: ["denim", "jersey", "knitwear"],
    weight: 3,
  },
  {
    code: "RO",
    dial: "+40",
    cities: ["București", "Timișoara", "Iași", "Cluj-Napoca", "Sibiu"],
    companyPatterns: ["Tricotaje {name} S.R.L.", "{name} Knitting S.A.", "Confecții {name} S.R.L."],
    companyWords: ["Carpați", "Dunărea", "Bucovina", "Transilvania", "Mureș"],
    people: ["Andrei Popescu", "Ioana Ștefănescu", "Mihai Dumitrescu", "Elena Vasilescu"],
    streets: ["Strada Fabricii 17", "Bulevardul Industriilor 4", "Calea Șagului 120"],
    timezone: "Europe/Bucharest",
    locale: "ro",
    strengths: ["knitwear", "merino", "jersey"],
    weight: 3,
  },
  {
    code: "DK",
    dial: "+45",
    cities: ["Herning", "Ikast", "Brande"],
    companyPatterns: ["{name} Knit ApS", "{name} Strik A/S"],
    companyWords: ["Ørsted", "Hedegaard", "Søndergaard", "Fjordvæv", "Ålbæk"],
    people: ["Søren Østergaard", "Mette Ravn Jørgensen", "Anders Kjær", "Birgitte Møller"],
    streets: ["Vestergade 14", "Industrivej 8", "Hammerum Hovedgade 42"],
    timezone: "Europe/Copenhagen",
    locale: "da",
    strengths: ["merino", "knitwear", "organic cotton"],
    weight: 1,
  },
  {
    code: "PE",
    dial: "+51",
    cities: ["Lima", "Arequipa"],
    companyPatterns: ["Tejidos {name} S.A.C.", "{name} Knitwear Perú S.A.C."],
    companyWords: ["Andinos", "Alpaca del Sur", "Inca", "Colca", "Misti"],
    people: ["Rosa Quispe", "Luis Mamani", "Carmen Huamán", "Jorge Condori"],
    streets: ["Av. Argentina 2050", "Parque Industrial Río Seco, Mz. F Lote 3", "Calle Los Telares 118"],
    timezone: "America/Lima",
    locale: "es-PE",
    strengths: ["alpaca", "knitwear", "organic cotton"],
    weight: 2,
  },
];

export const BUSINESS_TYPES = [
  "manufacturer",
  "vertical mill",
  "knitting unit",
  "garment factory",
  "trading company",
] as const;

/** Every specialization a supplier may list (suppliers.specializations, GIN-indexed). */
export const SPECIALIZATIONS = [
  "knitwear",
  "jersey",
  "denim",
  "fleece",
  "seamless",
  "merino",
  "cashmere",
  "organic cotton",
  "alpaca",
  "activewear",
  "basics",
  "recycled fibres",
  "fully fashioned",
  "jacquard",
  "intarsia",
  "garment dye",
] as const;

/** Where buyers (brands) are: the markets the factories above ship to. */
export interface BuyerMarket {
  code: string;
  dial: string;
  timezone: string;
  locale: string;
  currency: "USD" | "EUR" | "GBP";
  people: readonly string[];
  weight: number;
}

export const BUYER_MARKETS: readonly BuyerMarket[] = [
  {
    code: "US",
    dial: "+1",
    timezone: "America/New_York",
    locale: "en-US",
    currency: "USD",
    weight: 30,
    people: [
      "Emily Carter",
      "Jacob Nguyen",
      "Olivia Bennett",
      "Marcus Johnson",
      "Hannah Goldberg",
      "Diego Alvarez",
    ],
  },
  {
    code: "GB",
    dial: "+44",
    timezone: "Europe/London",
    locale: "en-GB",
    currency: "GBP",
    weight: 12,
    people: ["Charlotte Hughes", "Oliver Whitaker", "Amelia Clarke", "Rhys Llewellyn", "Siobhán O'Connor"],
  },
  {
    code: "DE",
    dial: "+49",
    timezone: "Europe/Berlin",
    locale: "de",
    currency: "EUR",
    weight: 12,
    people: ["Lena Müller", "Jürgen Weiß", "Katharina Schröder", "Felix Groß", "Anja Köhler"],
  },
  {
    code: "FR",
    dial: "+33",
    timezone: "Europe/Paris",
    locale: "fr",
    currency: "EUR",
    weight: 8,
    people: ["Camille Lefèvre", "Théo Girard", "Élodie Moreau", "Benoît Faure", "Léa Dubois"],
  },
  {
    code: "NL",
    dial: "+31",
    timezone: "Europe/Amsterdam",
    locale: "nl",
    currency: "EUR",
    weight: 6,
    people: ["Sanne de Vries", "Daan van der Berg", "Femke Janssen", "Joris Bakker"],
  },
  {
    code: "SE",
    dial: "+46",
    timezone: "Europe/Stockholm",
    locale: "sv",
    currency: "EUR",
    weight: 5,
    people: ["Astrid Lindqvist", "Björn Åkesson", "Elin Sjöberg", "Måns Ekström"],
  },
  {
    code: "ES",
    dial: "+34",
    timezone: "Europe/Madrid",
    locale: "es",
    currency: "EUR",
    weight: 5,
    people: ["Lucía Fernández", "Pablo Núñez", "Marta Ibáñez", "Íñigo Zubizarreta"],
  },
  {
    code: "JP",
    dial: "+81",
    timezone: "Asia/Tokyo",
    locale: "ja",
    currency: "USD",
    weight: 5,
    people: ["佐藤 美咲", "鈴木 健太", "高橋 さくら", "田中 翔"],
  },
  {
    code: "AU",
    dial: "+61",
    timezone: "Australia/Sydney",
    locale: "en-AU",
    currency: "USD",
    weight: 5,
    people: ["Chloe Mitchell", "Liam O'Brien", "Zoe Papadopoulos", "Noah Tran"],
  },
  {
    code: "CA",
    dial: "+1",
    timezone: "America/Toronto",
    locale: "en-CA",
    currency: "USD",
    weight: 6,
    people: ["Gabrielle Tremblay", "Ethan MacDonald", "Maya Singh", "Étienne Gagnon"],
  },
];

export const BRAND_WORDS = [
  "Northbound",
  "Fieldhouse",
  "Saltwater",
  "Common Thread",
  "Hearth & Loom",
  "Kinfolk Knits",
  "Meridian",
  "Atelier Lune",
  "Tidewater",
  "Ridgeline",
  "Little Fern",
  "Bergamot",
  "Studio Nord",
  "Wren & Ivy",
  "Maison Léa",
  "Forêt",
  "Kōyō",
  "Grünwald",
  "Sørensen & Co.",
  "Blue Heron",
  "Oakhaven",
  "Pale Sky",
  "Morrow",
  "Vestra",
  "Hallowell",
] as const;
export const BRAND_SUFFIXES = [
  "Apparel",
  "Studio",
  "Supply Co.",
  "Clothing",
  "Label",
  "Goods",
  "Collective",
  "Outfitters",
] as const;

// ----------------------------------------------------------------- products

export interface Subcategory {
  category: string;
  subcategory: string;
  /** Singular noun for titles ("crew-neck sweater"). */
  nouns: readonly string[];
  productType: string;
  materials: readonly {
    material: string;
    composition: string;
    specialization: string;
    priceFactor: number;
  }[];
  gsm: readonly [number, number];
  /** Supplier's price per piece in USD, before material factor. */
  price: readonly [number, number];
  sizes: readonly string[];
  moq: readonly [number, number];
  weightKg: readonly [number, number];
  styleWords: readonly string[];
  attributes: Record<string, readonly string[]>;
}

const ADULT_SIZES = ["XS", "S", "M", "L", "XL", "XXL"] as const;
const COTTON = {
  material: "Cotton",
  composition: "100% combed cotton",
  specialization: "jersey",
  priceFactor: 1,
};
const ORGANIC = {
  material: "Organic cotton",
  composition: "100% GOTS organic cotton",
  specialization: "organic cotton",
  priceFactor: 1.25,
};
const MERINO = {
  material: "Merino wool",
  composition: "100% extra-fine merino wool (18.5 µm)",
  specialization: "merino",
  priceFactor: 1.9,
};
const CASHMERE = {
  material: "Cashmere",
  composition: "100% Mongolian cashmere",
  specialization: "cashmere",
  priceFactor: 4.2,
};
const LAMBSWOOL = {
  material: "Lambswool",
  composition: "100% lambswool",
  specialization: "knitwear",
  priceFactor: 1.4,
};
const ALPACA = {
  material: "Baby alpaca",
  composition: "70% baby alpaca, 30% nylon",
  specialization: "alpaca",
  priceFactor: 2.6,
};
const COTTON_CASH = {
  material: "Cotton cashmere",
  composition: "85% cotton, 15% cashmere",
  specialization: "cashmere",
  priceFactor: 1.8,
};
const RECYCLED = {
  material: "Recycled polyester",
  composition: "100% recycled polyester (GRS)",
  specialization: "recycled fibres",
  priceFactor: 0.85,
};
const FLEECE = {
  material: "Cotton fleece",
  composition: "80% cotton, 20% polyester brushed fleece",
  specialization: "fleece",
  priceFactor: 1.1,
};
const ORGANIC_FLEECE = {
  material: "Organic cotton fleece",
  composition: "100% organic cotton loopback",
  specialization: "organic cotton",
  priceFactor: 1.35,
};
const DENIM = {
  material: "Denim",
  composition: "99% cotton, 1% elastane, 12 oz",
  specialization: "denim",
  priceFactor: 1,
};
const RIGID_DENIM = {
  material: "Rigid selvedge denim",
  composition: "100% cotton selvedge, 14 oz",
  specialization: "denim",
  priceFactor: 1.6,
};
const NYLON_SEAMLESS = {
  material: "Nylon elastane",
  composition: "88% recycled nylon, 12% elastane",
  specialization: "seamless",
  priceFactor: 1.15,
};
const PIQUE = {
  material: "Cotton piqué",
  composition: "100% cotton piqué",
  specialization: "jersey",
  priceFactor: 1.1,
};
const BAMBOO = {
  material: "Bamboo viscose",
  composition: "95% bamboo viscose, 5% elastane",
  specialization: "jersey",
  priceFactor: 1.2,
};
const SOCK_COTTON = {
  material: "Combed cotton",
  composition: "80% combed cotton, 17% polyamide, 3% elastane",
  specialization: "knitwear",
  priceFactor: 1,
};
const SOCK_MERINO = {
  material: "Merino wool",
  composition: "60% merino wool, 37% polyamide, 3% elastane",
  specialization: "merino",
  priceFactor: 1.7,
};

const KNIT_ATTRIBUTES = {
  gauge: ["3gg", "5gg", "7gg", "12gg", "14gg"],
  knit: ["jersey", "rib", "cable", "waffle", "jacquard", "intarsia", "fully fashioned"],
  fit: ["regular", "relaxed", "slim", "oversized"],
  care: ["hand wash cold", "machine wash 30°C wool cycle", "dry clean only"],
} as const;
const JERSEY_ATTRIBUTES = {
  fit: ["regular", "relaxed", "slim", "boxy"],
  finish: ["enzyme washed", "garment dyed", "silicone wash", "peached"],
  neckline: ["crew", "v-neck", "mock neck"],
  care: ["machine wash 30°C", "machine wash 40°C"],
} as const;

export const SUBCATEGORIES: readonly Subcategory[] = [
  {
    category: "knitwear",
    subcategory: "sweaters",
    productType: "sweater",
    nouns: [
      "crew-neck sweater",
      "V-neck sweater",
      "turtleneck sweater",
      "cable-knit sweater",
      "mock-neck jumper",
    ],
    materials: [MERINO, CASHMERE, LAMBSWOOL, ALPACA, COTTON_CASH, ORGANIC],
    gsm: [220, 420],
    price: [9, 24],
    sizes: ADULT_SIZES,
    moq: [50, 300],
    weightKg: [0.35, 0.7],
    styleWords: ["Classic", "Heritage", "Everyday", "Chunky", "Fine-gauge", "Fisherman"],
    attributes: KNIT_ATTRIBUTES,
  },
  {
    category: "knitwear",
    subcategory: "cardigans",
    productType: "cardigan",
    nouns: ["button cardigan", "shawl-collar cardigan", "cropped cardigan", "longline cardigan"],
    materials: [MERINO, LAMBSWOOL, COTTON_CASH, ALPACA, ORGANIC],
    gsm: [240, 400],
    price: [11, 26],
    sizes: ADULT_SIZES,
    moq: [50, 300],
    weightKg: [0.4, 0.75],
    styleWords: ["Soft", "Grandpa", "Boyfriend", "Relaxed", "Ribbed"],
    attributes: KNIT_ATTRIBUTES,
  },
  {
    category: "knitwear",
    subcategory: "vests",
    productType: "knit vest",
    nouns: ["sweater vest", "cable vest", "argyle vest"],
    materials: [MERINO, LAMBSWOOL, ORGANIC],
    gsm: [220, 350],
    price: [7, 15],
    sizes: ADULT_SIZES,
    moq: [100, 400],
    weightKg: [0.2, 0.4],
    styleWords: ["Preppy", "Heritage", "Cable"],
    attributes: KNIT_ATTRIBUTES,
  },
  {
    category: "knitwear",
    subcategory: "knit dresses",
    productType: "knit dress",
    nouns: ["rib-knit midi dress", "sweater dress", "polo knit dress"],
    materials: [MERINO, COTTON_CASH, BAMBOO],
    gsm: [240, 360],
    price: [14, 30],
    sizes: ["XS", "S", "M", "L", "XL"],
    moq: [50, 200],
    weightKg: [0.35, 0.6],
    styleWords: ["Ribbed", "Fitted", "Easy"],
    attributes: KNIT_ATTRIBUTES,
  },
  {
    category: "tops",
    subcategory: "t-shirts",
    productType: "t-shirt",
    nouns: ["crew-neck t-shirt", "heavyweight tee", "pocket tee", "oversized tee", "V-neck tee"],
    materials: [COTTON, ORGANIC, BAMBOO, RECYCLED],
    gsm: [140, 260],
    price: [2.2, 6.5],
    sizes: ADULT_SIZES,
    moq: [200, 1000],
    weightKg: [0.15, 0.28],
    styleWords: ["Essential", "Heavyweight", "Everyday", "Vintage-wash", "Boxy"],
    attributes: JERSEY_ATTRIBUTES,
  },
  {
    category: "tops",
    subcategory: "polos",
    productType: "polo shirt",
    nouns: ["piqué polo", "knit polo", "long-sleeve polo"],
    materials: [PIQUE, ORGANIC, MERINO],
    gsm: [180, 260],
    price: [4.5, 12],
    sizes: ADULT_SIZES,
    moq: [150, 600],
    weightKg: [0.2, 0.32],
    styleWords: ["Classic", "Tennis", "Clubhouse"],
    attributes: JERSEY_ATTRIBUTES,
  },
  {
    category: "tops",
    subcategory: "long-sleeve tees",
    productType: "long-sleeve t-shirt",
    nouns: ["long-sleeve tee", "waffle henley", "raglan tee"],
    materials: [COTTON, ORGANIC, BAMBOO],
    gsm: [160, 240],
    price: [3.2, 8],
    sizes: ADULT_SIZES,
    moq: [200, 800],
    weightKg: [0.2, 0.3],
    styleWords: ["Layering", "Thermal", "Everyday"],
    attributes: JERSEY_ATTRIBUTES,
  },
  {
    category: "tops",
    subcategory: "tank tops",
    productType: "tank top",
    nouns: ["rib tank", "racerback tank", "muscle tank"],
    materials: [COTTON, ORGANIC, BAMBOO],
    gsm: [140, 200],
    price: [1.8, 4.5],
    sizes: ADULT_SIZES,
    moq: [300, 1200],
    weightKg: [0.1, 0.18],
    styleWords: ["Summer", "Rib", "Essential"],
    attributes: JERSEY_ATTRIBUTES,
  },
  {
    category: "activewear",
    subcategory: "hoodies",
    productType: "hoodie",
    nouns: ["pullover hoodie", "zip hoodie", "heavyweight hoodie", "cropped hoodie"],
    materials: [FLEECE, ORGANIC_FLEECE, RECYCLED],
    gsm: [280, 480],
    price: [7.5, 18],
    sizes: ADULT_SIZES,
    moq: [100, 500],
    weightKg: [0.5, 0.9],
    styleWords: ["Heavyweight", "Campus", "Brushed", "Garment-dyed"],
    attributes: {
      fit: ["regular", "oversized"],
      finish: ["brushed back", "loopback", "garment dyed"],
      care: ["machine wash 30°C"],
    },
  },
  {
    category: "activewear",
    subcategory: "sweatshirts",
    productType: "sweatshirt",
    nouns: ["crew sweatshirt", "quarter-zip sweatshirt", "raglan sweatshirt"],
    materials: [FLEECE, ORGANIC_FLEECE],
    gsm: [280, 420],
    price: [6.5, 15],
    sizes: ADULT_SIZES,
    moq: [100, 500],
    weightKg: [0.45, 0.75],
    styleWords: ["Vintage", "Classic", "Loopback"],
    attributes: {
      fit: ["regular", "relaxed"],
      finish: ["brushed back", "loopback"],
      care: ["machine wash 30°C"],
    },
  },
  {
    category: "activewear",
    subcategory: "joggers",
    productType: "joggers",
    nouns: ["fleece jogger", "tapered sweatpant", "track pant"],
    materials: [FLEECE, ORGANIC_FLEECE, RECYCLED],
    gsm: [260, 400],
    price: [6, 14],
    sizes: ADULT_SIZES,
    moq: [100, 500],
    weightKg: [0.4, 0.7],
    styleWords: ["Tapered", "Relaxed", "Tech"],
    attributes: {
      fit: ["tapered", "straight"],
      waistband: ["elastic with drawcord", "rib cuff"],
      care: ["machine wash 30°C"],
    },
  },
  {
    category: "activewear",
    subcategory: "leggings",
    productType: "leggings",
    nouns: ["seamless legging", "high-rise legging", "bike short"],
    materials: [NYLON_SEAMLESS, RECYCLED],
    gsm: [180, 280],
    price: [5, 12],
    sizes: ["XS", "S", "M", "L", "XL"],
    moq: [200, 800],
    weightKg: [0.2, 0.35],
    styleWords: ["Sculpt", "Studio", "Seamless"],
    attributes: {
      compression: ["light", "medium", "high"],
      rise: ["mid", "high"],
      care: ["machine wash cold"],
    },
  },
  {
    category: "denim",
    subcategory: "jeans",
    productType: "jeans",
    nouns: ["straight-leg jean", "slim jean", "wide-leg jean", "relaxed taper jean"],
    materials: [DENIM, RIGID_DENIM],
    gsm: [340, 480],
    price: [8, 22],
    sizes: ["26", "28", "30", "32", "34", "36", "38"],
    moq: [200, 800],
    weightKg: [0.6, 0.95],
    styleWords: ["Rinse", "Stone-wash", "Raw", "Vintage"],
    attributes: {
      wash: ["rinse", "stone wash", "bleach wash", "raw"],
      fit: ["straight", "slim", "wide", "tapered"],
    },
  },
  {
    category: "denim",
    subcategory: "denim jackets",
    productType: "denim jacket",
    nouns: ["trucker jacket", "chore jacket", "oversized denim jacket"],
    materials: [DENIM, RIGID_DENIM],
    gsm: [380, 480],
    price: [12, 28],
    sizes: ADULT_SIZES,
    moq: [100, 400],
    weightKg: [0.8, 1.2],
    styleWords: ["Classic", "Workwear", "Vintage"],
    attributes: { wash: ["rinse", "stone wash", "raw"], fit: ["regular", "boxy"] },
  },
  {
    category: "accessories",
    subcategory: "socks",
    productType: "socks",
    nouns: ["crew sock", "ankle sock", "hiking sock", "ribbed sock"],
    materials: [SOCK_COTTON, SOCK_MERINO, ORGANIC],
    gsm: [180, 320],
    price: [0.6, 2.8],
    sizes: ["35-38", "39-42", "43-46"],
    moq: [500, 3000],
    weightKg: [0.04, 0.09],
    styleWords: ["Everyday", "Trail", "Cushioned", "Striped"],
    attributes: { cushioning: ["none", "half terry", "full terry"], needle: ["144N", "168N", "200N"] },
  },
  {
    category: "accessories",
    subcategory: "scarves",
    productType: "scarf",
    nouns: ["rib scarf", "oversized scarf", "brushed scarf"],
    materials: [MERINO, CASHMERE, LAMBSWOOL, ALPACA],
    gsm: [200, 340],
    price: [5, 28],
    sizes: ["One size"],
    moq: [100, 500],
    weightKg: [0.15, 0.35],
    styleWords: ["Winter", "Brushed", "Classic"],
    attributes: { size: ["180 x 30 cm", "200 x 35 cm", "190 x 70 cm"], fringe: ["none", "short", "long"] },
  },
  {
    category: "accessories",
    subcategory: "beanies",
    productType: "beanie",
    nouns: ["rib beanie", "fisherman beanie", "pom-pom beanie"],
    materials: [MERINO, LAMBSWOOL, RECYCLED, ALPACA],
    gsm: [200, 320],
    price: [1.8, 7],
    sizes: ["One size"],
    moq: [200, 1000],
    weightKg: [0.06, 0.12],
    styleWords: ["Docker", "Fisherman", "Slouchy"],
    attributes: { cuff: ["single", "double"], label: ["woven", "leather patch", "none"] },
  },
  {
    category: "baby & kids",
    subcategory: "baby bodysuits",
    productType: "baby bodysuit",
    nouns: ["short-sleeve bodysuit", "wrap bodysuit", "long-sleeve bodysuit"],
    materials: [ORGANIC, BAMBOO],
    gsm: [150, 220],
    price: [1.6, 4.2],
    sizes: ["0-3M", "3-6M", "6-12M", "12-18M", "18-24M"],
    moq: [300, 1200],
    weightKg: [0.05, 0.1],
    styleWords: ["Soft", "First", "Organic"],
    attributes: {
      closure: ["nickel-free snaps", "envelope neck"],
      certification: ["GOTS", "OEKO-TEX Standard 100"],
    },
  },
  {
    category: "baby & kids",
    subcategory: "kids sweaters",
    productType: "kids sweater",
    nouns: ["kids crew sweater", "kids cardigan", "kids fair-isle sweater"],
    materials: [MERINO, ORGANIC, LAMBSWOOL],
    gsm: [200, 320],
    price: [5, 12],
    sizes: ["2Y", "4Y", "6Y", "8Y", "10Y", "12Y"],
    moq: [100, 500],
    weightKg: [0.15, 0.3],
    styleWords: ["Playful", "Cosy", "Fair-isle"],
    attributes: KNIT_ATTRIBUTES,
  },
  {
    category: "underwear",
    subcategory: "briefs",
    productType: "briefs",
    nouns: ["seamless brief", "boxer brief", "bikini brief"],
    materials: [NYLON_SEAMLESS, BAMBOO, ORGANIC],
    gsm: [160, 220],
    price: [1.2, 4],
    sizes: ["XS", "S", "M", "L", "XL"],
    moq: [500, 2000],
    weightKg: [0.03, 0.07],
    styleWords: ["Seamless", "Everyday", "Second-skin"],
    attributes: { waistband: ["bonded", "knitted-in", "elastic"], certification: ["OEKO-TEX Standard 100"] },
  },
  {
    category: "underwear",
    subcategory: "sports bras",
    productType: "sports bra",
    nouns: ["seamless sports bra", "longline bra", "racerback bra"],
    materials: [NYLON_SEAMLESS, RECYCLED],
    gsm: [200, 280],
    price: [3.5, 9],
    sizes: ["XS", "S", "M", "L", "XL"],
    moq: [300, 1000],
    weightKg: [0.06, 0.12],
    styleWords: ["Studio", "Seamless", "Support"],
    attributes: { support: ["light", "medium", "high"], padding: ["removable", "none"] },
  },
];

export const COLORS = [
  "Black",
  "White",
  "Off-white",
  "Ecru",
  "Oatmeal",
  "Heather grey",
  "Charcoal",
  "Navy",
  "Ink blue",
  "Denim blue",
  "Sky blue",
  "Forest green",
  "Sage",
  "Olive",
  "Burgundy",
  "Rust",
  "Terracotta",
  "Camel",
  "Sand",
  "Mustard",
  "Dusty pink",
  "Lilac",
  "Cream",
] as const;

export const CERTIFICATIONS = [
  "OEKO-TEX Standard 100",
  "GOTS",
  "GRS",
  "BSCI",
  "WRAP",
  "SA8000",
  "RWS",
  "Bluesign",
] as const;

export const STAGE_NOTES: Record<number, readonly string[]> = {
  1: [
    "Yarn booked with spinner, lab dips approved",
    "Waiting for dyed yarn from the dye house",
    "Yarn received and tested for shrinkage",
  ],
  2: [
    "Knitting on 12gg Shima Seiki machines",
    "Panels knitted for first two colourways",
    "Machine time booked on two lines",
  ],
  3: ["Linking shoulders and side seams", "Linking at 18 pieces per hour per operator"],
  4: ["Enzyme wash for softness", "Washed at 30°C and tumble-dried flat"],
  5: ["Woven labels and hangtags attached", "Buttons sewn, pressing in progress"],
  6: ["AQL 2.5 inspection by third-party inspector", "Measurements checked against tech pack"],
  7: ["Polybagged and packed 12 per carton", "Carton marks printed per buyer's routing guide"],
  8: ["Booked on vessel, ETD confirmed", "Handed to forwarder, B/L issued"],
};

export const CANCELLATION_REASONS = [
  "Buyer's collection was cancelled for the season",
  "Budget cut after sell-through review",
  "Lab dip colours could not be matched in time",
  "Duplicate order placed by mistake",
  "Supplier could not meet the delivery window",
  "Payment was not received within 14 days",
  "Design changed; a new order will be placed",
] as const;

export const REJECTION_REASONS = [
  "Capacity fully booked for the requested window",
  "Yarn not available in the requested quantity",
  "Price below our production cost for this construction",
  "Minimum order quantity not met",
] as const;

export const LISTING_REJECTION_REASONS = [
  "Photos do not show the actual product; please upload your own images",
  "Fabric composition is missing from the description",
  "Price looks like a placeholder; please confirm the per-piece price",
  "Listing duplicates an existing approved listing",
] as const;

export const MESSAGE_TEMPLATES: readonly {
  subject: string;
  body: string;
  from: "buyer" | "supplier" | "admin";
}[] = [
  {
    from: "buyer",
    subject: "Lab dips",
    body: "Could you send photos of the lab dips for the navy and oatmeal colourways before bulk dyeing?",
  },
  {
    from: "supplier",
    subject: "Lab dips",
    body: "Lab dips attached. We recommend option B for navy, it matches the Pantone reference under D65 light.",
  },
  {
    from: "buyer",
    subject: "Size set",
    body: "The size set arrived. The M chest is 1.5 cm narrower than the tech pack; please adjust for bulk.",
  },
  {
    from: "supplier",
    subject: "Size set",
    body: "Noted, we corrected the chest measurement on the knitting program and will send a new M sample.",
  },
  {
    from: "supplier",
    subject: "Production update",
    body: "Knitting is about 60% done. Linking starts on Monday; we are on schedule for the ex-factory date.",
  },
  {
    from: "buyer",
    subject: "Shipping marks",
    body: "Please use our new carton labels for this order, the file is on the order page.",
  },
  {
    from: "supplier",
    subject: "Delay on trims",
    body: "The woven labels arrived late from the trim supplier; finishing will slip by about three days.",
  },
  {
    from: "admin",
    subject: "Inspection booked",
    body: "We booked the final AQL inspection. The inspector will contact the factory the day before.",
  },
  {
    from: "buyer",
    subject: "Delivery",
    body: "Goods received in good condition, thank you. We will reorder the same style for spring.",
  },
  {
    from: "supplier",
    subject: "Yarn price",
    body: "The merino yarn price went up 4% this month; the confirmed price of this order is not affected.",
  },
];

export const FEEDBACK_MESSAGES: readonly string[] = [
  "It would help to filter suppliers by certification (GOTS, OEKO-TEX).",
  "The production timeline page is great, our merchandisers check it every morning.",
  "I could not upload a tech pack larger than 20 MB.",
  "Can we get email alerts when a stage is delayed?",
  "Invoices should show the HS code for customs.",
  'Search for "merino" also returns cotton sweaters.',
  "Please add a way to compare two quotes side by side.",
  "The order page shows the wrong time zone for the factory.",
];

export const DESIGN_TITLES = [
  "AW fisherman sweater",
  "Spring rib cardigan",
  "Logo hoodie capsule",
  "Core tee program",
  "Kids fair-isle set",
  "Merino base layer",
  "Denim trucker reissue",
  "Seamless studio set",
  "Holiday cable knit",
  "Organic baby basics",
] as const;

export const FABRIC_TYPES = [
  "Merino wool",
  "Cashmere",
  "Organic cotton",
  "Cotton fleece",
  "Recycled polyester",
  "Baby alpaca",
  "Lambswool",
  "Denim",
  "Cotton",
] as const;

export const QUOTE_REQUIREMENTS = [
  "Private label with woven neck label and hangtag",
  "Garment dyed after knitting",
  "Embroidered logo on the chest, 6 cm wide",
  "GOTS certificate required for the whole supply chain",
  "Needs to ship to our EU warehouse in Rotterdam",
  "Recycled polybags, no plastic hangers",
] as const;

export const PAYMENT_METHODS = ["bank_transfer", "card", "letter_of_credit", "wire"] as const;
