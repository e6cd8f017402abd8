import { AZURE_REGIONS } from '../../capabilities/provision-databricks/schema.ts';

// Regions out of free text, per cloud: codes ("us-east-1", "eastus2", "europe-west1"), phrases
// ("us east 2", "East US 2") and places people name instead ("Oregon", "Frankfurt"), each mapped
// to that cloud's own region.

export type Cloud = 'aws' | 'azure' | 'gcp';

const AZURE = new Set<string>(AZURE_REGIONS);
const AWS_CODE = /\b(us|eu|ap|ca|sa|me|af|il)-(north|south|east|west|central|northeast|southeast|northwest|southwest)-(\d)\b/;
const AWS_PHRASE = /\b(us|eu|ap|ca|sa)[\s-]+(north|south|east|west|central|northeast|southeast)[\s-]+(\d)\b/;
const GCP_CODE = /\b(us|europe|asia|australia|northamerica|southamerica)-(north|south|east|west|central|northeast|southeast)(\d)\b/;

/** Lower-case words of a text, punctuation dropped (hyphens kept). */
export function lowerWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

function azureRegion(text: string): string | undefined {
  const w = lowerWords(text);
  for (let n = 3; n >= 1; n--) {
    for (let i = 0; i + n <= w.length; i++) {
      const joined = w.slice(i, i + n).join('');
      if (AZURE.has(joined)) return joined;
    }
  }
  return undefined;
}

/** Places people name instead of a region code, per cloud (the cloud's own region for that city or state). */
const PLACES: Record<Cloud, Record<string, string>> = {
  aws: {
    virginia: 'us-east-1',
    'n virginia': 'us-east-1',
    'northern virginia': 'us-east-1',
    ohio: 'us-east-2',
    california: 'us-west-1',
    'n california': 'us-west-1',
    oregon: 'us-west-2',
    canada: 'ca-central-1',
    montreal: 'ca-central-1',
    ireland: 'eu-west-1',
    dublin: 'eu-west-1',
    london: 'eu-west-2',
    paris: 'eu-west-3',
    frankfurt: 'eu-central-1',
    stockholm: 'eu-north-1',
    milan: 'eu-south-1',
    mumbai: 'ap-south-1',
    singapore: 'ap-southeast-1',
    sydney: 'ap-southeast-2',
    tokyo: 'ap-northeast-1',
    seoul: 'ap-northeast-2',
    'sao paulo': 'sa-east-1',
  },
  gcp: {
    iowa: 'us-central1',
    'south carolina': 'us-east1',
    virginia: 'us-east4',
    oregon: 'us-west1',
    'los angeles': 'us-west2',
    montreal: 'northamerica-northeast1',
    belgium: 'europe-west1',
    london: 'europe-west2',
    frankfurt: 'europe-west3',
    netherlands: 'europe-west4',
    finland: 'europe-north1',
    taiwan: 'asia-east1',
    tokyo: 'asia-northeast1',
    singapore: 'asia-southeast1',
    sydney: 'australia-southeast1',
    'sao paulo': 'southamerica-east1',
  },
  azure: {
    virginia: 'eastus',
    iowa: 'centralus',
    texas: 'southcentralus',
    washington: 'westus2',
    ireland: 'northeurope',
    dublin: 'northeurope',
    netherlands: 'westeurope',
    amsterdam: 'westeurope',
    london: 'uksouth',
    paris: 'francecentral',
    frankfurt: 'germanywestcentral',
    zurich: 'switzerlandnorth',
    oslo: 'norwayeast',
    stockholm: 'swedencentral',
    sweden: 'swedencentral',
    tokyo: 'japaneast',
    seoul: 'koreacentral',
    sydney: 'australiaeast',
    singapore: 'southeastasia',
    'hong kong': 'eastasia',
  },
};

function placeRegion(text: string, cloud: Cloud): string | undefined {
  const t = ` ${lowerWords(text.replace(/\./g, '')).join(' ')} `;
  const places = Object.entries(PLACES[cloud]).sort((a, b) => b[0].length - a[0].length);
  return places.find(([place]) => t.includes(` ${place} `))?.[1];
}

function awsRegion(text: string): string | undefined {
  const t = text.toLowerCase();
  const code = AWS_CODE.exec(t) ?? AWS_PHRASE.exec(t);
  return code ? `${code[1]}-${code[2]}-${code[3]}` : placeRegion(text, 'aws');
}

function gcpRegion(text: string): string | undefined {
  return GCP_CODE.exec(text.toLowerCase())?.[0] ?? placeRegion(text, 'gcp');
}

export function regionOf(text: string, cloud?: Cloud): string | undefined {
  if (cloud === 'aws') return awsRegion(text);
  if (cloud === 'gcp') return gcpRegion(text) ?? awsRegion(text);
  if (cloud === 'azure') return azureRegion(text) ?? placeRegion(text, 'azure');
  return AWS_CODE.exec(text.toLowerCase())?.[0] ?? GCP_CODE.exec(text.toLowerCase())?.[0] ?? azureRegion(text);
}
