/** Loads `.env`, validates the configuration and builds the logger; exits with the reasons on error. */
import { existsSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, createLogger, loadConfig, type Config, type Logger } from '@mikrosync/core';

/**
 * `MIKROSYNC_ENV_FILE` names the settings file to read instead of `./.env`: the demo writes its own
 * (`.demo/demo.env`) so that neither it nor a CLI pointed at it reads the shop's `.env`.
 */
function loadEnvFile(): void {
  const file = process.env.MIKROSYNC_ENV_FILE;
  if (!file) {
    loadDotenv({ quiet: true });
    return;
  }
  if (!existsSync(file)) {
    process.stderr.write(`mikrosync: MIKROSYNC_ENV_FILE ${file} does not exist. Fix: point it at a settings file, or unset it to read .env.\n`);
    process.exit(2);
  }
  loadDotenv({ path: file, quiet: true });
}

export function boot(name: string): { config: Config; log: Logger } {
  loadEnvFile();
  try {
    const config = loadConfig(process.env);
    const log = createLogger({
      level: config.log.level,
      pretty: config.log.pretty,
      name,
      logDir: config.ops.logDir,
      fileMaxMb: config.ops.logFileMaxMb,
      fileKeep: config.ops.logFileKeep,
    });
    return { config, log };
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`mikrosync: ${err.message}\nSee .env.example for every variable and its default.\n`);
      process.exit(2);
    }
    throw err;
  }
}
