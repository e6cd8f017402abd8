import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

// Draws the Teams app icons (teams/color.png 192×192, teams/outline.png 32×32 white on
// transparent, as Teams requires) so they can be regenerated instead of hand-edited:
// `node bin/run-ts.js scripts/teams-icons.ts`.

type Pixel = [number, number, number, number];

function png(size: number, pixel: (x: number, y: number) => Pixel): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) Buffer.from(pixel(x, y)).copy(raw, y * (size * 4 + 1) + 1 + x * 4);
  }
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Distance from (x, y) to the segment a–b. */
function toSegment(x: number, y: number, a: [number, number], b: [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy));
}

/** A check mark in unit coordinates (0..1), stroke width `w`. */
function onCheck(u: number, v: number, w: number): boolean {
  return toSegment(u, v, [0.24, 0.52], [0.42, 0.7]) < w || toSegment(u, v, [0.42, 0.7], [0.78, 0.32]) < w;
}

const GREEN: Pixel = [22, 163, 74, 255];
const WHITE: Pixel = [255, 255, 255, 255];
const CLEAR: Pixel = [0, 0, 0, 0];

const color = png(192, (x, y) => {
  const [u, v] = [(x + 0.5) / 192, (y + 0.5) / 192];
  const corner = 0.18;
  const cx = Math.min(Math.max(u, corner), 1 - corner);
  const cy = Math.min(Math.max(v, corner), 1 - corner);
  if (Math.hypot(u - cx, v - cy) > corner) return CLEAR;
  return onCheck(u, v, 0.06) ? WHITE : GREEN;
});
const outline = png(32, (x, y) => (onCheck((x + 0.5) / 32, (y + 0.5) / 32, 0.08) ? WHITE : CLEAR));

const dir = join(import.meta.dirname, '..', 'teams');
writeFileSync(join(dir, 'color.png'), color);
writeFileSync(join(dir, 'outline.png'), outline);
console.log(`wrote ${join(dir, 'color.png')} (${color.length} bytes) and outline.png (${outline.length} bytes)`);
