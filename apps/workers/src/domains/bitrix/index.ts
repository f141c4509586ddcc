/** Bitrix24 -> PostgreSQL: the `cycle` task, scheduled by SCHEDULE_BITRIX (apps/producer/src/schedules.ts). */
import { registerTasks } from '../../tasks.js';
import { runBitrixCycle } from './cycle.js';

registerTasks('bitrix', { cycle: runBitrixCycle });

export { closeBitrixTargets } from './runtime.js';
