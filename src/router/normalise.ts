// Text normalisation for the offline classifier: the way engineers write in chat, reduced to a
// few canonical words so that examples generalise to phrasings and names they never contained.
// Names become typed placeholders (a stack, a region, an environment, a port or protocol, an
// image, a number), everyday verbs become the verb the examples use, chat markup goes away.

/** Multi-word phrases first (longest wins), then single words. Each maps to a canonical verb. */
const PHRASES: [RegExp, string][] = [
  // destroy
  // The object may sit between verb and particle: "take the dev sandbox down".
  // …but "take it down to 2 replicas" scales.
  [
    /\b(tear|take|shut|bring)\s+(?:[\w/-]+\s+){0,4}?down\b(?!\s+to\s+(\d|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b)/g,
    ' destroy ',
  ],
  [/\b(decommission|decom|retire|sunset|nuke|kill|obliterate|wipe out|get rid of|delete|remove)\b/g, ' destroy '],
  [/\bpulumi destroy\b|\bterraform destroy\b/g, ' destroy '],
  // rollback
  [/\b(roll|rolls|rolling|rolled)\s+(?:[\w/-]+\s+){0,4}?back\b/g, ' rollback '],
  [/\b(revert|reverting|undo|back out|back it out|go back|restore)\b/g, ' rollback '],
  [/\b(yesterday'?s|previous|last good|earlier|prior|last known good)\s+(version|release|config|state|deploy(ment)?)\b/g, ' rollback '],
  // deploy (apply a configured stack as it is)
  [/\b(roll|rolls|rolling)\s+out\b|\bcut\s+over\b|\bship\s+it\b/g, ' deploy '],
  [/\b(ship|push|promote)\b/g, ' deploy '],
  [/\bpulumi up\b|\bterraform apply\b/g, ' deploy '],
  // scale / change config
  [/\b(crank|bump|turn|dial)\s+(it\s+)?(up|down)\b|\bspin\s+down\b|\bscale\s+(up|down|out|in)\b/g, ' scale '],
  [/\b(resize|bump|increase|decrease|raise|lower|reduce)\b/g, ' scale '],
  // provision something new
  [/\b(spin|set|stand|fire|whip)\s+up\b|\bset\s+me\s+up\b|\bhook\s+(me|us)\s+up\b/g, ' provision '],
  [/\b(create|provision|build|bootstrap|new)\b/g, ' provision '],
  // drift
  [
    /\bout[\s-]of[\s-]band\b|\b(changed|edited|tweaked|modified|touched|poked)\s+(by hand|manually|in the console|in the portal)\b|\bhand[\s-]?(edit|edited|made|changed)\b|\bclick-?ops\b|\bmanual (change|edit)s?\b/g,
    ' drift ',
  ],
  [/\b(drifted|drifting|diverged|divergence)\b/g, ' drift '],
  // Product nicknames: one word per thing to provision.
  [/\bdbx\b|\bdata ?bricks\b/g, ' databricks '],
  [/\baoai\b|\bopen ai\b|\bazure openai\b/g, ' openai '],
  [/\bk8s\b|\bkube\b/g, ' kubernetes '],
  [/\bns\b/g, ' namespace '],
  // Questions about a subject rather than requests to the bot ("what does rollback mean?").
  [
    /\bin general\b|\bgenerally\b|\bin plain (words|english)\b|\bconceptually\b|\bbroadly( speaking)?\b|\bjust curious\b|\bcurious\b|\bin theory\b|\bdifference between\b|\bcompared? (to|with)\b|\bworth it\b|\bpros and cons\b|\bwhat does \S+ mean\b|\bmean(s|ing)? in\b|\bexplain( to me)? (what|how|why|the)\b|\bwhy do (people|we|teams)\b|\bbest practices?\b/g,
    ' askabout ',
  ],
  // list / status / history / cost
  [/\bwhat'?s\s+(running|deployed|live|up)\b|\bwhat\s+is\s+(running|deployed)\b/g, ' running '],
  [/\b(spend|spending|bill|billing|burn)\b/g, ' cost '],
];

const ENVIRONMENT = /\b(prod|production|prd|live|staging|stage|stg|preprod|pre-prod|uat|dev|development|sandbox-dev|test)\b/g;
const REGION =
  /\b((us|eu|ap|sa|ca|me|af)-(east|west|north|south|central|northeast|southeast|northwest|southwest)-\d|(east|west|north|south|central)\s?(us|europe|asia)\s?\d?|(us|europe|asia)\s?(east|west|central|north)\s?\d?|uksouth|ukwest|frankfurt|ireland|london|oregon|virginia|ohio|tokyo|sydney|singapore|paris|amsterdam|us-central1|europe-west\d)\b/g;
const PROTOCOL = /\b(https?|ssh|rdp|postgres(ql)?|mysql|redis|mongo(db)?|smtp|dns|grpc|kafka)\b/g;

/** Slack `<@U123>` / `<#C1|name>` / `<url|text>`, Teams `<at>…</at>`, emoji shortcodes and symbols. */
function stripChatMarkup(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[@#!][^>]*>/g, ' ')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, ' $2 ')
    .replace(/:[a-z0-9_+-]+:/g, ' ')
    .replace(/[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}]/gu, ' ');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The project part of every `project/env` stack named in some texts (the examples' stack names). */
export function stackProjects(texts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of texts)
    for (const m of t.toLowerCase().matchAll(/\b([a-z][a-z0-9._-]*)\/(?:dev|staging|prod)\b/g)) out.add(m[1] as string);
  return [...out];
}

/** One pattern for a set of stack projects, longest first; built again only when the set changes. */
let lastProjects: { key: string; pattern: RegExp } | undefined;
function projectPattern(projects: readonly string[]): RegExp {
  const key = projects.join('|');
  if (lastProjects?.key !== key) {
    const names = [...projects].sort((a, b) => b.length - a.length).map(escapeRegExp);
    lastProjects = { key, pattern: new RegExp(`(?<![\\w/-])(${names.join('|')})(?![\\w/-])`, 'g') };
  }
  return lastProjects.pattern;
}

/**
 * The canonical token stream the classifier reads. `projects` are stack projects (configured, and
 * those the examples name): "payments in prod" reads as "stackname envname" like "sandbox/dev".
 */
export function normalise(text: string, projects: readonly string[] = []): string[] {
  let t = stripChatMarkup(text).toLowerCase();
  t = t
    .replace(/\b[a-z0-9.-]+(\/[a-z0-9._-]+)+:[a-z0-9._-]+\b/g, ' imageref ')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b/g, ' cidr ')
    .replace(/\bcr-[0-9a-f]+\b/g, ' requestid ')
    .replace(/\b[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*\b/g, ' stackname ')
    .replace(/\b[a-z0-9]+-(prod|staging|dev)\b/g, ' stackname ')
    // "the old billing stack": whatever names a stack is a stack name, known or not.
    .replace(
      /\b(the|a|our|that|this)\s+(old|new|legacy|whole|entire)?\s*(?!(?:prod|production|staging|stage|dev|live)\b)[a-z][a-z0-9-]*\s+stack\b/g,
      ' $1 stackname stack',
    );
  if (projects.length) t = t.replace(projectPattern(projects), ' stackname ');
  for (const [pattern, canonical] of PHRASES) t = t.replace(pattern, canonical);
  t = t
    .replace(REGION, ' regionname ')
    .replace(ENVIRONMENT, ' envname ')
    .replace(PROTOCOL, ' protocol ')
    .replace(/\b\d+\b/g, ' num ')
    .replace(/[^a-z0-9\s]/g, ' ');
  return words(t);
}

/** Whitespace-separated words, plural `s` dropped from longer ones ("stacks" and "stack" are one word). */
export function words(text: string): string[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => (w.length > 4 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}
