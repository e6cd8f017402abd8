import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilities } from '../../../capabilities/index.ts';

const dir = join(import.meta.dirname, '../../../teams');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

/** Width, height and colour type from a PNG's IHDR chunk. */
function pngInfo(file: string): { width: number; height: number; colorType: number } {
  const data = readFileSync(join(dir, file));
  expect(data.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), colorType: data[25] ?? -1 };
}

describe('teams/manifest.json', () => {
  it('declares a bot in personal, team and group chat scopes with the same id as the app', () => {
    expect(manifest.manifestVersion).toBe('1.19');
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0].scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(manifest.bots[0].botId).toBe(manifest.id);
    expect(manifest.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
  });

  it('lists commands Greenlight understands, inside Teams limits (≤ 10, title ≤ 32, description ≤ 128)', () => {
    const commands = manifest.bots[0].commandLists[0].commands as { title: string; description: string }[];
    expect(commands.length).toBeLessThanOrEqual(10);
    const usages = capabilities.map((c) => c.usage);
    for (const c of commands) {
      expect(c.title.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeLessThanOrEqual(128);
      expect(
        usages.some((u) => u.startsWith(c.title)),
        c.title,
      ).toBe(true);
    }
  });

  it('ships the icon pair Teams requires: 192×192 colour, 32×32 outline with transparency', () => {
    expect(pngInfo(manifest.icons.color)).toMatchObject({ width: 192, height: 192 });
    expect(pngInfo(manifest.icons.outline)).toEqual({ width: 32, height: 32, colorType: 6 });
  });
});
