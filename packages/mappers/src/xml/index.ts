export * from './feed-item.js';
export * from './render.js';
