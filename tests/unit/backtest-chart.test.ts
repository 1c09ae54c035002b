// The equity chart: a real 1200×800 PNG (decoded here with node:zlib) with both panels drawn and the
// title rendered in the bundled font; long runs are downsampled, keeping their extremes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/backtest/csv.js';
import { chartOption, renderEquityChart } from '../../src/backtest/chart.js';
import { downsampleMinMax } from '../../src/backtest/chart-data.js';
import { runBacktest } from '../../src/backtest/run-backtest.js';

const GOOG = fileURLToPath(new URL('../fixtures/backtest-GOOG.csv', import.meta.url));

interface Image {
  width: number;
  height: number;
  channels: number;
  px: Uint8Array;
}

/** Minimal PNG reader: 8-bit RGB or RGBA, non-interlaced (what resvg writes). */
function decodePng(buf: Buffer): Image {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
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
      expect(data[8]).toBe(8);
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
      expect(data[12]).toBe(0);
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

/** Pixels in a box matching a colour test. */
function count(
  img: Image,
  box: [number, number, number, number],
  test: (r: number, g: number, b: number) => boolean,
): number {
  let n = 0;
  for (let y = box[1]; y < box[3]; y++) {
    for (let x = box[0]; x < box[2]; x++) {
      const i = (y * img.width + x) * img.channels;
      if (test(img.px[i] as number, img.px[i + 1] as number, img.px[i + 2] as number)) n++;
    }
  }
  return n;
}

const EQUITY_PANEL: [number, number, number, number] = [115, 140, 1165, 540];
const DRAWDOWN_PANEL: [number, number, number, number] = [115, 605, 1165, 745];
const TITLE: [number, number, number, number] = [20, 14, 900, 50];
const blue = (r: number, g: number, b: number) => b > 150 && b > r + 60;
const red = (r: number, g: number, b: number) => r > 150 && r > g + 50 && r > b + 50;
const dark = (r: number, g: number, b: number) => r + g + b < 200;
const green = (r: number, g: number, b: number) => g > 110 && g > r + 50 && g > b + 30;

describe('renderEquityChart', () => {
  const goog = parseCsv(readFileSync(GOOG, 'utf8'), 'GOOG');

  it('draws a 1200×800 PNG with the equity panel, the drawdown panel and a legible title', async () => {
    const r = runBacktest(goog, 'sma-cross', { fast: 20, slow: 60 }, { compat: 'backtesting.py' });
    const img = decodePng(await renderEquityChart(r, { symbol: 'GOOG' }));
    expect([img.width, img.height]).toEqual([1200, 800]);
    expect(count(img, EQUITY_PANEL, blue)).toBeGreaterThan(1500);
    expect(count(img, DRAWDOWN_PANEL, red)).toBeGreaterThan(20_000);
    expect(count(img, TITLE, dark)).toBeGreaterThan(500);
    // 40 trades: entry markers are drawn; none would be in the drawdown panel.
    expect(r.stats.trades).toBe(40);
    expect(count(img, EQUITY_PANEL, green)).toBeGreaterThan(100);
  }, 30_000);

  it('leaves trade markers out when there are too many to read', () => {
    const many = runBacktest(goog, 'sma-cross', { fast: 2, slow: 5 }, {});
    expect(many.trades.length).toBeGreaterThan(60);
    const series = chartOption(many).series as { name: string; data: unknown[] }[];
    expect(series.filter((s) => s.name.includes('entry')).every((s) => s.data.length === 0)).toBe(true);
    const few = runBacktest(goog, 'sma-cross', { fast: 20, slow: 60 }, {});
    const fewSeries = chartOption(few).series as { name: string; data: unknown[] }[];
    expect(fewSeries.find((s) => s.name === 'Long entry')?.data.length).toBeGreaterThan(0);
  });

  it('renders a million-bar run from at most 2,000 points per curve, keeping the extremes', async () => {
    const n = 1_000_000;
    const time = new Float64Array(n);
    const close = new Float64Array(n);
    let c = 50_000;
    for (let i = 0; i < n; i++) {
      time[i] = Date.UTC(2024, 0, 1) + i * 60_000;
      c = Math.max(1000, c + ((i * 7919) % 13) - 6 + (i % 50_000 < 25_000 ? 0.5 : -0.5));
      close[i] = c;
    }
    const big = {
      length: n,
      time,
      open: close,
      high: close,
      low: close,
      close,
      volume: new Float64Array(n),
      priceDecimals: 1,
    };
    const r = runBacktest(big, 'sma-cross', { fast: 100, slow: 400 }, { cash: '100000', qtyStep: '0.001' });
    const t0 = performance.now();
    const img = decodePng(await renderEquityChart(r, { symbol: 'SYNTH' }));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect([img.width, img.height]).toEqual([1200, 800]);
    expect(count(img, EQUITY_PANEL, blue)).toBeGreaterThan(1000);

    const pts = downsampleMinMax(time, r.equity);
    expect(pts.length).toBeLessThanOrEqual(2001);
    let [lo, hi] = [Infinity, -Infinity];
    for (const e of r.equity) [lo, hi] = [Math.min(lo, e), Math.max(hi, e)];
    expect(pts.some((p) => p[1] === lo) && pts.some((p) => p[1] === hi)).toBe(true);
    expect(pts.every((p, i) => i === 0 || p[0] > (pts[i - 1] as [number, number])[0])).toBe(true);
  }, 60_000);
});
