/** Loads `.env`, validates the configuration and builds the logger; exits with the reasons on error. */
import { existsSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, createLogger, loadConfig, scrubSecrets, type Config, type Logger } from '@mikrosync/core';
import { RedisUnreachableError } from '@mikrosync/connectors/queue';
import { startupConfigProblems } from '@mikrosync/workers';

/**
 * `service`: a long-running process (start, producer, worker): JSON logs on stdout for the log
 * collector. `command`: an operator's one-off command, whose stdout is for the operator: its logs go
 * to stderr, pretty on a terminal, so the human output never carries JSON lines.
 */
export type ProcessRole = 'service' | 'command';

/** The env file: `--env PATH` (which sets MIKROSYNC_ENV_FILE) or MIKROSYNC_ENV_FILE, else `.env` when present. */
function loadEnvFile(): void {
  const given = process.env.MIKROSYNC_ENV_FILE;
  if (given && !existsSync(given)) throw new ConfigError(`MIKROSYNC_ENV_FILE / --env: no file ${given}`);
  // Variables already set in the environment win over the file, as with `.env`.
  loadDotenv({ quiet: true, path: given || '.env' });
}

export function boot(name: string, role: ProcessRole = 'command'): { config: Config; log: Logger } {
  try {
    loadEnvFile();
    const config = loadConfig(process.env);
    const problems = startupConfigProblems(config);
    if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    const onTerminal = role === 'command' && process.stderr.isTTY === true;
    const log = createLogger({
      level: config.log.level,
      pretty: config.log.pretty || onTerminal,
      stderr: role === 'command',
      name,
      logDir: config.ops.logDir,
      fileMaxMb: config.ops.logFileMaxMb,
      fileKeep: config.ops.logFileKeep,
    });
    return { config, log };
  } catch (err) {
    if (err instanceof ConfigError) exitOnError(err);
    throw err;
  }
}

/**
 * The end of a command that failed: one line naming the cause (and the variable to fix), no stack.
 * Exit code 2 for a configuration problem, 1 otherwise.
 */
export function exitOnError(err: unknown): never {
  const message = scrubSecrets(err instanceof Error ? err.message : String(err));
  if (err instanceof ConfigError) {
    process.stderr.write(`mikrosync: ${message}\nSee .env.example for every variable and its default.\n`);
    process.exit(2);
  }
  process.stderr.write(`mikrosync: ${message}\n`);
  if (!(err instanceof RedisUnreachableError) && process.env.LOG_LEVEL === 'debug' && err instanceof Error && err.stack) process.stderr.write(`${scrubSecrets(err.stack)}\n`);
  process.exit(1);
}
