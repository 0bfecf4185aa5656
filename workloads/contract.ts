// The workloads layer's outputs: what runs where, for people and pipelines (no layer reads it).
import { z } from "zod";

export const workloadsContract = z.object({
    /** Namespaces per team. */
    namespaces: z.record(z.string(), z.array(z.string())),
    /** Applications: `<namespace>/<name>` and their kind. */
    applications: z.record(z.string(), z.enum(["service", "stateful", "job", "cronjob"])),
});

export type WorkloadsOutputs = z.output<typeof workloadsContract>;
