import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

describe('slack/manifest.yml', () => {
  const manifest = parse(readFileSync(join(import.meta.dirname, '../../../slack/manifest.yml'), 'utf8'));
  it('declares the slash command, interactivity, events, scopes and the Home tab Greenlight handles', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/greenlight']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_mention', 'message.im', 'app_home_opened']),
    );
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'app_mentions:read', 'im:history', 'im:write']),
    );
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    for (const url of [
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
      manifest.features.slash_commands[0].url,
    ]) {
      expect(url).toMatch(/\/slack\/events$/);
    }
  });
});
