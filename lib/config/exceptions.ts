// The reasoned exceptions to production's promise (`platform:productionExceptions`); the rules that
// read them are in guards/production.ts, the policy report shows them (policy/rules/production.ts).
import { z } from "zod";

const exception = (what: string) =>
    z
        .strictObject({
            reason: z.string().trim().min(20, { error: "must say why, in at least 20 characters (it is shown in the policy report)" }).describe("Why production needs it, who decided, until when."),
        })
        .optional()
        .describe(what);

export const productionExceptionsSchema = z
    .strictObject({
        publicEndpoint: exception("Allow `platform:endpoint.publicAccess: true` in production (still only to `publicAccessCidrs`)."),
        internetEgress: exception("Allow `platform:egress` other than `none` in production."),
    })
    .default({})
    .describe("Reasoned exceptions to production's promise of no public API endpoint and no internet egress; each is shown in the policy report.");

export type ProductionExceptions = z.output<typeof productionExceptionsSchema>;

/** The reasons of a config's production exceptions, as the plan and the policy stacks carry them. */
export const exceptionsOf = (c: { productionExceptions: ProductionExceptions }): Record<string, string> =>
    Object.fromEntries(Object.entries(c.productionExceptions).flatMap(([k, v]) => (v ? [[k, v.reason]] : [])));
