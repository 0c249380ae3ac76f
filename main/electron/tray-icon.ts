/**
 * The tray icon, drawn in code (raw BGRA for nativeImage.createFromBitmap):
 * a picture frame, hollow when nothing is frozen, filled with ice blue when
 * something is. No image files to ship or to find at run time.
 */
export const TRAY_ICON_SIZE = 22;

type Rgba = readonly [number, number, number, number];
const FRAME_IDLE: Rgba = [0x9a, 0xa3, 0xad, 0xff];
const FRAME_FROZEN: Rgba = [0xff, 0xff, 0xff, 0xff];
const ICE: Rgba = [0x2f, 0x9b, 0xe0, 0xff];
const CLEAR: Rgba = [0, 0, 0, 0];

export function trayIconBitmap(frozen: boolean, size = TRAY_ICON_SIZE): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const margin = Math.round(size / 8);
  const border = Math.max(2, Math.round(size / 10));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = x >= margin && x < size - margin && y >= margin && y < size - margin;
      const inner = x >= margin + border && x < size - margin - border && y >= margin + border && y < size - margin - border;
      const [r, g, b, a] = !inside ? CLEAR : !inner ? (frozen ? FRAME_FROZEN : FRAME_IDLE) : frozen ? ICE : CLEAR;
      const at = (y * size + x) * 4;
      pixels[at] = b;
      pixels[at + 1] = g;
      pixels[at + 2] = r;
      pixels[at + 3] = a;
    }
  }
  return pixels;
}

export function trayTooltip(frozenCount: number): string {
  if (frozenCount === 0) return 'Freezeframe: nothing frozen';
  return `Freezeframe: ${frozenCount} filesystem${frozenCount === 1 ? '' : 's'} frozen`;
}
