// Whether the dashboard runs, where it listens and what it tells people to open: BOSUN_WEB (on | off)
// over bosun.yaml's `web:` block; off without either. Also the warning for a plain-HTTP public bind.
import type { BosunConfig, WebConfig } from '../platform/config.js';
import type { Env } from '../platform/env.js';

export interface WebSettings extends WebConfig {
  publicUrl: string;
}

const DEFAULTS: WebConfig = {
  enabled: true,
  trustProxy: false,
  loginLinkMinutes: 10,
  sessionHours: 12,
  rateLimitPerMinute: 240,
};

/** The effective settings, or null when the dashboard is off. */
export function webSettings(env: Pick<Env, 'web' | 'httpPort'>, config: BosunConfig): WebSettings | null {
  if (env.web === 'off') return null;
  const block = config.web;
  if (env.web !== 'on' && (!block || !block.enabled)) return null;
  const merged: WebConfig = { ...DEFAULTS, ...block, enabled: true };
  const host = merged.host && !isAnyAddress(merged.host) ? merged.host : '127.0.0.1';
  const shown = host.includes(':') ? `[${host}]` : host;
  return { ...merged, publicUrl: merged.publicUrl ?? `http://${shown}:${env.httpPort}` };
}

/** The config with its `web:` block replaced by the effective settings (what /web reads), or removed. */
export function withWebSettings(config: BosunConfig, env: Pick<Env, 'web' | 'httpPort'>): BosunConfig {
  const s = webSettings(env, config);
  const { web: _dropped, ...rest } = config;
  return s ? { ...rest, web: s } : rest;
}

function isAnyAddress(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

export function isLoopback(host: string | undefined): boolean {
  if (host === undefined || isAnyAddress(host)) return false;
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** A warning when the dashboard is reachable beyond this machine without TLS in front, else null. */
export function exposureWarning(s: WebSettings): string | null {
  if (isLoopback(s.host) || s.publicUrl.startsWith('https://')) return null;
  return (
    `the dashboard listens on ${s.host ?? 'every interface'} without TLS in front: session cookies and ` +
    'tokens would cross the network in clear. Put a TLS reverse proxy in front and set web.publicUrl to ' +
    'its https:// address, or bind web.host: 127.0.0.1'
  );
}
