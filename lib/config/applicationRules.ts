// Cross-field rules of `platform:applications` (run with the others, RULES in rules.ts): each
// application belongs to a team, uses the settings of its kind, keeps requests within limits, and
// names pools and classes no other application creates.
import { INSTANCE_TYPES } from "../ec2";
import { isBinary } from "../quantity";
import type { ApplicationKind, ApplicationSpec } from "./applications";
import { quantityValue } from "./fields";
import type { Problem } from "./problem";

/** The kind-specific settings without defaults: the kinds they belong to, and whether those need them. */
const KIND_SETTINGS = {
    port: { kinds: ["service", "stateful"], required: true },
    ingress: { kinds: ["service"], required: false },
    storage: { kinds: ["stateful"], required: true },
    cronjob: { kinds: ["cronjob"], required: true },
} as const satisfies Partial<Record<keyof ApplicationSpec, { kinds: readonly ApplicationKind[]; required: boolean }>>;

/** What the application rules read of the config (a shape, not the schema's type: the schema imports this file). */
export interface ApplicationsInput {
    applications?: ApplicationSpec[];
    access?: { teams: { name: string; namespaces: string[] }[] };
    karpenter?: { nodePools: { name: string }[] };
    teams?: { name: string; nodePool?: unknown }[];
    tier?: string;
}

type AppRule = (app: ApplicationSpec, at: (key: string) => (string | number)[], c: ApplicationsInput) => Problem[];

/** The application belongs to a team of `platform:access.teams`, in one of its namespaces. */
const ownedByTeam: AppRule = (app, at, { access }) => {
    if (!access) return [];
    const team = access.teams.find((t) => t.name === app.team);
    if (!team) {
        const known = access.teams.map((t) => t.name).join(", ") || "none";
        return [{ path: at("team"), message: `"${app.team}" is not a team of platform:access.teams (${known})` }];
    }
    return team.namespaces.includes(app.namespace)
        ? []
        : [{ path: at("namespace"), message: `"${app.namespace}" is not a namespace of team ${team.name} (${team.namespaces.join(", ")})` }];
};

/** Required settings of a kind are present; settings of other kinds are not used. */
const fitsKind: AppRule = (app, at) =>
    Object.entries(KIND_SETTINGS).flatMap(([key, { kinds, required }]): Problem[] => {
        const set = app[key as keyof typeof KIND_SETTINGS] !== undefined;
        const belongs = (kinds as readonly ApplicationKind[]).includes(app.kind);
        if (belongs && required && !set) return [{ path: at(key), message: `is required for a ${app.kind} application` }];
        if (!belongs && set) return [{ path: at(key), message: `is not a setting of a ${app.kind} application (only ${kinds.join(", ")})` }];
        return [];
    });

/** CPU takes no binary units ("1Gi" of CPU is a mistake, not a large number). */
const fitsResource = (q: string, resource: "cpu" | "memory"): boolean => resource === "memory" || !isBinary(q);

const requestsWithinLimits: AppRule = (app, at) =>
    (["cpu", "memory"] as const).flatMap((r): Problem[] => {
        const request = quantityValue(app.resources.requests[r]);
        const limit = quantityValue(app.resources.limits[r]);
        if (!fitsResource(app.resources.requests[r], r)) return [{ path: [...at("resources"), "requests", r], message: `"${app.resources.requests[r]}" is not a ${r} quantity` }];
        if (!fitsResource(app.resources.limits[r], r)) return [{ path: [...at("resources"), "limits", r], message: `"${app.resources.limits[r]}" is not a ${r} quantity` }];
        return request > limit
            ? [{ path: [...at("resources"), "requests", r], message: `"${app.resources.requests[r]}" is above the limit "${app.resources.limits[r]}"` }]
            : [];
    });

const autoscalingRange: AppRule = (app, at) => {
    const min = app.autoscaling.minReplicas ?? app.replicas;
    const max = app.autoscaling.maxReplicas;
    return max !== undefined && max < min ? [{ path: [...at("autoscaling"), "maxReplicas"], message: `${max} is below the floor of ${min} replicas` }] : [];
};

const partitionInRange: AppRule = (app, at) =>
    app.kind === "stateful" && app.partition > app.replicas
        ? [{ path: at("partition"), message: `${app.partition} is above the set's ${app.replicas} replicas, so no pod would ever be updated` }]
        : [];

const dedicatedInstanceType: AppRule = (app, at) =>
    app.dedicatedNode && !INSTANCE_TYPES.has(app.dedicatedNode.instanceType)
        ? [{ path: [...at("dedicatedNode"), "instanceType"], message: `"${app.dedicatedNode.instanceType}" is not an EC2 instance type such as "m6a.2xlarge"` }]
        : [];

const portsSet: AppRule = (app, at) => {
    const problems: Problem[] = [];
    for (const [name, p] of Object.entries(app.probes)) {
        const needsPort = (p?.http && p.http.port === undefined) || (p?.tcp && p.tcp.port === undefined);
        if (needsPort && app.port === undefined) problems.push({ path: [...at("probes"), name], message: "has no port and the application has none" });
    }
    return problems;
};

/** Production serves over TLS: an ingress without a certificate needs a stated reason. */
const productionTls: AppRule = (app, at, c) =>
    c.tier === "production" && app.ingress && !app.ingress.certificateArn && !app.ingress.plainHttpReason
        ? [{ path: [...at("ingress"), "certificateArn"], message: "is required in production (an HTTPS listener with HTTP redirected), or set ingress.plainHttpReason to say why this ingress serves plain HTTP" }]
        : [];

const tlsOnNlb: AppRule = (app, at) =>
    app.service.certificateArn && app.service.type !== "nlb" ? [{ path: [...at("service"), "certificateArn"], message: "is a setting of an nlb service only" }] : [];

const APP_RULES: readonly AppRule[] = [productionTls, tlsOnNlb, ownedByTeam, fitsKind, requestsWithinLimits, autoscalingRange, partitionInRange, dedicatedInstanceType, portsSet];

/** Cross-field rules of `platform:applications` (see RULES in rules.ts). */
export function applicationProblems(c: ApplicationsInput): Problem[] {
    const apps = c.applications ?? [];
    const perApp = apps.flatMap((app, i) => APP_RULES.flatMap((rule) => rule(app, (key) => ["applications", i, key], c)));
    const ids = apps.map((a) => `${a.namespace}/${a.name}`);
    const duplicates = ids.flatMap((id, i) => (ids.indexOf(id) !== i ? [{ path: ["applications", i, "name"], message: `"${id}" is used by another application` }] : []));
    const pools = apps.map((a, i) => ({ pool: a.dedicatedNode ? a.name : undefined, i })).filter((p) => p.pool !== undefined);
    const poolClashes = pools.flatMap(({ pool, i }, j) =>
        pools.slice(0, j).some((p) => p.pool === pool) || (c.karpenter?.nodePools ?? []).some((p) => p.name === pool) || (c.teams ?? []).some((t) => t.nodePool && t.name === pool)
            ? [{ path: ["applications", i, "dedicatedNode"], message: `the node pool "${pool}" (named after the application) already exists` }]
            : [],
    );
    const created = apps.map((a, i) => ({ name: typeof a.priorityClass === "object" ? a.priorityClass.name : undefined, i })).filter((p) => p.name !== undefined);
    const classClashes = created.flatMap(({ name, i }, j) =>
        created.slice(0, j).some((p) => p.name === name)
            ? [{ path: ["applications", i, "priorityClass", "name"], message: `"${name}" is created by another application: refer to it by name` }]
            : [],
    );
    return [...perApp, ...duplicates, ...poolClashes, ...classClashes];
}
