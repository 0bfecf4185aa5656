// Nothing vanishes under the mocks. When a resource's inputs reject (a throw inside `apply`, a
// rejected promise), its registration never reaches the engine: @pulumi/pulumi's registerResource
// (runtime/resource.ts, 3.270) catches the failure, calls `state.failPendingRegistration(res, err)`
// and re-throws it into a promise nobody holds. Under `pulumi up` the language host counts that
// unhandled rejection as a failed program; under mocks nobody does, so the resource (and every
// object waiting on it) silently drops out of the plan. This module records both signals while a
// program runs: the failed registration with the resource it belongs to, and every unhandled
// rejection, so the run can fail naming the resource, its component and the reason.
import * as pulumi from "@pulumi/pulumi";

// The runtime's registration state is not in @pulumi/pulumi's typed surface.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { failPendingRegistration(res: unknown, err: unknown): void };

/** The internal names a resource object carries (set by the Resource constructor). */
interface ResourceInternals { __pulumiType?: string; __name?: string; __parentResource?: ResourceInternals }

/** The reason without the runtime's "error serializing property ..." prefixes (added once per object that read the value). */
export function reasonOf(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    return message.replace(/^(error serializing property "[^"]*": )+/, "").replace(/^(failed to register new resource [^:]*: )+/, "");
}

const label = (r: ResourceInternals | undefined): string => (r?.__pulumiType ? `${r.__pulumiType} "${r.__name}"` : "a resource");

interface FailedRegistration { resource: string; parent?: string; error: unknown }

export class FailureCapture {
    private readonly failed: FailedRegistration[] = [];
    private readonly rejections: unknown[] = [];
    private restore: (() => void) | undefined;

    /** Starts recording (the process's own `unhandledRejection` listeners wait until `stop`). */
    start(): void {
        if (this.restore) return;
        const original = state.failPendingRegistration;
        state.failPendingRegistration = (res: unknown, err: unknown) => {
            const r = res as ResourceInternals;
            // The stack itself fails when one of its outputs does: that reason is reported once, by the output.
            if (r.__pulumiType !== "pulumi:pulumi:Stack") {
                this.failed.push({ resource: label(r), parent: r.__parentResource?.__pulumiType === "pulumi:pulumi:Stack" ? undefined : r.__parentResource && label(r.__parentResource), error: err });
            }
            original(res, err);
        };
        const saved = process.listeners("unhandledRejection");
        const collect = (reason: unknown) => { this.rejections.push(reason); };
        process.removeAllListeners("unhandledRejection");
        process.on("unhandledRejection", collect);
        this.restore = () => {
            state.failPendingRegistration = original;
            process.removeListener("unhandledRejection", collect);
            for (const listener of saved) process.on("unhandledRejection", listener as NodeJS.UnhandledRejectionListener);
            this.restore = undefined;
        };
    }

    /**
     * Lets Node report the rejections the run left (it does so between event-loop turns, after the
     * program's own promises settled), then stops recording.
     */
    async stop(): Promise<void> {
        let seen = -1;
        // Each failed registration may leave rejections behind it (its outputs, what read them): wait until no new one comes.
        for (let turn = 0; turn < 50 && seen !== this.rejections.length + this.failed.length; turn++) {
            seen = this.rejections.length + this.failed.length;
            for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
        }
        this.restore?.();
    }

    /**
     * One problem per reason: the resources that never registered because of it (with their
     * component), or the rejection alone when no registration carried it. `known` are problems
     * already reported (the engine's own refusals), not repeated.
     */
    problems(known: readonly string[] = []): string[] {
        const byReason = new Map<string, FailedRegistration[]>();
        for (const f of this.failed) {
            const reason = reasonOf(f.error);
            byReason.set(reason, [...(byReason.get(reason) ?? []), f]);
        }
        for (const r of this.rejections) {
            const reason = reasonOf(r);
            if (!byReason.has(reason)) byReason.set(reason, []);
        }
        const problems: string[] = [];
        for (const [reason, failed] of byReason) {
            if (known.some((k) => reason.includes(k) || k.includes(reason))) continue;
            if (failed.length === 0) {
                problems.push(reason);
                continue;
            }
            const parents = [...new Set(failed.map((f) => f.parent).filter((p): p is string => p !== undefined))];
            const where = parents.length > 0 ? ` (in ${parents.join(", ")})` : "";
            problems.push(`${reason}: not registered${where}: ${failed.map((f) => f.resource).join(", ")}`);
        }
        return problems;
    }
}

/** The value of an output, or its rejection (an output's own `apply` never runs for a rejected value, so a wait on it would hang). */
export function promiseOf<T>(out: pulumi.Output<T>): Promise<T> {
    // OutputImpl.promise() is the runtime's own accessor (used by runInPulumiStack); it is not in the typed surface.
    return (out as unknown as { promise(): Promise<T> }).promise();
}
