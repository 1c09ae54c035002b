// The Slack adapter's public surface.
export { SlackAdapter, type SlackAdapterOptions } from './adapter.js';
export { renderSlack, escapeMrkdwn } from './render.js';
