/**
 * How big a benchmark run is.
 *
 * - `full` (`npm run bench`): the sizes the figures and their goals are stated at.
 * - `smoke` (`npm run bench -- --smoke`, and the last step of `npm test`): every
 *   group on tiny sizes — the same code paths, the same checks of what was
 *   stored and sent, so a benchmark that no longer runs fails CI instead of
 *   rotting unnoticed. Its figures mean nothing and its goals are not judged.
 */
export type BenchMode = 'full' | 'smoke';

/** One benchmark's sizes in each mode, side by side so they are changed together. */
export type Sized<T> = Record<BenchMode, T>;
