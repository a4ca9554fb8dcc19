/**
 * The entry point of the worker threads `arpshift run` starts before it loads the library (see
 * run.ts, `startRunThreads`): the library's task for one run of a scenario.
 */
import { runThreadTask } from '../index.js';

export default runThreadTask;
