// Stack traces only a debugger or a real engine uses. Pulumi captures one for every internal
// promise, only to report leaks, and captures and parses a full one for every resource, for the
// source position a real engine shows: thousands per layer, the largest cost of a mock run (the
// per-resource trace alone is a fifth of the workloads layer's CPU). The plan uses neither; errors
// keep their messages. PLATFORM_PROMISE_STACKS=1 keeps both, for debugging.
import * as pulumi from "@pulumi/pulumi";

// Resource.stackTrace is private in @pulumi/pulumi's typings.
const resource = pulumi.Resource as unknown as { stackTrace(skip: number): unknown[] };

/** Runs `fn` without the traces (unless PLATFORM_PROMISE_STACKS is set), restoring them after. */
export async function withoutDebugStacks<T>(fn: () => Promise<T>): Promise<T> {
    if (process.env.PLATFORM_PROMISE_STACKS) return fn();
    const stackTraceLimit = Error.stackTraceLimit;
    const stackTrace = resource.stackTrace;
    Error.stackTraceLimit = 0;
    resource.stackTrace = () => [];
    try {
        return await fn();
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        resource.stackTrace = stackTrace;
    }
}
