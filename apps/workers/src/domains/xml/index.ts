import { registerTasks } from '../../tasks.js';
import { runFeedTask } from './feed.js';

registerTasks('xml', { feed: runFeedTask });
