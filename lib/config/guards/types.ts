// What a guard rule reads and returns: the config as far as it passed the schema, the context, problems.
import type { z } from "zod";
import type { configSchema } from "../schema";
import type { Problem } from "../problem";

export type { Problem };
export type PartialConfig = Partial<z.output<typeof configSchema>>;

export interface GuardContext {
    /** The stack (environment) name, when known. */
    env?: string;
}

export type GuardRule = (c: PartialConfig, ctx: GuardContext) => Problem[];
