// Registering many resources a batch at a time. Every `new Resource(...)` starts a chain of
// promises (inputs, serialization, the engine's answer) that lives until its registration is
// answered. A loop over hundreds of teams and applications starts thousands of chains at once, and
// under the mock engine, which answers within the same turn of the event loop, every one of them
// stays alive until the last is answered: peak memory grows with the environment, and the garbage
// collector, which copies every live chain again and again, with its square. Yielding to the event
// loop between batches lets the mock engine answer one batch before the next starts (test/batches).
// A real deployment waits for nothing more: a yield is not an await of the engine.

/** Steps per batch: a few hundred resources in flight at most; an environment of a few teams and applications registers in one batch. */
export const REGISTRATION_BATCH = 10;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs the steps (each registering resources) in order, yielding to the event loop after every `size` of them. */
export async function inBatches(steps: readonly (() => void)[], size = REGISTRATION_BATCH): Promise<void> {
    for (let i = 0; i < steps.length; i += size) {
        if (i > 0) await nextTurn();
        for (const step of steps.slice(i, i + size)) step();
    }
}
