import type { Config } from './config/schema.ts';
import { isSecretKey, secrets } from './domain/redaction.ts';
import type { Db } from './store/database.ts';

// What the redactor must know before the first message: Greenlight's own secrets, the values the
// operator lists, engine credentials with secret-looking names, and the secret-keyed values of
// every stack config (greenlight.yaml and what earlier requests set).

export async function learnConfiguredSecrets(config: Config, db: Db, auditKey: Buffer, env: NodeJS.ProcessEnv): Promise<void> {
  secrets.useKey(auditKey);
  const own = [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.teams.appPassword,
    config.console.token,
    config.router.llm.apiKey,
    config.audit.key,
    auditKey.toString('base64'),
    auditKey.toString('hex'),
  ];
  for (const value of own) secrets.learn(value);
  for (const name of config.redaction.env) secrets.learn(env[name]);
  const passed = [
    ...config.engines.terraform.passEnv,
    ...config.engines.pulumi.passEnv,
    ...Object.values(config.stacks).flatMap((s) => s.passEnv),
  ];
  for (const name of passed) if (isSecretKey(name)) secrets.learn(env[name]);
  secrets.learnSecretsIn(Object.values(config.stacks).map((s) => s.config));
  for (const row of await db.selectFrom('stack_config').select('config').execute()) secrets.learnSecretsIn(JSON.parse(row.config));
}
