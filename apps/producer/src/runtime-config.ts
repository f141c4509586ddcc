/** Loads `.env`, validates the configuration and builds the logger; exits with the reasons on error. */
import { config as loadDotenv } from 'dotenv';
import { ConfigError, createLogger, loadConfig, type Config, type Logger } from '@mikrosync/core';

export function boot(name: string): { config: Config; log: Logger } {
  loadDotenv({ quiet: true });
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
