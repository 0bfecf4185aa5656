// Production is a promise: an environment whose name or tags say production is production, and a
// production cluster has no public API endpoint and no internet egress unless a reasoned
// exception (`platform:productionExceptions`) says so; the policy report shows the exception.
import { defaultEgress } from "../schema";
import type { GuardContext, PartialConfig, Problem } from "./types";
import type { ProductionExceptions } from "../exceptions";

/** Words that mean production in an environment name, platform name or environment tag. */
const PRODUCTION_WORDS = ["prod", "production", "prd", "live"];
const ENVIRONMENT_TAGS = /^(env|environment|stage|tier)$/i;

const saysProduction = (value: string): boolean => value.toLowerCase().split(/[^a-z0-9]+/).some((w) => PRODUCTION_WORDS.includes(w));

/** Why the environment is production whatever its tier says, or undefined. */
export function productionSignal(env: string | undefined, c: Pick<PartialConfig, "name" | "tags">): string | undefined {
    if (env && saysProduction(env)) return `the environment is named "${env}"`;
    if (c.name && saysProduction(c.name)) return `platform:name is "${c.name}"`;
    const tag = Object.entries(c.tags ?? {}).find(([k, v]) => ENVIRONMENT_TAGS.test(k) && saysProduction(v));
    return tag ? `platform:tags.${tag[0]} is "${tag[1]}"` : undefined;
}

/** `platform:tier` cannot make a production environment development (dropping deletion protection, Retain, the confirmed destroy). */
const tierMatchesName = (c: PartialConfig, { env }: GuardContext): Problem[] => {
    if (!c.tier || c.tier === "production") return [];
    const signal = productionSignal(env, c);
    return signal
        ? [{ path: ["tier"], message: `is "${c.tier}", but ${signal}: a production environment keeps production's protections (deletion protection, retained volumes and buckets, the confirmed destroy); set platform:tier: production` }]
        : [];
};

/** The production promise: private API, no internet egress, unless a reasoned exception says otherwise. */
const productionPromise = (c: PartialConfig): Problem[] => {
    const exceptions = c.productionExceptions;
    if (!c.tier || !exceptions) return [];
    const problems: Problem[] = [];
    if (c.tier !== "production") {
        for (const key of Object.keys(exceptions).filter((k) => exceptions[k as keyof ProductionExceptions])) {
            problems.push({ path: ["productionExceptions", key], message: `is an exception to production's promise, but platform:tier is ${c.tier}: remove it` });
        }
        return problems;
    }
    const publicEndpoint = c.endpoint?.publicAccess === true;
    const egress = c.egress ?? defaultEgress(c.tier);
    if (publicEndpoint && !exceptions.publicEndpoint) {
        problems.push({ path: ["endpoint", "publicAccess"], message: "is true in production, whose API is reached only from the VPN and peered VPCs: turn it off, or state why in platform:productionExceptions.publicEndpoint.reason" });
    }
    if (!publicEndpoint && exceptions.publicEndpoint) {
        problems.push({ path: ["productionExceptions", "publicEndpoint"], message: "excepts a public endpoint that platform:endpoint.publicAccess does not open: remove the stale exception" });
    }
    if (egress !== "none" && !exceptions.internetEgress) {
        problems.push({ path: ["egress"], message: `is ${egress} in production, which has no internet egress: set none, or state why in platform:productionExceptions.internetEgress.reason` });
    }
    if (egress === "none" && exceptions.internetEgress) {
        problems.push({ path: ["productionExceptions", "internetEgress"], message: "excepts internet egress that platform:egress (none) does not open: remove the stale exception" });
    }
    return problems;
};

export const PRODUCTION_RULES = [tierMatchesName, productionPromise];
