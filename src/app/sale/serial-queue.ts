/**
 * Runs tasks one after another, each to its end, whether the one before it
 * failed or not. The sale's changes (a scan, a coupon, a payment) and Complete
 * go through one queue, so Complete charges exactly the cart every earlier tap
 * made, and a tap after Complete lands in the next sale.
 */
export type SerialQueue = <T>(task: () => T | Promise<T>) => Promise<T>;

export function createSerialQueue(): SerialQueue {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(task: () => T | Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}
