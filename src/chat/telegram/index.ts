// The Telegram adapter's public surface.
export { TelegramAdapter, type TelegramAdapterOptions } from './adapter.js';
export { renderTelegram, escapeHtml } from './render.js';
