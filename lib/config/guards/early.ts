// What the cloud or the API server would refuse part-way through a deploy, refused before anything
// is registered: cron schedules and time zones, Karpenter disruption budgets (the NodePool CRD),
// rollouts that cannot progress, AWS tag rules, and an
// environment name that makes the platform's S3 bucket names invalid.
import type { GuardContext, PartialConfig, Problem } from "./types";

// --- cron (Kubernetes CronJob and Karpenter parse schedules with robfig/cron's standard parser) ---

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const CRON_FIELDS = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31, question: true },
    { name: "month", min: 1, max: 12, names: MONTHS },
    { name: "day of week", min: 0, max: 6, names: DAYS, question: true },
] as const;
const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** Why a 5-field cron schedule (or descriptor) would be refused, or undefined. */
export function cronProblem(schedule: string): string | undefined {
    const s = schedule.trim();
    if (/^(CRON_)?TZ=/.test(s)) return `"${schedule}" sets a time zone inside the schedule, which is refused: use the time zone setting`;
    if (DESCRIPTORS.includes(s)) return undefined;
    if (s.startsWith("@")) return `"${schedule}" is not a schedule descriptor (${DESCRIPTORS.join(", ")})`;
    const fields = s.split(/\s+/);
    if (fields.length !== 5) return `"${schedule}" has ${fields.length} fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)`;
    for (const [i, field] of fields.entries()) {
        const spec = CRON_FIELDS[i];
        const value = (v: string): number | undefined => {
            const named = "names" in spec ? (spec.names as readonly string[]).indexOf(v.toLowerCase()) : -1;
            if (named >= 0) return named + (spec.name === "month" ? 1 : 0);
            return /^\d+$/.test(v) ? Number(v) : undefined;
        };
        for (const item of field.split(",")) {
            const [range, step, extra] = item.split("/");
            const bad = (why: string) => `"${schedule}": ${spec.name} "${field}" ${why}`;
            if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return bad("has an invalid step");
            if (range === "*" || ("question" in spec && range === "?")) continue;
            const [lo, hi, more] = range.split("-");
            const a = value(lo);
            const b = hi === undefined ? a : value(hi);
            if (more !== undefined || a === undefined || b === undefined) return bad(`is not a number, range or list${"names" in spec ? " (or a name such as " + (spec.names as readonly string[])[0] + ")" : ""}`);
            if (a < spec.min || b > spec.max) return bad(`is outside ${spec.min}-${spec.max}`);
            if (a > b) return bad("is a range that ends before it starts");
        }
    }
    return undefined;
}

/** Whether the IANA time zone database (as Node's ICU has it) knows the zone, as the CronJob controller requires. */
export function isTimeZone(zone: string): boolean {
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}

const applicationSchedules = ({ applications }: PartialConfig): Problem[] =>
    (applications ?? []).flatMap((app, i): Problem[] => {
        if (!app.cronjob) return [];
        const problems: Problem[] = [];
        const cron = cronProblem(app.cronjob.schedule);
        if (cron) problems.push({ path: ["applications", i, "cronjob", "schedule"], message: `team ${app.team}: ${cron} (the API server refuses the CronJob)` });
        if (!isTimeZone(app.cronjob.timeZone)) problems.push({ path: ["applications", i, "cronjob", "timeZone"], message: `team ${app.team}: "${app.cronjob.timeZone}" is not a time zone of the IANA database such as "Europe/Dublin" (the API server refuses the CronJob)` });
        return problems;
    });

/** The NodePool CRD's budget rules (karpenter.sh_nodepools.yaml 1.14.1): its schedule pattern, schedule with duration, no time zones. */
const BUDGET_SCHEDULE = /^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/;

const budgetSchedules = ({ karpenter }: PartialConfig): Problem[] =>
    (karpenter?.nodePools ?? []).flatMap((pool, i) =>
        pool.budgets.flatMap((b, j): Problem[] => {
            const at = ["karpenter", "nodePools", i, "budgets", j];
            if ((b.schedule === undefined) !== (b.duration === undefined)) {
                return [{ path: [...at, b.schedule === undefined ? "schedule" : "duration"], message: `node pool ${pool.name}: a budget sets schedule and duration together or neither (the NodePool CRD: 'schedule' must be set with 'duration')` }];
            }
            if (b.schedule === undefined) return [];
            const problem = !BUDGET_SCHEDULE.test(b.schedule) ? `"${b.schedule}" does not match the NodePool CRD's schedule pattern` : cronProblem(b.schedule);
            return problem ? [{ path: [...at, "schedule"], message: `node pool ${pool.name}: ${problem} (Karpenter budgets take no time zone: UTC)` }] : [];
        }));

// --- rollouts ---

const isZero = (v: number | string) => v === 0 || v === "0%";

/** The API server refuses a Deployment whose maxSurge and maxUnavailable are both 0: the rollout could never progress. */
const rolloutProgresses = ({ applications }: PartialConfig): Problem[] =>
    (applications ?? []).flatMap((app, i): Problem[] =>
        app.kind === "service" && isZero(app.rollout.maxSurge) && isZero(app.rollout.maxUnavailable)
            ? [{ path: ["applications", i, "rollout", "maxSurge"], message: `team ${app.team}: maxSurge and maxUnavailable are both 0, which the API server refuses (the rollout could never replace a pod)` }]
            : []);

// One IAM role in two access entries: oneEntryPerRole in rules.ts.

// --- tags (AWS: key 1-128, value 0-256 characters, letters, digits, spaces and _ . : / = + - @; no aws: prefix) ---

export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 256;
/** AWS allows 50 tags per resource; the platform sets its own (lib/naming.ts baseTags, Name, discovery tags). */
export const MAX_CONFIG_TAGS = 40;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Why a tag would be refused by AWS, or undefined. */
export function tagProblem(key: string, value: string): string | undefined {
    if (/^aws:/i.test(key)) return `tag keys starting with "aws:" are reserved for AWS`;
    if (key.length < 1 || key.length > MAX_TAG_KEY) return `tag keys are 1 to ${MAX_TAG_KEY} characters (this one has ${key.length})`;
    if (value.length > MAX_TAG_VALUE) return `tag values are at most ${MAX_TAG_VALUE} characters (this one has ${value.length})`;
    if (!TAG_CHARACTERS.test(key) || !TAG_CHARACTERS.test(value)) return "tags hold only letters, digits, spaces and _ . : / = + - @";
    return undefined;
}

const validTags = ({ tags }: PartialConfig): Problem[] => {
    const entries = Object.entries(tags ?? {});
    const problems: Problem[] = entries.flatMap(([k, v]) => {
        const problem = tagProblem(k, v);
        return problem ? [{ path: ["tags", k.length > 60 ? `${k.slice(0, 60)}...` : k], message: problem }] : [];
    });
    if (entries.length > MAX_CONFIG_TAGS) problems.push({ path: ["tags"], message: `has ${entries.length} tags; with the platform's own a resource would exceed AWS's 50 (at most ${MAX_CONFIG_TAGS})` });
    return problems;
};

// --- S3 bucket names ---

/** The longest suffix the platform appends to `<name>-<env>` for a bucket: `-loki-chunks-<12-digit account>`. */
export const LONGEST_BUCKET_SUFFIX = "-loki-chunks-111122223333".length;
const BUCKET_PART = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** The environment name goes into S3 bucket names: lowercase letters, digits and hyphens, 63 characters in all. */
const bucketNames = ({ name }: PartialConfig, { env }: GuardContext): Problem[] => {
    if (!name || env === undefined) return [];
    const stem = `${name}-${env}`;
    if (!BUCKET_PART.test(env)) {
        return [{ path: ["name"], message: `with the environment "${env}" the platform's S3 bucket names ("${stem}-loki-chunks-<account>") are invalid: an environment name is lowercase letters, digits and hyphens (rename Pulumi.${env}.yaml)` }];
    }
    if (stem.length + LONGEST_BUCKET_SUFFIX > 63) {
        return [{ path: ["name"], message: `"${stem}" is too long for the platform's S3 bucket names ("${stem}-loki-chunks-<account>" exceeds 63 characters): platform:name and the environment name together take at most ${63 - LONGEST_BUCKET_SUFFIX}` }];
    }
    return [];
};

export const EARLY_RULES = [applicationSchedules, budgetSchedules, rolloutProgresses, validTags, bucketNames];
