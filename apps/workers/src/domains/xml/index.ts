/** The stock XML feed: the `feed` task (manifest: packages/core/src/domains/xml.ts). */
import type { DomainModule } from '../../jobs/types.js';
import { runFeedTask } from './feed.js';

export const xml: DomainModule = { domains: ['xml'], tasks: { feed: runFeedTask } };
