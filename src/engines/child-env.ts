// The environment an engine child process (terraform, pulumi, a stack's local-exec) runs with.
// Built from nothing: a small base every tool needs (PATH, HOME, locale, temp dir, CA bundles,
// proxies), the engine's own settings, and the variables the operator names for the engine or the
// stack (`passEnv`: cloud credentials such as AWS_PROFILE or ARM_CLIENT_ID). Greenlight's own
// secrets are never among them, even when named.

const BASE = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const;

/** The engines' own settings (no credentials among them). */
const ENGINE_SETTINGS: Record<'terraform' | 'pulumi', readonly string[]> = {
  terraform: ['TF_CLI_CONFIG_FILE', 'TF_PLUGIN_CACHE_DIR', 'TF_LOG', 'TF_LOG_PATH', 'TF_REGISTRY_CLIENT_TIMEOUT'],
  pulumi: ['PULUMI_HOME', 'PULUMI_SKIP_UPDATE_CHECK', 'PULUMI_CONFIG_PASSPHRASE', 'PULUMI_CONFIG_PASSPHRASE_FILE', 'PULUMI_BACKEND_URL'],
};

/** Variables that hold Greenlight's own secrets: never handed to an engine. */
export const GREENLIGHT_SECRET_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'MicrosoftAppPassword',
  'GREENLIGHT_CONSOLE_TOKEN',
  'GREENLIGHT_API_TOKENS',
  'GREENLIGHT_OIDC_CLIENT_SECRET',
  'GREENLIGHT_SESSION_SECRET',
  'GREENLIGHT_AUDIT_KEY',
  'OPENAI_API_KEY',
] as const;

const NEVER = new Set<string>(GREENLIGHT_SECRET_VARIABLES);

export function engineEnvironment(
  engine: 'terraform' | 'pulumi',
  passEnv: readonly string[],
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE, ...ENGINE_SETTINGS[engine], ...passEnv]) {
    const value = from[name];
    if (value !== undefined && !NEVER.has(name)) env[name] = value;
  }
  return env;
}
