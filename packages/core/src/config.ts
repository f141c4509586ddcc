// The configuration lives in config/ (one file per section); this path stays for existing imports.
export * from './config/index.js';
