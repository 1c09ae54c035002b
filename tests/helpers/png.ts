// A minimal PNG reader for chart tests (8-bit RGB/RGBA, non-interlaced: what resvg writes), and pixel
// counting in a box, so tests can check a chart's size and that it actually drew something.
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  channels: number;
  px: Uint8Array;
}

export type Box = [x0: number, y0: number, x1: number, y1: number];
export type ColourTest = (r: number, g: number, b: number) => boolean;

export function decodePng(buf: Buffer): Image {
  if (buf.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      if (data[8] !== 8 || channels === 0 || data[12] !== 0) throw new Error('unsupported PNG layout');
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)] as number;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (px[y * stride + x - channels] as number) : 0;
      const b = y > 0 ? (px[(y - 1) * stride + x] as number) : 0;
      const c = x >= channels && y > 0 ? (px[(y - 1) * stride + x - channels] as number) : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f] as number;
      px[y * stride + x] = ((src[x] as number) + pred) & 0xff;
    }
  }
  return { width, height, channels, px };
}

export function pixel(img: Image, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * img.channels;
  return [img.px[i] as number, img.px[i + 1] as number, img.px[i + 2] as number];
}

/** Pixels in a box matching a colour test. */
export function countPixels(img: Image, box: Box, test: ColourTest): number {
  let n = 0;
  for (let y = box[1]; y < box[3]; y++)
    for (let x = box[0]; x < box[2]; x++) if (test(...pixel(img, x, y))) n++;
  return n;
}

/** The topmost row in column x (between y0 and y1) whose pixel matches, or -1. */
export function topmost(img: Image, x: number, y0: number, y1: number, test: ColourTest): number {
  for (let y = y0; y < y1; y++) if (test(...pixel(img, x, y))) return y;
  return -1;
}
