import { type Activity, CallerIdConstants, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { type AuthenticateRequestResult, AuthenticationConstants, AuthenticationError } from 'botframework-connector';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CardViews } from './card-views.ts';
import { TeamsBot, type TeamsBotDeps } from './teams-bot.ts';
import { TeamsPort } from './teams-port.ts';

// The Teams channel: a Bot Framework CloudAdapter behind POST /api/messages (JWT checked by the
// adapter before the bot sees the activity), the bot's handlers, and the port the workflow posts
// through. Only this folder imports botbuilder: Microsoft archived the Bot Framework SDK, and a
// move to @microsoft/agents-hosting should change nothing outside it.

export interface TeamsSettings {
  host: string;
  port: number;
  appId?: string | undefined;
  appPassword?: string | undefined;
  tenantId?: string | undefined;
  appType?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI' | undefined;
  openIdMetadataUrl?: string | undefined;
}

export interface TeamsChannel {
  port: TeamsPort;
  bot: TeamsBot;
  adapter: CloudAdapter;
  start(): Promise<string>;
  stop(): Promise<void>;
}

/** The least an activity must be before the SDK reads it; the SDK checks the rest. */
const activitySchema = z.looseObject({ type: z.string().min(1) });

/** The CloudAdapter, run without its `process` wrapper (which prints refusals with console.error). */
class TeamsAdapter extends CloudAdapter {
  run(authorization: string, activity: Activity, logic: (ctx: TurnContext) => Promise<void>) {
    return this.processActivity(authorization, activity, logic);
  }
}

/**
 * The SDK answers 500 when a token fails signature checks (a JsonWebTokenError, not its own
 * AuthenticationError); any failure to authenticate is a 401 here, and nothing runs.
 */
class StrictAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(
    activity: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>[0],
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      throw new AuthenticationError(`Unauthorized: ${(error as Error).message}`, 401);
    }
  }
}

export function createTeamsChannel(settings: TeamsSettings, deps: TeamsBotDeps): TeamsChannel {
  const log = deps.log.child({ channel: 'teams' });
  const appType = settings.appType ?? (settings.tenantId ? 'SingleTenant' : 'MultiTenant');
  const auth = new StrictAuthentication({
    MicrosoftAppId: settings.appId ?? '',
    MicrosoftAppPassword: settings.appPassword ?? '',
    MicrosoftAppTenantId: settings.tenantId ?? '',
    MicrosoftAppType: appType,
    // Overriding one endpoint switches the SDK to "all endpoints given": pass the public cloud's others.
    ...(settings.openIdMetadataUrl
      ? {
          ToBotFromChannelOpenIdMetadataUrl: settings.openIdMetadataUrl,
          ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
          CallerId: CallerIdConstants.PublicAzureChannel,
          ValidateAuthority: true,
        }
      : {}),
  });
  const adapter = new TeamsAdapter(auth);
  adapter.onTurnError = async (_ctx, error) => {
    log.error({ err: error }, 'teams turn failed');
  };
  const views = new CardViews(deps.interactions, deps.memory.teams);
  const port = new TeamsPort(adapter, settings.appId ?? '', deps.memory.teams, views, log);
  const bot = new TeamsBot({ ...deps, log }, views, port);

  const server: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  // What CloudAdapter.process does, minus its console.error: the activity is checked, the SDK
  // authenticates and runs it, and a refusal is logged through Greenlight's logger.
  server.post('/api/messages', async (req, reply) => {
    const activity = activitySchema.safeParse(req.body);
    if (!activity.success) return reply.code(400).send({ error: 'An activity is a JSON object with a "type".' });
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    try {
      const invoke = await adapter.run(authorization, activity.data as unknown as Activity, (ctx) => bot.run(ctx));
      return reply.code(invoke?.status ?? 200).send(invoke?.body ?? '');
    } catch (error) {
      if (error instanceof AuthenticationError) {
        log.warn({ ip: req.ip, reason: error.message }, 'teams activity refused: no valid Bot Framework token');
        return reply.code(401).send(error.message);
      }
      log.error({ err: error }, 'teams activity failed');
      return reply.code(500).send('');
    }
  });
  server.get('/healthz', async () => ({ ok: true }));

  return {
    port,
    bot,
    adapter,
    async start() {
      if (!settings.appId) {
        log.warn(
          '⚠ TEAMS AUTHENTICATION IS OFF: no MicrosoftAppId is set, so /api/messages accepts activities from anyone who can reach it. Use this only for local testing; set MicrosoftAppId and MicrosoftAppPassword before exposing it.',
        );
      }
      const address = await server.listen({ host: settings.host, port: settings.port });
      return `${address.replace('[::1]', 'localhost')}/api/messages`;
    },
    async stop() {
      await server.close();
      await bot.idle();
      await port.flush();
    },
  };
}
