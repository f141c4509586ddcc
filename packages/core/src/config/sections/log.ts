import { z } from 'zod';
import { bool } from '../fields.js';
import { section } from '../section.js';

export const log = section(
  'Logs',
  {
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('fatal|error|warn|info|debug|trace|silent'),
    LOG_PRETTY: bool(false).describe('true: coloured lines for a terminal instead of JSON'),
  },
  (e) => ({ level: e.LOG_LEVEL, pretty: e.LOG_PRETTY }),
);
