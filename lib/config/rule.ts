// What a rule of the environment config reads and returns, and helpers the rules share.
import type { z } from "zod";
import type { configSchema } from "./schema";
import type { Problem } from "./problem";

type Parsed = z.output<typeof configSchema>;
export type PartialConfig = Partial<Parsed>;

export type { Problem };

export interface RuleContext {
    /** Support windows are judged on this day. */
    today: Date;
    /** The stack (environment) name, when known. */
    env?: string;
}

export type Rule = (c: PartialConfig, ctx: RuleContext) => Problem[];

/** Problems for items whose key another item already uses. */
export const unique = <T>(items: T[] | undefined, key: (t: T) => string, path: (i: number) => (string | number)[], what: string): Problem[] => {
    const keys = (items ?? []).map(key);
    return keys.flatMap((k, i) => (keys.indexOf(k) !== i ? [{ path: path(i), message: `"${k}" is used by another ${what}` }] : []));
};
