export * from './feed-file.js';
export * from './ssh-key.js';
export * from './publish.js';
